"""Find the subject a question is about: a 统一社会信用代码 or an enterprise name (pure)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# 18 code characters, tolerant of lower case and full-width (NFKC first); spaces inside are rare.
_CODE = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{18})(?![0-9A-Za-z])")
_NAME_SUFFIX = (
    "有限责任公司|股份有限公司|有限公司|集团公司|分公司|公司|专业合作社|合作社|经营部|商行|工作室|"
    "大药房|药房|超市|商店|门市部|加工厂|食品厂|厂|店|中心|事务所|研究院|医院|学校|幼儿园"
)
_NAME = re.compile(rf"([\u4e00-\u9fff（）()A-Za-z0-9]{{2,40}}?(?:{_NAME_SUFFIX}))")
_LEADING_NOISE = re.compile(
    r"^(?:.*?(?:我们公司|我公司|我司|我们|本公司|帮我查一下|帮我查查|帮我查|查一下|查下|查询|请问|问一下|"
    r"叫做|名叫|叫|是|的|这家|那家|关于|对于|看看|了解))+"
)
PRONOUNS = (
    "它",
    "该企业",
    "该公司",
    "这家企业",
    "这家公司",
    "这个企业",
    "这个公司",
    "他们",
    "该主体",
    "上述企业",
)
_GENERIC_NAMES = {"公司", "企业", "有限公司", "商店", "中心", "我们公司", "这家公司", "该公司", "本公司"}


@dataclass(frozen=True, slots=True)
class SubjectMention:
    text: str  # as written in the question
    kind: str  # "code" | "name"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def find_code(question: str) -> str | None:
    """An 18-character code candidate as written (case kept), or None. Validity is checked later."""
    folded = _fold(question)
    for match in _CODE.finditer(folded):
        candidate = match.group(1)
        if sum(ch.isdigit() for ch in candidate) >= 8:
            start, end = match.span(1)
            return question[start:end] if len(question) == len(folded) else candidate
    return None


def clean_name(raw: str) -> str:
    name = _LEADING_NOISE.sub("", raw)
    return name.strip("（）() ")


def find_name(question: str) -> str | None:
    """The longest enterprise-like name in the question (…有限公司, …合作社, …厂)."""
    names = [clean_name(m.group(1)) for m in _NAME.finditer(question)]
    names = [n for n in names if len(n) >= 4 and n not in _GENERIC_NAMES]
    return max(names, key=len) if names else None


def find_subject(question: str) -> SubjectMention | None:
    code = find_code(question)
    if code:
        return SubjectMention(code, "code")
    name = find_name(question)
    return SubjectMention(name, "name") if name else None


def refers_back(question: str) -> bool:
    """Does the question point at a subject mentioned earlier (它/该企业/这家公司)?"""
    return any(p in question for p in PRONOUNS)
