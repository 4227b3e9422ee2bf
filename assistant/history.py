"""A caller's conversations as a resource: list, reopen (turns with answers and citations), delete, rate answers.

Every operation is bound to the conversation's owner (a key hash or an anonymous session's token hash); for
anyone else the conversation does not exist (404). A stored answer about a subject's records is personal data:
reopening it checks the caller's key again and writes the same audit entry as asking did; feedback never copies
such an answer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from assistant.access import ROUTE_ACTIONS, Principal, denial_text, may
from assistant.conversation import ConversationStore
from assistant.errors import InvalidQuestion, TurnNotFound
from connectors import AuditTrail
from connectors.conversations import ConversationSummary, TurnRecord
from connectors.feedback import FeedbackRecord, FeedbackStore

CITATION_FIELDS = ("number", "doc_id", "title", "doc_number", "section_path", "passage_id", "quote")
RECORDS_HIDDEN = "（该回答涉及主体信用记录，不随反馈保存。）"


def carries_records(answer: dict[str, Any]) -> bool:
    """Does a stored answer hold a subject's records (its records, who it is, or candidates)?"""
    return bool(answer.get("records") or answer.get("subject") or answer.get("candidates"))


@dataclass(frozen=True, slots=True)
class Rating:
    """What a user says about one answer."""

    rating: str  # up | down
    comment: str = ""
    expected_answer: str = ""
    unanswerable: bool = False


@dataclass
class ConversationHistory:
    store: ConversationStore
    feedback: FeedbackStore
    audit: AuditTrail
    corpus_version: str = ""

    def summaries(self, owner: str | None) -> list[ConversationSummary]:
        return self.store.listed(owner)

    def turns(
        self, conversation_id: str, owner: str | None, caller: Principal
    ) -> list[tuple[TurnRecord, FeedbackRecord | None]]:
        """The conversation's turns in order, each with the feedback given on it."""
        turns = self.store.turns(conversation_id, owner)
        given = self.feedback.for_conversation(conversation_id)
        return [(self.visible(turn, caller), given.get(turn.number)) for turn in turns]

    def visible(self, turn: TurnRecord, caller: Principal) -> TurnRecord:
        """The turn as this caller may see it now: an answer about a subject's records only with a key that may
        still read them (and audited), else the denial in its place."""
        answer = turn.answer
        action = ROUTE_ACTIONS.get(str(answer.get("route")))
        if not carries_records(answer) or action is None:
            return turn
        if not may(caller, action):
            hidden = {**answer, "text": denial_text(caller, action), "records": [], "subject": None}
            return replace(turn, answer={**hidden, "candidates": [], "data": {}, "refused": True})
        subject = answer.get("subject") or {}
        target = subject.get("identifier") or str(answer.get("subject_mention") or "")
        self.audit.write(caller.who, action, target, client=caller.client, channel="history")
        return turn

    def delete(self, conversation_id: str, owner: str | None) -> None:
        self.store.delete(conversation_id, owner)

    def rate(self, conversation_id: str, number: int, owner: str | None, rating: Rating) -> FeedbackRecord:
        """Keep feedback on one turn (again: replaces it) with what was asked and answered."""
        turn = next((t for t in self.store.turns(conversation_id, owner) if t.number == number), None)
        if turn is None:
            raise TurnNotFound(f"该对话没有第{number}轮问答。", turn=number)
        if rating.rating == "up" and (rating.expected_answer.strip() or rating.unanswerable):
            raise InvalidQuestion("点赞的回答不需要填写期望答案。")
        answer = turn.answer
        private = carries_records(answer)
        record = FeedbackRecord(
            id=uuid.uuid4().hex,
            conversation_id=conversation_id,
            turn=number,
            rating=rating.rating,
            question=turn.question,
            created_at=turn.at,
            comment=rating.comment.strip(),
            expected_answer=rating.expected_answer.strip(),
            unanswerable=rating.unanswerable,
            route=str(answer.get("route", "")),
            answer=RECORDS_HIDDEN if private else str(answer.get("text", "")),
            citations=[] if private else [cited(c) for c in answer.get("citations", [])],
            about_subject=private,
            corpus_version=str(answer.get("corpus_version") or self.corpus_version),
            caller=owner or "",
        )
        return self.feedback.save(record)


def cited(citation: dict[str, Any]) -> dict[str, Any]:
    """What feedback keeps of a citation: where it points and the quoted sentence (not the whole passage)."""
    return {name: citation.get(name) for name in CITATION_FIELDS}
