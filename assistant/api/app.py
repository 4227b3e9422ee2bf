"""create_app(settings): the FastAPI service. The assistant loads once, in the background, at start-up."""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request

from assistant.api.problems import install_problem_handlers
from assistant.api.security import AuditLog
from assistant.errors import NotReady
from assistant.index_swap import IndexSwap
from assistant.service import Assistant
from assistant.settings import Settings

DESCRIPTION = """信用政策问答助手 API：政策问答（带出处引用）、主体信用记录查询、信用修复方案、适用措施清单、文档浏览与记录导入。

主体记录相关接口需在请求头提供 `X-API-Key`；所有记录查询写入审计日志；自然人身份证号始终脱敏。"""


class AppState:
    def __init__(self, settings: Settings) -> None:
        self.assistant: Assistant | None = None
        self.error: str | None = None
        self.ready = threading.Event()
        self.index_swap = IndexSwap(settings.index_dir)


def get_assistant(request: Request) -> Assistant:
    state: AppState = request.app.state.runtime
    if state.assistant is None:
        raise NotReady(
            "服务正在加载索引和模型，请稍后再试。" if not state.error else f"服务加载失败：{state.error}"
        )
    return state.index_swap.latest(state)  # a rebuilt index is picked up here, at the next request


def create_app(settings: Settings, assistant: Assistant | None = None) -> FastAPI:
    runtime = AppState(settings)

    def load() -> None:
        try:
            from assistant.bootstrap import build_assistant

            runtime.assistant = build_assistant(settings)
        except Exception as exc:  # reported by /readyz, not raised into the server loop
            runtime.error = str(exc)
        finally:
            runtime.ready.set()

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        if assistant is not None:
            runtime.assistant = assistant
            runtime.ready.set()
        else:
            threading.Thread(target=load, name="assistant-loader", daemon=True).start()
        yield

    app = FastAPI(
        title="信用政策问答助手 credit-assistant", version="0.1.0", description=DESCRIPTION, lifespan=lifespan
    )
    app.state.settings = settings
    app.state.runtime = runtime
    app.state.audit = AuditLog(settings.audit_log)
    install_problem_handlers(app)

    from assistant.api import routes_ask, routes_documents, routes_health, routes_records

    for module in (routes_health, routes_ask, routes_records, routes_documents):
        app.include_router(module.router)
    return app
