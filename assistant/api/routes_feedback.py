"""Feedback for evaluators: list and filter it, export the 👎 items as a QA set that `eval run` accepts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from assistant.api.app import get_assistant
from assistant.api.problems import problem_responses
from assistant.api.routes_evals import require_evaluator
from assistant.api.schemas_conversations import FeedbackOut
from assistant.errors import InvalidQuestion, NothingToExport
from assistant.feedback_export import feedback_set, jsonl
from assistant.service import Assistant
from connectors.feedback import FeedbackRecord, FeedbackStore
from evals.datasets import DatasetError, load_bytes

JSONL = "application/x-ndjson"
router = APIRouter(
    prefix="/v1/feedback",
    tags=["feedback"],
    dependencies=[Depends(require_evaluator)],
    responses=problem_responses(
        401,
        403,
        422,
        503,
        codes=("unauthorized", "forbidden", "invalid_question", "invalid_request", "not_ready"),
    ),
)
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
Since = Annotated[
    str | None,
    Query(
        description="只看此时间之后的反馈（ISO 8601，如 2026-11-01T00:00:00Z）",
        max_length=40,
        json_schema_extra={"format": "date-time"},
    ),
]


def moment_of(since: str | None) -> dt.datetime | None:
    """The `since` parameter as an aware UTC time (no zone: UTC); a value that is no ISO 8601 time is a 422."""
    if since is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(since.strip())
    except ValueError as exc:
        raise InvalidQuestion(
            f"since 应为 ISO 8601 时间，如 2026-11-01T00:00:00Z，而不是“{since[:40]}”。"
        ) from exc
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def stored(assistant: Assistant, rating: str | None, since: str | None, limit: int) -> list[FeedbackRecord]:
    return FeedbackStore(assistant.records.sessions).list(rating, moment_of(since), limit)


@router.get("", response_model=list[FeedbackOut], summary="反馈列表（最新在前，可按 👍/👎 与时间筛选）")
def list_feedback(
    assistant: AssistantDep,
    rating: Annotated[Literal["up", "down"] | None, Query(description="up：👍；down：👎")] = None,
    since: Since = None,
    limit: Annotated[int, Query(description="最多返回条数", ge=1, le=1000)] = 200,
) -> list[FeedbackOut]:
    return [FeedbackOut.of(record) for record in stored(assistant, rating, since, limit)]


def checked_rows(rows: list[dict], max_question_chars: int) -> tuple[list[dict], int]:
    """The rows that pass the checks `eval run` applies to a set (`evals.datasets.load_bytes`); how many did not."""
    try:
        load_bytes("feedback.jsonl", jsonl(rows), max_question_chars)
        return rows, 0
    except DatasetError as exc:
        bad = {p.row for p in exc.problems}
        kept = [row for number, row in enumerate(rows, 1) if number not in bad]
        return kept, len(rows) - len(kept)


@router.get(
    "/export.jsonl",
    summary="把 👎 反馈导出为问答评测集（JSONL，可直接用于 eval run --set 或上传评测）",
    response_class=Response,
    responses={
        200: {"description": "问答题集，每行一题", "content": {JSONL: {"schema": {"type": "string"}}}},
        **problem_responses(409, codes=("nothing_to_export",)),
    },
)
def export_feedback(request: Request, assistant: AssistantDep, since: Since = None) -> Response:
    """只导出填写了期望答案、或标明“文件中没有答案”的 👎 反馈：must_include 取自期望答案的关键词（jieba 分词，
    按语料 IDF 取最具体的名词短语与带单位的数字），type 取自问题框架；响应头 X-Skipped 为未导出的条数。"""
    items = stored(assistant, "down", since, 10_000)
    rows, skipped = feedback_set(items, assistant.policy)
    rows, failing = checked_rows(rows, request.app.state.settings.api.max_question_chars)
    if not rows:
        raise NothingToExport(
            "没有可导出的 👎 反馈：需填写期望答案，或标明文件中没有答案。", skipped=skipped + failing
        )
    name = f"feedback-qa-{dt.date.today():%Y%m%d}.jsonl"
    return Response(
        jsonl(rows),
        media_type=JSONL,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Exported": str(len(rows)),
            "X-Skipped": str(skipped + failing),
        },
    )
