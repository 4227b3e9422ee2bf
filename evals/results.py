"""Per-question results of an eval run (plain data: metrics are pure functions over these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class QAResult:
    id: str
    set: str
    type: str
    question: str
    route: str
    answer: str
    refused: bool
    citations: list[str] = field(default_factory=list)
    citation_hits: list[bool] = field(default_factory=list)
    must_include: float | None = None  # share of must_include terms present; None when unanswerable
    ranks: dict[str, int | None] = field(default_factory=dict)
    seconds: float = 0.0
    split: str = "all"
    missing: list[str] = field(default_factory=list)  # must_include terms the answer lacks
    expected: list[str] = field(default_factory=list)  # the must_include terms asked for
    sources: list[dict[str, Any]] = field(default_factory=list)  # cited passages: title, 文号, section, quote

    @property
    def unanswerable(self) -> bool:
        return self.type == "unanswerable"


@dataclass
class RouteResult:
    id: str
    set: str
    question: str
    gold_route: str
    route: str
    gold_subject: str | None
    subject: str | None
    subject_match: bool
    seconds: float = 0.0
    split: str = "all"
    answer: str = ""


@dataclass
class TurnResult:
    """One turn of a multi-turn conversation, asked in the conversation of the turns before it."""

    dialog_id: str
    turn: int  # 1-based
    set: str
    question: str
    gold_route: str
    route: str
    gold_subject: str | None
    subject: str | None
    subject_match: bool
    seconds: float = 0.0
    split: str = "all"
    conversation_id: str = ""
    answer: str = ""

    @property
    def route_match(self) -> bool:
        return self.route == self.gold_route


@dataclass
class EvalRun:
    qa: list[QAResult] = field(default_factory=list)
    routing: list[RouteResult] = field(default_factory=list)
    dialog: list[TurnResult] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
