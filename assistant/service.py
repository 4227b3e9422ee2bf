"""The one entry point: a question (and its conversation) in, a structured cited Answer out."""

from __future__ import annotations

import datetime as dt

from assistant import messages
from assistant.access import ANONYMOUS, ROUTE_ACTIONS, Principal, authorize, denial_text, may
from assistant.answers import append_answer
from assistant.bilingual import chinese_reading
from assistant.catalogue import anchor_passages, load_measures
from assistant.citations import CitationList
from assistant.conversation import ConversationState, ConversationStore
from assistant.followups import elliptical_target, with_locality
from assistant.models import Answer, Candidate, RegionNote, SubjectRef
from assistant.policy_qa.answer import PolicyQA
from assistant.policy_qa.answerability import AnswerabilityModel
from assistant.policy_qa.evidence import index_idf
from assistant.policy_qa.question import localities_in
from assistant.question_checks import check_question
from assistant.region_filter import RegionChoice, checked_region, choose_region
from assistant.route_model import SUBJECT_ROUTES, RouteModel
from assistant.router import GENERIC_NOUNS, DialogContext, RouteDecision, Router
from assistant.runtime import PolicyCorpus
from assistant.settings import Settings
from assistant.subjects import detect_subjects, main_mention, own_reference
from assistant.tools.common import ToolResult
from assistant.tools.measures import applicable_measures
from assistant.tools.repair import (
    asks_publication_period,
    national_period_answer,
    national_repair_periods,
    repair_steps,
)
from assistant.tools.status import subject_status
from connectors import NameMatch, RecordStore, SubjectInfo, SubjectProfile, looks_like_code

REPAIR_HINT_PROBABILITY = 0.2  # a policy question this likely about repair also gets the national periods


def guessed(written: str, subject: SubjectInfo) -> bool:
    """Was a name resolved to a subject whose stored name is not the one written (a near miss)?"""
    return not looks_like_code(written) and subject.name != written.strip()


class Assistant:
    def __init__(
        self, settings: Settings, corpus: PolicyCorpus, records: RecordStore, chat_model: object = None
    ) -> None:
        self.settings = settings
        self.corpus = corpus
        self.records = records
        self.policy = PolicyQA(
            corpus.retriever,
            corpus.documents,
            index_idf(corpus.retriever),
            AnswerabilityModel.load(),
            top_k=settings.retrieval.top_k,
        )
        model = RouteModel(corpus.retriever.encoder, cache_dir=settings.data_dir / "models")
        self.router = Router(
            corpus.retriever.encoder,
            records.repository.existing_names,
            model,
            self.in_domain,
            self.policy.is_generic,
        )
        self.measures = load_measures(corpus.passages)
        self.anchors = anchor_passages(corpus.passages)
        self.conversations = ConversationStore(records.conversations)
        self.chat_model = chat_model

    def in_domain(self, question: str) -> bool:
        """Does the question use a topic noun of the corpus (not just 公司/企业/时间)?"""
        retriever = self.corpus.retriever
        nouns = retriever.abbreviations.expand(retriever.tokenizer.content_nouns(question))
        return any(n in self.policy.idf and n not in GENERIC_NOUNS for n in nouns)

    def topics_not_in(self, question: str, text: str) -> list[str]:
        """The question's topic nouns (not 公司/企业/时间) that `text` never uses."""
        nouns = self.corpus.retriever.tokenizer.content_nouns(question)
        return [n for n in nouns if n not in GENERIC_NOUNS and n not in text]

    @property
    def today(self) -> dt.date:
        return self.settings.today or dt.date.today()

    def validate(self, question: str) -> str:
        return check_question(question, self.settings.api.max_question_chars)

    def ask(
        self,
        question: str,
        conversation_id: str | None = None,
        caller: Principal = ANONYMOUS,
        session: str | None = None,
        region: str | None = None,
    ) -> Answer:
        """Answer one turn. Subject records go only to a `caller` allowed to read them, and are audited.

        The conversation belongs to the caller's key, or for an anonymous caller to its `session` (the owner
        string of its session token); an anonymous caller without one keeps no conversation (no id returned).
        `region`: a filter beside the question; a place the question names itself wins (see region_filter).
        """
        written = self.validate(question)
        requested = checked_region(region)
        question = chinese_reading(written)  # English words read as the corpus's Chinese
        state = self.conversations.get(conversation_id, caller.who if caller.role else session)
        decision, asked = self.understand(question, state)
        choice = choose_region(requested, decision.route, self.places_named(asked) if requested else ())
        answer = self.dispatch(asked, decision, state, caller, choice.locality if choice else None)
        answer.route_reasons = self.visible_reasons(decision, caller)
        answer.conversation_id = state.conversation_id if state.owner else ""
        answer.region = self.region_note(choice)
        self.remember(asked, decision, answer, state)
        self.conversations.save(state)
        answer.turn = self.conversations.record_turn(
            state, written, answer, requested, self.corpus.version
        )
        return answer

    def warm(self) -> None:
        """Load what the first question would load lazily (jieba's dictionaries and tagger, the place index,
        the encoder's thread pool), so that no served request pays for it while holding the GIL."""
        sample = "濮阳市的企业被行政处罚后怎么申请信用修复？"
        self.corpus.retriever.search(sample, 1)
        self.corpus.retriever.tokenizer.content_nouns(sample)
        self.places_named(sample)

    def places_named(self, question: str) -> list[str]:
        """Every place the question names: places of the national table and other place-like phrases."""
        frame = self.policy.frame(question)
        return [*frame.localities, *frame.places]

    @staticmethod
    def region_note(choice: RegionChoice | None) -> RegionNote | None:
        if choice is None:
            return None
        return RegionNote(requested=choice.requested, applied=choice.applied, note=choice.note)

    @staticmethod
    def visible_reasons(decision: RouteDecision, caller: Principal) -> list[str]:
        """The route reasons, without the remembered subject when the caller may not read about it."""
        remembered = decision.uses_context
        action = ROUTE_ACTIONS.get(decision.route)
        if remembered is None or action is None or may(caller, action):
            return decision.reasons
        return [reason for reason in decision.reasons if remembered not in reason]

    def understand(self, question: str, state: ConversationState) -> tuple[RouteDecision, str]:
        """The route decision and the question to answer (a "那朝阳呢？" becomes the full question)."""
        context = DialogContext(subject=state.subject_mention, own=state.own_mention)
        target = elliptical_target(question) if state.last_question else None
        if target is not None and state.last_question is not None:
            places = localities_in(target)
            mentions = detect_subjects(target, self.records.repository.existing_names)
            if places and not mentions and state.last_route == "policy_qa":
                asked = with_locality(state.last_question, places[0])
                decision = self.router.route(asked, DialogContext())
                decision.reasons.insert(0, f"追问：按上一问题改问“{places[0]}”——{asked}")
                return decision, asked
            if mentions and state.last_route in SUBJECT_ROUTES:
                decision = RouteDecision(state.last_route, subject=main_mention(mentions))
                decision.reasons.append(f"追问：对“{mentions[0].text}”问上一问题")
                return decision, question
        decision = self.router.route(question, context, self.corpus.retriever.query_vector(question))
        return self.continue_pending(question, decision, state), question

    @staticmethod
    def continue_pending(question: str, decision: RouteDecision, state: ConversationState) -> RouteDecision:
        """A reply that only names the subject (after we asked back) continues the question asked before."""
        mention = decision.subject or decision.context_mention
        if state.pending_route and mention is not None and len(question) - len(mention.text) <= 6:
            decision.route, decision.subject, decision.context_mention = state.pending_route, mention, None
            decision.reasons.append("补充主体，继续上一问题")
        return decision

    def remember(
        self, question: str, decision: RouteDecision, answer: Answer, state: ConversationState
    ) -> None:
        state.pending_route = (
            decision.route if answer.clarification and decision.route in SUBJECT_ROUTES else None
        )
        if decision.context_mention is not None:
            state.own_mention = decision.context_mention.text
        if decision.subject is not None:
            state.subject_mention = decision.subject.text
            if answer.subject is None:  # a new subject not (yet) found: never fall back to the previous one
                state.subject_id = None
        state.last_question, state.last_route = question, decision.route
        state.locality = next(iter(localities_in(question)), state.locality)

    def dispatch(
        self,
        question: str,
        decision: RouteDecision,
        state: ConversationState,
        caller: Principal,
        region: str | None = None,
    ) -> Answer:
        """`region`: the filter's place when it applies (the question names no place of its own)."""
        if decision.route == "chitchat":
            return Answer(text=messages.GREETING, route="chitchat")
        if decision.route == "out_of_scope":
            return Answer(text=messages.OUT_OF_SCOPE, route="out_of_scope", refused=True)
        if decision.route == "policy_qa":
            return self.policy_answer(question, decision, state, region)
        if decision.route == "applicable_measures" and decision.subject is None and not decision.uses_context:
            if self.policy.names_uncovered_place(question):
                return self.policy.answer(question)  # measures of a place no document covers: say so
            locality = next(iter(localities_in(question)), region or state.locality)
            measures = self.category_measures(decision.category or "严重失信", locality)
            clauses = self.policy.answer(question, region)
            if clauses.refused and self.topics_not_in(question, measures.text):
                return clauses  # the measures do not speak of what is asked (税务优惠, 担保费率): say so
            return (
                measures if clauses.refused else append_answer(clauses, measures, messages.MEASURES_HEADING)
            )
        answer = self.subject_answer(decision, state, caller)
        if decision.subject is not None:
            answer.subject_mention = decision.subject.text
        elif may(caller, ROUTE_ACTIONS[decision.route]):  # the remembered subject only to who may read it
            answer.subject_mention = decision.uses_context
        return answer

    def policy_answer(
        self, question: str, decision: RouteDecision, state: ConversationState, region: str | None = None
    ) -> Answer:
        answer = self.policy.answer(question, region)
        if self.chat_model is not None and not answer.refused:
            from assistant.policy_qa.llm import llm_answer

            answer = llm_answer(self.chat_model, question, answer) or answer
        about_repair = decision.probabilities.get("repair_steps", 0.0) >= REPAIR_HINT_PROBABILITY
        if answer.refused and asks_publication_period(question):
            # No loaded document says how long: say so, then answer from the national rules the repair plans
            # use, labelled as such (still a refusal as far as the documents go).
            return answer.model_copy(update={"text": national_period_answer(self.today)})
        if answer.refused and about_repair:
            answer.text += "\n\n" + national_repair_periods(self.today)
        if about_repair and own_reference(question):
            answer.text += messages.POLICY_HINT
        return answer

    def resolve(self, decision: RouteDecision, state: ConversationState) -> SubjectInfo | Answer:
        """The subject, or an answer that asks back (bad code, unknown, ambiguous, missing)."""
        route = decision.route
        written = decision.subject.text if decision.subject else decision.uses_context
        if written is None:
            return Answer(
                text=messages.NEED_SUBJECT.format(what=messages.ROUTE_WHAT[route]),
                route=route,
                clarification=True,
            )  # type: ignore[arg-type]
        if decision.subject is None and written == state.subject_mention and state.subject_id is not None:
            subject = self.records.repository.by_id(state.subject_id)
            if subject is not None:
                return subject
        resolution = self.records.repository.resolve(written)
        if resolution.error and looks_like_code(written):
            return Answer(
                text=resolution.error + "。" + messages.INVALID_CODE_HINT, route=route, clarification=True
            )  # type: ignore[arg-type]
        if resolution.subject is None:
            return self.not_resolved(written, route, resolution.candidates)
        return resolution.subject

    @staticmethod
    def not_resolved(written: str, route: str, matches: list[NameMatch]) -> Answer:
        """Name the subject as asked; say it is not on record (or ambiguous) and offer near candidates."""
        candidates = [
            Candidate(name=m.subject.name, identifier=m.subject.identifier, score=m.score) for m in matches
        ]
        lines = [messages.NOT_ON_RECORD.format(name=written)]
        if candidates:
            lines.append(messages.NEAR_CANDIDATES)
            lines += [f"{i}. {c.name}（{c.identifier}）" for i, c in enumerate(candidates, 1)]
        else:
            lines.append(messages.CHECK_NAME)
        return Answer(text="\n".join(lines), route=route, clarification=True, candidates=candidates)  # type: ignore[arg-type]

    def subject_answer(self, decision: RouteDecision, state: ConversationState, caller: Principal) -> Answer:
        """Look up the subject and run the route's tool — only for a caller allowed to; every lookup audited."""
        action = ROUTE_ACTIONS[decision.route]
        if not may(caller, action):  # nothing about the subject, not even whether it is on record
            return Answer(text=denial_text(caller, action), route=decision.route, refused=True)  # type: ignore[arg-type]
        resolved = self.resolve(decision, state)
        written = decision.subject.text if decision.subject else decision.uses_context
        if isinstance(resolved, Answer):
            if written is not None:  # a search that showed candidates or said "not on record"
                self.record_access(caller, "subject_search", written)
            return resolved
        self.record_access(caller, action, resolved.identifier, resolved.id)
        state.subject_id = resolved.id
        state.subject_mention = written
        answer = self.answer_about(decision.route, resolved, caller)[0]
        if decision.subject is not None and guessed(decision.subject.text, resolved):
            answer.text = (
                messages.NEAREST_GUESS.format(written=decision.subject.text, name=resolved.name) + answer.text
            )
        return answer

    def record_access(
        self, caller: Principal, action: str, target: str, subject_id: int | None = None
    ) -> None:
        """Authorize `caller` for `action` (raises Unauthorized/Forbidden) and write the audit entry."""
        authorize(caller, action)
        self.records.audit.write(
            caller.who, action, target, client=caller.client, channel=caller.channel, subject_id=subject_id
        )

    def category_measures(self, category: str, locality: str | None) -> Answer:
        """Measures for a category of subjects, the locality's own documents first."""
        documents = self.corpus.documents
        result = applicable_measures([category], locality, self.measures, documents, CitationList(documents))
        return self.tool_answer(result, "applicable_measures")

    def answer_about(
        self, route: str, subject: SubjectInfo, caller: Principal
    ) -> tuple[Answer, SubjectProfile]:
        """Run the route's tool on one subject's records (the caller must be allowed); names the subject."""
        authorize(caller, ROUTE_ACTIONS[route])
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
            return repair_steps(profile, self.today, self.anchors, documents, citations, self.measures)
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
