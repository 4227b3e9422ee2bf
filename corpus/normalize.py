"""Text normalisation: repair page-break artefacts for display, fold punctuation for matching.

The raw text is never modified; the functions here derive a display text from a raw span
(`clean_span`) and a matching key from any text (`fold`).
"""

from __future__ import annotations

import re
import unicodedata

from corpus.patterns import (
    ARTICLE_START,
    DIVISION_HEADING,
    HEADING_START,
    MARKDOWN_HEADING,
    STRUCTURE_START,
    division_label,
)

# Characters after which a line is a finished unit: a break after them is a real break.
TERMINAL_CHARS = set("。！？；：!?;:…”」』）)】〕]》>")
# Sentence-internal punctuation: a line that has it is running text, not a title.
RUNNING_TEXT_CHARS = set("，,。、；;")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(
    rf"(?<=[{_CJK}“”，。、：；（）《》])[ \t\u3000]+(?=[{_CJK}“”，。、：；（）《》\d])"
)
_SPACE_BEFORE_CJK = re.compile(rf"(?<=\d)[ \t\u3000]+(?=[{_CJK}])")
_EMPHASIS = re.compile(r"\*\*|__")
_LIST_BULLET = re.compile(r"^\s*[-*+]\s+")


def strip_markup(line: str) -> str:
    """Remove markdown heading marks, emphasis and list bullets from one line."""
    line = MARKDOWN_HEADING.sub("", line)
    line = _EMPHASIS.sub("", line)
    line = _LIST_BULLET.sub("", line)
    return line.strip()


def squeeze_spaces(text: str) -> str:
    """Drop spaces that extraction put between CJK characters (`2019 年 07 月` → `2019年07月`).

    Division headings read `第一章 总则`; the space after an article number is kept (`第一条 为了…`).
    """
    division = DIVISION_HEADING.match(text)
    if division:
        return division_label(division)
    article = ARTICLE_START.match(text)
    if article and article.group(0)[-1:].isspace() and text[article.end() :].strip():
        return f"{text[: article.end()].rstrip()} {squeeze_spaces(text[article.end() :].strip())}"
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return _SPACE_BEFORE_CJK.sub("", text)


def is_heading_line(line: str) -> bool:
    """A numbered or markdown heading with no sentence body (e.g. `一、总体要求`)."""
    stripped = line.strip()
    if MARKDOWN_HEADING.match(stripped) or DIVISION_HEADING.match(strip_markup(stripped)):
        return True
    if HEADING_START.match(strip_markup(stripped)):
        body = strip_markup(stripped).rstrip("。")
        return "。" not in body and len(body) <= 40
    return False


def is_title_line(text: str) -> bool:
    """A short line without running-text punctuation (a letterhead, 文号, title or signature)."""
    return len(text) <= 80 and not any(ch in RUNNING_TEXT_CHARS for ch in text)


def is_continuation(previous: str, following: str, in_paragraph: bool = False) -> bool:
    """True when a line break between `previous` and `following` is an extraction artefact.

    Between paragraphs the line before must read as running text; inside a paragraph already
    known to be one unit, any break not after a finished sentence is an artefact.
    """
    prev = strip_markup(previous).rstrip()
    nxt = strip_markup(following).lstrip()
    if not prev or not nxt or "\t" in previous or "\t" in following:
        return False
    if prev[-1] in TERMINAL_CHARS or is_heading_line(previous) or MARKDOWN_HEADING.match(following.strip()):
        return False
    if STRUCTURE_START.match(nxt) or nxt.startswith(("附件", "---")):
        return False
    return in_paragraph or any(ch in RUNNING_TEXT_CHARS for ch in prev)


def clean_lines(lines: list[str], in_paragraph: bool = False) -> str:
    """Join lines of one logical paragraph into its display text."""
    out: list[str] = []
    for line in lines:
        text = squeeze_spaces(strip_markup(line))
        if not text:
            continue
        if out and is_continuation(out[-1], text, in_paragraph):
            out[-1] = out[-1] + text
        else:
            out.append(text)
    return "\n".join(out)


def clean_span(raw: str, in_paragraph: bool = False) -> str:
    """Display text of a raw span: artefact breaks joined, markup stripped, real breaks kept."""
    lines = [line for line in raw.split("\n") if line.strip(" \t\u3000-─—_=*")]
    return clean_lines(lines, in_paragraph)


def fold(text: str) -> str:
    """Matching key: NFKC (full-width → half-width), lower case, no whitespace or markup."""
    # BM25 tokens are computed on this key and cached: a change here needs indexes.tokenizer.TOKENIZER_VERSION bumped.
    text = unicodedata.normalize("NFKC", text)
    text = _EMPHASIS.sub("", text)
    text = text.replace("〔", "[").replace("〕", "]").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", "", text).lower()
