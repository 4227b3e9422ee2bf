"""Abbreviations a question uses for the corpus's terms (pure): 年报 for 年度报告, 人行 for 人民银行.

People shorten the documents' terms by keeping characters in order (年度报告 → 年报). A question word the
corpus never uses is read as the corpus word it abbreviates: a longer word that starts with the same
character and holds the word's characters in order — the most frequent such word, so an accidental match
of a rare word does not win. Only words absent from the corpus are expanded, so a word the documents use
is never re-read.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

MIN_CHARS, MAX_CHARS = 2, 4  # abbreviations worth expanding (a single character is no abbreviation)
MAX_GROWTH = 3  # a corpus word at most this many characters longer than the abbreviation
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")


class AbbreviationIndex:
    """The corpus vocabulary by first character, with each word's document frequency."""

    def __init__(self, frequencies: Mapping[str, int]) -> None:
        self.frequencies = frequencies
        self.by_first: dict[str, list[str]] = defaultdict(list)
        for word in frequencies:
            if _CJK.match(word) and len(word) > MIN_CHARS:
                self.by_first[word[0]].append(word)
        self._cache: dict[str, str | None] = {}

    def expansion(self, word: str) -> str | None:
        """The corpus word `word` abbreviates, or None (the corpus uses `word` itself, or nothing fits)."""
        if word in self._cache:
            return self._cache[word]
        found = None
        if word not in self.frequencies and MIN_CHARS <= len(word) <= MAX_CHARS and _CJK.match(word):
            in_order = re.compile(".*?".join(map(re.escape, word)))
            fitting = [
                w
                for w in self.by_first.get(word[0], ())
                if len(word) < len(w) <= len(word) + MAX_GROWTH and in_order.match(w)
            ]
            found = max(fitting, key=lambda w: (self.frequencies[w], -len(w)), default=None)
        self._cache[word] = found
        return found

    def expand(self, tokens: list[str]) -> list[str]:
        """`tokens` plus the corpus word each abbreviation stands for."""
        extra = dict.fromkeys(e for t in tokens if (e := self.expansion(t)) is not None)
        return tokens + [e for e in extra if e not in tokens]
