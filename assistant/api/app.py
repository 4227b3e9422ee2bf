"""create_app(settings): the FastAPI service. The assistant loads once, in the background, at start-up.

`app_factory` is what each worker of `credit-assistant serve --workers N` imports: it opens the prepared
index read-only (the serve command builds whatever is missing before the workers start).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.admission import install_admission
from assistant.api.problems import install_problem_handlers
from assistant.errors import NotReady
from assistant.heap import settle
from assistant.index_swap import IndexSwap
from assistant.service import Assistant
from assistant.settings import Settings, get_settings

if TYPE_CHECKING:
    from assistant.answer_pool import AnswerPool
    from assistant.document_jobs import DocumentJobs
    from evals.jobs import EvalJobs

log = logging.getLogger("credit_assistant.api")

DESCRIPTION = """信用政策问答助手 API：政策问答（带出处引用）、主体信用记录查询、信用修复方案、适用措施清单、知识库管理（上传、替换、更正、删除文档，后台解析并原子切换索引）与记录导入。

主体记录相关接口（以及 /v1/ask 中涉及主体记录的问题）、评测接口（上传题集、进度、逐题结果、对比、导出）和文档管理接口（管理员角色）需在请求头提供 `X-API-Key`；所有记录查询写入审计表；自然人身份证号始终脱敏。"""


class AppState:
    def __init__(self, settings: Settings) -> None:
        self.assistant: Assistant | None = None
        self.error: str | None = None
        self.ready = threading.Event()
        self.index_swap = IndexSwap(settings.index_dir)
        self.evals: EvalJobs | None = None  # eval runs from the API, once the assistant is there
        self.documents: DocumentJobs | None = None  # document uploads/changes, once the assistant is there
        self.answer_pool: AnswerPool | None = None  # answering processes (api.answer_processes > 0)


def start_answer_pool(settings: Settings) -> AnswerPool | None:
    """The worker's answering processes; they load the prepared index themselves, in the background."""
    if settings.api.answer_processes <= 0:
        return None
    from assistant.answer_pool import AnswerPool

    return AnswerPool(settings, settings.api.answer_processes, settings.api.answer_nice)


def start_document_jobs(settings: Settings, runtime: AppState) -> DocumentJobs:
    """The background document jobs; they embed with the served encoder and switch this worker to the new
    index version as soon as it is published."""
    from assistant.document_jobs import DocumentJobs
    from connectors.document_jobs import DocumentJobStore

    def models():  # type: ignore[no-untyped-def]
        assert runtime.assistant is not None
        retriever = runtime.assistant.corpus.retriever
        return retriever.encoder, retriever.tokenizer

    assert runtime.assistant is not None
    records = runtime.assistant.records
    jobs = DocumentJobs(
        settings,
        DocumentJobStore(records.sessions),
        records.audit,
        models,
        on_published=lambda: runtime.index_swap.latest(runtime, wait=True),
    )
    jobs.resume()
    return jobs


def start_eval_jobs(settings: Settings, assistant: Assistant) -> EvalJobs:
    """The background eval runner over the records database; runs a restart cut short start again."""
    from assistant.api.security import principal_of_key_id
    from connectors.eval_runs import EvalRunStore
    from evals.jobs import EvalJobs

    jobs = EvalJobs(
        assistant,
        EvalRunStore(assistant.records.sessions),
        settings.evals_dir,
        act_as=lambda who: principal_of_key_id(settings.api, who),
        workers=settings.evals.parallel_runs,
        max_items=settings.evals.max_items,
        limits=assistant.records.read_limits,
    )
    jobs.resume()
    return jobs


def answer_pool_of(request: Request) -> AnswerPool | None:
    """The answering processes once one of them has loaded; None: answer on a thread of this worker."""
    pool = request.app.state.runtime.answer_pool
    return pool if pool is not None and pool.ready else None


async def get_assistant(request: Request) -> Assistant:
    state: AppState = request.app.state.runtime
    if state.assistant is None:
        raise NotReady(
            "服务正在加载索引和模型，请稍后再试。" if not state.error else f"服务加载失败：{state.error}"
        )
    return state.index_swap.latest(state)  # a new version starts loading in the background here


def create_app(settings: Settings, assistant: Assistant | None = None, read_only: bool = False) -> FastAPI:
    """The API; without `assistant` it is built in the background (read-only: never rebuild the index)."""
    runtime = AppState(settings)

    def load() -> None:
        try:
            from assistant.bootstrap import build_assistant

            runtime.assistant = build_assistant(settings, progress=False, read_only=read_only)
            runtime.evals = start_eval_jobs(settings, runtime.assistant)
            runtime.documents = start_document_jobs(settings, runtime)
            runtime.answer_pool = start_answer_pool(settings)
            runtime.assistant.warm()
            settle()  # before ready: a full collection never stops the loop while it serves
        except Exception:  # reported by /readyz (in Chinese; the trace goes to the log), not raised into the loop
            log.exception("loading the assistant failed")
            runtime.error = "索引或模型加载出错，详见服务日志"
        finally:
            runtime.ready.set()

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        from assistant.bootstrap import purge_on_schedule

        purging = purge_on_schedule(
            settings, lambda: runtime.assistant.records if runtime.assistant else None
        )
        watching = runtime.index_swap.watch(runtime, settings.index.poll_seconds)
        sys.setswitchinterval(settings.api.switch_interval_ms / 1000)  # the loop waits less for the GIL
        if assistant is not None:
            runtime.assistant = assistant
            runtime.evals = start_eval_jobs(settings, assistant)
            runtime.documents = start_document_jobs(settings, runtime)
            runtime.answer_pool = start_answer_pool(settings)
            assistant.warm()
            settle()
            runtime.ready.set()
        else:
            threading.Thread(target=load, name="assistant-loader", daemon=True).start()
        yield
        purging.set()
        watching.set()
        if runtime.evals is not None:
            runtime.evals.shutdown()
        if runtime.documents is not None:
            runtime.documents.shutdown()
        if runtime.answer_pool is not None:
            runtime.answer_pool.close()

    app = FastAPI(
        title="信用政策问答助手 credit-assistant", version="0.1.0", description=DESCRIPTION, lifespan=lifespan
    )
    app.state.settings = settings
    app.state.runtime = runtime
    install_problem_handlers(app)
    api = settings.api
    install_admission(app, api.max_in_flight, api.question_timeout_seconds, api.retry_after_seconds)
    app.add_middleware(WorkerPidMiddleware)  # outermost: refusals name their worker too

    from assistant.api import (
        routes_ask,
        routes_conversations,
        routes_documents,
        routes_evals,
        routes_feedback,
        routes_health,
        routes_jobs,
        routes_library,
        routes_records,
        routes_session,
    )

    modules = (
        routes_health,
        routes_session,
        routes_ask,
        routes_conversations,
        routes_records,
        routes_documents,
        routes_library,
        routes_jobs,
        routes_evals,
        routes_feedback,
    )
    for module in modules:
        app.include_router(module.router)
    return app


class WorkerPidMiddleware:
    """Every response names the worker process that answered (`X-Worker-Pid`); pure ASGI, no extra task."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.header = (b"x-worker-pid", str(os.getpid()).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), self.header]}
            await send(message)

        await self.app(scope, receive, named)


def app_factory() -> FastAPI:
    """One worker of `serve --workers N` (uvicorn imports this with factory=True)."""
    return create_app(get_settings(), read_only=True)
