"""Liveness and readiness probes (the readiness body names the index version in use)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from assistant.api.app import answer_pool_of
from assistant.api.schemas import Readiness

router = APIRouter(tags=["health"])
NOT_READY = {"model": Readiness, "description": "正在加载或加载失败"}


@router.get("/healthz", summary="存活检查")
async def healthz() -> dict[str, str]:  # on the loop: no thread hop, answers under any load
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="就绪检查：索引与模型加载完成后返回 200",
    responses={503: NOT_READY},
)
def readyz(request: Request) -> JSONResponse:
    runtime = request.app.state.runtime
    if runtime.assistant is not None:
        corpus = runtime.index_swap.latest(runtime).corpus  # the probe also picks up a rebuilt index
        ready = Readiness(
            status="ready",
            passages=len(corpus.passages),
            encoder=corpus.retriever.encoder.name,
            index_version=corpus.version,
            answering="processes" if answer_pool_of(request) is not None else "threads",
        )
        return JSONResponse(ready.model_dump(exclude_none=True))
    body = Readiness(
        status="failed" if runtime.error else "loading", detail=runtime.error or "正在加载索引和模型"
    )
    return JSONResponse(body.model_dump(exclude_none=True), status_code=503)
