"""The hybrid retriever as a LangChain BaseRetriever returning Documents with citation metadata."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from indexes.hybrid import HybridRetriever, Method
from indexes.models import Hit, SearchFilter


def hit_to_document(hit: Hit) -> Document:
    p, d = hit.passage, hit.document
    return Document(
        page_content=p.text,
        metadata={
            "passage_id": p.passage_id,
            "doc_id": p.doc_id,
            "title": d.title,
            "doc_number": d.doc_number,
            "issuer": d.issuer,
            "locality": d.locality.label,
            "section_path": p.section_label,
            "start": p.start,
            "end": p.end,
            "score": hit.score,
        },
    )


class CreditPolicyRetriever(BaseRetriever):
    """LangChain adapter; adds no logic of its own."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any  # HybridRetriever (Any: pydantic cannot validate the plain class)
    k: int = 5
    method: Method = "hybrid"
    filters: SearchFilter | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        engine: HybridRetriever = self.retriever
        return [hit_to_document(h) for h in engine.search(query, self.k, self.method, self.filters)]
