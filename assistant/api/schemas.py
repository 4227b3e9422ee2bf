"""Request and response bodies of the API (with OpenAPI examples)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Answer, Citation

# Not blank: at least one character that is not white space. Documented only; the API checks it itself so that
# a blank question or name is answered with its own Chinese message (422 invalid_question). White space is
# Python's (what `str.strip` removes), spelt out: JSON Schema's \S is ECMA-262's, for which \x1c-\x1f are
# not white space and \ufeff is.
PYTHON_WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK: dict[str, Any] = {"minLength": 1, "pattern": f"[^{PYTHON_WHITESPACE}]"}
# 统一社会信用代码 (GB 32100): 18 characters without I, O, S, V, Z; characters 3-8 are the division code.
# Lower case is accepted and upper-cased; the check character (format "uscc") is validated by the API (422).
USCC_CHARS = "0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy"
USCC_PATTERN = rf"^[{USCC_CHARS}]{{2}}[0-9]{{6}}[{USCC_CHARS}]{{10}}$"
USCC_SCHEMA: dict[str, Any] = {"pattern": USCC_PATTERN, "format": "uscc", "examples": ["91410928MA46Q8HL31"]}


def _sse_event(name: str, description: str, payload: dict[str, Any]) -> dict[str, Any]:
    data = {"type": "string", "contentMediaType": "application/json", "contentSchema": payload}
    return {
        "type": "object",
        "description": description,
        "required": ["event", "data"],
        "properties": {"event": {"const": name}, "data": data},
    }


# One server-sent event of POST /v1/ask with stream=true (OpenAPI 3.1: the schema describes each event).
SSE_EVENT_SCHEMA: dict[str, Any] = {
    "oneOf": [
        _sse_event(
            "meta",
            "首个事件：路由与对话编号",
            {
                "type": "object",
                "required": ["route", "conversation_id"],
                "properties": {"route": {"type": "string"}, "conversation_id": {"type": ["string", "null"]}},
            },
        ),
        _sse_event(
            "delta",
            "回答文本的一段",
            {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
        ),
        _sse_event("done", "最后一个事件：完整回答", {"$ref": "#/components/schemas/Answer"}),
    ]
}


class AskRequest(BaseModel):
    # maxLength in the OpenAPI document is the setting api.max_question_chars; the assistant checks both limits.
    question: str = Field(
        description="用户的问题（不能为空；最长字数见 maxLength）",
        json_schema_extra=NOT_BLANK,
        examples=["信用修复有哪些方式？"],
    )
    conversation_id: str | None = Field(None, description="多轮对话编号；首次提问可不填", max_length=64)
    stream: bool = Field(False, description="true 时以 server-sent events 流式返回")
    locality: str | None = Field(
        None,
        description="地区筛选（如 濮阳）：问题未写地区时按此地区回答；问题中已写明地区时以问题为准，"
        "回答的 region 字段说明是否应用",
        max_length=50,
        examples=["濮阳"],
    )
    remember: bool = Field(
        False,
        description="不带 API 密钥时：true 则保存多轮对话，并在响应头 X-Session-Token 返回会话令牌，追问时带上该请求头"
        "和 conversation_id；不带令牌的匿名提问不保存对话。持密钥的调用总是保存，对话只属于该密钥",
    )

    model_config = ConfigDict(
        strict=True,  # `"stream": 0` is an error, not false
        json_schema_extra={
            "examples": [
                {"question": "我们公司被罚过款，怎么把记录撤下来？"},
                {"question": "91211300MAD044YF2G 怎么修复信用", "conversation_id": None},
            ]
        },
    )


class Readiness(BaseModel):
    status: str = Field(description="ready / loading / failed")
    passages: int | None = Field(None, description="索引中的段落数")
    encoder: str | None = Field(None, description="向量模型")
    index_version: str | None = Field(None, description="正在使用的索引版本")
    answering: str | None = Field(
        None, description="回答问题的位置：processes = 独立答题进程；threads = 本进程的线程（答题进程未配置或仍在加载）"
    )
    detail: str | None = Field(None, description="未就绪时的原因")


class SearchHit(BaseModel):
    rank: int
    score: float
    citation: Citation


class SearchResponse(BaseModel):
    query: str
    method: str
    hits: list[SearchHit]


class SubjectSummary(BaseModel):
    name: str
    identifier: str
    kind: str
    locality: str
    industry: str
    score: float | None = None


class SubjectPage(BaseModel):
    """One page of a name search, best matches first."""

    total: int = Field(description="匹配的主体总数（最多计 500 个）")
    capped: bool = Field(False, description="true：匹配超过 500 个，请输入更完整的名称")
    offset: int = Field(description="本页第一个结果的序号（从 0 起）")
    limit: int = Field(description="每页条数")
    items: list[SubjectSummary] = Field(description="本页的主体：名称完全一致的在前，其余按相似度")


class SubjectRecords(BaseModel):
    subject: SubjectSummary
    penalties: list[dict]
    lists: list[dict]
    evaluations: list[dict]
    commitments: list[dict]
    repairs: list[dict]
    answer: Answer


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    doc_number: str
    doc_numbers: list[str]
    issuer: str
    date: str | None
    year: int | None
    locality: str
    place: str = Field("", description="适用地区中最具体的地名（县、市或省），可作提问的地区筛选 locality")
    kind: str
    passages: int


class SectionNodeModel(BaseModel):
    label: str
    children: list[SectionNodeModel] = Field(default_factory=list)


class ImportResponse(BaseModel):
    record_type: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
