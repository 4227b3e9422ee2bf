"""Subject records (API key + audit log): lookup by code or name, repair plan, measures, import."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile

from assistant.api.app import get_assistant
from assistant.api.problems import problem_responses
from assistant.api.schemas import NOT_BLANK, USCC_SCHEMA, ImportResponse, SubjectRecords, SubjectSummary
from assistant.api.security import require_api_key
from assistant.errors import InvalidQuestion, InvalidUSCC, RecordImportError, SubjectNotFound
from assistant.models import Answer
from assistant.service import Assistant
from assistant.tools.measures import CATEGORY_TITLES
from connectors import ImportRejected, SubjectInfo, USCCError, validate_uscc
from connectors.schemas import ROW_SCHEMAS

router = APIRouter(prefix="/v1", tags=["records"])
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
Caller = Annotated[str, Depends(require_api_key)]
# The code is checked here, not by pydantic, so that a bad one is answered with its reason (422 invalid_uscc).
Code = Annotated[
    str,
    Path(description="统一社会信用代码（18位，可小写；校验位不符时返回 422）", json_schema_extra=USCC_SCHEMA),
]
BY_CODE = problem_responses(
    401,
    404,
    422,
    503,
    codes=("unauthorized", "subject_not_found", "invalid_uscc", "invalid_request", "not_ready"),
)


def audit(request: Request, who: str, action: str, target: str) -> None:
    client = request.client.host if request.client else ""
    request.app.state.audit.write(who, action, target, client)


def find_by_code(assistant: Assistant, code: str) -> SubjectInfo:
    try:
        normalised = validate_uscc(code).code
    except USCCError as exc:
        raise InvalidUSCC(str(exc), uscc=code[:40]) from exc
    subject = assistant.records.repository.by_uscc(normalised)
    if subject is None:
        raise SubjectNotFound(f"未找到统一社会信用代码为 {normalised} 的主体记录。", uscc=normalised)
    return subject


def summary(subject: SubjectInfo, score: float | None = None) -> SubjectSummary:
    return SubjectSummary(
        name=subject.name,
        identifier=subject.identifier,
        kind=subject.kind,
        locality=subject.locality,
        industry=subject.industry,
        score=score,
    )


@router.get(
    "/subjects/{code}",
    response_model=SubjectRecords,
    summary="按统一社会信用代码查询主体信用记录",
    responses=BY_CODE,
)
def subject_by_code(code: Code, request: Request, assistant: AssistantDep, who: Caller) -> SubjectRecords:
    audit(request, who, "subject_status", code[:40])
    subject = find_by_code(assistant, code)
    answer, profile = assistant.answer_about("subject_status", subject)
    return SubjectRecords(
        subject=summary(subject),
        penalties=[asdict(p) for p in profile.penalties],
        lists=[asdict(e) for e in profile.lists],
        evaluations=[asdict(e) for e in profile.evaluations],
        commitments=[asdict(c) for c in profile.commitments],
        repairs=[asdict(r) for r in profile.repairs],
        answer=answer,
    )


@router.get(
    "/subjects",
    response_model=list[SubjectSummary],
    summary="按名称查询主体（精确优先，其次模糊匹配）",
    responses=problem_responses(
        401, 422, 503, codes=("unauthorized", "invalid_question", "invalid_request", "not_ready")
    ),
)
def subjects_by_name(
    request: Request,
    assistant: AssistantDep,
    who: Caller,
    name: Annotated[
        str,
        Query(description="主体名称或其一部分（不能为空）", max_length=200, json_schema_extra=NOT_BLANK),
    ],
) -> list[SubjectSummary]:
    if not name.strip():
        raise InvalidQuestion("名称不能为空。")
    audit(request, who, "subject_search", name[:60])
    return [summary(m.subject, m.score) for m in assistant.records.repository.by_name(name)]


@router.get(
    "/subjects/{code}/repair-plan", response_model=Answer, summary="主体的信用修复方案", responses=BY_CODE
)
def repair_plan(code: Code, request: Request, assistant: AssistantDep, who: Caller) -> Answer:
    audit(request, who, "repair_plan", code[:40])
    answer, _ = assistant.answer_about("repair_steps", find_by_code(assistant, code))
    return answer


@router.get(
    "/subjects/{code}/measures",
    response_model=Answer,
    summary="主体适用的措施（按其记录判断类别）",
    responses=BY_CODE,
)
def subject_measures(code: Code, request: Request, assistant: AssistantDep, who: Caller) -> Answer:
    audit(request, who, "measures", code[:40])
    answer, _ = assistant.answer_about("applicable_measures", find_by_code(assistant, code))
    return answer


@router.get(
    "/measures",
    response_model=Answer,
    summary="某类主体适用的激励或惩戒措施清单",
    responses=problem_responses(
        401, 422, 503, codes=("unauthorized", "invalid_question", "invalid_request", "not_ready")
    ),
)
def measures(
    assistant: AssistantDep,
    who: Caller,
    status: Annotated[
        str,
        Query(
            description="类别：" + "、".join(CATEGORY_TITLES),
            json_schema_extra={"enum": list(CATEGORY_TITLES)},
        ),
    ],
    locality: Annotated[str | None, Query(description="地区，如 濮阳", max_length=50)] = None,
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
        422,
        503,
        codes=("http_400", "unauthorized", "record_import_error", "invalid_request", "not_ready"),
    ),
)
async def import_records(
    request: Request,
    assistant: AssistantDep,
    who: Caller,
    file: Annotated[UploadFile, File(description="CSV / JSONL / XLSX 文件")],
    record_type: Annotated[
        str | None,
        Form(description="记录类型；省略时按文件名前缀判断", json_schema_extra={"enum": list(ROW_SCHEMAS)}),
    ] = None,
) -> ImportResponse:
    limit = request.app.state.settings.api.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise RecordImportError(f"文件过大：最大 {limit // 1_000_000} MB。")
    audit(request, who, "import", file.filename or "")
    try:
        result = assistant.records.import_file(file.filename or "upload.csv", data, record_type or None)
    except ImportRejected as exc:
        errors = [{"row": e.row, "column": e.column, "reason": e.reason} for e in exc.errors[:500]]
        raise RecordImportError(exc.message, errors=errors) from exc
    return ImportResponse(**{k: getattr(result, k) for k in ImportResponse.model_fields})
