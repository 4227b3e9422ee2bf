"""Subject records (API key + audit log): lookup by code or name, repair plan, measures, import."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile

from assistant.api.app import get_assistant
from assistant.api.schemas import ImportResponse, SubjectRecords, SubjectSummary
from assistant.api.security import RecordCaller
from assistant.errors import InvalidQuestion, InvalidUSCC, RecordImportError, SubjectNotFound
from assistant.models import Answer
from assistant.service import Assistant
from assistant.tools.measures import CATEGORY_TITLES
from connectors import ImportRejected, SubjectInfo, USCCError, validate_uscc

router = APIRouter(prefix="/v1", tags=["records"])
AssistantDep = Annotated[Assistant, Depends(get_assistant)]


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


@router.get("/subjects/{code}", response_model=SubjectRecords, summary="按统一社会信用代码查询主体信用记录")
def subject_by_code(code: str, assistant: AssistantDep, caller: RecordCaller) -> SubjectRecords:
    assistant.record_access(caller, "subject_status", code[:40])
    subject = find_by_code(assistant, code)
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


@router.get(
    "/subjects", response_model=list[SubjectSummary], summary="按名称查询主体（精确优先，其次模糊匹配）"
)
def subjects_by_name(
    assistant: AssistantDep,
    caller: RecordCaller,
    name: Annotated[str, Query(description="主体名称或其一部分", max_length=200)],
) -> list[SubjectSummary]:
    if not name.strip():
        raise InvalidQuestion("名称不能为空。")
    assistant.record_access(caller, "subject_search", name[:60])
    return [summary(m.subject, m.score) for m in assistant.records.repository.by_name(name)]


@router.get("/subjects/{code}/repair-plan", response_model=Answer, summary="主体的信用修复方案")
def repair_plan(code: str, assistant: AssistantDep, caller: RecordCaller) -> Answer:
    assistant.record_access(caller, "repair_plan", code[:40])
    answer, _ = assistant.answer_about("repair_steps", find_by_code(assistant, code), caller)
    return answer


@router.get("/measures", response_model=Answer, summary="适用的激励或惩戒措施清单")
def measures(
    assistant: AssistantDep,
    caller: RecordCaller,
    status: Annotated[str | None, Query(description="类别：" + "、".join(CATEGORY_TITLES))] = None,
    locality: Annotated[str | None, Query(description="地区，如 濮阳")] = None,
    code: Annotated[str | None, Query(description="统一社会信用代码（按主体记录判断类别）")] = None,
) -> Answer:
    if code:
        assistant.record_access(caller, "measures", code[:40])
        answer, _ = assistant.answer_about("applicable_measures", find_by_code(assistant, code), caller)
        return answer
    if status not in CATEGORY_TITLES:
        raise InvalidQuestion(f"请指定类别 status，可选：{'、'.join(CATEGORY_TITLES)}；或提供 code。")
    return assistant.category_measures(status, locality)


@router.post(
    "/records/import", response_model=ImportResponse, summary="导入记录文件（CSV/JSONL/XLSX，整批事务）"
)
async def import_records(
    request: Request,
    assistant: AssistantDep,
    caller: RecordCaller,
    file: Annotated[UploadFile, File(description="CSV / JSONL / XLSX 文件")],
    record_type: Annotated[str | None, Form(description="记录类型；省略时按文件名前缀判断")] = None,
) -> ImportResponse:
    limit = request.app.state.settings.api.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise RecordImportError(f"文件过大：最大 {limit // 1_000_000} MB。")
    assistant.record_access(caller, "import", file.filename or "")
    try:
        result = assistant.records.import_file(file.filename or "upload.csv", data, record_type or None)
    except ImportRejected as exc:
        errors = [{"row": e.row, "column": e.column, "reason": e.reason} for e in exc.errors[:500]]
        raise RecordImportError(exc.message, errors=errors) from exc
    return ImportResponse(**{k: getattr(result, k) for k in ImportResponse.model_fields})
