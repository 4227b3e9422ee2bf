"""The audit log of record lookups, in the records database (every worker writes the same table)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from connectors.models import AuditEntry


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything is written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    at: dt.datetime
    who: str
    action: str
    target: str
    subject_id: int | None
    client: str
    channel: str


class AuditTrail:
    """Append-only: who looked up what, when, from where. Never holds a key or a full personal ID."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def write(
        self,
        who: str,
        action: str,
        target: str,
        *,
        client: str = "",
        channel: str = "",
        subject_id: int | None = None,
    ) -> None:
        entry = AuditEntry(
            at=utc_now(),
            who=who[:80],
            action=action[:32],
            target=target[:200],
            subject_id=subject_id,
            client=client[:64],
            channel=channel[:16],
        )
        with self._sessions.begin() as session:
            session.add(entry)

    def recent(self, limit: int = 100, action: str | None = None) -> list[AuditRecord]:
        """The newest entries first."""
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if action:
            query = query.where(AuditEntry.action == action)
        with self._sessions() as session:
            return [
                AuditRecord(as_utc(e.at), e.who, e.action, e.target, e.subject_id, e.client, e.channel)
                for e in session.scalars(query)
            ]

    def purge(self, older_than: dt.timedelta) -> int:
        """Delete entries older than the retention period; returns how many."""
        with self._sessions.begin() as session:
            result = session.execute(delete(AuditEntry).where(AuditEntry.at < utc_now() - older_than))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
