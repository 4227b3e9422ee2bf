"""Parse responsible-unit notes: （牵头单位：…，责任单位：…）, 〔…〕, （区经发局牵头，…）."""

from __future__ import annotations

import re

from corpus.models import Units

OPENERS = "（(〔[［【"
CLOSERS = "）)〕]］】"
_LABEL = re.compile(r"(牵头单位|责任单位)\s*[:：]")
_SEPARATORS = set("，,、；;")
_DUTY_SUFFIX = re.compile(r"(等有关部门|等部门|等)?(按职责)?(分别)?负责$")
_KEYWORDS = ("牵头", "责任单位", "负责")


def split_unit_list(text: str) -> tuple[str, ...]:
    """Split `A、B，C（D）` at top-level separators; brackets keep their commas."""
    units: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        depth += ch in OPENERS
        depth -= ch in CLOSERS
        if depth == 0 and ch in _SEPARATORS:
            units.append(current)
            current = ""
        else:
            current += ch
    units.append(current)
    cleaned = (_DUTY_SUFFIX.sub("", u.strip(" 。.")).strip() for u in units)
    return tuple(u for u in cleaned if u)


def parse_units(content: str) -> Units:
    """Units named in a note's content (without its brackets)."""
    content = content.strip()
    labels = list(_LABEL.finditer(content))
    lead: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()
    if labels:
        for index, match in enumerate(labels):
            stop = labels[index + 1].start() if index + 1 < len(labels) else len(content)
            names = split_unit_list(content[match.end() : stop])
            if match.group(1) == "牵头单位":
                lead = names
            else:
                responsible = names
    elif "牵头" in content:
        before, _, after = content.partition("牵头")
        lead = split_unit_list(before)
        responsible = split_unit_list(after)
    else:
        responsible = split_unit_list(content)
    return Units(lead_units=lead, responsible_units=responsible, raw=content)


def trailing_note(text: str) -> tuple[int, int] | None:
    """Span of the last bracketed group at the end of `text`, if it names units."""
    stripped = text.rstrip(" 。.\n")
    if not stripped or stripped[-1] not in CLOSERS:
        return None
    depth = 0
    for index in range(len(stripped) - 1, -1, -1):
        ch = stripped[index]
        depth += ch in CLOSERS
        depth -= ch in OPENERS
        if depth == 0:
            content = stripped[index + 1 : -1]
            return (index, len(stripped)) if any(k in content for k in _KEYWORDS) else None
    # Unbalanced (the opener was lost at a page break): take the text after the last 。
    cut = stripped.rfind("。") + 1
    content = stripped[cut:-1]
    return (cut, len(stripped)) if any(k in content for k in _KEYWORDS) else None


def units_of_clause(text: str) -> Units:
    """Units named in the trailing note of a clause, or empty Units."""
    span = trailing_note(text)
    if span is None:
        return Units()
    note = text[span[0] : span[1]].strip()
    if note and note[0] in OPENERS:
        note = note[1:]
    return parse_units(note[:-1] if note and note[-1] in CLOSERS else note)
