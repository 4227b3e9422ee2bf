"""Conversation memory: the last subject and locality, so follow-ups like “那它怎么修复？” work.

The state lives in the records database (connectors.ConversationTable), so any worker can answer the next turn.
A conversation belongs to the caller who started it — a key (its hash) or an anonymous session token (its hash);
for anyone else its id does not exist. An anonymous caller without a session keeps no conversation at all.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import asdict, dataclass, fields

from assistant.errors import ConversationNotFound, InvalidQuestion
from assistant.models import Answer
from connectors import ConversationTable
from connectors.conversations import MAX_ID_CHARS, ConversationSummary, TurnRecord

SESSION_OWNER = "session:"  # owner of an anonymous caller's conversation: the hash of its session token
ANONYMOUS_ID = "anon-"  # ids of anonymous conversations (purged after a shorter idle time)
NOT_YOURS = "未找到该对话：对话不存在、已过期，或不属于当前调用方。请不带对话编号重新提问。"


def session_owner(token: str) -> str:
    """What an anonymous conversation is bound to: a hash of the caller's session token, never the token."""
    return SESSION_OWNER + hashlib.sha256(token.encode()).hexdigest()[:32]


@dataclass(slots=True)
class ConversationState:
    conversation_id: str
    owner: str | None = None  # the key hash or session-token hash that started it; None: not kept
    subject_id: int | None = None  # the subject asked about, when it is on record
    subject_mention: str | None = None  # that subject as the user wrote it (also when not on record)
    own_mention: str | None = None  # the asker's own organisation, named as context (我是…的会计)
    locality: str | None = None
    pending_route: str | None = None  # the route of a question that is waiting for its subject
    last_question: str | None = None  # the question last answered (for "那朝阳呢？")
    last_route: str | None = None


STATE_FIELDS = frozenset(f.name for f in fields(ConversationState))


class ConversationStore:
    """Load a caller's conversation before a turn and save it after.

    `owner` None (an anonymous caller without a session): a one-off state that is never saved, and any id is
    not found. A key holder's unknown id starts a conversation under that id; an anonymous session continues
    only ids this service made for it. An id stored under another owner is ConversationNotFound (404).
    """

    def __init__(self, table: ConversationTable) -> None:
        self._table = table

    def get(self, conversation_id: str | None, owner: str | None) -> ConversationState:
        if conversation_id and len(conversation_id) > MAX_ID_CHARS:
            raise InvalidQuestion(f"对话编号过长：最多{MAX_ID_CHARS}个字符。")
        if owner is None:
            if conversation_id:
                raise ConversationNotFound(NOT_YOURS)
            return ConversationState(uuid.uuid4().hex)
        anonymous = owner.startswith(SESSION_OWNER)
        if not conversation_id:
            return ConversationState((ANONYMOUS_ID if anonymous else "") + uuid.uuid4().hex, owner)
        stored = self._table.load(conversation_id)
        if stored is None and not anonymous:
            return ConversationState(conversation_id, owner)
        if stored is None or stored.get("owner") != owner:
            raise ConversationNotFound(NOT_YOURS)
        known = {
            k: v for k, v in stored.items() if k in STATE_FIELDS and k not in ("conversation_id", "owner")
        }
        return ConversationState(conversation_id, owner, **known)

    def save(self, state: ConversationState) -> None:
        """Keep the state for the next turn (never for a one-off state without an owner)."""
        if state.owner is not None:
            self._table.save(state.conversation_id, asdict(state))

    def record_turn(
        self,
        state: ConversationState,
        question: str,
        answer: Answer,
        region: str | None = None,
        corpus_version: str = "",
    ) -> int | None:
        """Keep the question and its answer (text, citations…, the corpus version it came from) as the next
        turn; its number (None: not kept)."""
        if state.owner is None:
            return None
        stored = answer.model_dump(exclude={"turn"}) | {"corpus_version": corpus_version}
        return self._table.add_turn(state.conversation_id, question, stored, region)

    def owned(self, conversation_id: str, owner: str | None) -> str:
        """The id when the conversation is this caller's; ConversationNotFound (404) for anyone else."""
        if len(conversation_id) > MAX_ID_CHARS:
            raise InvalidQuestion(f"对话编号过长：最多{MAX_ID_CHARS}个字符。")
        if owner is None or self._table.owner_of(conversation_id) != owner:
            raise ConversationNotFound(NOT_YOURS)
        return conversation_id

    def listed(self, owner: str | None, limit: int = 100) -> list[ConversationSummary]:
        """The caller's conversations, most recently active first (none for a caller without an owner)."""
        return self._table.owned_by(owner, limit) if owner is not None else []

    def turns(self, conversation_id: str, owner: str | None) -> list[TurnRecord]:
        return self._table.turns(self.owned(conversation_id, owner))

    def delete(self, conversation_id: str, owner: str | None) -> None:
        self._table.delete(self.owned(conversation_id, owner))
