from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="存活检查")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", summary="就绪检查：索引与模型加载完成后返回 200")
def readyz(request: Request) -> JSONResponse:
    runtime = request.app.state.runtime
    if runtime.assistant is not None:
        retriever = runtime.assistant.corpus.retriever
        return JSONResponse(
            {"status": "ready", "passages": len(retriever.passages), "encoder": retriever.encoder.name}
        )
    body = {
        "status": "failed" if runtime.error else "loading",
        "detail": runtime.error or "正在加载索引和模型",
    }
    return JSONResponse(body, status_code=503)
