"""Plain record types handed to the assistant's tools. Each record says which record it is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SubjectInfo:
    id: int
    name: str
    kind: str
    locality: str
    industry: str
    legal_representative: str
    uscc: str | None = None
    person_id_masked: str | None = None

    @property
    def identifier(self) -> str:
        """统一社会信用代码, or the masked ID number of a natural person."""
        return self.uscc or self.person_id_masked or ""


@dataclass(frozen=True, slots=True)
class PenaltyRecord:
    decision_number: str
    authority: str
    decision_date: dt.date
    facts: str
    basis: str
    penalty_type: str
    fine_amount: float | None
    severity: str
    procedure: str
    fulfilled_on: dt.date | None

    @property
    def record_label(self) -> str:
        return f"行政处罚决定书 {self.decision_number}"


@dataclass(frozen=True, slots=True)
class ListRecord:
    list_type: str
    authority: str
    date_in: dt.date
    reason: str
    date_out: dt.date | None

    @property
    def active(self) -> bool:
        return self.date_out is None

    @property
    def record_label(self) -> str:
        return f"{self.list_type}（{self.authority}，{self.date_in:%Y-%m-%d}列入）"


@dataclass(frozen=True, slots=True)
class EvaluationRecord:
    evaluator: str
    grade: str
    supervision_level: str
    evaluated_on: dt.date

    @property
    def record_label(self) -> str:
        return f"公共信用综合评价（{self.evaluator}，{self.evaluated_on:%Y-%m-%d}）"


@dataclass(frozen=True, slots=True)
class CommitmentRecord:
    kind: str
    matter: str
    committed_on: dt.date
    status: str

    @property
    def record_label(self) -> str:
        return f"信用承诺（{self.kind}，{self.committed_on:%Y-%m-%d}）"


@dataclass(frozen=True, slots=True)
class RepairRecord:
    target: str
    status: str
    applied_on: dt.date
    decided_on: dt.date | None

    @property
    def record_label(self) -> str:
        return f"信用修复申请（{self.target}，{self.applied_on:%Y-%m-%d}提交）"


@dataclass(frozen=True, slots=True)
class SubjectProfile:
    subject: SubjectInfo
    penalties: tuple[PenaltyRecord, ...] = ()
    lists: tuple[ListRecord, ...] = ()
    evaluations: tuple[EvaluationRecord, ...] = ()
    commitments: tuple[CommitmentRecord, ...] = ()
    repairs: tuple[RepairRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class NameMatch:
    subject: SubjectInfo
    score: float  # 0–100; 100 = exact name


@dataclass(frozen=True, slots=True)
class NamePage:
    """One page of a name search: `total` matches in all (at most `cap`; `capped` when there were more)."""

    matches: list[NameMatch]
    total: int
    offset: int
    limit: int
    capped: bool = False


@dataclass(slots=True)
class SubjectResolution:
    """Outcome of resolving a name or code: one subject, candidates to choose from, or nothing."""

    subject: SubjectInfo | None = None
    candidates: list[NameMatch] = field(default_factory=list)
    error: str | None = None
