"""Eval runs started from the API: one row each (status, progress, versions, headline metrics).

The per-question results and reports are files in the data folder; this table is what lists them and what
tells a restarted service which runs were cut short.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from connectors.models import Base

STATUSES = ("queued", "running", "done", "failed")
UNFINISHED = ("queued", "running")
# An exception's class name in front of a message ("InvalidQuestion: …", "ValueError: …"), as early versions stored it.
_CLASS_PREFIX = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_.]*:\s*)+")


def plain_error(message: str | None) -> str | None:
    """A run's failure reason as a user reads it: without an exception class name in front."""
    if message is None:
        return None
    return _CLASS_PREFIX.sub("", message.strip()) or "评测运行出错。"


class EvalRunRow(Base):
    __tablename__ = "eval_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    set_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # qa | routing | dialog
    size: Mapped[int] = mapped_column(Integer)  # items in the set (a conversation counts once)
    file_name: Mapped[str] = mapped_column(String(200))  # the stored upload, inside the run's folder
    status: Mapped[str] = mapped_column(String(16), index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(40), default="")
    error: Mapped[str | None] = mapped_column(Text)
    info: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # corpus/index/model versions
    headline: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # overall metrics when done


@dataclass(frozen=True, slots=True)
class EvalRunRecord:
    """One stored run as plain data."""

    id: str
    set_name: str
    kind: str
    size: int
    file_name: str
    status: str
    done: int
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    created_by: str = ""
    error: str | None = None
    info: dict[str, Any] = field(default_factory=dict)
    headline: dict[str, Any] = field(default_factory=dict)


def _record(row: EvalRunRow) -> EvalRunRecord:
    return EvalRunRecord(
        id=row.id,
        set_name=row.set_name,
        kind=row.kind,
        size=row.size,
        file_name=row.file_name,
        status=row.status,
        done=row.done,
        created_at=_utc(row.created_at) or row.created_at,
        started_at=_utc(row.started_at),
        finished_at=_utc(row.finished_at),
        created_by=row.created_by,
        error=plain_error(row.error),
        info=dict(row.info or {}),
        headline=dict(row.headline or {}),
    )


def now() -> dt.datetime:
    """UTC, stored without a zone (the column is zone-less on SQLite); microseconds kept so that runs created in
    the same second still sort. `_utc` gives the zone back when a row is read."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware UTC datetime (an API date-time carries its offset)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


class EvalRunStore:
    """Create, advance and read eval runs; every call is its own short transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def create(
        self, run_id: str, set_name: str, kind: str, size: int, file_name: str, created_by: str
    ) -> EvalRunRecord:
        row = EvalRunRow(
            id=run_id,
            set_name=set_name,
            kind=kind,
            size=size,
            file_name=file_name,
            status="queued",
            done=0,
            created_at=now(),
            created_by=created_by,
            info={},
            headline={},
        )
        with self.sessions.begin() as session:
            session.add(row)
            session.flush()
            return _record(row)

    def _update(self, run_id: str, **values: Any) -> None:
        with self.sessions.begin() as session:
            session.execute(update(EvalRunRow).where(EvalRunRow.id == run_id).values(**values))

    def start(self, run_id: str) -> None:
        self._update(run_id, status="running", done=0, started_at=now(), error=None)

    def progress(self, run_id: str, done: int) -> None:
        self._update(run_id, done=done)

    def finish(self, run_id: str, info: dict[str, Any], headline: dict[str, Any]) -> None:
        self._update(run_id, status="done", finished_at=now(), info=info, headline=headline)

    def fail(self, run_id: str, error: str) -> None:
        self._update(run_id, status="failed", finished_at=now(), error=plain_error(error))

    def delete(self, run_id: str) -> bool:
        """Remove a run's row; False when there was none."""
        with self.sessions.begin() as session:
            result = session.execute(delete(EvalRunRow).where(EvalRunRow.id == run_id))
            return bool(getattr(result, "rowcount", 0))

    def requeue(self, run_id: str) -> None:
        self._update(run_id, status="queued", done=0, started_at=None)

    def get(self, run_id: str) -> EvalRunRecord | None:
        with self.sessions() as session:
            row = session.get(EvalRunRow, run_id)
            return _record(row) if row is not None else None

    def all(self, limit: int = 200) -> list[EvalRunRecord]:
        """Newest first."""
        query = select(EvalRunRow).order_by(EvalRunRow.created_at.desc(), EvalRunRow.id).limit(limit)
        with self.sessions() as session:
            return [_record(row) for row in session.scalars(query)]

    def unfinished(self) -> list[EvalRunRecord]:
        """Runs queued or running when the service stopped, oldest first."""
        query = select(EvalRunRow).where(EvalRunRow.status.in_(UNFINISHED)).order_by(EvalRunRow.created_at)
        with self.sessions() as session:
            return [_record(row) for row in session.scalars(query)]
