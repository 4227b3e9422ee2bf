"""Conversation state in the records database, so a follow-up works whichever worker answers it."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from connectors.audit import utc_now
from connectors.models import Conversation

MAX_ID_CHARS = 64


class ConversationTable:
    """Key → JSON state; the last write of a conversation wins."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def load(self, conversation_id: str) -> dict | None:
        with self._sessions() as session:
            state = session.scalar(select(Conversation.state).where(Conversation.id == conversation_id))
        return json.loads(state) if state is not None else None

    def save(self, conversation_id: str, state: dict) -> None:
        values = {
            "id": conversation_id,
            "state": json.dumps(state, ensure_ascii=False),
            "updated_at": utc_now(),
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

    def purge(self, older_than: dt.timedelta, id_prefix: str = "") -> int:
        """Forget conversations (those whose id starts with `id_prefix`) idle for longer than `older_than`."""
        statement = delete(Conversation).where(Conversation.updated_at < utc_now() - older_than)
        if id_prefix:
            statement = statement.where(Conversation.id.startswith(id_prefix, autoescape=True))
        with self._sessions.begin() as session:
            result = session.execute(statement)
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
