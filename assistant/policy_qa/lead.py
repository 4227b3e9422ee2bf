"""The answer's lead (pure): the sentence that states the answer, cut to what the question asks.

An answer starts with what was asked — the number and unit, the period, the bodies, the items — taken
verbatim from the evidence sentence (extractive: every lead is an exact part of a cited passage), and only
then quotes its sources. A long sentence is cut to its most relevant run of clauses (split at ，；：),
keeping the clause that holds the asked detail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

LEAD_MAX = 120  # characters of a lead sentence before it is cut to its relevant clauses
QUOTE_MAX = 130  # characters of a supporting quote (the whole clause stays in the citation)
SAME_SHARE = 0.8  # character-pair overlap above which two sources say the same thing

_NUMBERING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇]+条\s*|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]\s*|"
    r"[一二三四五六七八九十]+、\s*|\d{1,3}\s*[.．、]\s*(?!\d))+"
)
_SEGMENT_END = re.compile(r"(?<=[，,；;：:])")
_ITEM = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十\d]+\s*[)）]")

Relevance = Callable[[str], float]  # how much a piece of text answers the question (higher is better)


def plain(sentence: str) -> str:
    """A sentence without its numbering (`第十二条 `, `（三）`, `2.`) and surrounding space."""
    return _NUMBERING.sub("", sentence.strip()).strip()


def segments(sentence: str) -> list[str]:
    return [s for s in _SEGMENT_END.split(sentence) if s]


def best_window(parts: Sequence[str], scores: Sequence[float], limit: int) -> tuple[int, int]:
    """The run [i, j) of clauses around the best-scoring one, grown towards the better neighbour while it
    fits in `limit` characters (the left one on a tie: a clause's subject comes first)."""
    best = max(range(len(parts)), key=lambda k: (scores[k], -k))
    first, last, size = best, best + 1, len(parts[best])
    while True:
        left = first - 1 if first > 0 and size + len(parts[first - 1]) <= limit else None
        right = last if last < len(parts) and size + len(parts[last]) <= limit else None
        if left is None and right is None:
            return first, last
        if left is not None and (right is None or scores[left] >= scores[right]):
            first, size = left, size + len(parts[left])
        elif right is not None:
            last, size = last + 1, size + len(parts[right])


def cut(sentence: str, relevance: Relevance, limit: int = LEAD_MAX) -> str:
    """The sentence itself when short; else its most relevant run of clauses, marked with "…" where cut."""
    text = plain(sentence)
    if len(text) <= limit:
        return text
    parts = segments(text)
    if len(parts) == 1:
        return text[:limit] + "…"
    first, last = best_window(parts, [relevance(p) for p in parts], limit)
    body = "".join(parts[first:last])
    if last < len(parts):
        body = body.rstrip("，,；;：:") + "…"
    return ("…" if first > 0 else "") + body


def items_of(text: str) -> list[str]:
    """The enumerated items (（一）… / (1)…) of a clause that lists them on lines of their own."""
    return [line.strip() for line in text.split("\n") if _ITEM.match(line)]


def list_lead(items: Sequence[str]) -> str:
    """Items as one run: `共3项：（一）…；（二）…；（三）…。`"""
    bodies = [item.rstrip("；;。，, ") for item in items]
    return f"共{len(bodies)}项：" + "；".join(bodies) + "。"


def crop_around(text: str, focus: str, limit: int = QUOTE_MAX) -> str:
    """`text` cut to `limit` characters around where `focus` occurs (the supporting quote of a clause)."""
    flat = text.replace("\n", "")
    if len(flat) <= limit:
        return flat
    at = max(flat.find(focus[:12]), 0) if focus else 0
    start = max(0, min(at - limit // 4, len(flat) - limit))
    piece = flat[start : start + limit]
    return ("…" if start > 0 else "") + piece + ("…" if start + limit < len(flat) else "")


def pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def says_same(a: str, b: str, share: float = SAME_SHARE) -> bool:
    """Do two leads say the same thing (most character pairs shared, e.g. parallel clauses of two plans)?"""
    left, right = pairs(a), pairs(b)
    if not left or not right:
        return a == b
    return len(left & right) / min(len(left), len(right)) >= share
