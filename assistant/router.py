"""Route a question: the learned classifier decides the route, subject detection decides who it is about.

Route, subject and the mention's role decide together: a subject named in a question the model routes
to policy QA is only the asker's context ("我是…的会计，想问…"), not the subject asked about. In a
conversation, a back reference (它/这家/该企业) or the asker's own organisation (我们公司) stands for
the subject named before, and an elliptical question keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.route_model import MASK_CHAR, SUBJECT_ROUTES, RouteModel, RoutePrediction, for_encoder
from assistant.subjects import (
    GenericCheck,
    NameLookup,
    SubjectMention,
    back_reference,
    detect_subjects,
    main_mention,
    mask_mentions,
    own_reference,
)
from indexes import Encoder

CATEGORY_WORDS = {
    "严重失信": (
        "严重失信",
        "失信联合惩戒对象",
        "黑名单",
        "失信主体名单",
        "联合惩戒",
        "失信企业",
        "失信主体",
        "失信",
    ),
    "守信激励": ("守信", "红名单", "激励对象", "诚信典型", "无不良信用记录", "守合同重信用"),
    "重点关注": ("重点关注",),
    "失信被执行人": ("失信被执行人", "老赖"),
    "低风险": ("信用好", "信用较好", "风险低", "风险较低", "信用评价优", "A类", "“优”", "A级"),
    "高风险": ("信用差", "信用评价差", "评价结果为“差”", "风险高", "风险较高", "D类"),
}
GREETINGS = ("你好", "您好", "谢谢", "再见", "你是谁", "hello", "hi", "在吗", "早上好", "晚上好")
# Words that put a question inside the domain even when the model calls it out of scope.
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
)
# Nouns every text uses; naming one of them does not put a question inside the corpus's topics.
GENERIC_NOUNS = frozenset(
    (
        "公司",
        "企业",
        "单位",
        "时间",
        "问题",
        "情况",
        "事情",
        "东西",
        "地方",
        "方面",
        "部门",
        "政府",
        "老板",
        "人员",
    )
)
OUT_OF_SCOPE_MIN = 0.5  # below this the model's out-of-scope call is not trusted; policy QA decides
DomainCheck = Callable[[str], bool]  # does the question use a topic word of the corpus?


@dataclass(frozen=True, slots=True)
class DialogContext:
    """What an earlier turn left for this one."""

    subject: str | None = None  # the subject asked about, as written then
    own: str | None = None  # the asker's own organisation, named as context earlier


@dataclass(slots=True)
class RouteDecision:
    route: str
    subject: SubjectMention | None = None
    context_mention: SubjectMention | None = None  # named only as the asker's context
    category: str | None = None
    uses_context: str | None = None  # the earlier subject this question refers to
    reasons: list[str] = field(default_factory=list)
    probabilities: dict[str, float] = field(default_factory=dict)


def has_any(text: str, words: tuple[str, ...]) -> str | None:
    return next((w for w in words if w in text), None)


def find_category(question: str) -> str | None:
    """The subject category the question names; the most specific (longest) matching word wins."""
    found = [(len(w), category) for category, words in CATEGORY_WORDS.items() for w in words if w in question]
    return max(found)[1] if found else None


def is_greeting(question: str) -> bool:
    stripped = re.sub(r"[\s，。！？,.!?~～]", "", question.lower())
    return (
        len(stripped) <= 8
        and has_any(stripped, GREETINGS) is not None
        and not has_any(stripped, DOMAIN_WORDS)
    )


def masked_question(
    question: str, mentions: list[SubjectMention], context: DialogContext
) -> tuple[str, str | None]:
    """The question as the model sees it, and the earlier subject a reference in it stands for."""
    if mentions:
        masked = mask_mentions(question, mentions, MASK_CHAR)
        # "…公司在我们辖区，对它…": a back reference to the subject just named is that subject too.
        if word := back_reference(masked):
            masked = masked.replace(word, MASK_CHAR, 1)
        return masked, None
    if context.own and (word := own_reference(question)):
        return question.replace(word, MASK_CHAR, 1), context.own
    if context.subject and (word := back_reference(question)):
        return question.replace(word, MASK_CHAR, 1), context.subject
    if context.own and not context.subject and (word := back_reference(question)):
        return question.replace(word, MASK_CHAR, 1), context.own
    return question, None


class Router:
    def __init__(
        self,
        encoder: Encoder,
        lookup: NameLookup | None = None,
        model: RouteModel | None = None,
        in_domain: DomainCheck | None = None,
        generic: GenericCheck | None = None,
    ) -> None:
        self.encoder = encoder
        self.lookup = lookup
        self.generic = generic
        self.model = model or RouteModel(encoder)
        self.in_domain = in_domain or (lambda question: False)

    def route(
        self, question: str, context: DialogContext | None = None, query_vector: np.ndarray | None = None
    ) -> RouteDecision:
        """`query_vector`: the question's embedding when the caller already has it (saves one encode)."""
        context = context or DialogContext()
        if is_greeting(question):
            return RouteDecision("chitchat", reasons=["问候/寒暄"])
        mentions = detect_subjects(question, self.lookup, self.generic)
        masked, referred = masked_question(question, mentions, context)
        vector = query_vector if masked == question else None
        if vector is None:
            vector = self.encoder.encode_queries([for_encoder(masked)])[0]
        prediction = self.model.predict(masked, vector)
        if prediction.route == "out_of_scope" and context.subject and not mentions and referred is None:
            # A fragment that makes no sense alone ("要是上了，怎么才能出来？") is read with the subject
            # of the conversation as its omitted subject.
            elliptical = self.model.predict(MASK_CHAR + question)
            if elliptical.route in SUBJECT_ROUTES:
                prediction, referred = elliptical, context.subject
        decision = decide(question, mentions, referred, prediction, context)
        unsure = prediction.probabilities.get("out_of_scope", 0.0) < OUT_OF_SCOPE_MIN
        if decision.route == "out_of_scope" and (unsure or self.in_domain(question)):
            decision.route = "policy_qa"
            decision.reasons.append("用到政策文件的主题词或模型把握不大，交由政策问答判断")
        return decision


def decide(
    question: str,
    mentions: list[SubjectMention],
    referred: str | None,
    prediction: RoutePrediction,
    context: DialogContext,
) -> RouteDecision:
    """Turn the model's route and the detected mentions into one decision (pure)."""
    route = prediction.route
    share = prediction.probabilities.get(route, 0.0)
    reasons = [f"路由模型：{route}（概率 {share:.2f}）", *prediction.reasons]
    decision = RouteDecision(route, reasons=reasons, probabilities=prediction.probabilities)
    mention = main_mention(mentions)
    if route == "out_of_scope" and has_any(question, DOMAIN_WORDS):
        decision.route = "policy_qa"
        reasons.append("含信用领域词语，交由政策问答判断")
    if decision.route not in SUBJECT_ROUTES:
        if mention is not None:
            decision.context_mention = mention
            reasons.append(f"“{mention.text}”只是提问者的背景，不是所问主体")
        return decision
    if mention is not None:
        decision.subject = mention
        reasons.append(f"所问主体：“{mention.text}”")
    elif referred is not None:
        decision.uses_context = referred
        reasons.append(f"指代上文主体“{referred}”")
    elif route == "applicable_measures" and (category := find_category(question)) is not None:
        decision.category = category
        reasons.append(f"按主体类别“{category}”列出措施")
    elif context.subject is not None:
        decision.uses_context = context.subject
        reasons.append(f"省略主语，沿用上文主体“{context.subject}”")
    else:
        decision.route = "policy_qa"
        reasons.append("未指明主体，按政策问答处理")
    return decision
