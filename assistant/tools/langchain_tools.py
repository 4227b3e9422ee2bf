"""The record tools as LangChain StructuredTools; the adapter adds no logic.

The tools act for one `caller`: subject records go only to a principal allowed to read them, and every
lookup is audited (channel `tool`), exactly as in chat.
"""

from __future__ import annotations

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from assistant.access import Principal
from assistant.service import Assistant


class SubjectInput(BaseModel):
    subject: str = Field(description="统一社会信用代码或企业名称")


class MeasuresInput(BaseModel):
    subject: str | None = Field(None, description="统一社会信用代码或企业名称（可选）")
    category: str | None = Field(
        None, description="类别：守信激励/严重失信/重点关注/失信被执行人/低风险/高风险"
    )
    locality: str | None = Field(None, description="地区，如 濮阳")


def build_tools(assistant: Assistant, caller: Principal) -> list[StructuredTool]:
    from assistant.conversation import ConversationState
    from assistant.router import RouteDecision
    from assistant.subjects import SubjectMention
    from connectors import looks_like_code

    def run(route: str, subject: str) -> str:
        written = subject.strip()
        mention = SubjectMention(written, "code" if looks_like_code(written) else "name", 0, len(written))
        state = ConversationState("tool")  # one call, no conversation to remember
        decision = RouteDecision(route, subject=mention)
        return assistant.subject_answer(decision, state, caller.via("tool")).text

    def measures(subject: str | None = None, category: str | None = None, locality: str | None = None) -> str:
        if subject:
            return run("applicable_measures", subject)
        return assistant.category_measures(category or "严重失信", locality).text

    return [
        StructuredTool.from_function(
            func=lambda subject: run("subject_status", subject),
            name="subject_status",
            description="查询主体的名单、行政处罚、信用评价、信用承诺和修复记录",
            args_schema=SubjectInput,
        ),
        StructuredTool.from_function(
            func=lambda subject: run("repair_steps", subject),
            name="repair_steps",
            description="按主体记录和修复规则生成信用修复方案",
            args_schema=SubjectInput,
        ),
        StructuredTool.from_function(
            func=measures,
            name="applicable_measures",
            description="列出主体或某类主体适用的守信激励、失信惩戒或分级分类监管措施",
            args_schema=MeasuresInput,
        ),
    ]
