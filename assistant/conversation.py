"""Conversation memory: the last subject and locality, so follow-ups like “那它怎么修复？” work.

The state lives in the records database (connectors.ConversationTable), so any worker can answer the next turn.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, fields

from assistant.errors import InvalidQuestion
from connectors import ConversationTable
from connectors.conversations import MAX_ID_CHARS


@dataclass(slots=True)
class ConversationState:
    conversation_id: str
    subject_id: int | None = None  # the subject asked about, when it is on record
    subject_mention: str | None = None  # that subject as the user wrote it (also when not on record)
    own_mention: str | None = None  # the asker's own organisation, named as context (我是…的会计)
    locality: str | None = None
    pending_route: str | None = None  # the route of a question that is waiting for its subject
    last_question: str | None = None  # the question last answered (for "那朝阳呢？")
    last_route: str | None = None


STATE_FIELDS = frozenset(f.name for f in fields(ConversationState))


class ConversationStore:
    """Load a conversation's state before a turn and save it after; unknown ids start a new conversation."""

    def __init__(self, table: ConversationTable) -> None:
        self._table = table

    def get(self, conversation_id: str | None) -> ConversationState:
        if not conversation_id:
            return ConversationState(uuid.uuid4().hex)
        if len(conversation_id) > MAX_ID_CHARS:
            raise InvalidQuestion(f"对话编号过长：最多{MAX_ID_CHARS}个字符。")
        stored = self._table.load(conversation_id) or {}
        known = {k: v for k, v in stored.items() if k in STATE_FIELDS and k != "conversation_id"}
        return ConversationState(conversation_id, **known)

    def save(self, state: ConversationState) -> None:
        self._table.save(state.conversation_id, asdict(state))
