"""The structure of laws and regulations: 编/章/节 divisions, 条 articles and, inside an article, 款 and 项.

An article is the unit a lawyer cites. Its 款 (paragraphs) and 项 (enumerated items `（一）…`) belong to
it and are never headings; a cross-reference in a body (`依照本条例第二十一条`) never starts one.
"""

from __future__ import annotations

import re

from corpus.models import Clause, Paragraph
from corpus.normalize import is_title_line, strip_markup
from corpus.patterns import (
    ARTICLE_NUMBER,
    ARTICLE_START,
    ATTACHMENT_HEADING,
    CN_DATE,
    DIVISION_HEADING,
    DIVISION_LEVELS,
    HEADING_START,
    cn_to_int,
    division_label,
)

# A document with fewer article openings (and no 第X章) is numbered 一、/（一）, not by articles.
MIN_ARTICLES = 2
PREAMBLE_LABEL = "题注"  # the adoption and effect lines printed under a regulation's title


def first_line(raw: str, paragraph: Paragraph) -> str:
    """The paragraph's first raw line without markdown markup."""
    return strip_markup(raw[paragraph.start : paragraph.end].lstrip().split("\n", 1)[0])


def article_label(match: re.Match[str]) -> str:
    """`第二十条之一 …` → `第二十条之一`; Arabic numbers are cited as printed."""
    return match.group(0).strip()


def article_number(label: str) -> int:
    """`第二十一条` → 21 (an article 之一 counts as its base article)."""
    match = ARTICLE_START.match(label)
    return cn_to_int(match.group(1)) if match else 0


def article_openings(lines: list[str]) -> list[re.Match[str] | None]:
    """For each paragraph's first line, the article number it opens with, or None.

    `第十八条 …` (number, then a space) always opens an article; `第十八条…` without the space only when it
    is the next number, so a paragraph that begins with a cross-reference (`第十二条规定的…`) does not.
    """
    openings: list[re.Match[str] | None] = []
    expected = 1
    for line in lines:
        match = ARTICLE_START.match(line)
        loose = ARTICLE_NUMBER.match(line) if match is None else None
        if loose and not loose.group(2) and cn_to_int(loose.group(1)) == expected:
            match = loose
        if match and not match.group(2):
            expected = cn_to_int(match.group(1)) + 1
        openings.append(match)
    return openings


def is_article_document(paragraphs: list[Paragraph], raw: str) -> bool:
    """True when the body is organised in articles (第一条, 第二条, …)."""
    lines = [first_line(raw, p) for p in paragraphs]
    count = sum(1 for match in article_openings(lines) if match)
    return count >= MIN_ARTICLES or (count == 1 and any(DIVISION_HEADING.match(line) for line in lines))


def split_attachments(paragraphs: list[Paragraph]) -> list[list[Paragraph]]:
    """The main text, then each attachment from its heading (附件1：) on."""
    parts: list[list[Paragraph]] = [[]]
    for paragraph in paragraphs:
        if ATTACHMENT_HEADING.match(paragraph.text) and parts[-1]:
            parts.append([])
        parts[-1].append(paragraph)
    return parts


def enumerated_items(text: str) -> tuple[str, ...]:
    """The enumerated items (项 `（一）…`, 目 `1.…`) of an article passage's text, in order, numbers included."""
    return tuple(line for line in text.split("\n")[1:] if HEADING_START.match(line.strip()))


def is_preamble_line(text: str) -> bool:
    """A 题注 line: a short statement of when and by whom (`2020年7月24日 …会议通过`, `2013年10月1日 施行`)."""
    return bool(CN_DATE.search(text)) and len(text) <= 160


def assign_articles(paragraphs: list[Paragraph], raw: str, prefix: tuple[str, ...] = ()) -> list[Clause]:
    """Clauses of an article-structured body; each carries its divisions and article in `section_path`.

    `paragraphs[0]` is the title; `prefix` is the path of an attachment the body is printed in.
    """
    divisions: list[tuple[int, str]] = []
    article = ""
    started = False  # the first division or article has been seen: the head (title, 题注) is over
    clauses: list[Clause] = []
    lines = [first_line(raw, p) for p in paragraphs]
    for index, (paragraph, line, opening) in enumerate(
        zip(paragraphs, lines, article_openings(lines), strict=True)
    ):
        division = DIVISION_HEADING.match(line)
        outer = (*prefix, *(label for _, label in divisions))
        if division and not opening:
            level = DIVISION_LEVELS[division.group(2)]
            divisions = [d for d in divisions if d[0] < level] + [(level, division_label(division))]
            article, started = "", True
            path = (*prefix, *(label for _, label in divisions))
            clauses.append(Clause(paragraph, path, is_heading=True, role="division"))
        elif opening:
            article, started = article_label(opening), True
            clauses.append(Clause(paragraph, (*outer, article), role="article"))
        elif article:
            role = "item" if HEADING_START.match(line) else "paragraph"
            clauses.append(Clause(paragraph, (*outer, article), role=role))
        elif not started and index > 0 and is_preamble_line(paragraph.text):
            clauses.append(Clause(paragraph, (*prefix, PREAMBLE_LABEL), role="preamble"))
        else:
            heading = is_title_line(paragraph.text.replace("\n", ""))
            clauses.append(Clause(paragraph, outer, is_heading=heading))
    return clauses
