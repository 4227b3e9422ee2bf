"""The caller's conversations: list, reopen, delete, and rate an answer (GET/DELETE /v1/conversations…).

A conversation belongs to the key (or anonymous session token) that asked in it; for any other caller it
does not exist (404 conversation_not_found), exactly as when asking with its conversation_id.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Response

from assistant.access import Principal
from assistant.api.app import get_assistant
from assistant.api.problems import problem_responses
from assistant.api.schemas_conversations import (
    ConversationDetail,
    ConversationOut,
    FeedbackBrief,
    FeedbackIn,
    FeedbackOut,
    TurnOut,
)
from assistant.api.security import OPTIONAL_KEY, Caller
from assistant.conversation import NOT_YOURS, session_owner
from assistant.errors import ConversationNotFound, InvalidQuestion
from assistant.history import ConversationHistory, Rating
from assistant.models import Answer
from assistant.service import Assistant
from connectors.conversations import title_of
from connectors.feedback import FeedbackRecord, FeedbackStore
from evals.set_checks import cell_problems

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
ConversationId = Annotated[
    str, Path(description="对话编号（提问时返回的 conversation_id）", min_length=1, max_length=64)
]
# The anonymous session's token as /v1/ask returned it. Any other value names no session's conversations, so
# it is not constrained beyond its length here (an unknown token simply has none). Typed `str` (absent: None)
# so that the document does not offer `null`, which a header cannot carry.
SessionToken = Annotated[
    str,
    Header(
        alias="X-Session-Token",
        description="匿名会话令牌（/v1/ask 在 remember=true 时于响应头返回）；持 API 密钥时不需要",
        min_length=16,
        max_length=64,
    ),
]
NOT_FOUND = problem_responses(404, 422, 503, codes=("conversation_not_found", "invalid_request", "not_ready"))


def owner_of(caller: Principal, session_token: str | None) -> str | None:
    """Whom conversations are bound to: the key (its hash), else the anonymous session token (its hash)."""
    if caller.role:
        return caller.who
    return session_owner(session_token) if session_token else None


def history_of(assistant: Assistant) -> ConversationHistory:
    records = assistant.records
    return ConversationHistory(
        assistant.conversations, FeedbackStore(records.sessions), records.audit, assistant.corpus.version
    )


def brief(record: FeedbackRecord | None) -> FeedbackBrief | None:
    if record is None:
        return None
    return FeedbackBrief(
        rating=record.rating,
        comment=record.comment,
        expected_answer=record.expected_answer,
        unanswerable=record.unanswerable,
    )


@router.get(
    "",
    response_model=list[ConversationOut],
    summary="我的对话列表（最近的在前，标题为第一个问题）",
    openapi_extra=OPTIONAL_KEY,
    responses=problem_responses(422, 503, codes=("invalid_request", "not_ready")),
)
def list_conversations(
    assistant: AssistantDep,
    caller: Caller,
    x_session_token: SessionToken = None,  # type: ignore[assignment]  # absent header
) -> list[ConversationOut]:
    """持 API 密钥时为该密钥的对话；匿名时为 X-Session-Token 会话的对话；两者都没有时为空列表。"""
    owner = owner_of(caller, x_session_token)
    return [ConversationOut.of(s) for s in history_of(assistant).summaries(owner)]


@router.get(
    "/{conversation}",
    response_model=ConversationDetail,
    summary="打开一个对话：各轮问题、回答与引用",
    openapi_extra=OPTIONAL_KEY,
    responses=NOT_FOUND,
)
def get_conversation(
    conversation: ConversationId,
    assistant: AssistantDep,
    caller: Caller,
    x_session_token: SessionToken = None,  # type: ignore[assignment]  # absent header
) -> ConversationDetail:
    """涉及主体信用记录的回答按当前密钥的权限重新校验并写入审计日志；无权查看时只显示提示。"""
    owner = owner_of(caller, x_session_token)
    turns = history_of(assistant).turns(conversation, owner, caller)
    return ConversationDetail(
        id=conversation,
        title=title_of(turns[0][0].question) if turns else "",
        turns=[
            TurnOut(
                number=turn.number,
                question=turn.question,
                region=turn.locality,
                at=turn.at,
                answer=Answer.model_validate(
                    {**turn.answer, "conversation_id": conversation, "turn": turn.number}
                ),
                feedback=brief(given),
            )
            for turn, given in turns
        ],
    )


@router.delete(
    "/{conversation}",
    status_code=204,
    response_class=Response,
    summary="删除一个对话（含各轮问答）",
    openapi_extra=OPTIONAL_KEY,
    responses=NOT_FOUND,
)
def delete_conversation(
    conversation: ConversationId,
    assistant: AssistantDep,
    caller: Caller,
    x_session_token: SessionToken = None,  # type: ignore[assignment]  # absent header
) -> Response:
    """已提交的反馈会保留（用于评测），其中不含涉及主体信用记录的回答。"""
    history_of(assistant).delete(conversation, owner_of(caller, x_session_token))
    return Response(status_code=204)


@router.post(
    "/{conversation}/turns/{turn}/feedback",
    response_model=FeedbackOut,
    summary="对一轮回答反馈 👍/👎（可附说明与期望答案；再次提交则替换）",
    openapi_extra=OPTIONAL_KEY,
    responses=problem_responses(
        400,
        404,
        422,
        503,
        codes=(
            "http_400",
            "conversation_not_found",
            "turn_not_found",
            "invalid_question",
            "invalid_request",
            "not_ready",
        ),
    ),
)
def give_feedback(
    conversation: ConversationId,
    turn: Annotated[int, Path(description="轮次（1 起）", ge=1, le=100_000)],
    body: FeedbackIn,
    assistant: AssistantDep,
    caller: Caller,
    x_session_token: SessionToken = None,  # type: ignore[assignment]  # absent header
) -> FeedbackOut:
    """反馈连同当时的问题、回答、引用、索引版本与反馈者（哈希）一并保存，供评测员筛选并导出为评测集。"""
    problems = cell_problems({"comment": body.comment, "expected_answer": body.expected_answer})
    if problems:
        column, reason = problems[0]
        raise InvalidQuestion(f"{'期望答案' if column == 'expected_answer' else '说明'}{reason}")
    rating = Rating(body.rating, body.comment, body.expected_answer, body.unanswerable)
    record = history_of(assistant).rate(conversation, turn, owner_of(caller, x_session_token), rating)
    return FeedbackOut.of(record)


@router.api_route("/", methods=["GET", "DELETE"], include_in_schema=False)
def no_conversation() -> None:
    """`/v1/conversations/` with an empty id names no conversation (instead of redirecting to the list)."""
    raise ConversationNotFound(NOT_YOURS)
