"""Errors as JSON problem details with a Chinese message and a machine code; never a bare 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError

log = logging.getLogger("credit_assistant.api")
PROBLEM = "application/problem+json"
FIELD_NAMES = {"question": "问题", "name": "名称", "file": "文件", "q": "检索内容", "k": "返回条数"}
STATUS_TITLES = {
    400: "请求有误",
    401: "未授权",
    403: "禁止访问",
    404: "未找到",
    405: "方法不允许",
    409: "状态冲突",
    413: "内容过大",
    422: "输入有误",
    503: "服务暂不可用",
}


def problem(status: int, code: str, detail: str, **extra: object) -> JSONResponse:
    body = {
        "type": f"about:blank#{code}",
        "title": STATUS_TITLES.get(status, "错误"),
        "status": status,
        "code": code,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _validation_message(exc: RequestValidationError) -> tuple[str, list[dict]]:
    errors = []
    for error in exc.errors():
        field = str(error["loc"][-1]) if error["loc"] else "-"
        kind = error["type"]
        if kind == "missing":
            reason = "缺少必填项"
        elif kind.startswith("string_too_long"):
            reason = f"过长（最多{error.get('ctx', {}).get('max_length', '')}字）"
        elif kind.startswith(("int", "float")):
            reason = "应为数字"
        elif kind == "json_invalid":
            reason = "不是有效的 JSON"
        else:
            reason = "格式不正确"
        errors.append({"field": field, "reason": reason})
    if any(e["reason"] == "不是有效的 JSON" for e in errors):
        return "请求体不是有效的 JSON", errors
    text = "；".join(f"{FIELD_NAMES.get(e['field'], e['field'])}{e['reason']}" for e in errors)
    return text or "请求格式不正确", errors


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(AssistantError)
    async def _assistant_error(_: Request, exc: AssistantError) -> JSONResponse:
        return problem(exc.status, exc.code, exc.message, **exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        text, errors = _validation_message(exc)
        return problem(422, "invalid_request", text, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = (
            exc.detail
            if isinstance(exc.detail, str) and not exc.detail.isascii()
            else STATUS_TITLES.get(exc.status_code, "请求有误")
        )
        return problem(exc.status_code, f"http_{exc.status_code}", detail)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return problem(500, "internal_error", "服务内部错误，请稍后重试；如持续出现请联系管理员。")
