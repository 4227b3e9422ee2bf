"""Elliptical follow-ups (pure): "那朝阳呢？" / "那XX公司呢？" re-ask the previous question for a new target."""

from __future__ import annotations

import re

from assistant.policy_qa.question import localities_in

_ELLIPSIS = re.compile(r"^(?:那么|那|换成|如果是|要是)(.{1,40}?)(?:的话)?呢[？?。!！]*$")


def elliptical_target(question: str) -> str | None:
    """X of "那X呢？", or None when the question is not of that form."""
    match = _ELLIPSIS.match(question.strip())
    return match.group(1).strip() if match else None


def with_locality(previous: str, locality: str) -> str:
    """The previous question asked about another locality."""
    named = localities_in(previous)
    if named:
        return previous.replace(named[0], locality, 1)
    return f"{locality}：{previous}"
