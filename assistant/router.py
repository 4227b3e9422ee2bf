"""Route a question to a tool or to policy QA: explainable keyword rules, then nearest labelled examples.

Every decision carries the reasons that produced it, so a wrong route can be traced to a rule or
an example.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from assistant.catalogue import DATA_DIR
from assistant.subjects import SubjectMention, find_subject, refers_back
from indexes import Encoder

REPAIR_WORDS = (
    "修复",
    "撤下",
    "撤掉",
    "撤销记录",
    "删除记录",
    "删掉",
    "移出",
    "消除",
    "洗白",
    "恢复信用",
    "退出名单",
    "去掉记录",
)
STATUS_WORDS = (
    "信用状况",
    "信用情况",
    "信用记录",
    "查一下",
    "查下",
    "查询",
    "有没有",
    "是否被列入",
    "有无",
    "评价等级",
    "信用等级",
    "处罚记录",
    "怎么样",
    "状态",
)
MEASURE_WORDS = (
    "措施",
    "限制",
    "便利",
    "激励",
    "惩戒",
    "享受",
    "优惠",
    "优待",
    "受到",
    "可以给",
    "待遇",
    "影响",
    "不能",
    "还能",
    "能否参加",
    "能参加",
    "可以参加",
    "能不能",
    "能否",
    "管控",
    "约束",
    "怎么监管",
    "被怎么",
)
DEFINITION_WORDS = ("是什么意思", "什么是", "是什么", "含义", "指什么", "what is", "定义", "怎么理解")
QUANTITY_WORDS = ("多久", "多长时间", "多少", "几次", "几个", "何时", "什么时候", "多大", "比例是")
POLICY_ASPECT_WORDS = ("认定", "规定", "标准", "程序", "流程", "由谁", "哪些单位", "牵头", "负责")
CATEGORY_WORDS = {
    "严重失信": (
        "严重失信",
        "失信联合惩戒对象",
        "黑名单",
        "失信主体名单",
        "联合惩戒",
        "失信企业",
        "失信主体",
    ),
    "守信激励": ("守信", "红名单", "激励对象", "诚信典型", "无不良信用记录"),
    "重点关注": ("重点关注",),
    "失信被执行人": ("失信被执行人", "老赖"),
    "低风险": ("信用好", "信用较好", "风险低", "风险较低", "信用评价优", "A类"),
    "高风险": ("信用差", "信用评价差", "评价结果为“差”", "风险高", "风险较高", "D类"),
}
GREETINGS = ("你好", "您好", "谢谢", "再见", "你是谁", "hello", "hi", "在吗", "早上好", "晚上好")
DOMAIN_WORDS = (
    "信用",
    "失信",
    "守信",
    "处罚",
    "惩戒",
    "激励",
    "承诺",
    "名单",
    "监管",
    "修复",
    "代码",
    "政策",
    "企业",
    "公司",
)
OUT_OF_SCOPE_SIMILARITY = 0.86


@dataclass(slots=True)
class RouteDecision:
    route: str
    subject: SubjectMention | None = None
    category: str | None = None
    uses_context: bool = False
    reasons: list[str] = field(default_factory=list)


def has_any(text: str, words: tuple[str, ...]) -> str | None:
    return next((w for w in words if w in text), None)


def find_category(question: str) -> str | None:
    for category, words in CATEGORY_WORDS.items():
        if has_any(question, words):
            return category
    return None


def rule_route(question: str, subject: SubjectMention | None) -> RouteDecision | None:
    """The keyword rules; None when they do not decide."""
    text = question.lower()
    stripped = re.sub(r"[\s，。！？,.!?~～]", "", text)
    if len(stripped) <= 8 and has_any(stripped, GREETINGS) and not has_any(text, DOMAIN_WORDS):
        return RouteDecision("chitchat", reasons=["问候/寒暄"])
    if word := has_any(text, DEFINITION_WORDS):
        return RouteDecision("policy_qa", reasons=[f"询问概念或规定（“{word}”）"])
    if subject is not None:
        if word := has_any(text, REPAIR_WORDS):
            return RouteDecision("repair_steps", subject, reasons=[f"指明主体且问修复（“{word}”）"])
        status = has_any(text, ("有没有", "是否被列入", "有无", "信用状况", "评价等级", "信用等级"))
        if (word := has_any(text, MEASURE_WORDS)) and not status:
            return RouteDecision("applicable_measures", subject, reasons=[f"指明主体且问措施（“{word}”）"])
        return RouteDecision("subject_status", subject, reasons=["指明主体，查询信用状况"])
    if word := has_any(text, QUANTITY_WORDS):
        return RouteDecision("policy_qa", reasons=[f"问期限或数量（“{word}”）"])
    category = find_category(question)
    aspect = has_any(text, POLICY_ASPECT_WORDS)
    measure_text = text
    for words in CATEGORY_WORDS.values():
        for w in words:
            measure_text = measure_text.replace(w, "")
    if category and (word := has_any(measure_text, MEASURE_WORDS)) and not aspect:
        return RouteDecision(
            "applicable_measures", category=category, reasons=[f"类别“{category}”+措施（“{word}”）"]
        )
    return None


class Router:
    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder

    @cached_property
    def _examples(self) -> tuple[list[str], np.ndarray]:
        rows = [
            json.loads(line)
            for line in (DATA_DIR / "route_examples.jsonl").read_text("utf-8").splitlines()
            if line
        ]
        return [r["route"] for r in rows], self.encoder.encode_queries([r["question"] for r in rows])

    def nearest(self, question: str) -> tuple[str, float]:
        routes, vectors = self._examples
        sims = vectors @ self.encoder.encode_queries([question])[0]
        top = np.argsort(-sims)[:3]
        votes: dict[str, float] = {}
        for i in top:
            votes[routes[i]] = votes.get(routes[i], 0.0) + float(sims[i])
        best = max(votes, key=lambda r: votes[r])
        return best, float(sims[top[0]])

    def route(self, question: str, context_subject: bool = False) -> RouteDecision:
        subject = find_subject(question)
        uses_context = (
            subject is None and context_subject and (refers_back(question) or question.startswith("那"))
        )
        decision = rule_route(question, subject or (SubjectMention("", "context") if uses_context else None))
        if decision is not None:
            if decision.subject is not None and decision.subject.kind == "context":
                decision.subject, decision.uses_context = None, True
                decision.reasons.append("沿用上文主体")
            return decision
        route, similarity = self.nearest(question)
        reasons = [f"最相近的标注样例属于 {route}（相似度 {similarity:.2f}）"]
        on_topic = has_any(question, DOMAIN_WORDS)
        if not on_topic and (route == "out_of_scope" or similarity < OUT_OF_SCOPE_SIMILARITY):
            return RouteDecision("out_of_scope", reasons=[*reasons, "与信用政策无关"])
        if route == "out_of_scope":
            return RouteDecision("policy_qa", reasons=[*reasons, "含信用相关词语，交由政策问答判断"])
        if route in ("subject_status", "repair_steps"):
            # A subject route with no subject named: answer from policy and offer a personal lookup.
            return RouteDecision("policy_qa", reasons=[*reasons, "未指明主体，按政策问答处理"])
        category = find_category(question)
        if route == "applicable_measures" and (
            category is None or not has_any(question, (*MEASURE_WORDS, "处理"))
        ):
            return RouteDecision("policy_qa", reasons=[*reasons, "未识别出主体类别，按政策问答处理"])
        return RouteDecision(route, category=category, reasons=reasons)
