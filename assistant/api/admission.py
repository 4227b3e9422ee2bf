"""Backpressure: a bounded number of questions in flight per worker, and a time limit per question.

A question beyond the bound is refused at once (503 problem+json with Retry-After), never queued; a question
that runs past the time limit is answered 504. The work itself runs in a thread that cannot be killed, so its
slot stays taken until that thread really finishes — a timed-out question never lets more work in than the bound.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar, cast

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant import messages
from assistant.api.problems import problem
from assistant.errors import AssistantError, NotReady, Overloaded, RequestTimeout

T = TypeVar("T")


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

    async def run(self, work: Callable[[], T]) -> T:
        """Run `work` in a worker thread if a slot is free (else Overloaded), within the time limit."""
        if not self.try_enter():
            raise Overloaded(messages.OVERLOADED.format(seconds=self.retry_after_seconds))
        job = _Job(work, self.leave)
        try:
            with anyio.fail_after(self.timeout_seconds):
                result = await anyio.to_thread.run_sync(job, abandon_on_cancel=True)
            return cast(T, result)  # None only for a job abandoned before it started
        except TimeoutError:
            job.abandon()
            raise RequestTimeout(
                messages.TIMED_OUT.format(seconds=f"{self.timeout_seconds:g}"), title="回答超时"
            ) from None


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


def install_admission(app: FastAPI, limit: int, timeout_seconds: float, retry_after_seconds: int) -> None:
    """One gate per worker process (app.state.gate) and the 503 handlers that add Retry-After."""
    app.state.gate = QuestionGate(limit, timeout_seconds, retry_after_seconds)

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
