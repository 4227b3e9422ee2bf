"""Policy QA, stage by stage: frame → evidence per part → composition by shape → answerability → Answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.citations import CitationList
from assistant.models import Answer
from assistant.policy_qa.answerability import (
    AnswerabilityFeatures,
    AnswerabilityModel,
    Verdict,
    evidence_features,
    missing_years,
    uncovered_places,
)
from assistant.policy_qa.compose import (
    Statement,
    aspect_present,
    compose_lines,
    compose_statements,
    short_title,
)
from assistant.policy_qa.documents import document_lines
from assistant.policy_qa.evidence import Evidence, EvidenceFinder, lexical_overlap
from assistant.policy_qa.frame import (
    QuestionFrame,
    frame_question,
    without_question_words,
)
from assistant.policy_qa.lead import LEAD_MAX, Relevance
from assistant.policy_qa.render import answer_text, article_of, lead_lines
from assistant.policy_qa.shapes import compare, multi_part
from assistant.policy_qa.sides import KINDS, Side, compares, distinct_sides, documents_named
from corpus import DocumentMeta, Passage
from corpus.jurisdiction import scope_note
from indexes import Hit, HybridRetriever, locality_match, locality_matches

TABLE_ROW = re.compile(r"第\s*(\d{1,3})\s*(项|条|行)")
REFUSAL = "现有政策文件未涉及“{topic}”的具体规定，无法据此作答。以下是最相关的条文，供参考："
CONFIDENT = 0.7  # below this probability an answer says how sure it is
UNSURE_NOTE = "（依据较弱，请核对原文。）"

__all__ = ["PolicyQA", "short_title"]


@dataclass
class Assessed:
    """One (sub-)question after evidence selection and the answerability check."""

    hits: list[Hit]
    evidence: list[Evidence]
    verdict: Verdict


@dataclass
class PolicyQA:
    retriever: HybridRetriever
    documents: dict[str, DocumentMeta]
    idf: dict[str, float]
    model: AnswerabilityModel
    top_k: int = 5
    finder: EvidenceFinder = field(init=False)

    def __post_init__(self) -> None:
        self.finder = EvidenceFinder(self.retriever, self.idf, self.top_k)
        self.passages: list[Passage] = list(self.retriever.passages)
        self.index = {p.passage_id: i for i, p in enumerate(self.passages)}
        self.corpus_text = "".join(p.text for p in self.passages)
        # where places are named: the text and each document's own head (the 舞阳县 that forwards a 河南 plan)
        heads = "".join(
            doc.title + doc.issuer + doc.recipients + "".join(doc.locality.names()) for doc in self.documents.values()
        )
        self.place_texts = (self.corpus_text, heads)
        self.titles = {doc_id: short_title(doc) for doc_id, doc in self.documents.items()}

    def is_generic(self, phrase: str) -> bool:
        """Does the corpus itself use this phrase (小额贷款公司, 征信机构)? Then it names a kind, not a subject."""
        return phrase in self.corpus_text

    def names_uncovered_place(self, question: str) -> bool:
        return bool(uncovered_places(self.frame(question), self.place_texts))

    def frame(self, question: str) -> QuestionFrame:
        """The question's frame; places that mean the same documents count once ("舞阳那份河南方案": the
        河南 plan in the corpus is the one 舞阳 forwards), so only places with different documents compare."""
        frame = frame_question(question, self.tagged(question))
        frame = replace(frame, synonyms=tuple(self.retriever.tokenizer.synonym_terms(question)))
        if len(frame.localities) < 2:
            return frame
        distinct: dict[frozenset[str], str] = {}
        for locality in frame.localities:
            distinct.setdefault(self.finder.documents_meant(locality), locality)
        return replace(frame, localities=tuple(distinct.values()))

    def tagged(self, text: str) -> list[tuple[str, str]]:
        return [(w.word, w.flag) for w in self.retriever.tokenizer._tagger.lcut(text)]

    def assess(
        self,
        question: str,
        frame: QuestionFrame,
        locality: str | None,
        doc_ids: tuple[str, ...] = (),
        wording: float | None = None,
    ) -> Assessed:
        """`wording`: the wording probability to judge by (a part of a question is judged by the whole one's)."""
        hits, evidence = self.finder.gather(question, locality, level=frame.level, doc_ids=doc_ids)
        texts = "".join(
            h.passage.text + h.document.title + (h.document.date or "") + str(h.document.year) for h in hits
        )
        if places := uncovered_places(frame, self.place_texts):
            return Assessed(hits, evidence, Verdict(False, 0.0, f"文件不涉及“{'、'.join(places)}”"))
        if years := missing_years(frame, texts):
            return Assessed(hits, evidence, Verdict(False, 0.0, f"文件中没有关于{'、'.join(years)}年的内容"))
        if not evidence:
            return Assessed(hits, evidence, Verdict(False, 0.0, "没有检索到相关条文"))
        return Assessed(
            hits, evidence, self.model.judge(self.features_of(question, evidence, frame, wording))
        )

    def features_of(
        self, question: str, evidence: list[Evidence], frame: QuestionFrame, wording: float | None = None
    ) -> AnswerabilityFeatures:
        abbreviations = self.retriever.abbreviations  # 年报 is covered where 年度报告 is
        # what the question is about: its interrogatives (什么时间段, 哪个部门) are the asked aspect, not content.
        # (Leaving out the places it names as well was tried on 2026-12-03: regulation probes gained, but unanswerable
        # training questions became covered whole, no coverage floor held, and a new document's question whose words
        # its sentence holds whole was refused again — tests/test_index_swap.py.)
        content = without_question_words(question)
        tokens = [abbreviations.expansion(t) or t for t in self.retriever.tokenizer.content_nouns(content)]
        if wording is None:
            wording = self.model.wording_probability(question)
        return evidence_features(evidence, frame, tokens, self.idf, wording)

    def features(self, question: str, wording: float | None = None) -> AnswerabilityFeatures:
        """The answerability features of a whole question (what the model is fitted on); `wording`: the
        wording model's held-out probability when fitting."""
        frame = self.frame(question)
        locality = frame.localities[0] if len(frame.localities) == 1 else None
        evidence = self.finder.gather(question, locality, frame.level)[1]
        return self.features_of(question, evidence, frame, wording)

    def answer(self, question: str, locality: str | None = None) -> Answer:
        frame = self.frame(question)
        if locality is None and len(frame.localities) == 1:
            locality = frame.localities[0]
        if (row := self.table_row_answer(question, locality)) is not None:
            return row
        if frame.is_document_question:
            # a document of a place no document is about or mentions (北京市的条例) is not in the corpus; a
            # question naming a covered place as well asks about that place's document (…青云山那边在不在里面？)
            places = uncovered_places(frame, self.place_texts)
            if places and not [name for name in frame.localities if name not in places]:
                hits = self.finder.gather(question, None, level=frame.level)[0]
                return self.refuse(question, hits, f"文件不涉及“{'、'.join(places)}”")
            if about := self.document_answer(question, frame):
                return about
        sides = self.sides(question, frame)
        if compares(question, sides):
            return compare(self, question, frame, sides)
        if len(frame.parts) > 1:
            return multi_part(self, question, frame, locality)
        named = documents_named(self.with_synonyms(frame), self.documents.values(), self.titles)
        return self.single(question, frame, locality, named[0].doc_ids if len(named) == 1 else ())

    def sides(self, question: str, frame: QuestionFrame) -> list[Side]:
        """The places and documents the question names, each with the documents it means; places first."""
        places = [
            Side(name, tuple(sorted(self.finder.documents_meant(name))), name) for name in frame.localities
        ]
        named = documents_named(self.with_synonyms(frame), self.documents.values(), self.titles)
        return distinct_sides([*places, *named])

    @staticmethod
    def with_synonyms(frame: QuestionFrame) -> str:
        """The question followed by the documents' terms for its words (read once, into the frame), so that a
        document named in everyday words ("市场监管总局的处罚公示规定") is recognised by its title's and issuer's words."""
        terms = frame.synonyms
        return frame.question + ("（" + "，".join(terms) + "）" if terms else "")

    def own_documents(self, place: str) -> tuple[str, ...]:
        """The documents a place named as a side means: its own and those of the divisions above it, not the
        national rules (they apply to every side alike)."""
        meant = self.finder.documents_meant(place)
        return tuple(sorted(d for d in meant if self.documents[d].locality.label))

    def relevance(self, question: str, frame: QuestionFrame) -> Relevance:
        """How much a piece of a sentence answers the question: shared words, and the asked detail."""
        tokens = self.retriever.query_tokens(question)
        return lambda text: lexical_overlap(tokens, text, self.idf) + 0.5 * aspect_present(frame, text)

    def statements(
        self,
        question: str,
        frame: QuestionFrame,
        assessed: Assessed,
        citations: CitationList,
        lead_limit: int = LEAD_MAX,
    ) -> list[Statement]:
        found = compose_statements(
            assessed.evidence,
            frame,
            citations,
            self.passages,
            self.index,
            self.relevance(question, frame),
            lead_limit,
        )
        if frame.asks_article:  # "哪一条规定了…": the article first, then what it says
            return [replace(s, lead=f"{article_of(s.passage)}：{s.lead}") for s in found]
        if frame.asks_document:  # "按哪个条例来办": the document first, then what it says
            return [replace(s, lead=f"《{self.titles[s.doc.doc_id]}》规定：{s.lead}") for s in found]
        return found

    def single(
        self, question: str, frame: QuestionFrame, locality: str | None, doc_ids: tuple[str, ...] = ()
    ) -> Answer:
        assessed = self.assess(question, frame, locality, doc_ids)
        citations = CitationList(self.documents)
        statements = [
            replace(s, scope=scope_label(locality, s.doc))
            for s in self.statements(question, frame, assessed, citations)
        ]
        if not assessed.verdict.answerable or not statements:
            return self.refuse(question, assessed.hits, assessed.verdict.reason or "相关条文中没有所问内容")
        leads = lead_lines(statements, label_places=not frame.localities)
        if assessed.verdict.probability < CONFIDENT:
            leads.append(UNSURE_NOTE)
        return self.answered(answer_text(leads, statements), citations, assessed.verdict.probability)

    def answered(self, text: str, citations: CitationList, confidence: float | None) -> Answer:
        return Answer(text=text, route="policy_qa", citations=citations.items, confidence=confidence)

    def document_answer(self, question: str, frame: QuestionFrame) -> Answer | None:
        """Metadata answers about the document(s) the question names (or the best-matching one)."""
        citations = CitationList(self.documents)
        lines = self.document_lines(question, frame, citations)
        return Answer(text="\n".join(lines), route="policy_qa", citations=citations.items) if lines else None

    def document_lines(self, question: str, frame: QuestionFrame, citations: CitationList) -> list[str]:
        doc = self.document_asked(question, frame)
        if doc is None:
            return []
        lines = document_lines(frame, doc, self.passages, citations)
        assessed = self.assess(question, frame, None)
        if lines and assessed.verdict.answerable:
            lines += compose_lines(assessed.evidence, frame, citations, self.passages, self.index)[:1]
        return lines

    def document_asked(self, question: str, frame: QuestionFrame) -> DocumentMeta | None:
        """The document the question names; else the one of the named locality whose title shares most."""
        by_name = documents_named(self.with_synonyms(frame), self.documents.values(), self.titles)
        if len(by_name) == 1:
            return self.documents[by_name[0].doc_ids[0]]
        named = [d for d in self.documents.values() if any(locality_matches(n, d) for n in frame.localities)]
        candidates = named or list(self.documents.values())
        tokens = self.retriever.tokenizer.tokenize(question)
        overlap = {d.doc_id: lexical_overlap(tokens, d.title, self.idf) for d in candidates}
        if not named:
            hits = self.finder.search(question, k=3)
            for hit in hits:
                overlap[hit.document.doc_id] += 0.1
        guess = max(candidates, key=lambda d: overlap[d.doc_id]) if candidates else None
        if guess is not None and not named and not kind_fits(question, guess):
            return None  # "国务院第几号令": a 条例 asked for, and the corpus holds no such document to guess
        return guess

    def refuse(self, question: str, hits: list[Hit], reason: str) -> Answer:
        related = CitationList(self.documents)
        for hit in hits[:3]:
            related.cite(hit.passage)
        topic = question.strip("？?。 ")
        text = REFUSAL.format(topic=topic) + f"（{reason}）"
        return Answer(text=text, route="policy_qa", refused=True, related=related.items)

    def table_row_answer(self, question: str, locality: str | None) -> Answer | None:
        """“任务清单第26项”: the numbered row of a task table, quoted whole."""
        match = TABLE_ROW.search(question)
        if not match or "清单" not in question:
            return None
        suffix = f"#T{int(match.group(1)):03d}"
        rows = [
            p for p in self.passages
            if p.passage_id.endswith(suffix) and (not locality or locality_matches(locality, self.documents[p.doc_id]))
        ]  # fmt: skip
        if not rows:
            return None
        citations = CitationList(self.documents)
        lines = []
        for row in rows:
            doc = self.documents[row.doc_id]
            units = "、".join((*row.lead_units, *row.responsible_units))
            number = citations.cite(row)
            lines.append(
                f"{doc.locality.label}《{short_title(doc)}》{row.section_label}：{row.text}（责任单位：{units}）[{number}]"
            )
        return Answer(text="\n".join(lines), route="policy_qa", citations=citations.items)


def kind_fits(question: str, doc: DocumentMeta) -> bool:
    """Is the document of a kind the question names (条例, 方案…)? Yes as well when the question names none or
    the document's kind is unknown."""
    kinds = [kind for kind in KINDS if kind in question]
    return not kinds or not doc.kind or any(doc.kind.endswith(kind) or kind.endswith(doc.kind) for kind in kinds)


def scope_label(locality: str | None, doc: DocumentMeta) -> str:
    """「（山东省条例，适用于全省）」 when a document of the province above (or a national rule) answers for the
    place asked; nothing for the place's own documents or when no place was asked."""
    return scope_note(locality_match(locality, doc), doc.locality, doc.kind) if locality else ""
