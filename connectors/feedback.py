"""Feedback on answers (👍/👎, a comment, the answer expected): one row per conversation turn, kept for evaluation.

A row copies what was asked and answered (question, answer text, citations, route, corpus version) so that it
still means something after the conversation itself is deleted or purged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from connectors.audit import as_utc, utc_now
from connectors.models import Base

RATINGS = ("up", "down")


class FeedbackRow(Base):
    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("conversation_id", "turn", name="uq_feedback_turn"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(64))
    turn: Mapped[int] = mapped_column(Integer)
    rating: Mapped[str] = mapped_column(String(8), index=True)  # up | down
    comment: Mapped[str] = mapped_column(Text, default="")
    expected_answer: Mapped[str] = mapped_column(Text, default="")
    unanswerable: Mapped[bool] = mapped_column(Boolean, default=False)  # "the documents do not say"
    question: Mapped[str] = mapped_column(Text)
    route: Mapped[str] = mapped_column(String(32), default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    about_subject: Mapped[bool] = mapped_column(Boolean, default=False)  # the answer carried subject records
    corpus_version: Mapped[str] = mapped_column(String(64), default="")
    caller: Mapped[str] = mapped_column(String(80), default="")  # the key or session hash, never the key
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    id: str
    conversation_id: str
    turn: int
    rating: str
    question: str
    created_at: dt.datetime
    comment: str = ""
    expected_answer: str = ""
    unanswerable: bool = False
    route: str = ""
    answer: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)
    about_subject: bool = False
    corpus_version: str = ""
    caller: str = ""


COLUMNS = tuple(f for f in FeedbackRecord.__dataclass_fields__ if f != "created_at")


def _record(row: FeedbackRow) -> FeedbackRecord:
    values = {name: getattr(row, name) for name in COLUMNS}
    values["citations"] = list(row.citations or [])
    return FeedbackRecord(created_at=as_utc(row.created_at), **values)


class FeedbackStore:
    """Save (one row per turn: giving feedback again replaces it) and list feedback, newest first."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def save(self, record: FeedbackRecord) -> FeedbackRecord:
        values = {name: getattr(record, name) for name in COLUMNS} | {"created_at": utc_now()}
        with self.sessions.begin() as session:
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = insert(FeedbackRow).values(**values)
            changed = {k: statement.excluded[k] for k in values if k not in ("id", "conversation_id", "turn")}
            session.execute(
                statement.on_conflict_do_update(index_elements=["conversation_id", "turn"], set_=changed)
            )
            row = session.scalars(
                select(FeedbackRow).where(
                    FeedbackRow.conversation_id == record.conversation_id, FeedbackRow.turn == record.turn
                )
            ).one()
            return _record(row)

    def list(
        self, rating: str | None = None, since: dt.datetime | None = None, limit: int = 200
    ) -> list[FeedbackRecord]:
        statement = select(FeedbackRow).order_by(FeedbackRow.created_at.desc(), FeedbackRow.id).limit(limit)
        if rating is not None:
            statement = statement.where(FeedbackRow.rating == rating)
        if since is not None:
            statement = statement.where(FeedbackRow.created_at >= since)
        with self.sessions() as session:
            return [_record(row) for row in session.scalars(statement)]

    def for_conversation(self, conversation_id: str) -> dict[int, FeedbackRecord]:
        """The feedback given on each turn of one conversation, by turn number."""
        statement = select(FeedbackRow).where(FeedbackRow.conversation_id == conversation_id)
        with self.sessions() as session:
            return {row.turn: _record(row) for row in session.scalars(statement)}
