"""The obvious alternative to compare against: plain LangChain + FAISS with the same embedding model."""

from __future__ import annotations

from langchain_community.vectorstores import FAISS
from langchain_core.embeddings import Embeddings

from corpus import Passage
from indexes import Encoder


class EncoderEmbeddings(Embeddings):
    """Our encoder behind LangChain's Embeddings interface."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encoder.encode_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encoder.encode_queries([text])[0].tolist()


class LangChainFaissBaseline:
    """Passages embedded as plain text (no section context), searched with FAISS similarity."""

    name = "langchain_faiss"

    def __init__(self, passages: list[Passage], encoder: Encoder) -> None:
        self.store = FAISS.from_texts(
            [p.text for p in passages],
            EncoderEmbeddings(encoder),
            metadatas=[{"passage_id": p.passage_id} for p in passages],
        )

    def search(self, query: str, k: int = 10) -> list[str]:
        return [doc.page_content for doc in self.store.similarity_search(query, k=k)]
