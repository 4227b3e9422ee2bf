"""Backpressure: a bounded number of questions in flight per worker, and a time limit per question.

A question beyond the bound is refused at once (503 problem+json with Retry-After), never queued; a question
that runs past the time limit is answered 504. The work itself runs on a thread or in an answering process and is not
stopped, so its slot stays taken until it really finishes — a timed-out question never lets more work in than the
bound.

Admission comes first: `AdmissionMiddleware` (pure ASGI, outermost) takes a slot or sends the prepared 503
bytes before the body is read, the key checked or anything validated — a refusal costs the event loop a few
dozen microseconds, however busy the answering is. An admitted request carries its slot
(`request.state.question_slot`) to `QuestionGate.run`, which hands it to the answering thread, or to
`QuestionGate.run_future`, which hands it to the work sent to an answering process (assistant/answer_pool.py);
a request that ends before that (a 4xx) gives it back in the middleware.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar, cast

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant import messages
from assistant.api.problems import problem
from assistant.errors import AssistantError, NotReady, Overloaded, RequestTimeout

T = TypeVar("T")


QUESTION_ROUTES = frozenset({("POST", "/v1/ask"), ("GET", "/v1/search")})
SLOT_STATE = "question_slot"


class Slot:
    """One admitted question's place in the gate; given back once, by whoever holds it last."""

    def __init__(self, release: Callable[[], None]) -> None:
        self._release = release
        self._lock = threading.Lock()
        self._released = False
        self.handed_off = False  # the answering thread gives it back when its work ends

    def release(self) -> None:
        with self._lock:
            if self._released:
                return
            self._released = True
        self._release()


class QuestionGate:
    """Counts questions in flight in this worker; `run` admits one or refuses it immediately."""

    def __init__(self, limit: int, timeout_seconds: float, retry_after_seconds: int) -> None:
        self.limit = limit
        self.timeout_seconds = timeout_seconds
        self.retry_after_seconds = retry_after_seconds
        self._in_flight = 0
        self._lock = threading.Lock()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def try_enter(self) -> bool:
        with self._lock:
            if self._in_flight >= self.limit:
                return False
            self._in_flight += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def admit(self) -> Slot | None:
        return Slot(self.leave) if self.try_enter() else None

    async def run(self, work: Callable[[], T], slot: Slot | None = None) -> T:
        """Run `work` in a worker thread within the time limit, on the slot the request was admitted with
        (or, without one, on a free slot taken now; none free: Overloaded)."""
        slot = self._hand_off(slot)
        job = _Job(work, slot.release)
        try:
            with anyio.fail_after(self.timeout_seconds):
                result = await anyio.to_thread.run_sync(job, abandon_on_cancel=True)
            return cast(T, result)  # None only for a job abandoned before it started
        except TimeoutError:
            job.abandon()
            raise self._timed_out() from None

    async def run_future(self, submit: Callable[[], Future[T]], slot: Slot | None = None) -> T:
        """`submit()` hands the work to another process; its slot is given back when that work ends (or is
        cancelled before it started), whatever happens to this request meanwhile."""
        slot = self._hand_off(slot)
        try:
            future = submit()
        except BaseException:
            slot.release()
            raise
        future.add_done_callback(lambda _: slot.release())
        try:
            with anyio.fail_after(self.timeout_seconds):
                return await asyncio.shield(asyncio.wrap_future(future))
        except TimeoutError:
            future.cancel()  # only a question still waiting for a process; a running one keeps its slot
            raise self._timed_out() from None

    def _hand_off(self, slot: Slot | None) -> Slot:
        """The request's slot, handed to its work (without one, or with one already handed on: a free slot
        taken now; none free: Overloaded)."""
        if slot is None or slot.handed_off:
            slot = self.admit()
            if slot is None:
                raise Overloaded(messages.OVERLOADED.format(seconds=self.retry_after_seconds))
        slot.handed_off = True
        return slot

    def _timed_out(self) -> RequestTimeout:
        return RequestTimeout(
            messages.TIMED_OUT.format(seconds=f"{self.timeout_seconds:g}"), title="回答超时"
        )


class _Job(Generic[T]):
    """`work` plus the slot it holds: released when the work ends, or at once if it never started."""

    def __init__(self, work: Callable[[], T], release: Callable[[], None]) -> None:
        self._work = work
        self._release = release
        self._lock = threading.Lock()
        self._started = False
        self._abandoned = False

    def __call__(self) -> T | None:
        with self._lock:
            if self._abandoned:
                return None
            self._started = True
        try:
            return self._work()
        finally:
            self._release()

    def abandon(self) -> None:
        with self._lock:
            if not self._started:
                self._abandoned = True
                self._release()


class AdmissionMiddleware:
    """Admit a question (take a slot) or refuse it with the prepared 503, before any other work."""

    def __init__(self, app: ASGIApp, gate: QuestionGate, refusal: JSONResponse) -> None:
        self.app, self.gate = app, gate
        self.start = {
            "type": "http.response.start",
            "status": refusal.status_code,
            "headers": refusal.raw_headers,
        }
        self.body = {"type": "http.response.body", "body": bytes(refusal.body)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) not in QUESTION_ROUTES:
            await self.app(scope, receive, send)
            return
        slot = self.gate.admit()
        if slot is None:
            await send(self.start)
            await send(self.body)
            return
        scope.setdefault("state", {})[SLOT_STATE] = slot
        try:
            await self.app(scope, receive, send)
        finally:
            if not slot.handed_off:
                slot.release()


def install_admission(app: FastAPI, limit: int, timeout_seconds: float, retry_after_seconds: int) -> None:
    """One gate per worker process (app.state.gate), the admission middleware and the 503 handlers that add
    Retry-After."""
    gate = app.state.gate = QuestionGate(limit, timeout_seconds, retry_after_seconds)
    message = messages.OVERLOADED.format(seconds=retry_after_seconds)
    refusal = problem(503, Overloaded.code, message, {"Retry-After": str(retry_after_seconds)})
    app.add_middleware(AdmissionMiddleware, gate=gate, refusal=refusal)

    async def retry_later(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AssistantError)
        return problem(
            exc.status, exc.code, exc.message, {"Retry-After": str(retry_after_seconds)}, **exc.details
        )

    app.add_exception_handler(Overloaded, retry_later)
    app.add_exception_handler(NotReady, retry_later)  # a worker still loading: try again shortly


def gate_of(request: Request) -> QuestionGate:
    gate: QuestionGate = request.app.state.gate
    return gate


async def answer_off_loop(request: Request, work: Callable[[], T]) -> T:
    """`work` on an answering thread, on the slot this request was admitted with."""
    slot: Slot | None = getattr(request.state, SLOT_STATE, None)
    return await gate_of(request).run(work, slot)


async def answer_in_process(request: Request, submit: Callable[[], Future[T]]) -> T:
    """Work handed to an answering process (assistant/answer_pool.py), on the slot this request was admitted
    with."""
    slot: Slot | None = getattr(request.state, SLOT_STATE, None)
    return await gate_of(request).run_future(submit, slot)
