"""Split raw text into logical paragraphs, repairing page-break artefacts.

A block is a run of non-blank lines. Blocks are split before numbered lines (一、, （一）, 第X条, 第X章 …), then joined across
blank lines where the break falls mid-sentence (see `normalize.is_continuation`). A paragraph that
holds only a bracketed responsible-units note is attached to the paragraph before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus.models import Paragraph
from corpus.normalize import clean_span, is_continuation, strip_markup
from corpus.patterns import ARTICLE_NUMBER, STRUCTURE_START

_UNITS_ONLY = re.compile(r"^[〔\[［【（(]?\s*(牵头)?单位[:：]|^[〔\[［【]\s*\S*(牵头|负责)")


def iter_lines(raw: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) spans of the lines of raw[start:end], newline excluded."""
    end = len(raw) if end is None else end
    pos = start
    while pos < end:
        nl = raw.find("\n", pos, end)
        line_end = end if nl == -1 else nl
        yield pos, line_end
        pos = line_end + 1


def _line_groups(raw: str, start: int, end: int) -> list[list[tuple[int, int]]]:
    """Runs of non-blank lines, split before lines that start a numbered clause."""
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for line in iter_lines(raw, start, end):
        text = raw[line[0] : line[1]]
        if is_rule_line(text):
            if current:
                groups.append(current)
            current = []
            continue
        if current and starts_unit(strip_markup(text), raw[current[-1][0] : current[-1][1]]):
            groups.append(current)
            current = []
        current.append(line)
    if current:
        groups.append(current)
    return groups


def starts_unit(line: str, previous: str) -> bool:
    """A numbered line starts a new unit; so does `第二条…` without a space right after a finished sentence."""
    finished = previous.rstrip()[-1:] in ("。", "；", "：", "！", "？")
    return bool(STRUCTURE_START.match(line) or (finished and ARTICLE_NUMBER.match(line)))


def is_rule_line(text: str) -> bool:
    """Blank lines and horizontal rules (`---`, `────`) separate blocks."""
    return not text.strip(" \t\u3000-─—_=*")


def _is_units_only(text: str) -> bool:
    return bool(_UNITS_ONLY.match(text.strip())) and len(text) < 200


def split_paragraphs(raw: str, start: int = 0, end: int | None = None) -> list[Paragraph]:
    """Logical paragraphs of raw[start:end] with spans into `raw`."""
    end = len(raw) if end is None else end
    spans: list[list[int]] = []
    last_line = ""
    for group in _line_groups(raw, start, end):
        first_line = raw[group[0][0] : group[0][1]]
        text = strip_markup(first_line)
        if spans and (is_continuation(last_line, first_line) or _is_units_only(text)):
            spans[-1][1] = group[-1][1]
        else:
            spans.append([group[0][0], group[-1][1]])
        last_line = raw[group[-1][0] : group[-1][1]]
    paragraphs = [Paragraph(s, e, clean_span(raw[s:e])) for s, e in spans]
    return [p for p in paragraphs if p.text]
