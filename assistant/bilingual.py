"""Questions with English in them (pure): English words and phrases read as the Chinese the corpus uses.

"How long is 行政处罚信息 published on 信用中国?" → "多久 行政处罚信息 公示 信用中国": the glossary
(assistant/data/glossary_en_zh.tsv) maps domain phrases and interrogatives, longest first; other English
words (is, on, the) carry nothing the retrieval or the question frame could use and are dropped.
Identifiers (统一社会信用代码, 文号) are left as they are: they hold digits.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

GLOSSARY_FILE = Path(__file__).parent / "data" / "glossary_en_zh.tsv"
_ENGLISH_WORD = re.compile(r"(?<![0-9A-Za-z])[A-Za-z][A-Za-z'’-]*(?![0-9A-Za-z])")
MIN_ENGLISH_WORDS = 2  # a stray letter or an acronym (A级, PDF) is no English question


@cache
def glossary() -> tuple[tuple[re.Pattern[str], str], ...]:
    pairs = []
    for line in GLOSSARY_FILE.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            english, chinese = line.split("\t")
            pattern = re.compile(rf"(?<![A-Za-z]){re.escape(english)}(?![A-Za-z])", re.IGNORECASE)
            pairs.append((len(english), pattern, chinese))
    return tuple((pattern, chinese) for _, pattern, chinese in sorted(pairs, key=lambda p: -p[0]))


def has_english(question: str) -> bool:
    return len(_ENGLISH_WORD.findall(question)) >= MIN_ENGLISH_WORDS


def chinese_reading(question: str) -> str:
    """The question with glossary phrases in Chinese and other English words dropped; unchanged when it holds
    no English."""
    if not has_english(question):
        return question
    text = question
    for pattern, chinese in glossary():
        text = pattern.sub(f" {chinese} ", text)
    text = _ENGLISH_WORD.sub(" ", text)
    text = re.sub(r"\s+", "", text).replace("?", "？")
    # English asks "how long" first; Chinese asks it after the verb (公示多久), which is what the frame reads.
    if match := re.match(r"(多久|多长时间)(.+?)([？。]?)$", text):
        text = f"{match[2]}{match[1]}{match[3]}"
    return text
