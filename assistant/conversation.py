"""Conversation memory: the last subject and locality, so follow-ups like “那它怎么修复？” work."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass


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


class ConversationStore:
    """In-memory, bounded (least recently used conversations are dropped)."""

    def __init__(self, max_conversations: int = 1000) -> None:
        self._items: OrderedDict[str, ConversationState] = OrderedDict()
        self._max = max_conversations
        self._lock = threading.Lock()

    def get(self, conversation_id: str | None) -> ConversationState:
        with self._lock:
            if conversation_id and conversation_id in self._items:
                self._items.move_to_end(conversation_id)
                return self._items[conversation_id]
            state = ConversationState(conversation_id or uuid.uuid4().hex)
            self._items[state.conversation_id] = state
            while len(self._items) > self._max:
                self._items.popitem(last=False)
            return state
