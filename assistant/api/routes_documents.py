"""Reading the knowledge base: the document list, one document's parse result, its original file."""

from __future__ import annotations

import mimetypes
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse

from assistant.api.app import get_assistant
from assistant.api.problems import problem_responses
from assistant.api.schemas import DocumentSummary, SectionNodeModel
from assistant.api.schemas_documents import DocumentDetail, LibraryDocument, ParseWarningModel
from assistant.document_view import clean_tree, metadata_fields, parse_warnings, passage_sections
from assistant.documents_service import corrections_of, library_of
from assistant.errors import DocumentNotFound
from assistant.service import Assistant
from assistant.settings import Settings
from corpus import DocumentMeta, SectionNode

router = APIRouter(prefix="/v1", tags=["documents"])
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
MEDIA_TYPES = {".md": "text/markdown; charset=utf-8", ".txt": "text/plain"}
ORIGINAL_MEDIA_TYPES = (
    "text/plain",
    "text/markdown",
    "text/html",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/octet-stream",
)


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
        place=meta.locality.county or meta.locality.city or meta.locality.province or "",
        kind=meta.kind,
        passages=passages,
    )


def library_document(
    meta: DocumentMeta, passages: int, note: dict[str, Any], corrected: dict[str, Any]
) -> LibraryDocument:
    """A document as the knowledge base lists it: `note` is what the library keeps about its file,
    `corrected` its corrections."""
    return LibraryDocument(
        **document_summary(meta, passages).model_dump(),
        warnings=[ParseWarningModel(code=w.code, message=w.message) for w in parse_warnings(meta, note)],  # type: ignore[arg-type]
        corrected=sorted(corrected),
        original_name=note.get("original"),
        file_type=Path(meta.source_path).suffix.lstrip(".").lower(),
    )


def node_model(node: SectionNode) -> SectionNodeModel:
    return SectionNodeModel(label=node.label, children=[node_model(c) for c in node.children])


def known_document(assistant: Assistant, doc_id: str) -> DocumentMeta:
    meta = assistant.corpus.documents.get(doc_id)
    if meta is None:
        raise DocumentNotFound(f"未找到文档：{doc_id[:60]}")
    return meta


@router.get(
    "/documents",
    response_model=list[LibraryDocument],
    summary="知识库文档列表（元数据、解析提醒、已更正字段）",
    responses=problem_responses(503),
)
def documents(request: Request, assistant: AssistantDep) -> list[LibraryDocument]:
    counts: dict[str, int] = {}
    for p in assistant.corpus.passages:
        counts[p.doc_id] = counts.get(p.doc_id, 0) + 1
    settings = request.app.state.settings
    notes, corrections = library_of(settings).info(), corrections_of(settings).read()
    return [
        library_document(m, counts.get(m.doc_id, 0), notes.get(m.doc_id, {}), corrections.get(m.doc_id, {}))
        for m in assistant.corpus.documents.values()
    ]


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentDetail,
    summary="文档解析结果：元数据、章节树（按文档顺序）、段落、解析提醒",
    responses=problem_responses(404, 503, codes=("document_not_found", "not_ready")),
)
def document(doc_id: str, request: Request, assistant: AssistantDep) -> DocumentDetail:
    meta = known_document(assistant, doc_id)
    passages = [p for p in assistant.corpus.passages if p.doc_id == doc_id]
    listed: list[dict[str, Any]] = [
        {**asdict(p), "section": section}
        for p, section in zip(passages, passage_sections(passages), strict=True)
    ]
    settings = request.app.state.settings
    note, corrected = library_of(settings).info().get(doc_id, {}), corrections_of(settings).of(doc_id)
    return DocumentDetail(
        **library_document(meta, len(passages), note, corrected).model_dump(),
        metadata=metadata_fields(meta),
        sections=[node_model(n) for n in clean_tree(assistant.corpus.section_trees[doc_id])],
        section_labels=list(dict.fromkeys(p["section"] for p in listed)),
        passage_list=listed,
        raw_text=assistant.corpus.raw_text(doc_id),
    )


def original_file(settings: Settings, meta: DocumentMeta) -> Path | None:
    """The document's original: its file in the library, else the file it was ingested from."""
    in_library = library_of(settings).file_of(meta.doc_id)
    if in_library is not None:
        return in_library
    source = Path(meta.source_path) if meta.source_path else None
    return source if source is not None and source.is_file() else None


@router.get(
    "/documents/{doc_id}/original",
    summary="下载文档原件（上传时的原始文件）",
    response_class=FileResponse,
    responses={
        200: {
            "description": "原始文件（按文件类型）",
            "content": {media: {} for media in ORIGINAL_MEDIA_TYPES},
        },
        **problem_responses(404, 503, codes=("document_not_found", "not_ready")),
    },
)
def original(doc_id: str, request: Request, assistant: AssistantDep) -> FileResponse:
    meta = known_document(assistant, doc_id)
    settings = request.app.state.settings
    path = original_file(settings, meta)
    if path is None:
        raise DocumentNotFound(f"文档 {doc_id[:60]} 的原件不在数据目录中。")
    name = library_of(settings).info().get(doc_id, {}).get("original") or path.name
    media = (
        MEDIA_TYPES.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )
    return FileResponse(path, media_type=media, filename=name)
