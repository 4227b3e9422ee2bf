"""create_app(settings): the FastAPI service. The assistant loads once, in the background, at start-up."""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request

from assistant.api.problems import install_problem_handlers
from assistant.api.security import AuditLog
from assistant.errors import NotReady
from assistant.service import Assistant
from assistant.settings import Settings

if TYPE_CHECKING:
    from evals.jobs import EvalJobs

DESCRIPTION = """信用政策问答助手 API：政策问答（带出处引用）、主体信用记录查询、信用修复方案、适用措施清单、文档浏览与记录导入。

主体记录相关接口和评测接口（上传题集、进度、逐题结果、对比、导出）需在请求头提供 `X-API-Key`；所有记录查询写入审计日志；自然人身份证号始终脱敏。"""


class AppState:
    def __init__(self) -> None:
        self.assistant: Assistant | None = None
        self.error: str | None = None
        self.ready = threading.Event()
        self.evals: EvalJobs | None = None  # eval runs from the API, once the assistant is there


def start_eval_jobs(settings: Settings, assistant: Assistant) -> EvalJobs:
    """The background eval runner over the records database; runs a restart cut short start again."""
    from connectors.eval_runs import EvalRunStore
    from evals.jobs import EvalJobs

    jobs = EvalJobs(
        assistant,
        EvalRunStore(assistant.records.sessions),
        settings.evals_dir,
        workers=settings.evals.parallel_runs,
        max_items=settings.evals.max_items,
    )
    jobs.resume()
    return jobs


def get_assistant(request: Request) -> Assistant:
    state: AppState = request.app.state.runtime
    if state.assistant is None:
        raise NotReady(
            "服务正在加载索引和模型，请稍后再试。" if not state.error else f"服务加载失败：{state.error}"
        )
    return state.assistant


def create_app(settings: Settings, assistant: Assistant | None = None) -> FastAPI:
    runtime = AppState()

    def load() -> None:
        try:
            from assistant.bootstrap import build_assistant

            runtime.assistant = build_assistant(settings)
            runtime.evals = start_eval_jobs(settings, runtime.assistant)
        except Exception as exc:  # reported by /readyz, not raised into the server loop
            runtime.error = str(exc)
        finally:
            runtime.ready.set()

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        if assistant is not None:
            runtime.assistant = assistant
            runtime.evals = start_eval_jobs(settings, assistant)
            runtime.ready.set()
        else:
            threading.Thread(target=load, name="assistant-loader", daemon=True).start()
        yield
        if runtime.evals is not None:
            runtime.evals.shutdown()

    app = FastAPI(
        title="信用政策问答助手 credit-assistant", version="0.1.0", description=DESCRIPTION, lifespan=lifespan
    )
    app.state.settings = settings
    app.state.runtime = runtime
    app.state.audit = AuditLog(settings.audit_log)
    install_problem_handlers(app)

    from assistant.api import routes_ask, routes_documents, routes_evals, routes_health, routes_records

    for module in (routes_health, routes_ask, routes_records, routes_documents, routes_evals):
        app.include_router(module.router)
    return app
