"""Document jobs (upload, replace, delete, correct): one row each with status, progress and a Chinese message.

The API answers 202 with the job's URL at once; a worker thread parses, ingests and re-indexes, advancing the
row. Every worker of the service reads the same table, so any of them can report a job's progress.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from connectors.models import Base

JOB_KINDS = ("upload", "replace", "delete", "correct")
JOB_STATUSES = ("queued", "running", "done", "failed")


class DocumentJobRow(Base):
    __tablename__ = "document_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80), default="")  # the caller the job acts as
    client: Mapped[str] = mapped_column(String(64), default="")
    request: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # files, doc id, corrected fields
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # doc ids, index version
    error: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True, slots=True)
class DocumentJobRecord:
    id: str
    kind: str
    status: str
    done: int
    total: int
    message: str
    created_at: dt.datetime
    created_by: str = ""
    client: str = ""
    request: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    error: str | None = None


def _record(row: DocumentJobRow) -> DocumentJobRecord:
    return DocumentJobRecord(
        id=row.id,
        kind=row.kind,
        status=row.status,
        done=row.done,
        total=row.total,
        message=row.message,
        created_at=row.created_at,
        created_by=row.created_by,
        client=row.client,
        request=dict(row.request or {}),
        result=dict(row.result or {}),
        started_at=row.started_at,
        finished_at=row.finished_at,
        error=row.error,
    )


def now() -> dt.datetime:
    return dt.datetime.now()


class DocumentJobStore:
    """Create, claim, advance and read document jobs; every call is its own short transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def create(
        self, job_id: str, kind: str, total: int, message: str, who: str, client: str, request: dict[str, Any]
    ) -> DocumentJobRecord:
        row = DocumentJobRow(
            id=job_id,
            kind=kind,
            status="queued",
            done=0,
            total=total,
            message=message,
            created_at=now(),
            created_by=who[:80],
            client=client[:64],
            request=request,
            result={},
        )
        with self.sessions.begin() as session:
            session.add(row)
            session.flush()
            return _record(row)

    def _update(self, job_id: str, **values: Any) -> int:
        with self.sessions.begin() as session:
            result = session.execute(
                update(DocumentJobRow).where(DocumentJobRow.id == job_id).values(**values)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def claim(self, job_id: str) -> bool:
        """queued → running, for exactly one worker (several service workers may see the same queue)."""
        with self.sessions.begin() as session:
            result = session.execute(
                update(DocumentJobRow)
                .where(DocumentJobRow.id == job_id, DocumentJobRow.status == "queued")
                .values(status="running", started_at=now())
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def progress(self, job_id: str, done: int, message: str) -> None:
        self._update(job_id, done=done, message=message)

    def finish(self, job_id: str, message: str, result: dict[str, Any]) -> None:
        self._update(job_id, status="done", message=message, result=result, finished_at=now())

    def fail(self, job_id: str, error: str) -> None:
        self._update(job_id, status="failed", message=error, error=error, finished_at=now())

    def requeue(self, job_id: str) -> None:
        self._update(job_id, status="queued", done=0, started_at=None)

    def get(self, job_id: str) -> DocumentJobRecord | None:
        with self.sessions() as session:
            row = session.get(DocumentJobRow, job_id)
            return _record(row) if row is not None else None

    def recent(self, limit: int = 50) -> list[DocumentJobRecord]:
        """Newest first."""
        query = select(DocumentJobRow).order_by(DocumentJobRow.created_at.desc()).limit(limit)
        with self.sessions() as session:
            return [_record(row) for row in session.scalars(query)]

    def unfinished(self) -> list[DocumentJobRecord]:
        query = (
            select(DocumentJobRow)
            .where(DocumentJobRow.status.in_(("queued", "running")))
            .order_by(DocumentJobRow.created_at)
        )
        with self.sessions() as session:
            return [_record(row) for row in session.scalars(query)]
