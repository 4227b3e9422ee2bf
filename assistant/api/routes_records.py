"""Subject records (API key + audit log): lookup by code or name, repair plan, measures, import."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse

from assistant.access import ROUTE_ACTIONS, Principal, authorize
from assistant.api.app import get_assistant
from assistant.api.problems import problem_responses
from assistant.api.schemas import (
    NOT_BLANK,
    USCC_SCHEMA,
    ImportResponse,
    SubjectPage,
    SubjectRecords,
    SubjectSummary,
)
from assistant.api.security import RecordCaller
from assistant.api.uploads import off_loop, read_upload
from assistant.errors import InvalidQuestion, InvalidUSCC, RecordImportError, SubjectNotFound, UploadTooLarge
from assistant.measures_sheet import MeasuresSheet, SheetSubject, sheet_html
from assistant.models import Answer
from assistant.service import Assistant
from assistant.tools.measures import CATEGORY_TITLES
from connectors import ImportRejected, SubjectInfo, USCCError, validate_uscc
from connectors.schemas import ROW_SCHEMAS
from indexes import read_manifest

NO_STORE = {"Cache-Control": "no-store"}  # subject records are never kept by a browser or proxy cache


def no_store(response: Response) -> None:
    """A dependency of every operation that returns subject records."""
    response.headers.update(NO_STORE)


router = APIRouter(prefix="/v1", tags=["records"])
records_router = APIRouter(tags=["records"], dependencies=[Depends(no_store)])  # included below, under /v1
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
# The code is checked here, not by pydantic, so that a bad one is answered with its reason (422 invalid_uscc).
Code = Annotated[
    str,
    Path(description="统一社会信用代码（18位，可小写；校验位不符时返回 422）", json_schema_extra=USCC_SCHEMA),
]
BY_CODE = problem_responses(
    401,
    403,
    404,
    422,
    503,
    codes=("unauthorized", "forbidden", "subject_not_found", "invalid_uscc", "invalid_request", "not_ready"),
)


def find_by_code(assistant: Assistant, code: str) -> SubjectInfo:
    try:
        normalised = validate_uscc(code).code
    except USCCError as exc:
        raise InvalidUSCC(str(exc), uscc=code[:40]) from exc
    subject = assistant.records.repository.by_uscc(normalised)
    if subject is None:
        raise SubjectNotFound(f"未找到统一社会信用代码为 {normalised} 的主体记录。", uscc=normalised)
    return subject


def audited_subject(assistant: Assistant, caller: Principal, action: str, code: str) -> SubjectInfo:
    """The subject with this code for a caller allowed `action`; the lookup is audited with the subject's id
    (a code that is invalid or not on record is audited as asked, without one)."""
    authorize(caller, action)
    try:
        subject = find_by_code(assistant, code)
    except (InvalidUSCC, SubjectNotFound):
        assistant.record_access(caller, action, code[:40])
        raise
    assistant.record_access(caller, action, code[:40], subject.id)
    return subject


def answer_for_code(assistant: Assistant, caller: Principal, route: str, code: str) -> Answer:
    """A route's tool answer for the subject with this code: checked and audited like every record path."""
    subject = audited_subject(assistant, caller, ROUTE_ACTIONS[route], code)
    answer, _ = assistant.answer_about(route, subject, caller)
    return answer


def summary(subject: SubjectInfo, score: float | None = None) -> SubjectSummary:
    return SubjectSummary(
        name=subject.name,
        identifier=subject.identifier,
        kind=subject.kind,
        locality=subject.locality,
        industry=subject.industry,
        score=score,
    )


@records_router.get(
    "/subjects/{code}",
    response_model=SubjectRecords,
    summary="按统一社会信用代码查询主体信用记录",
    responses=BY_CODE,
)
def subject_by_code(code: Code, assistant: AssistantDep, caller: RecordCaller) -> SubjectRecords:
    subject = audited_subject(assistant, caller, "subject_status", code)
    answer, profile = assistant.answer_about("subject_status", subject, caller)
    return SubjectRecords(
        subject=summary(subject),
        penalties=[asdict(p) for p in profile.penalties],
        lists=[asdict(e) for e in profile.lists],
        evaluations=[asdict(e) for e in profile.evaluations],
        commitments=[asdict(c) for c in profile.commitments],
        repairs=[asdict(r) for r in profile.repairs],
        answer=answer,
    )


@records_router.get(
    "/subjects",
    response_model=SubjectPage,
    summary="按名称查询主体（精确优先，其次模糊匹配；分页，含总数）",
    responses=problem_responses(
        401,
        403,
        422,
        503,
        codes=("unauthorized", "forbidden", "invalid_question", "invalid_request", "not_ready"),
    ),
)
def subjects_by_name(
    assistant: AssistantDep,
    caller: RecordCaller,
    name: Annotated[
        str,
        Query(description="主体名称或其一部分（不能为空）", max_length=200, json_schema_extra=NOT_BLANK),
    ],
    offset: Annotated[int, Query(ge=0, le=10_000, description="跳过前若干个结果")] = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="每页条数（1–100）")] = 20,
) -> SubjectPage:
    if not name.strip():
        raise InvalidQuestion("名称不能为空。")
    assistant.record_access(caller, "subject_search", name[:60])
    page = assistant.records.repository.search_names(name, offset, limit)
    return SubjectPage(
        total=page.total,
        capped=page.capped,
        offset=offset,
        limit=limit,
        items=[summary(m.subject, m.score) for m in page.matches],
    )


@records_router.get(
    "/subjects/{code}/repair-plan", response_model=Answer, summary="主体的信用修复方案", responses=BY_CODE
)
def repair_plan(code: Code, assistant: AssistantDep, caller: RecordCaller) -> Answer:
    return answer_for_code(assistant, caller, "repair_steps", code)


@records_router.get(
    "/subjects/{code}/measures",
    response_model=Answer,
    summary="主体适用的措施（按其记录判断类别）",
    responses=BY_CODE,
)
def subject_measures(code: Code, assistant: AssistantDep, caller: RecordCaller) -> Answer:
    return answer_for_code(assistant, caller, "applicable_measures", code)


def corpus_version(assistant: Assistant) -> str:
    """The knowledge base a sheet was made from: its corpus hash, document count and index version."""
    corpus = assistant.corpus
    folder = assistant.settings.index_dir / corpus.version if corpus.version else assistant.settings.index_dir
    corpus_hash = read_manifest(folder).get("corpus_hash") or "—"
    return f"{corpus_hash}（{len(corpus.documents)} 份文件；索引 {corpus.version or '—'}）"


def html_sheet(sheet: MeasuresSheet, filename: str, personal: bool) -> HTMLResponse:
    """The sheet as a page; one with a subject's records is never cached (a returned response skips `no_store`)."""
    disposition = f"inline; filename=\"measures.html\"; filename*=UTF-8''{quote(filename)}"
    headers = {"Content-Disposition": disposition, **(NO_STORE if personal else {})}
    return HTMLResponse(sheet_html(sheet), headers=headers)


SHEET_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"text/html": {}}, "description": "完整的 HTML 文档（含打印样式）"}}


@records_router.get(
    "/subjects/{code}/measures.html",
    response_class=HTMLResponse,
    summary="主体的适用措施清单（可打印的 HTML 文档：标题、日期、主体、状况、措施及出处、知识库版本）",
    responses={**BY_CODE, **SHEET_RESPONSES},
)
def subject_measures_sheet(code: Code, assistant: AssistantDep, caller: RecordCaller) -> HTMLResponse:
    subject = audited_subject(assistant, caller, "measures", code)
    answer, _ = assistant.answer_about("applicable_measures", subject, caller)
    person = SheetSubject(subject.name, subject.identifier, subject.kind, subject.locality)
    sheet = MeasuresSheet(assistant.today, answer, corpus_version(assistant), subject=person)
    return html_sheet(sheet, f"适用措施清单-{subject.identifier}.html", personal=True)


# The category and place a measures list is asked for (the JSON list and its printable sheet take the same two).
CategoryQuery = Annotated[
    str,
    Query(description="类别：" + "、".join(CATEGORY_TITLES), json_schema_extra={"enum": list(CATEGORY_TITLES)}),
]
LocalityQuery = Annotated[str | None, Query(description="地区，如 濮阳", max_length=50)]


@router.get(
    "/measures.html",
    response_class=HTMLResponse,
    summary="某类主体的措施清单（可打印的 HTML 文档，公开，无需密钥）",
    responses={
        **problem_responses(422, 503, codes=("invalid_question", "invalid_request", "not_ready")),
        **SHEET_RESPONSES,
    },
)
def measures_sheet(
    assistant: AssistantDep,
    status: CategoryQuery,
    locality: LocalityQuery = None,
) -> HTMLResponse:
    answer = measures(assistant, status, locality)
    sheet = MeasuresSheet(
        assistant.today, answer, corpus_version(assistant), category=status, locality=locality or None
    )
    return html_sheet(sheet, f"措施清单-{status}-{locality or '全部地区'}.html", personal=False)


@router.get(
    "/measures",
    response_model=Answer,
    summary="某类主体适用的激励或惩戒措施清单（公开，无需密钥）",
    responses=problem_responses(422, 503, codes=("invalid_question", "invalid_request", "not_ready")),
)
def measures(
    assistant: AssistantDep,
    status: CategoryQuery,
    locality: LocalityQuery = None,
) -> Answer:
    if status not in CATEGORY_TITLES:
        raise InvalidQuestion(f"类别 status 应为：{'、'.join(CATEGORY_TITLES)}。")
    return assistant.category_measures(status, locality)


@router.post(
    "/records/import",
    response_model=ImportResponse,
    summary="导入记录文件（CSV/JSONL/XLSX，整批事务）",
    responses=problem_responses(
        400,
        401,
        403,
        413,
        422,
        503,
        codes=(
            "http_400",
            "unauthorized",
            "forbidden",
            "upload_too_large",
            "record_import_error",
            "invalid_request",
            "not_ready",
        ),
    ),
)
async def import_records(
    request: Request,
    assistant: AssistantDep,
    caller: RecordCaller,
    file: Annotated[UploadFile, File(description="CSV / JSONL / XLSX 文件")],
    record_type: Annotated[
        str | None,
        Form(description="记录类型；省略时按文件名前缀判断", json_schema_extra={"enum": list(ROW_SCHEMAS)}),
    ] = None,
) -> ImportResponse:
    """整个文件在工作线程中读取和校验（行数、列数、单元格长度、解压后大小均有上限，超限返回 413）。"""
    data = await read_upload(request, file)
    assistant.record_access(caller, "import", (file.filename or "")[:200])
    name = file.filename or "upload.csv"
    try:
        result = await off_loop(request, assistant.records.import_file, name, data, record_type or None)
    except ImportRejected as exc:
        if exc.too_large:
            raise UploadTooLarge(exc.message) from exc
        errors = [{"row": e.row, "column": e.column, "reason": e.reason} for e in exc.errors[:500]]
        raise RecordImportError(exc.message, errors=errors) from exc
    return ImportResponse(**{k: getattr(result, k) for k in ImportResponse.model_fields})


router.include_router(records_router)  # after its operations are defined: include_router copies them
