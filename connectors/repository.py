"""Read access to subject records: by code (exact, indexed), by name (exact, then fuzzy)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Sequence

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from connectors.models import Subject
from connectors.name_index import NameIndex
from connectors.records import (
    CommitmentRecord,
    EvaluationRecord,
    ListRecord,
    NameMatch,
    NamePage,
    PenaltyRecord,
    RepairRecord,
    SubjectInfo,
    SubjectProfile,
    SubjectResolution,
)
from connectors.uscc import USCCError, validate_uscc

_LOCALITY_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{2,5}?[省市县区])+")
_LEGAL_SUFFIX = re.compile(r"(有限责任公司|股份有限公司|有限公司|公司|专业合作社|合作社|厂|店)$")
PREFILTER_LIMIT = 5000
FUZZY_ACCEPT = 92.0  # a single fuzzy match at or above this (and clearly ahead) is taken as the subject
FUZZY_CANDIDATE = 60.0
SEARCH_CAP = 500  # a name search counts and pages through at most this many matches
# How often a process checks whether another process added subjects (one `max(id)` query): the answering
# processes of a worker and the other workers see an import through the API within a second.
NAME_INDEX_CHECK_SECONDS = 1.0


def subject_info(row: Subject) -> SubjectInfo:
    return SubjectInfo(
        id=row.id,
        name=row.name,
        kind=row.kind,
        locality=row.locality,
        industry=row.industry,
        legal_representative=row.legal_representative,
        uscc=row.uscc,
        person_id_masked=row.person_id_masked,
    )


def subject_profile(row: Subject) -> SubjectProfile:
    return SubjectProfile(
        subject=subject_info(row),
        penalties=tuple(
            PenaltyRecord(
                p.decision_number,
                p.authority,
                p.decision_date,
                p.facts,
                p.basis,
                p.penalty_type,
                float(p.fine_amount) if p.fine_amount is not None else None,
                p.severity,
                p.procedure,
                p.fulfilled_on,
            )
            for p in row.penalties
        ),
        lists=tuple(
            ListRecord(e.list_type, e.authority, e.date_in, e.reason, e.date_out) for e in row.list_entries
        ),
        evaluations=tuple(
            EvaluationRecord(e.evaluator, e.grade, e.supervision_level, e.evaluated_on)
            for e in row.evaluations
        ),
        commitments=tuple(
            CommitmentRecord(c.kind, c.matter, c.committed_on, c.status) for c in row.commitments
        ),
        repairs=tuple(RepairRecord(r.target, r.status, r.applied_on, r.decided_on) for r in row.repairs),
    )


class RecordRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._names: list[tuple[int, str]] | None = None
        self._name_index: tuple[NameIndex, int, float] | None = None  # index, max id seen, checked at
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Forget cached names (after an import)."""
        self._names = None
        self._name_index = None

    def _max_id(self) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.max(Subject.id))) or 0)

    def name_index(self) -> NameIndex:
        """The name filter, rebuilt when subjects were added (checked at most every NAME_INDEX_CHECK_SECONDS)."""
        with self._lock:
            cached, now = self._name_index, time.monotonic()
            if cached is not None and now - cached[2] < NAME_INDEX_CHECK_SECONDS:
                return cached[0]
            max_id = self._max_id()
            if cached is not None and cached[1] == max_id:
                self._name_index = (cached[0], max_id, now)
                return cached[0]
            with self.sessions() as session:
                names = session.scalars(select(Subject.name).execution_options(yield_per=50_000))
                index = NameIndex.build(names)
            self._name_index = (index, max_id, now)
            self._names = None  # subjects were added (here or by another process): the fuzzy table too
            return index

    def existing_names(self, candidates: Sequence[str]) -> set[str]:
        """Those candidates that are stored subject names, exactly (filter first, then SQL)."""
        passing = [c for c, ok in zip(candidates, self.name_index().contains(candidates), strict=True) if ok]
        if not passing:
            return set()
        with self.sessions() as session:
            return set(session.scalars(select(Subject.name).where(Subject.name.in_(sorted(set(passing))))))

    def count_subjects(self) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count(Subject.id))) or 0)

    def by_uscc(self, code: str) -> SubjectInfo | None:
        """Exact lookup; raises USCCError (Chinese reason) for a malformed code."""
        normalised = validate_uscc(code).code
        with self.sessions() as session:
            row = session.scalar(select(Subject).where(Subject.uscc == normalised))
            return subject_info(row) if row else None

    def by_id(self, subject_id: int) -> SubjectInfo | None:
        with self.sessions() as session:
            row = session.get(Subject, subject_id)
            return subject_info(row) if row else None

    def _name_table(self) -> list[tuple[int, str]]:
        self.name_index()  # forgets the table when another process added subjects
        if self._names is None:
            with self.sessions() as session:
                self._names = [(i, n) for i, n in session.execute(select(Subject.id, Subject.name))]
        return self._names

    def _prefiltered(self, name: str) -> list[tuple[int, str]]:
        """Names containing the name's core (locality prefix and legal suffix removed), via SQL."""
        core = _LEGAL_SUFFIX.sub("", _LOCALITY_PREFIX.sub("", name))
        if len(core) < 2:
            return []
        escaped = core.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self.sessions() as session:
            rows = session.execute(
                select(Subject.id, Subject.name)
                .where(Subject.name.like(f"%{escaped}%", escape="\\"))
                .limit(PREFILTER_LIMIT)
            )
            return [(i, n) for i, n in rows]

    def by_name(self, name: str, limit: int = 5) -> list[NameMatch]:
        """Exact name matches (score 100); otherwise fuzzy candidates, best first."""
        name = name.strip()
        with self.sessions() as session:
            exact = session.scalars(select(Subject).where(Subject.name == name).limit(limit)).all()
            if exact:
                return [NameMatch(subject_info(row), 100.0) for row in exact]
        table = self._prefiltered(name) or self._name_table()
        found = process.extract(
            name, [n for _, n in table], scorer=fuzz.WRatio, limit=limit, score_cutoff=FUZZY_CANDIDATE
        )
        ids = [table[index][0] for _, _, index in found]
        with self.sessions() as session:
            rows = {r.id: r for r in session.scalars(select(Subject).where(Subject.id.in_(ids)))}
        return [
            NameMatch(subject_info(rows[table[i][0]]), float(s)) for _, s, i in found if table[i][0] in rows
        ]

    def search_names(self, name: str, offset: int = 0, limit: int = 20) -> NamePage:
        """Every subject the name matches — exact names first, then fuzzy matches best first — counted (up to
        SEARCH_CAP) and cut to the page `offset`…`offset + limit`."""
        name = name.strip()
        with self.sessions() as session:
            exact_ids = list(
                session.scalars(
                    select(Subject.id).where(Subject.name == name).order_by(Subject.id).limit(SEARCH_CAP + 1)
                )
            )
        table = self._prefiltered(name) or self._name_table()
        found = process.extract(
            name,
            [n for _, n in table],
            scorer=fuzz.WRatio,
            limit=SEARCH_CAP + 1,
            score_cutoff=FUZZY_CANDIDATE,
        )
        exact = set(exact_ids)
        ranked = [(i, 100.0) for i in exact_ids] + [
            (table[index][0], float(score)) for _, score, index in found if table[index][0] not in exact
        ]
        capped = len(ranked) > SEARCH_CAP
        ranked = ranked[:SEARCH_CAP]
        page = ranked[offset : offset + limit]
        with self.sessions() as session:
            rows = {
                r.id: r for r in session.scalars(select(Subject).where(Subject.id.in_([i for i, _ in page])))
            }
        matches = [NameMatch(subject_info(rows[i]), score) for i, score in page if i in rows]
        return NamePage(matches, len(ranked), offset, limit, capped)

    def resolve(self, name_or_code: str) -> SubjectResolution:
        """One subject when the code or name is unambiguous; candidates or an error otherwise."""
        text = name_or_code.strip()
        if looks_like_code(text):
            try:
                subject = self.by_uscc(text)
            except USCCError as exc:
                return SubjectResolution(error=str(exc))
            if subject is None:
                return SubjectResolution(
                    error=f"未找到统一社会信用代码为 {validate_uscc(text).code} 的主体记录"
                )
            return SubjectResolution(subject=subject)
        matches = self.by_name(text)
        if not matches:
            return SubjectResolution(error=f"未找到名称为“{text}”的主体记录")
        best = matches[0]
        exact = [m for m in matches if m.score >= 100.0]
        if len(exact) == 1:
            return SubjectResolution(subject=exact[0].subject)
        runner_up = matches[1].score if len(matches) > 1 else 0.0
        if not exact and best.score >= FUZZY_ACCEPT and best.score - runner_up >= 5:
            return SubjectResolution(subject=best.subject, candidates=matches)
        return SubjectResolution(candidates=matches)

    def profile(self, subject_id: int) -> SubjectProfile:
        with self.sessions() as session:
            row = session.scalar(
                select(Subject)
                .where(Subject.id == subject_id)
                .options(
                    selectinload(Subject.penalties),
                    selectinload(Subject.list_entries),
                    selectinload(Subject.evaluations),
                    selectinload(Subject.commitments),
                    selectinload(Subject.repairs),
                )
            )
            if row is None:
                raise LookupError(subject_id)
            return subject_profile(row)


def looks_like_code(text: str) -> bool:
    """18 code characters after normalisation (validity is checked separately)."""
    from connectors.uscc import normalise_uscc

    code = normalise_uscc(text)
    return len(code) == 18 and code.isalnum() and any(ch.isdigit() for ch in code[:8])
