"""The checks every question passes before it is answered — shared by the API, the CLI and eval-set validation,
so a set that validates never fails its run on a question."""

from __future__ import annotations

from assistant import messages
from assistant.errors import InvalidQuestion


def has_lone_surrogate(text: str) -> bool:
    """A UTF-16 surrogate on its own (JSON "\\ud800") is no character: it cannot be encoded or stored."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def check_question(question: str | None, max_chars: int) -> str:
    """The question without surrounding white space; InvalidQuestion (Chinese) when it cannot be asked."""
    text = (question or "").strip()
    if not text:
        raise InvalidQuestion(messages.EMPTY_QUESTION)
    if len(text) > max_chars:
        raise InvalidQuestion(messages.QUESTION_TOO_LONG.format(limit=max_chars, length=len(text)))
    if has_lone_surrogate(text):
        raise InvalidQuestion(messages.INVALID_CHARACTERS)
    return text
