"""Policy QA, stage by stage: frame → evidence per part → composition by shape → answerability → Answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

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
    resolve_ellipsis,
    side_question,
    without_question_words,
)
from assistant.policy_qa.lead import Relevance
from assistant.policy_qa.render import answer_text, lead_lines
from assistant.policy_qa.sides import Side, distinct_sides, documents_named
from corpus import DocumentMeta, Passage
from indexes import Hit, HybridRetriever, locality_matches

ANAPHORA = re.compile(
    r"这项|这个|这些|这类|这方面|该项|此项|上述|其中"
)  # a part that points back to the first
TABLE_ROW = re.compile(r"第\s*(\d{1,3})\s*(项|条|行)")
REFUSAL = "现有政策文件未涉及“{topic}”的具体规定，无法据此作答。以下是最相关的条文，供参考："
SIDE_SILENT = "现有文件未就此作出规定。"
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
        self.titles = {doc_id: short_title(doc) for doc_id, doc in self.documents.items()}

    def is_generic(self, phrase: str) -> bool:
        """Does the corpus itself use this phrase (小额贷款公司, 征信机构)? Then it names a kind, not a subject."""
        return phrase in self.corpus_text

    def names_uncovered_place(self, question: str) -> bool:
        return bool(uncovered_places(self.frame(question), self.corpus_text))

    def frame(self, question: str) -> QuestionFrame:
        """The question's frame; places that mean the same documents count once ("舞阳那份河南方案": the
        河南 plan in the corpus is the one 舞阳 forwards), so only places with different documents compare."""
        frame = frame_question(question, self.tagged(question))
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
        if places := uncovered_places(frame, self.corpus_text):
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
        tokens = self.retriever.tokenizer.content_nouns(question)
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
        if frame.is_document_question and (about := self.document_answer(question, frame)):
            return about
        sides = self.sides(question, frame)
        if len(sides) >= 2:
            return self.compare(question, frame, sides)
        if len(frame.parts) > 1:
            return self.multi_part(question, frame, locality)
        named = documents_named(question, self.documents.values(), self.titles)
        return self.single(question, frame, locality, named[0].doc_ids if len(named) == 1 else ())

    def sides(self, question: str, frame: QuestionFrame) -> list[Side]:
        """The places and documents the question names, each with the documents it means; places first."""
        places = [
            Side(name, tuple(sorted(self.finder.documents_meant(name))), name) for name in frame.localities
        ]
        named = documents_named(question, self.documents.values(), self.titles)
        return distinct_sides([*places, *named])

    def relevance(self, question: str, frame: QuestionFrame) -> Relevance:
        """How much a piece of a sentence answers the question: shared words, and the asked detail."""
        tokens = self.retriever.tokenizer.expand_query(question)
        return lambda text: lexical_overlap(tokens, text, self.idf) + 0.5 * aspect_present(frame, text)

    def statements(
        self, question: str, frame: QuestionFrame, assessed: Assessed, citations: CitationList
    ) -> list[Statement]:
        return compose_statements(
            assessed.evidence, frame, citations, self.passages, self.index, self.relevance(question, frame)
        )

    def single(
        self, question: str, frame: QuestionFrame, locality: str | None, doc_ids: tuple[str, ...] = ()
    ) -> Answer:
        assessed = self.assess(question, frame, locality, doc_ids)
        citations = CitationList(self.documents)
        statements = self.statements(question, frame, assessed, citations)
        if not assessed.verdict.answerable or not statements:
            return self.refuse(question, assessed.hits, assessed.verdict.reason or "相关条文中没有所问内容")
        leads = lead_lines(statements, label_places=not frame.localities)
        if assessed.verdict.probability < CONFIDENT:
            leads.append(UNSURE_NOTE)
        return self.answered(answer_text(leads, statements), citations, assessed.verdict.probability)

    def answered(self, text: str, citations: CitationList, confidence: float | None) -> Answer:
        return Answer(text=text, route="policy_qa", citations=citations.items, confidence=confidence)

    def multi_part(self, question: str, frame: QuestionFrame, locality: str | None) -> Answer:
        """One cited answer per part; a part the documents do not answer says so. A later part that names
        no place of its own is read in the document that answered the first part ("…平台安全上又有什么要求"),
        with the first part's phrase for a bare head noun (平台 → 公共信用信息管理平台)."""
        citations = CitationList(self.documents)
        lines, answered, hits = [], 0, []
        cited: list[Statement] = []
        anchor: tuple[str, ...] = ()
        wording = self.model.wording_probability(question)  # the model was fitted on whole questions
        first = self.tagged(frame.parts[0])
        for number, part in enumerate(frame.parts, 1):
            part_frame = replace(self.frame(part), level=frame.level)
            if part_frame.is_document_question and (
                about := self.document_lines(part, part_frame, citations)
            ):
                answered += 1
                lines += [f"（{number}）{part}？", *about]
                continue
            asked = part if number == 1 else resolve_ellipsis(first, self.tagged(part))
            if number > 1 and self.points_back(part, part_frame):
                asked = f"{frame.parts[0]}，{asked}"
            assessed = self.assess_part(asked, part_frame, locality, anchor, wording)
            hits += assessed.hits
            statements = self.statements(asked, part_frame, assessed, citations)
            if assessed.verdict.answerable and statements:
                answered += 1
                cited.append(statements[0])
                lines.append(f"（{number}）{part}？" + lead_lines(statements[:1])[0])
                anchor = anchor or (statements[0].doc.doc_id,)
            else:
                lines.append(f"（{number}）{part}？{SIDE_SILENT}")
        if not answered:
            return self.refuse(question, hits, "各部分均无对应条文")
        return self.answered(answer_text(lines, cited), citations, None)

    def points_back(self, part: str, frame: QuestionFrame) -> bool:
        """Is a later part about the first part's topic: it says so ("这项工作…") or names no topic of its
        own besides places and question words ("具体哪几个部门负责？", "谁来牵头？")."""
        if ANAPHORA.search(part):
            return True
        topic = without_question_words(part)
        for place in (*frame.localities, *frame.places):
            topic = topic.replace(place, "")
        return not self.retriever.tokenizer.content_nouns(topic)

    def assess_part(
        self, part: str, frame: QuestionFrame, locality: str | None, anchor: tuple[str, ...], wording: float
    ) -> Assessed:
        """A part in the first part's document when it names no place and that document answers it."""
        if anchor and not frame.localities:
            scoped = self.assess(part, frame, locality, doc_ids=anchor, wording=wording)
            if scoped.verdict.answerable:
                return scoped
        return self.assess(part, frame, locality, wording=wording)

    def compare(self, question: str, frame: QuestionFrame, sides: list[Side]) -> Answer:
        """The best evidence per side (a place or a document), side by side; a silent side is named as silent.

        Documents answer the same point in parallel clauses, so each side's evidence is re-ranked by its
        likeness to the strongest side's best sentence as well as by its own score.
        """
        mentions = [side.mention for side in sides if side.mention]
        assessed_sides = [
            (side, self.assess(side_question(question, side.mention, mentions), frame, None, side.doc_ids))
            for side in sides
        ]
        on_sides = [
            [e for e in a.evidence if e.hit.passage.doc_id in side.doc_ids] for side, a in assessed_sides
        ]
        anchor = max((ev[0] for ev in on_sides if ev), key=lambda e: e.score, default=None)
        citations = CitationList(self.documents)
        lines, answered, hits, cited = [], 0, [], []
        relevance = self.relevance(question, frame)
        for (side, assessed), on_side in zip(assessed_sides, on_sides, strict=True):
            hits += assessed.hits
            statements = compose_statements(
                aligned(on_side, anchor), frame, citations, self.passages, self.index, relevance
            )
            if assessed.verdict.answerable and statements:
                answered += 1
                cited.append(statements[0])
                lines.append(f"【{side.label}】" + lead_lines(statements[:1])[0])
            else:
                lines.append(f"【{side.label}】{SIDE_SILENT}")
        if not answered:
            return self.refuse(question, hits, "所比较的各方文件均无对应条文")
        return self.answered(answer_text(lines, cited), citations, None)

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
        by_name = documents_named(frame.question, self.documents.values(), self.titles)
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
        return max(candidates, key=lambda d: overlap[d.doc_id]) if candidates else None

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


ALIGN_WEIGHT = 0.3  # how much a side's sentence gains for resembling the strongest side's best sentence


def aligned(evidence: list[Evidence], anchor: Evidence | None) -> list[Evidence]:
    """Evidence re-ranked by own score plus likeness to the anchor sentence (the anchor itself is unchanged)."""
    if anchor is None or anchor.vector is None or not evidence or evidence[0] is anchor:
        return evidence
    target = anchor.vector

    def key(e: Evidence) -> float:
        likeness = float(np.dot(e.vector, target)) if e.vector is not None else 0.0
        return e.score + ALIGN_WEIGHT * likeness

    return sorted(evidence, key=key, reverse=True)
