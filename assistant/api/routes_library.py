"""Changing the knowledge base (admin role): upload, replace, correct and delete documents.

Each request checks what it can at once (type, size, count, names, existence; 4xx problem+json), stores the
upload for the job and answers 202 with the job's URL; parsing, ingest and re-indexing run in the background
(assistant/document_jobs.py) and the index switches when they are done.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, File, Request, Response, UploadFile

from assistant.access import Principal, authorize
from assistant.api.app import get_assistant
from assistant.api.problems import problem_responses
from assistant.api.schemas_documents import DocumentCorrection, DocumentJob
from assistant.api.security import caller
from assistant.document_jobs import DocumentJobs
from assistant.documents_service import IncomingFile, check_upload, plan_upload
from assistant.errors import DocumentNotFound, DocumentRejected, NotReady, Unauthorized
from assistant.service import Assistant
from connectors.document_jobs import DocumentJobRecord

DOCUMENTS_NEED_KEY = "管理知识库文档需要有效的 API 密钥（请求头 X-API-Key，管理员角色）。"


async def require_admin(principal: Annotated[Principal, Depends(caller)]) -> Principal:
    """The one place document management is checked: a key whose role may manage documents (admin)."""
    if principal.role is None:
        raise Unauthorized(DOCUMENTS_NEED_KEY)
    authorize(principal, "documents")
    return principal


def get_document_jobs(request: Request) -> DocumentJobs:
    jobs: DocumentJobs | None = getattr(request.app.state.runtime, "documents", None)
    if jobs is None:
        raise NotReady("服务正在加载索引和模型，暂不能管理文档，请稍后再试。")
    return jobs


Admin = Annotated[Principal, Depends(require_admin)]
Jobs = Annotated[DocumentJobs, Depends(get_document_jobs)]
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
CODES = (
    "http_400",
    "unauthorized",
    "forbidden",
    "document_not_found",
    "document_exists",
    "document_rejected",
    "document_too_large",
    "invalid_request",
    "not_ready",
)
router = APIRouter(
    prefix="/v1/documents",
    tags=["documents"],
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422, 503, codes=CODES),  # 400: malformed multipart
)


def known_ids(jobs: DocumentJobs, assistant: Assistant) -> set[str]:
    """The documents there are: the library's files once it exists, else the served corpus."""
    return set(jobs.library.files()) if jobs.library.exists() else set(assistant.corpus.documents)


def existing(jobs: DocumentJobs, assistant: Assistant, doc_id: str) -> str:
    if doc_id not in known_ids(jobs, assistant):
        raise DocumentNotFound(f"未找到文档：{doc_id[:60]}")
    return doc_id


def accepted(record: DocumentJobRecord, response: Response) -> DocumentJob:
    job = DocumentJob.of(record)
    response.headers["Location"] = job.url
    return job


async def read_upload(file: UploadFile, limit: int) -> tuple[str, bytes]:
    return file.filename or "", await file.read(limit + 1)  # one byte over the limit is enough to refuse


@router.post("", response_model=DocumentJob, status_code=202, summary="上传文档（可多个），后台解析并入库")
async def upload_documents(
    request: Request,
    response: Response,
    jobs: Jobs,
    assistant: AssistantDep,
    admin: Admin,
    files: Annotated[list[UploadFile], File(description="文档文件：txt、md、docx、pdf、html（可多个）")],
) -> DocumentJob:
    """文件类型、大小、数量和同名文档当场检查（4xx）；读取与解析在后台任务中进行，无法入库的文件使任务失败并说明原因，知识库保持不变。"""
    limits = request.app.state.settings.documents
    uploads = [await read_upload(f, limits.max_file_bytes) for f in files[: limits.max_files + 1]]
    planned = plan_upload(uploads, known_ids(jobs, assistant), limits.max_files, limits.max_file_bytes)
    record = jobs.submit("upload", admin, list(zip(planned, (data for _, data in uploads), strict=True)))
    return accepted(record, response)


@router.put("/{doc_id}", response_model=DocumentJob, status_code=202, summary="用新文件替换文档（编号不变）")
async def replace_document(
    doc_id: str,
    request: Request,
    response: Response,
    jobs: Jobs,
    assistant: AssistantDep,
    admin: Admin,
    file: Annotated[UploadFile, File(description="新的文档文件：txt、md、docx、pdf、html")],
) -> DocumentJob:
    """替换后重新解析；管理员更正过的字段仍然保留。"""
    existing(jobs, assistant, doc_id)
    name, data = await read_upload(file, request.app.state.settings.documents.max_file_bytes)
    checked = check_upload(name, data, request.app.state.settings.documents.max_file_bytes)
    item = IncomingFile(checked.original, checked.name, doc_id)
    return accepted(jobs.submit("replace", admin, [(item, data)], doc_id=doc_id), response)


@router.patch("/{doc_id}", response_model=DocumentJob, status_code=202, summary="更正识别有误的字段")
def correct_document(
    doc_id: str,
    response: Response,
    jobs: Jobs,
    assistant: AssistantDep,
    admin: Admin,
    correction: Annotated[DocumentCorrection, Body()],
) -> DocumentJob:
    """更正保存在语料旁，每次解析后重新应用（重新解析、替换文件后仍然保留）；值为 null 表示撤销该字段的更正。"""
    existing(jobs, assistant, doc_id)
    fields = correction.as_fields()
    if not fields:
        raise DocumentRejected("没有要更正的字段。")
    return accepted(jobs.submit("correct", admin, doc_id=doc_id, fields=fields), response)


@router.delete("/{doc_id}", response_model=DocumentJob, status_code=202, summary="删除文档")
def delete_document(
    doc_id: str, response: Response, jobs: Jobs, assistant: AssistantDep, admin: Admin
) -> DocumentJob:
    existing(jobs, assistant, doc_id)
    return accepted(jobs.submit("delete", admin, doc_id=doc_id), response)
