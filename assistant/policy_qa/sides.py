"""What a question names as its sources (pure): places and documents, each a side with its documents.

A document is named by its title ("企业信息公示暂行条例"), by most of its title's words with its kind
("市场监管总局关于行政处罚信息公示的那个规定"), or by its issuer or place with its kind ("国务院的条例",
"山东那个条例"). A comparison is a question with two or more sides that mean different documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus import DocumentMeta

KINDS = ("条例", "规定", "办法", "细则", "实施方案", "实施意见", "方案", "意见", "通知", "决定", "解释")
TITLE_SHARE = 0.6  # share of a title's character pairs a question must hold to name it by its words
ISSUER_SHARE = 0.6
_KIND_IN_QUESTION = re.compile("|".join(KINDS))
_GENERIC_TITLE_WORDS = re.compile(r"关于|印发|转发|的通知|暂行|试行|实施|《|》")


@dataclass(frozen=True, slots=True)
class Side:
    label: str  # how the answer names it: 山东 / 《企业信息公示暂行条例》
    doc_ids: tuple[str, ...]
    mention: str  # the words of the question that name it


def pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def share_in(text: str, question: str) -> float:
    own = pairs(text)
    return len(own & pairs(question)) / len(own) if own else 0.0


def kind_of_title(title: str) -> str:
    return next((kind for kind in KINDS if title.endswith(kind)), "")


def title_core(title: str, place_names: Sequence[str]) -> str:
    """A title without its kind, its place names and words every title has."""
    core = title.removesuffix(kind_of_title(title))
    for name in place_names:
        core = core.replace(name, "")
    return _GENERIC_TITLE_WORDS.sub("", core)


def names_document(question: str, doc: DocumentMeta, title: str) -> bool:
    """Does the question name this document (by title, by its words and kind, or by issuer and kind)?"""
    if len(title) >= 4 and title in question:
        return True
    kind = kind_of_title(title)
    if not kind or kind not in question:
        return False
    core = title_core(title, doc.locality.names())
    if len(core) >= 3 and share_in(core, question) >= TITLE_SHARE:
        return True
    issuer = doc.issuer.replace("中华人民共和国", "")
    return len(issuer) >= 3 and share_in(issuer, question) >= ISSUER_SHARE and not doc.locality.label


def documents_named(question: str, documents: Iterable[DocumentMeta], titles: dict[str, str]) -> list[Side]:
    """Sides for the documents the question names, in order of mention; `titles`: doc_id → short title."""
    if not _KIND_IN_QUESTION.search(question):
        return []
    found = []
    for doc in documents:
        title = titles.get(doc.doc_id, doc.title)
        if names_document(question, doc, title):
            at = question.find(title) if title in question else len(question)
            found.append((at, Side(f"《{title}》", (doc.doc_id,), title if title in question else "")))
    return [side for _, side in sorted(found, key=lambda item: item[0])]


COMPARISON_CUES = re.compile(
    r"不同|区别|差异|差别|相比|比较|异同|一样|分别|各自|各是|各怎么|各有|各地|两地|哪个更|有何不同"
)
_JOINED = r"[和与跟及、,，]|以及|还有"


def compares(question: str, sides: Sequence[Side]) -> bool:
    """Is the question a comparison of its sides: it says so (有什么不同, 分别, 一样吗), or it names two sides
    joined together ("山东和深圳怎么规定"), not merely two places in passing ("注册在江苏，被浙江罚了")."""
    if len(sides) < 2:
        return False
    if COMPARISON_CUES.search(question):
        return True
    mentions = [re.escape(side.mention) for side in sides if side.mention]
    if len(mentions) < 2:
        return False
    names = "|".join(mentions)
    return bool(re.search(rf"(?:{names})[省市县区]?(?:的)?(?:{_JOINED})(?:{names})", question))


def distinct_sides(sides: Sequence[Side]) -> list[Side]:
    """Sides that mean different documents (the first naming of a set of documents wins)."""
    seen: set[frozenset[str]] = set()
    out = []
    for side in sides:
        key = frozenset(side.doc_ids)
        if key and key not in seen:
            seen.add(key)
            out.append(side)
    return out
