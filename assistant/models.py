"""The answer-type chain: Citation and RecordRef inside an Answer (pydantic: it crosses the API)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Route = Literal[
    "policy_qa", "subject_status", "repair_steps", "applicable_measures", "chitchat", "out_of_scope"
]
ROUTES: tuple[str, ...] = ("policy_qa", "subject_status", "repair_steps", "applicable_measures")


class Citation(BaseModel):
    """A policy passage an answer rests on; `quote` is an exact substring of the passage text."""

    number: int = Field(description="Citation number used in the answer text, e.g. [1]")
    doc_id: str
    title: str
    doc_number: str = Field(description="文号")
    issuer: str = ""
    locality: str = ""
    section_path: str
    passage_id: str
    passage: str = Field(description="The whole passage")
    quote: str = Field(description="The sentence(s) of the passage that support the answer")
    start: int = Field(description="Offset of the passage in the document's raw text")
    end: int


class RecordRef(BaseModel):
    """A subject record an answer statement names."""

    kind: str = Field(description="行政处罚 / 名单 / 信用评价 / 信用承诺 / 信用修复申请")
    label: str = Field(description="Which record, e.g. 行政处罚决定书 濮阳罚〔2024〕1号")
    detail: str = ""


class SubjectRef(BaseModel):
    name: str
    identifier: str = Field(description="统一社会信用代码, or a masked ID number")
    kind: str = ""
    locality: str = ""


class Candidate(BaseModel):
    name: str
    identifier: str
    score: float


class RegionNote(BaseModel):
    """The region filter of a question: applied, or not because the question names its own place."""

    requested: str = Field(description="所选地区")
    applied: bool = Field(description="是否按所选地区筛选")
    note: str = Field("", description="中文说明，如 问题中已指明“翁源”，未按所选地区“濮阳”筛选。")


class Answer(BaseModel):
    text: str
    route: Route
    citations: list[Citation] = Field(default_factory=list)
    records: list[RecordRef] = Field(default_factory=list)
    subject: SubjectRef | None = None
    subject_mention: str | None = Field(
        None, description="The subject as written by the user (this turn or the earlier turn it was carried from)"
    )
    candidates: list[Candidate] = Field(default_factory=list, description="Subjects to choose from")
    refused: bool = Field(False, description="True when the documents do not answer the question")
    confidence: float | None = Field(
        None, description="How sure the assistant is that the cited passages answer the question (0–1)"
    )
    clarification: bool = Field(False, description="True when the assistant asks back")
    related: list[Citation] = Field(default_factory=list, description="Nearest passages shown with a refusal")
    route_reasons: list[str] = Field(default_factory=list)
    data: dict = Field(default_factory=dict, description="Structured tool output (plan steps, measures)")
    conversation_id: str = ""
    turn: int | None = Field(None, description="This turn's number in the conversation (1, 2, …); None when not kept")
    region: RegionNote | None = Field(None, description="What became of the region filter the question came with")
