"""Errors as JSON problem details with a Chinese message and a machine code; never a bare 500.

Also what the OpenAPI document says about them: the `ProblemDetails` schema, the problem responses of
each operation (with examples), and the limits that come from the settings.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant import messages
from assistant.errors import AssistantError

log = logging.getLogger("credit_assistant.api")
PROBLEM = "application/problem+json"
FIELD_NAMES = {
    "question": "问题",
    "name": "名称",
    "file": "文件",
    "files": "文件",
    "q": "检索内容",
    "k": "返回条数",
    "title": "标题",
    "issuer": "发文机关",
    "date": "日期",
}
STATUS_TITLES = {
    400: "请求有误",
    401: "未授权",
    403: "禁止访问",
    404: "未找到",
    405: "方法不允许",
    409: "状态冲突",
    413: "内容过大",
    422: "输入有误",
    500: "服务内部错误",
    503: "服务暂不可用",
    504: "回答超时",
}
INTERNAL_ERROR = "服务内部错误，请稍后重试；如持续出现请联系管理员。"


class ProblemDetails(BaseModel):
    """RFC 9457 problem details: a machine `code`, a Chinese `detail`, and fields that depend on the error."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="about:blank#<code>")
    title: str = Field(description="HTTP 状态的中文名称")
    status: int = Field(description="HTTP 状态码")
    code: str = Field(description="机器可读的错误代码")
    detail: str = Field(description="中文说明")
    errors: list[dict[str, Any]] | None = Field(
        None, description="逐项原因：请求字段（field、reason）或导入文件的行（row、column、reason）"
    )


# Examples of each problem status, as the handlers below produce them: {status: {name: (code, detail, extra)}}.
EXAMPLES: dict[int, dict[str, tuple[str, str, dict[str, Any]]]] = {
    400: {"bad_request": ("http_400", STATUS_TITLES[400], {})},
    401: {
        "unauthorized": (
            "unauthorized",
            "需要有效的 API 密钥（请求头 X-API-Key）才能查询或导入主体记录。",
            {},
        ),
    },
    403: {"forbidden": ("forbidden", "当前 API 密钥的角色无权执行此操作。", {})},
    404: {
        "subject_not_found": (
            "subject_not_found",
            "未找到统一社会信用代码为 91350100M000100Y43 的主体记录。",
            {"uscc": "91350100M000100Y43"},
        ),
        "document_not_found": ("document_not_found", "未找到文档：puyang-2021", {}),
        "conversation_not_found": (
            "conversation_not_found",
            "未找到该对话：对话不存在、已过期，或不属于当前调用方。请不带对话编号重新提问。",
            {},
        ),
        "job_not_found": ("job_not_found", "未找到任务 3f2a9c1d。", {"job_id": "3f2a9c1d"}),
        "turn_not_found": ("turn_not_found", "该对话没有第3轮问答。", {"turn": 3}),
    },
    409: {
        "nothing_to_export": (
            "nothing_to_export",
            "没有可导出的 👎 反馈：需填写期望答案，或标明文件中没有答案。",
            {"skipped": 2},
        ),
        "document_exists": (
            "document_exists",
            "已有同名文档“puyang-2020”；如需更新请使用“替换”，或改名后上传。",
            {"doc_id": "puyang-2020"},
        ),
    },
    413: {
        "upload_too_large": ("upload_too_large", "文件超过 200000 行数据的上限，请拆分后上传", {}),
        "document_too_large": (
            "document_too_large",
            "文件“条例.pdf”过大：单个文件最大 20 MB。",
            {"file": "条例.pdf"},
        ),
    },
    422: {
        "invalid_question": ("invalid_question", messages.EMPTY_QUESTION, {}),
        "invalid_request": (
            "invalid_request",
            "问题缺少必填项",
            {"errors": [{"field": "question", "reason": "缺少必填项"}]},
        ),
        "invalid_uscc": (
            "invalid_uscc",
            "统一社会信用代码校验位错误：第18位应为“L”，实际为“Q”",
            {"uscc": "91410900MA45XK3R2Q"},
        ),
        "record_import_error": (
            "record_import_error",
            "1 行引用了不存在的主体，整个文件未导入",
            {"errors": [{"row": 2, "column": "uscc", "reason": "未找到该主体，请先导入主体记录"}]},
        ),
        "document_rejected": (
            "document_rejected",
            "文件“通知.xls”的类型（.xls）不受支持；支持 .txt、.md、.docx、.pdf、.html、.htm。",
            {"file": "通知.xls"},
        ),
    },
    500: {"internal_error": ("internal_error", INTERNAL_ERROR, {})},
    503: {
        "not_ready": ("not_ready", "服务正在加载索引和模型，请稍后再试。", {}),
        "overloaded": ("overloaded", messages.OVERLOADED.format(seconds="1"), {}),
    },
    504: {"timeout": ("timeout", messages.TIMED_OUT.format(seconds="20"), {})},
}


def problem_body(status: int, code: str, detail: str, **extra: object) -> dict[str, object]:
    return {
        "type": f"about:blank#{code}",
        "title": STATUS_TITLES.get(status, "错误"),
        "status": status,
        "code": code,
        "detail": detail,
        **extra,
    }


def problem(
    status: int, code: str, detail: str, headers: Mapping[str, str] | None = None, **extra: object
) -> JSONResponse:
    return respond(problem_body(status, code, detail, **extra), headers)


def respond(body: dict[str, object], headers: Mapping[str, str] | None = None) -> JSONResponse:
    status = body["status"]
    assert isinstance(status, int)
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def problem_responses(*statuses: int, codes: tuple[str, ...] = ()) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of an operation: each status as application/problem+json with its examples.

    `codes` narrows the examples to the error codes this operation can return; 500 is always listed.
    """
    responses: dict[int | str, dict[str, Any]] = {}
    for status in sorted({*statuses, 500}):
        examples = {
            name: {"summary": code, "value": problem_body(status, code, detail, **extra)}
            for name, (code, detail, extra) in EXAMPLES.get(status, {}).items()
            if not codes or code in codes or status == 500
        }
        content: dict[str, Any] = {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
        if examples:
            content["examples"] = examples
        responses[status] = {"description": STATUS_TITLES.get(status, "错误"), "content": {PROBLEM: content}}
    return responses


def _validation_message(exc: RequestValidationError) -> tuple[str, list[dict]]:
    errors = []
    for error in exc.errors():
        field = str(error["loc"][-1]) if error["loc"] else "-"
        kind = error["type"]
        if kind == "missing":
            reason = "缺少必填项"
        elif kind.startswith("string_too_long"):
            reason = f"过长（最多{error.get('ctx', {}).get('max_length', '')}字）"
        elif kind.startswith("string_too_short") or kind == "string_pattern_mismatch":
            reason = "不能为空"
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


def contract_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document plus the ProblemDetails schema and the limits that come from the settings."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ProblemDetails"] = ProblemDetails.model_json_schema()
        question = components.get("AskRequest", {}).get("properties", {}).get("question")
        if question is not None:  # the limit is a setting, checked by the assistant (422 invalid_question)
            question["maxLength"] = app.state.settings.api.max_question_chars
        app.openapi_schema = schema
    return app.openapi_schema


def allowed_methods(request: Request) -> list[str]:
    """The methods the API documents for this request's path (several routes may share one path). A path that a
    template names literally (/v1/evals/compare, /v1/evals/template.{extension}) is that template's, not also
    /v1/evals/{run_id}'s: the most specific templates (the most literal characters) decide."""
    path = request.url.path
    matching: dict[int, set[str]] = {}
    for template, operations in request.app.openapi().get("paths", {}).items():
        if re.fullmatch(re.sub(r"\{[^/]+?\}", "[^/]+", template), path):
            found = matching.setdefault(len(re.sub(r"\{[^/]+?\}", "", template)), set())
            found |= {m.upper() for m in operations if m in HTTP_METHODS}
    return sorted(matching[max(matching)]) if matching else []


HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def install_problem_handlers(app: FastAPI) -> None:
    app.openapi = lambda: contract_openapi(app)  # type: ignore[method-assign]

    @app.exception_handler(AssistantError)
    async def _assistant_error(_: Request, exc: AssistantError) -> JSONResponse:
        return respond(problem_body(exc.status, exc.code, exc.message, **exc.details))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        text, errors = _validation_message(exc)
        return problem(422, "invalid_request", text, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = (
            exc.detail
            if isinstance(exc.detail, str) and not exc.detail.isascii()
            else STATUS_TITLES.get(exc.status_code, "请求有误")
        )
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of every route on this path, not only the first route's
            headers["Allow"] = ", ".join(allowed_methods(request)) or headers.get("Allow", "")
        return problem(exc.status_code, f"http_{exc.status_code}", detail, headers=headers)

    @app.exception_handler(UnicodeEncodeError)
    async def _unencodable(_: Request, exc: UnicodeEncodeError) -> JSONResponse:
        if exc.reason != "surrogates not allowed":  # a lone "\ud800" in a JSON body; anything else is ours
            return await _unexpected(_, exc)
        return problem(422, "invalid_request", "请求含有无效字符（孤立的 UTF-16 代理码位），请检查输入后重试。")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return problem(500, "internal_error", INTERNAL_ERROR)
