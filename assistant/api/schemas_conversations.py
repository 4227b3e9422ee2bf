"""Bodies of the conversation and feedback endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Answer
from connectors.conversations import ConversationSummary
from connectors.feedback import FeedbackRecord

MAX_FEEDBACK_CHARS = 2000


class ConversationOut(BaseModel):
    id: str = Field(description="对话编号（提问时作为 conversation_id）")
    title: str = Field(description="标题：该对话的第一个问题")
    turns: int = Field(description="问答轮数")
    created_at: dt.datetime
    updated_at: dt.datetime = Field(description="最近一次提问的时间")

    @classmethod
    def of(cls, summary: ConversationSummary) -> ConversationOut:
        return cls(
            id=summary.id,
            title=summary.title,
            turns=summary.turns,
            created_at=summary.created_at,
            updated_at=summary.updated_at,
        )


class FeedbackIn(BaseModel):
    rating: Literal["up", "down"] = Field(description="up：👍；down：👎")
    comment: str = Field("", description="补充说明（可选）", max_length=MAX_FEEDBACK_CHARS)
    expected_answer: str = Field(
        "",
        description="期望的回答（可选；👎 时填写，导出评测集时据此生成 must_include）",
        max_length=MAX_FEEDBACK_CHARS,
    )
    unanswerable: bool = Field(False, description="true：文件中没有答案，应当拒答（👎 时）")

    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {"rating": "down", "comment": "漏了约谈程序", "expected_answer": "启动提示约谈或警示约谈程序"}
            ]
        },
    )


class FeedbackBrief(BaseModel):
    rating: str
    comment: str = ""
    expected_answer: str = ""
    unanswerable: bool = False


class FeedbackOut(FeedbackBrief):
    id: str
    conversation_id: str
    turn: int
    question: str
    route: str = ""
    answer: str = Field("", description="当时的回答（涉及主体信用记录的回答不保存）")
    citations: list[dict[str, Any]] = Field(
        default_factory=list, description="当时引用的条文（文件、章节、引文）"
    )
    about_subject: bool = False
    corpus_version: str = Field("", description="回答时使用的索引版本")
    caller: str = Field("", description="反馈者（密钥或匿名会话的哈希）")
    created_at: dt.datetime

    @classmethod
    def of(cls, record: FeedbackRecord) -> FeedbackOut:
        return cls(
            id=record.id,
            conversation_id=record.conversation_id,
            turn=record.turn,
            rating=record.rating,
            comment=record.comment,
            expected_answer=record.expected_answer,
            unanswerable=record.unanswerable,
            question=record.question,
            route=record.route,
            answer=record.answer,
            citations=record.citations,
            about_subject=record.about_subject,
            corpus_version=record.corpus_version,
            caller=record.caller,
            created_at=record.created_at,
        )


class TurnOut(BaseModel):
    number: int = Field(description="轮次（1 起）")
    question: str = Field(description="用户的问题（原文）")
    region: str | None = Field(None, description="提问时所选的地区筛选")
    at: dt.datetime
    answer: Answer
    feedback: FeedbackBrief | None = None


class ConversationDetail(BaseModel):
    id: str
    title: str
    turns: list[TurnOut]
