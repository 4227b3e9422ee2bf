"""Answering processes: a serving worker hands questions to processes of their own, so its event loop never
waits for the GIL behind an answer.

Answering a question is CPU-bound Python (routing, ranking, composing). On threads of the serving process it
shares the GIL with the event loop, and uvloop takes the GIL once per I/O callback: with four questions being
answered, every refusal, `/healthz` and accepted request waits for a turn, and a burst's 503s arrive late. In
processes of their own (started with `spawn`, each loading the prepared index read-only, as a serving worker
does), the answers compete with the loop only for a core, and at a lower priority (`api.answer_nice`).

Nothing a question needs lives only in the serving process: conversations, records and the audit trail are in
the records database, and the index store publishes versions that each answering process picks up with the
same watcher a replica uses. An answering process whose serving worker is gone exits.

Each answering process computes with one thread (OpenMP, BLAS): several processes are the parallelism, and
an encoder's OpenMP team of two per process made the processes' threads spin against each other for the two
cores (a query embedding took most of an answer). Those libraries read their thread count when they load,
so a spawned process sets them in its environment before it loads the assistant and then, for those that the
serving command's own imports already loaded (faiss, numpy), through threadpoolctl.

`AnswerPool.submit` gives a future of what `Assistant.ask` returns, or of what it raises (an AssistantError travels
back pickled, with its message and details). Until the first answering process has loaded, `ready` is False
and the caller answers on a thread as before; so it does when a process died (BrokenProcessPool), while new
processes start.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # types only: an answering process loads the assistant in `_start`
    from assistant.access import Principal
    from assistant.index_swap import IndexSwap
    from assistant.models import Answer
    from assistant.service import Assistant
    from assistant.settings import Settings
    from indexes import Method, SearchFilter
    from indexes.models import Hit

log = logging.getLogger("credit_assistant.answer_pool")
T = TypeVar("T")

PARENT_CHECK_SECONDS = 2.0
ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class _Holder:
    """What an answering process serves (the `AssistantHolder` of index_swap)."""

    assistant: Assistant | None = None


_holder = _Holder()
_swap: IndexSwap | None = None  # of this answering process


def _exit_with_parent(parent: int) -> None:
    """Orphaned (the serving worker was killed): exit rather than hold an index in memory for no one."""
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(0)


def _start(settings: Settings, parent: int, nice: int) -> None:
    """Initializer of an answering process: lower its priority, load the assistant read-only, watch the index
    store for new versions."""
    global _swap
    for variable in ONE_THREAD:
        os.environ[variable] = "1"
    from assistant.bootstrap import build_assistant
    from assistant.heap import settle
    from assistant.index_swap import IndexSwap

    threading.Thread(target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True).start()
    if nice:
        os.nice(nice)
    _holder.assistant = build_assistant(settings, progress=False, read_only=True)
    from threadpoolctl import threadpool_limits

    # Every OpenMP and BLAS library loaded by now, whenever it read its environment.
    threadpool_limits(limits=1)
    _holder.assistant.warm()
    _swap = IndexSwap(settings.index_dir)
    _swap.watch(_holder, settings.index.poll_seconds)
    settle()


def _ready() -> int:
    return os.getpid()


def _serving(version: str) -> Assistant:
    """This process's assistant over the index version the serving worker serves (or newer): when the worker
    switched first, switch too before answering."""
    assert _holder.assistant is not None and _swap is not None
    if _holder.assistant.corpus.version != version:
        return _swap.latest(_holder, wait=True)
    return _holder.assistant


def _ask(
    question: str,
    conversation_id: str | None,
    caller: Principal,
    session: str | None,
    region: str | None,
    version: str,
) -> Answer:
    """One question in an answering process."""
    return _serving(version).ask(question, conversation_id, caller, session, region)


def _search(query: str, k: int, method: Method, where: SearchFilter, version: str) -> list[Hit]:
    """One passage search (`GET /v1/search`) in an answering process."""
    return _serving(version).corpus.retriever.search(query, k, method, where)


class AnswerPool:
    """`processes` answering processes of one serving worker."""

    def __init__(self, settings: Settings, processes: int, nice: int) -> None:
        self.processes = processes
        self._settings, self._nice = settings, nice
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._executor = self._start_processes()

    def _start_processes(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(self._settings, os.getpid(), self._nice),
        )
        for _ in range(self.processes):  # start them all now; the first one loaded makes the pool ready
            executor.submit(_ready).add_done_callback(self._loaded)
        return executor

    def _loaded(self, done: Future[int]) -> None:
        if done.cancelled():  # a broken executor's start-up calls, cancelled when it was replaced
            return
        if done.exception() is None:
            self._ready.set()
        else:
            log.error("an answering process failed to start: %s", done.exception())

    def restart_if_broken(self) -> None:
        """An answering process died (killed, out of memory): the executor refuses all work from then on, so
        start new processes; until one has loaded, the worker answers on threads."""
        with self._lock:
            if not self._executor._broken:  # type: ignore[attr-defined]  # set once a process died
                return
            log.error("an answering process died; starting new ones")
            self._ready.clear()
            broken, self._executor = self._executor, self._start_processes()
        broken.shutdown(wait=False, cancel_futures=True)

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def submit(
        self,
        question: str,
        conversation_id: str | None,
        caller: Principal,
        session: str | None,
        region: str | None,
        version: str,
    ) -> Future[Answer]:
        """The question handed to a process; BrokenProcessPool (now or from the future) when one died."""
        return self._submit(_ask, question, conversation_id, caller, session, region, version)

    def submit_search(
        self, query: str, k: int, method: Method, where: SearchFilter, version: str
    ) -> Future[list[Hit]]:
        return self._submit(_search, query, k, method, where, version)

    def _submit(self, work: Callable[..., T], *args: object) -> Future[T]:
        try:
            return self._executor.submit(work, *args)
        except BrokenProcessPool:
            self.restart_if_broken()
            raise

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
