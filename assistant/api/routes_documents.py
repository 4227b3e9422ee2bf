"""GET /v1/documents and /v1/documents/{id} (with the section tree)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends

from assistant.api.app import get_assistant
from assistant.api.problems import problem_responses
from assistant.api.schemas import DocumentDetail, DocumentSummary, SectionNodeModel
from assistant.errors import DocumentNotFound
from assistant.service import Assistant
from corpus import DocumentMeta, SectionNode

router = APIRouter(prefix="/v1", tags=["documents"])
AssistantDep = Annotated[Assistant, Depends(get_assistant)]


def document_summary(meta: DocumentMeta, passages: int) -> DocumentSummary:
    return DocumentSummary(
        doc_id=meta.doc_id,
        title=meta.title,
        doc_number=meta.doc_number,
        doc_numbers=list(meta.doc_numbers),
        issuer=meta.issuer,
        date=meta.date,
        year=meta.year,
        locality=meta.locality.label,
        kind=meta.kind,
        passages=passages,
    )


def node_model(node: SectionNode) -> SectionNodeModel:
    return SectionNodeModel(label=node.label, children=[node_model(c) for c in node.children])


@router.get(
    "/documents",
    response_model=list[DocumentSummary],
    summary="政策文件列表",
    responses=problem_responses(503),
)
def documents(assistant: AssistantDep) -> list[DocumentSummary]:
    counts: dict[str, int] = {}
    for p in assistant.corpus.passages:
        counts[p.doc_id] = counts.get(p.doc_id, 0) + 1
    return [document_summary(m, counts.get(m.doc_id, 0)) for m in assistant.corpus.documents.values()]


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentDetail,
    summary="政策文件详情与章节树",
    responses=problem_responses(404, 503, codes=("document_not_found", "not_ready")),
)
def document(doc_id: str, assistant: AssistantDep) -> DocumentDetail:
    meta = assistant.corpus.documents.get(doc_id)
    if meta is None:
        raise DocumentNotFound(f"未找到文档：{doc_id[:60]}")
    raw = assistant.corpus.raw_text(doc_id)
    passages = [asdict(p) for p in assistant.corpus.passages if p.doc_id == doc_id]
    return DocumentDetail(
        **document_summary(meta, len(passages)).model_dump(),
        sections=[node_model(n) for n in assistant.corpus.section_trees[doc_id]],
        passage_list=passages,
        raw_text=raw,
    )
