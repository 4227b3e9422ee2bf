"""Conversation state in the records database, so a follow-up works whichever worker answers it; each
conversation's turns (question, answer with citations), so a caller can list, reopen and delete them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from connectors.audit import as_utc, utc_now
from connectors.models import Conversation, ConversationTurn

MAX_ID_CHARS = 64
TITLE_CHARS = 40


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    id: str
    title: str
    turns: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class TurnRecord:
    number: int
    question: str
    locality: str | None
    answer: dict
    at: dt.datetime


def title_of(question: str) -> str:
    """A conversation's title: its first question on one line, shortened."""
    line = " ".join(question.split())
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1] + "…"


class ConversationTable:
    """Key → JSON state; the last write of a conversation wins."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def load(self, conversation_id: str) -> dict | None:
        with self._sessions() as session:
            state = session.scalar(select(Conversation.state).where(Conversation.id == conversation_id))
        return json.loads(state) if state is not None else None

    def owner_of(self, conversation_id: str) -> str | None:
        with self._sessions() as session:
            return session.scalar(select(Conversation.owner).where(Conversation.id == conversation_id))

    def save(self, conversation_id: str, state: dict) -> None:
        now = utc_now()
        values = {
            "id": conversation_id,
            "state": json.dumps(state, ensure_ascii=False),
            "updated_at": now,
            "owner": state.get("owner"),
            "created_at": now,
        }
        with self._sessions.begin() as session:
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = insert(Conversation).values(**values)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=[Conversation.id],
                    set_={"state": statement.excluded.state, "updated_at": statement.excluded.updated_at},
                )
            )

    def add_turn(self, conversation_id: str, question: str, answer: dict, locality: str | None = None) -> int:
        """Append a turn to a saved conversation (the first one also titles it); its number (1, 2, …)."""
        with self._sessions.begin() as session:
            count = session.scalar(
                select(func.count()).where(ConversationTurn.conversation_id == conversation_id)
            )
            number = int(count or 0) + 1
            session.add(
                ConversationTurn(
                    conversation_id=conversation_id,
                    number=number,
                    question=question,
                    locality=locality,
                    answer=json.dumps(answer, ensure_ascii=False),
                    at=utc_now(),
                )
            )
            if number == 1:
                conversation = session.get(Conversation, conversation_id)
                if conversation is not None:
                    conversation.title = title_of(question)
            return number

    def turns(self, conversation_id: str) -> list[TurnRecord]:
        statement = (
            select(ConversationTurn)
            .where(ConversationTurn.conversation_id == conversation_id)
            .order_by(ConversationTurn.number)
        )
        with self._sessions() as session:
            return [
                TurnRecord(t.number, t.question, t.locality, json.loads(t.answer), as_utc(t.at))
                for t in session.scalars(statement)
            ]

    def owned_by(self, owner: str, limit: int = 100) -> list[ConversationSummary]:
        """The owner's conversations that have at least one turn, most recently active first."""
        turns = (
            select(ConversationTurn.conversation_id, func.count().label("turns"))
            .group_by(ConversationTurn.conversation_id)
            .subquery()
        )
        statement = (
            select(Conversation, turns.c.turns)
            .join(turns, turns.c.conversation_id == Conversation.id)
            .where(Conversation.owner == owner)
            .order_by(Conversation.updated_at.desc(), Conversation.id)
            .limit(limit)
        )
        with self._sessions() as session:
            return [
                ConversationSummary(
                    c.id, c.title, int(n), as_utc(c.created_at or c.updated_at), as_utc(c.updated_at)
                )
                for c, n in session.execute(statement)
            ]

    def delete(self, conversation_id: str) -> bool:
        """Forget a conversation and its turns; False when there was none."""
        with self._sessions.begin() as session:
            session.execute(
                delete(ConversationTurn).where(ConversationTurn.conversation_id == conversation_id)
            )
            result = session.execute(delete(Conversation).where(Conversation.id == conversation_id))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def purge(self, older_than: dt.timedelta, id_prefix: str = "") -> int:
        """Forget conversations (those whose id starts with `id_prefix`) idle for longer than `older_than`,
        with their turns."""
        expired = Conversation.updated_at < utc_now() - older_than
        if id_prefix:
            expired = expired & Conversation.id.startswith(id_prefix, autoescape=True)
        with self._sessions.begin() as session:
            ids = select(Conversation.id).where(expired)
            session.execute(delete(ConversationTurn).where(ConversationTurn.conversation_id.in_(ids)))
            result = session.execute(delete(Conversation).where(expired))
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
