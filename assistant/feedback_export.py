"""👎 feedback as eval questions (pure): a row of a QA set that `credit-assistant eval run --set` accepts.

`must_include` is read off the answer the user expected — its most specific noun phrases (by the corpus's IDF)
and the numbers with their units — so the exported item checks what the user said was missing. `type` is the
question frame's kind (the labels of `evals.metrics.QA_TYPES`); "the documents do not say" makes it
`unanswerable`. The split is fixed per feedback id (half tune, half check), so re-exporting never moves an item.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from assistant.policy_qa.frame import QuestionFrame, is_nominal
from connectors.feedback import FeedbackRecord

if TYPE_CHECKING:
    from assistant.policy_qa.answer import PolicyQA

MAX_TERMS = 3
MAX_TERM_CHARS = 10
ASPECT_TYPES = {
    "who": "who_is_responsible",
    "quantity": "deadline_or_number",
    "when": "deadline_or_number",
    "items": "list",
    "how": "procedure",
    "whether": "fact",
}
_NUMBER = re.compile(
    r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百两]+)\s*(?:个)?(?:工作日|自然日|日|天|周|个月|月|年(?:年底|底)?|%|％|万元|元|项|条|次|分)"
)


def question_type(frame: QuestionFrame, unanswerable: bool) -> str:
    """The QA type of a question from its frame: what kind of answer it asks for."""
    if unanswerable:
        return "unanswerable"
    if frame.is_document_question:
        return "doc_meta"
    if frame.is_comparison:
        return "compare_localities"
    if len(frame.parts) > 1:
        return "multi_part"
    return ASPECT_TYPES.get(frame.main_aspect, "fact")


def noun_phrases(tagged: Sequence[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """Maximal runs of noun-like words of two or more characters, each with its words (公共信用信息 + 平台 →
    公共信用信息平台); a one-character piece (a split the tagger was unsure of) ends a run; a run longer than a
    term may be counts as its words one by one."""
    phrases: list[tuple[str, list[str]]] = []
    run: list[str] = []
    for word, flag in (*tagged, ("", "x")):
        if is_nominal(flag) and len(word.strip()) >= 2:
            run.append(word)
            continue
        if run:
            joined = "".join(run)
            phrases += [(joined, run)] if len(joined) <= MAX_TERM_CHARS else [(w, [w]) for w in run]
        run = []
    return phrases


def key_terms(text: str, tagged: Sequence[tuple[str, str]], idf: dict[str, float]) -> list[str]:
    """The terms an answer must contain to say what `text` says: numbers with units first, then the noun
    phrases whose words are rarest in the corpus (IDF summed over their words); each a substring of `text`, none
    inside another, in the order of `text`."""
    numbers = [m.group(0).replace(" ", "") for m in _NUMBER.finditer(text)]
    scored = [
        (sum(idf.get(word, 0.0) for word in words), phrase)
        for phrase, words in noun_phrases(tagged)
        if len(phrase) <= MAX_TERM_CHARS and phrase in text
    ]
    best = max((score for score, _ in scored), default=0.0)
    # the rarest phrases: at least half as specific as the most specific one (部门 is not a key term)
    ranked = [p for score, p in sorted(scored, key=lambda item: -item[0]) if score > 0 and score >= best / 2]
    chosen: list[str] = []
    for term in (*numbers, *ranked):
        if len(chosen) == MAX_TERMS:
            break
        if not any(term in other or other in term for other in chosen):
            chosen.append(term)
    return sorted(chosen, key=text.find)


def split_of(feedback_id: str) -> str:
    return "tune" if hashlib.sha256(feedback_id.encode()).digest()[0] % 2 == 0 else "check"


def exportable(item: FeedbackRecord) -> bool:
    """A 👎 with something to check: the answer expected, or "the documents do not say"."""
    return item.rating == "down" and (item.unanswerable or bool(item.expected_answer.strip()))


def checked_terms(expected: str, terms: list[str]) -> list[str]:
    """The key terms, or a short expected answer itself ("可以"); empty when nothing can be checked."""
    if terms:
        return terms
    short = expected.strip().strip("。！!；;，, ")
    return [short] if 0 < len(short) <= MAX_TERM_CHARS else []


def qa_row(item: FeedbackRecord, frame: QuestionFrame, terms: list[str]) -> dict[str, Any]:
    """One row of a QA set (`evals.datasets.QAItem`, extra fields kept for the reader)."""
    unanswerable = item.unanswerable
    return {
        "id": f"FB-{item.id[:12]}",
        "question": item.question,
        "type": question_type(frame, unanswerable),
        "answer": "" if unanswerable else item.expected_answer.strip(),
        "must_include": [] if unanswerable else terms,
        "answerable": not unanswerable,
        "split": split_of(item.id),
        "feedback": {
            "comment": item.comment,
            "given_answer": item.answer,
            "given_route": item.route,
            "corpus_version": item.corpus_version,
            "created_at": item.created_at.isoformat(),
        },
    }


def feedback_set(items: Sequence[FeedbackRecord], policy: PolicyQA) -> tuple[list[dict[str, Any]], int]:
    """The exportable 👎 items as QA rows, and how many were left out (nothing to check in them)."""
    rows: list[dict[str, Any]] = []
    for item in items:
        if not exportable(item):
            continue
        expected = item.expected_answer.strip()
        terms = checked_terms(expected, key_terms(expected, policy.tagged(expected), policy.idf))
        if item.unanswerable or terms:
            rows.append(qa_row(item, policy.frame(item.question), terms))
    return rows, len(items) - len(rows)


def jsonl(rows: Sequence[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
