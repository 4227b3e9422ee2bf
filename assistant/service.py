"""The one entry point: a question (and its conversation) in, a structured cited Answer out."""

from __future__ import annotations

import datetime as dt

from assistant import messages
from assistant.catalogue import anchor_passages, load_measures
from assistant.citations import CitationList
from assistant.conversation import ConversationState, ConversationStore
from assistant.errors import InvalidQuestion
from assistant.models import Answer, Candidate, SubjectRef
from assistant.policy_qa.answer import PolicyQA
from assistant.policy_qa.compose import idf_table
from assistant.policy_qa.question import localities_in
from assistant.router import QUANTITY_WORDS, REPAIR_WORDS, RouteDecision, Router, has_any
from assistant.runtime import PolicyCorpus
from assistant.settings import Settings
from assistant.tools.common import ToolResult
from assistant.tools.measures import applicable_measures
from assistant.tools.repair import national_repair_periods, repair_steps
from assistant.tools.status import subject_status
from connectors import RecordStore, SubjectInfo, SubjectProfile
from indexes import index_text


class Assistant:
    def __init__(
        self, settings: Settings, corpus: PolicyCorpus, records: RecordStore, chat_model: object = None
    ) -> None:
        self.settings = settings
        self.corpus = corpus
        self.records = records
        self.router = Router(corpus.retriever.encoder)
        texts = [index_text(p, corpus.documents[p.doc_id]) for p in corpus.passages]
        self.policy = PolicyQA(
            corpus.retriever,
            corpus.documents,
            idf_table(corpus.retriever.tokenizer, texts),
            top_k=settings.retrieval.top_k,
            support_threshold=settings.retrieval.refusal_threshold,
        )
        self.measures = load_measures(corpus.passages)
        self.anchors = anchor_passages(corpus.passages)
        self.conversations = ConversationStore()
        self.chat_model = chat_model

    @property
    def today(self) -> dt.date:
        return self.settings.today or dt.date.today()

    def validate(self, question: str) -> str:
        question = (question or "").strip()
        if not question:
            raise InvalidQuestion(messages.EMPTY_QUESTION)
        limit = self.settings.api.max_question_chars
        if len(question) > limit:
            raise InvalidQuestion(messages.QUESTION_TOO_LONG.format(limit=limit, length=len(question)))
        return question

    def ask(self, question: str, conversation_id: str | None = None) -> Answer:
        question = self.validate(question)
        state = self.conversations.get(conversation_id)
        decision = self.router.route(question, context_subject=state.subject_id is not None)
        decision = self.continue_pending(question, decision, state)
        answer = self.dispatch(question, decision, state)
        state.pending_route = decision.route if answer.clarification else None
        answer.route_reasons = decision.reasons
        answer.conversation_id = state.conversation_id
        state.locality = next(iter(localities_in(question)), state.locality)
        return answer

    @staticmethod
    def continue_pending(question: str, decision: RouteDecision, state: ConversationState) -> RouteDecision:
        """A reply that only names the subject (after we asked back) continues the question asked before."""
        subject = decision.subject
        if state.pending_route and subject is not None and len(question) - len(subject.text) <= 6:
            decision.route = state.pending_route
            decision.reasons.append("补充主体，继续上一问题")
        return decision

    def dispatch(self, question: str, decision: RouteDecision, state: ConversationState) -> Answer:
        if decision.route == "chitchat":
            return Answer(text=messages.GREETING, route="chitchat")
        if decision.route == "out_of_scope":
            return Answer(text=messages.OUT_OF_SCOPE, route="out_of_scope", refused=True)
        if decision.route == "policy_qa":
            return self.policy_answer(question, state)
        if decision.route == "applicable_measures" and decision.subject is None and not decision.uses_context:
            locality = next(iter(localities_in(question)), state.locality)
            return self.category_measures(decision.category or "严重失信", locality)
        return self.subject_answer(decision, state)

    def policy_answer(self, question: str, state: ConversationState) -> Answer:
        answer = self.policy.answer(question)
        if self.chat_model is not None and not answer.refused:
            from assistant.policy_qa.llm import llm_answer

            answer = llm_answer(self.chat_model, question, answer) or answer
        about_repair = has_any(question, REPAIR_WORDS) is not None
        if answer.refused and about_repair and has_any(question, QUANTITY_WORDS):
            answer.text += "\n\n" + national_repair_periods(self.today)
        if about_repair and has_any(question, ("我们", "我司", "我公司", "本公司", "我单位")):
            answer.text += messages.POLICY_HINT
        return answer

    def resolve(self, decision: RouteDecision, state: ConversationState) -> SubjectInfo | Answer:
        """The subject, or an answer that asks back (bad code, unknown, ambiguous, missing)."""
        route = decision.route
        if decision.subject is None:
            if decision.uses_context and state.subject_id is not None:
                subject = self.records.repository.by_id(state.subject_id)
                if subject is not None:
                    return subject
            return Answer(
                text=messages.NEED_SUBJECT.format(what=messages.ROUTE_WHAT[route]),
                route=route,
                clarification=True,
            )  # type: ignore[arg-type]
        resolution = self.records.repository.resolve(decision.subject.text)
        if resolution.error:
            hint = messages.INVALID_CODE_HINT if "代码" in resolution.error else ""
            return Answer(text=resolution.error + "。" + hint, route=route, clarification=True)  # type: ignore[arg-type]
        if resolution.subject is None:
            candidates = [
                Candidate(name=m.subject.name, identifier=m.subject.identifier, score=m.score)
                for m in resolution.candidates
            ]
            lines = [messages.CANDIDATES] + [
                f"{i}. {c.name}（{c.identifier}）" for i, c in enumerate(candidates, 1)
            ]
            return Answer(text="\n".join(lines), route=route, clarification=True, candidates=candidates)  # type: ignore[arg-type]
        return resolution.subject

    def subject_answer(self, decision: RouteDecision, state: ConversationState) -> Answer:
        resolved = self.resolve(decision, state)
        if isinstance(resolved, Answer):
            return resolved
        state.subject_id = resolved.id
        return self.answer_about(decision.route, resolved)[0]

    def category_measures(self, category: str, locality: str | None) -> Answer:
        """Measures for a category of subjects, the locality's own documents first."""
        documents = self.corpus.documents
        result = applicable_measures([category], locality, self.measures, documents, CitationList(documents))
        return self.tool_answer(result, "applicable_measures")

    def answer_about(self, route: str, subject: SubjectInfo) -> tuple[Answer, SubjectProfile]:
        """Run the route's tool on one subject's records; the answer names the subject."""
        profile = self.records.repository.profile(subject.id)
        answer = self.tool_answer(self.run_tool(route, profile), route)
        answer.subject = SubjectRef(
            name=subject.name, identifier=subject.identifier, kind=subject.kind, locality=subject.locality
        )
        return answer, profile

    def run_tool(self, route: str, profile: SubjectProfile) -> ToolResult:
        citations = CitationList(self.corpus.documents)
        documents = self.corpus.documents
        if route == "repair_steps":
            return repair_steps(profile, self.today, self.anchors, documents, citations)
        if route == "applicable_measures":
            return applicable_measures([], None, self.measures, documents, citations, profile=profile)
        return subject_status(profile, citations)

    @staticmethod
    def tool_answer(result: ToolResult, route: str) -> Answer:
        return Answer(
            text=result.text,
            route=route,
            citations=result.citations.items,
            records=result.records,
            data=result.data,
        )  # type: ignore[arg-type]
