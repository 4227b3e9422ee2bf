"""POST /v1/ask (JSON or server-sent events) and GET /v1/search."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Annotated, TypeVar

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse

from assistant.api.admission import answer_in_process, answer_off_loop
from assistant.api.app import answer_pool_of, get_assistant
from assistant.api.problems import problem_responses
from assistant.api.schemas import NOT_BLANK, SSE_EVENT_SCHEMA, AskRequest, SearchHit, SearchResponse
from assistant.api.security import OPTIONAL_KEY, Caller
from assistant.citations import make_citation
from assistant.conversation import session_owner
from assistant.errors import InvalidQuestion
from assistant.models import Answer
from assistant.service import Assistant
from indexes import METHODS, Method, SearchFilter

if TYPE_CHECKING:
    from assistant.answer_pool import AnswerPool

T = TypeVar("T")
router = APIRouter(prefix="/v1", tags=["ask"])
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
SessionToken = Annotated[
    str | None,
    Header(
        alias="X-Session-Token",
        description="匿名多轮对话的会话令牌（remember=true 的首次提问在同名响应头中返回）；持 API 密钥时不需要",
        min_length=16,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
    ),
]


async def off_loop(
    request: Request, on_thread: Callable[[], T], in_process: Callable[[AnswerPool], Future[T]]
) -> T:
    """The work in an answering process when the worker has them loaded (its event loop then never waits for the
    GIL behind it); otherwise, or when a process died (new ones start), on a thread of this worker."""
    pool = answer_pool_of(request)
    if pool is not None:
        try:
            return await answer_in_process(request, lambda: in_process(pool))
        except BrokenProcessPool:
            pool.restart_if_broken()
    return await answer_off_loop(request, on_thread)


def carries_records(answer: Answer) -> bool:
    """An answer about a subject on record (its records, or who it is) must not be kept by any cache."""
    return bool(answer.records or answer.subject or answer.candidates)


def sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream_answer(answer: Answer, chunk: int = 24) -> Iterator[str]:
    yield sse("meta", {"route": answer.route, "conversation_id": answer.conversation_id})
    for start in range(0, len(answer.text), chunk):
        yield sse("delta", {"text": answer.text[start : start + chunk]})
    yield sse("done", answer.model_dump())


@router.post(
    "/ask",
    response_model=Answer,
    summary="提问：返回带引用的回答（stream=true 时为 SSE）",
    openapi_extra=OPTIONAL_KEY,
    responses={
        200: {
            "description": "回答；stream=true 时为 server-sent events（meta、delta…、done）",
            "content": {"text/event-stream": {"schema": SSE_EVENT_SCHEMA}},
        },
        **problem_responses(
            400,
            404,
            422,
            503,
            504,
            codes=(
                "http_400",
                "conversation_not_found",
                "invalid_question",
                "invalid_request",
                "not_ready",
                "overloaded",
                "timeout",
            ),
        ),
    },
)
async def ask(  # type: ignore[no-untyped-def]
    body: AskRequest,
    request: Request,
    response: Response,
    assistant: AssistantDep,
    caller: Caller,
    x_session_token: SessionToken = None,
):
    """Policy questions need no key; a question about a subject's records needs `X-API-Key` and is audited.

    A conversation belongs to its key or anonymous session: another caller's conversation_id is 404.
    Too many questions in flight: 503 with Retry-After at once; past the time limit: 504."""
    principal = caller.via("stream" if body.stream else "chat")
    token = (
        None if principal.role else x_session_token or (secrets.token_urlsafe(24) if body.remember else None)
    )
    session = session_owner(token) if token else None
    asked = (body.question, body.conversation_id, principal, session, body.locality)
    answer = await off_loop(
        request,
        lambda: assistant.ask(*asked),
        lambda pool: pool.submit(*asked, assistant.corpus.version),
    )
    headers = {"Cache-Control": "no-store"} if carries_records(answer) else {}
    if token and answer.conversation_id:
        headers["X-Session-Token"] = token
    if body.stream:
        return StreamingResponse(stream_answer(answer), media_type="text/event-stream", headers=headers)
    response.headers.update(headers)
    return answer


@router.get(
    "/search",
    response_model=SearchResponse,
    summary="检索政策段落",
    responses=problem_responses(
        422, 503, 504, codes=("invalid_question", "invalid_request", "not_ready", "overloaded", "timeout")
    ),
)
async def search(
    request: Request,
    assistant: AssistantDep,
    q: Annotated[str, Query(description="检索内容（不能为空）", max_length=500, json_schema_extra=NOT_BLANK)],
    k: Annotated[int, Query(description="返回段落数", ge=1, le=50)] = 5,
    method: Annotated[
        str, Query(description="检索方式", json_schema_extra={"enum": list(METHODS)})
    ] = "hybrid",
    locality: Annotated[str | None, Query(description="按地区过滤，如 濮阳", max_length=50)] = None,
) -> SearchResponse:
    if not q.strip():
        raise InvalidQuestion("检索内容不能为空。")
    if method not in METHODS:
        raise InvalidQuestion(f"检索方式应为 {'、'.join(METHODS)}。")
    chosen: Method = method  # type: ignore[assignment]  # checked against METHODS above
    retriever, where = assistant.corpus.retriever, SearchFilter(locality=locality)
    hits = await off_loop(
        request,
        lambda: retriever.search(q, k, chosen, where),
        lambda pool: pool.submit_search(q, k, chosen, where, assistant.corpus.version),
    )
    return SearchResponse(
        query=q,
        method=method,
        hits=[
            SearchHit(rank=i, score=h.score, citation=make_citation(i, h.passage, h.document))
            for i, h in enumerate(hits, 1)
        ],
    )
