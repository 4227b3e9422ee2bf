"""Request and response bodies of the API (with OpenAPI examples)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.models import Answer, Citation


class AskRequest(BaseModel):
    question: str = Field(description="用户的问题", examples=["信用修复有哪些方式？"])
    conversation_id: str | None = Field(None, description="多轮对话编号；首次提问可不填")
    stream: bool = Field(False, description="true 时以 server-sent events 流式返回")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"question": "我们公司被罚过款，怎么把记录撤下来？"},
                {"question": "91211300MAD044YF2G 怎么修复信用", "conversation_id": None},
            ]
        }
    }


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
    kind: str
    passages: int


class SectionNodeModel(BaseModel):
    label: str
    children: list[SectionNodeModel] = Field(default_factory=list)


class DocumentDetail(DocumentSummary):
    sections: list[SectionNodeModel]
    passage_list: list[dict]
    raw_text: str


class ImportResponse(BaseModel):
    record_type: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
