"""Combine two cited answers into one, keeping every citation number pointing at its own passage (pure)."""

from __future__ import annotations

import re

from assistant.models import Answer

_MARK = re.compile(r"\[(\d+)\]")


def append_answer(first: Answer, second: Answer, heading: str) -> Answer:
    """`first` followed by `second` under a heading; the second's citations are renumbered after the first's."""
    offset = len(first.citations)
    text = _MARK.sub(lambda m: f"[{int(m.group(1)) + offset}]", second.text)
    shifted = [c.model_copy(update={"number": c.number + offset}) for c in second.citations]
    return second.model_copy(
        update={
            "text": f"{first.text}\n\n{heading}\n\n{text}",
            "citations": [*first.citations, *shifted],
        }
    )
