"""Question shapes as compositions of the same stages: a multi-part question answers each part, a comparison
each side (a place or a document), with the frame → evidence → statements → answerability stages of `PolicyQA`."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from assistant.citations import CitationList
from assistant.models import Answer
from assistant.policy_qa.answerability import Verdict
from assistant.policy_qa.compose import Statement, compose_statements, marks
from assistant.policy_qa.evidence import Evidence
from assistant.policy_qa.frame import QuestionFrame, resolve_ellipsis, side_question, without_question_words
from assistant.policy_qa.render import answer_text, lead_lines
from assistant.policy_qa.sides import Side

if TYPE_CHECKING:
    from assistant.policy_qa.answer import Assessed, PolicyQA

ANAPHORA = re.compile(
    r"这项|这个|这些|这类|这方面|该项|此项|上述|其中"  # proximal demonstratives
    r"|那项|那个|那些|那条|那类|那份"  # distal ones (受理之后那条信息)
    r"|之后|此后|随后|然后|以后"  # what follows the first part's event (之后按什么标准管理)
)  # a part that points back to the first
SIDE_SILENT = "现有文件未就此作出规定。"


def multi_part(qa: PolicyQA, question: str, frame: QuestionFrame, locality: str | None) -> Answer:
    """One cited answer per part; a part the documents do not answer says so. A later part that names
    no place of its own is read in the document that answered the first part ("…平台安全上又有什么要求"),
    with the first part's phrase for a bare head noun (平台 → 公共信用信息管理平台)."""
    citations = CitationList(qa.documents)
    lines, answered, hits = [], 0, []
    cited: list[Statement] = []
    used: set[str] = set()
    quoted: set[str] = set()  # the clauses earlier parts quoted
    shown: list[str] = []  # the leads of earlier parts
    anchor: tuple[str, ...] = ()
    first_silent = False
    wording = qa.model.wording_probability(question)  # the model was fitted on whole questions
    first = qa.tagged(frame.parts[0])
    for number, part in enumerate(frame.parts, 1):
        part_frame = replace(qa.frame(part), level=frame.level)
        if part_frame.is_document_question and (about := qa.document_lines(part, part_frame, citations)):
            answered += 1
            lines += [f"（{number}）{about[0]}", *about[1:]]
            continue
        own = part if number == 1 else resolve_ellipsis(first, qa.tagged(part))
        same_topic = number > 1 and points_back(qa, part, part_frame)
        asked = f"{frame.parts[0]}，{own}" if same_topic else own
        assessed = assess_part(qa, asked, part_frame, locality, anchor, wording, quoted, used)
        hits += assessed.hits
        limit = line_limit(len(frame.parts))
        # Each part is answered by sentences of its own: one an earlier part quoted is not quoted again, but
        # the clauses of it no earlier lead showed answer this part when they are what it asks ("综合协调是哪个部门
        # 负责？具体处理的又是哪个机构？"), and the bodies it names answer a who part ("具体由哪些部门负责？").
        # (Weighed against a scratch citation list, cut to the part's own words: the clauses not used must not
        # enter the answer's sources.)
        scratch = qa.statements(own, part_frame, assessed, CitationList(qa.documents), limit) if used else []
        if rest := unshown_clauses(scratch, used, shown):
            answered += 1
            shown.append(rest.lead)
            lines.append(f"（{number}）{rest.lead}{marks([citations.cite(rest.passage, rest.sentences[0])])}")
            continue
        if back := named_bodies(scratch, used):
            answered += 1
            lines.append(f"（{number}）{back.note}{marks([citations.cite(back.passage)])}")
            continue
        fresh = [e for e in assessed.evidence if e.text not in used]
        assessed = replace(assessed, evidence=fresh or assessed.evidence)
        statements = qa.statements(asked, part_frame, assessed, citations, limit)
        if assessed.verdict.answerable and statements:
            answered += 1
            cited.append(statements[0])
            used.update(statements[0].sentences)
            quoted.add(statements[0].passage.passage_id)
            shown.append(statements[0].lead)
            lines.append(f"（{number}）" + lead_lines(statements[:1])[0])
            anchor = anchor or (statements[0].doc.doc_id,)
        else:
            lines.append(f"（{number}）{part_topic(part)}：{SIDE_SILENT}")
            first_silent = first_silent or number == 1
    if not answered:
        return qa.refuse(question, hits, "各部分均无对应条文")
    answer = qa.answered(answer_text(lines, cited), citations, None)
    if first_silent:  # the main question is not answered: say so first, the other parts follow
        return answer.model_copy(
            update={"refused": True, "text": MAIN_PART_SILENT.format(part=part_topic(frame.parts[0])) + answer.text}
        )
    return answer


def continues_quoted_clause(evidence: list[Evidence], quoted: AbstractSet[str], used: AbstractSet[str]) -> bool:
    """Is a later part best answered by another sentence of a clause an earlier part quoted? Parts of one
    question follow one topic, and an article states it in consecutive sentences (企业应当于每年1月1日至6月30日
    报送…。当年设立登记的企业，自下一年起报送…): such a part is answered even when its words alone are not
    enough for the answerability model."""
    fresh = [e for e in evidence if e.text not in used]
    return bool(fresh) and fresh[0].hit.passage.passage_id in quoted


def unshown_clauses(statements: list[Statement], used: set[str], shown: list[str]) -> Statement | None:
    """The best statement when its sentence is one an earlier part quoted but its lead — cut to this part's
    words — shows clauses no earlier lead showed (a long sentence answering two parts in two of its clauses)."""
    best = statements[0] if statements else None
    if best is None or not best.sentences or not used.issuperset(best.sentences):
        return None
    novel = best.lead.strip("…")
    if any(novel in lead or lead.strip("…") in novel for lead in shown):
        return None
    return best


def named_bodies(statements: list[Statement], used: set[str]) -> Statement | None:
    """The best statement when it is a clause an earlier part already quoted that names bodies (牵头/责任单位)."""
    best = statements[0] if statements else None
    if best is None or not best.note or not used.intersection(best.sentences):
        return None
    return best


MAIN_PART_SILENT = "现有政策文件未涉及“{part}”的具体规定。其余部分的依据如下：\n"
LEAD_BUDGET = 150  # characters a reader sees first: the leads of all parts (or sides) share them
MIN_LINE_LEAD = 60  # …but no part's lead is cut shorter than this


def line_limit(lines: int) -> int:
    """How long each part's (or side's) lead may be so that the answer's first lines hold every part."""
    return max(MIN_LINE_LEAD, LEAD_BUDGET // max(lines, 1))


PART_TOPIC_CHARS = 16


def part_topic(part: str) -> str:
    """A silent part named briefly, so the reader knows which part the documents do not answer."""
    text = part.strip("？?。，, ")
    return text if len(text) <= PART_TOPIC_CHARS else text[:PART_TOPIC_CHARS] + "…"


def points_back(qa: PolicyQA, part: str, frame: QuestionFrame) -> bool:
    """Is a later part about the first part's topic: it says so ("这项工作…") or names no topic of its
    own besides places and question words ("具体哪几个部门负责？", "谁来牵头？")."""
    if ANAPHORA.search(part):
        return True
    topic = without_question_words(part)
    for place in (*frame.localities, *frame.places):
        topic = topic.replace(place, "")
    return not qa.retriever.tokenizer.content_nouns(topic)


def assess_part(
    qa: PolicyQA,
    part: str,
    frame: QuestionFrame,
    locality: str | None,
    anchor: tuple[str, ...],
    wording: float,
    quoted: AbstractSet[str] = frozenset(),
    used: AbstractSet[str] = frozenset(),
) -> Assessed:
    """A part in the first part's document when it names no place and that document answers it — or when
    its best sentence there continues a clause an earlier part quoted."""
    if anchor and not frame.localities:
        scoped = qa.assess(part, frame, locality, doc_ids=anchor, wording=wording)
        if scoped.verdict.answerable:
            return scoped
        if continues_quoted_clause(scoped.evidence, quoted, used):
            return replace(scoped, verdict=Verdict(True, scoped.verdict.probability, None))
    return qa.assess(part, frame, locality, wording=wording)


def compare(qa: PolicyQA, question: str, frame: QuestionFrame, sides: list[Side]) -> Answer:
    """The best evidence per side (a place or a document), side by side; a silent side is named as silent.

    Documents answer the same point in parallel clauses, so each side's evidence is re-ranked by its
    likeness to the strongest side's best sentence as well as by its own score.
    """
    mentions = [side.mention for side in sides if side.mention]
    assessed_sides = [
        (side, qa.assess(side_question(question, side.mention, mentions), frame, None, side.doc_ids))
        for side in sides
    ]
    on_sides = [[e for e in a.evidence if e.hit.passage.doc_id in side.doc_ids] for side, a in assessed_sides]
    anchor = max((ev[0] for ev in on_sides if ev), key=lambda e: e.score, default=None)
    citations = CitationList(qa.documents)
    lines, answered, hits, cited = [], 0, [], []
    relevance = qa.relevance(question, frame)
    for (side, assessed), on_side in zip(assessed_sides, on_sides, strict=True):
        hits += assessed.hits
        statements = compose_statements(
            aligned(on_side, anchor),
            frame,
            citations,
            qa.passages,
            qa.index,
            relevance,
            line_limit(len(sides)),
            SIDE_COMPANION_MARGIN,
        )
        if assessed.verdict.answerable and statements:
            answered += 1
            cited.append(statements[0])
            lines.append(f"【{side.label}】" + lead_lines(statements[:1])[0])
        else:
            lines.append(f"【{side.label}】{SIDE_SILENT}")
    if not answered:
        return qa.refuse(question, hits, "所比较的各方文件均无对应条文")
    return qa.answered(answer_text(lines, cited), citations, None)


# A side is one line of a few: its second sentence must score closer to its best than a single answer's
# (0.08) to join it. On the tune half 0.04 and 0.08 answer the same comparisons and 0.02 loses one whose
# second sentence holds the answer; the tighter of the two keeps each side's line short.
SIDE_COMPANION_MARGIN = 0.04
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
