"""Part-level verdicts for multi-part questions whose rows label each part (`parts`: text, answerable,
must_include): an answerable part is right when its own block of the answer holds its terms, an
unanswerable part when the answer refuses or its block says the documents are silent."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, Field

from corpus import fold

_PART_HEAD = re.compile(r"(?m)^（\d+）")
SILENT_MARKS = ("未就此作出规定", "未涉及", "无法据此作答")


class LabelledPart(BaseModel):
    text: str
    answerable: bool
    must_include: list[str] = Field(default_factory=list)


def part_blocks(answer: str, expected: int) -> list[str] | None:
    """The answer's block per part ("（1）…？ line…"), or None when the answer is not split that way."""
    blocks = _PART_HEAD.split(answer)[1:]
    return blocks if len(blocks) == expected else None


def part_verdicts(answer: str, refused: bool, parts: Sequence[LabelledPart]) -> list[bool]:
    blocks = part_blocks(answer, len(parts))
    verdicts = []
    for number, part in enumerate(parts):
        block = blocks[number] if blocks else answer
        if part.answerable:
            verdicts.append(not refused and all(fold(term) in fold(block) for term in part.must_include))
        else:
            verdicts.append(refused or (blocks is not None and any(mark in block for mark in SILENT_MARKS)))
    return verdicts
