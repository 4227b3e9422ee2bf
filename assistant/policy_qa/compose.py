"""Extractive answers: pick the sentences of the top passages that answer the question."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from assistant.policy_qa.question import QuestionShape, has_money, has_quantity
from corpus.chunking import split_sentences
from indexes import Encoder, Hit
from indexes.tokenizer import ChineseTokenizer

_HEADING = re.compile(r"^\s*([（(]?[一二三四五六七八九十\d]+[)）.、．]\s*)")
MIN_SENTENCE_CHARS = 8


@dataclass(frozen=True, slots=True)
class ScoredSentence:
    text: str
    hit: Hit
    rank: int
    score: float
    dense: float
    lexical: float


def sentences_of(hit: Hit) -> list[str]:
    """The passage's sentences minus a leading numbered heading sentence (`8. 探索建立信用修复机制。`)."""
    out = []
    for sentence in split_sentences(hit.passage.text.replace("\n", "")):
        text = sentence.strip()
        body = _HEADING.sub("", text)
        if len(body) < MIN_SENTENCE_CHARS or (text != body and len(body) <= 24):
            continue
        out.append(text)
    return out or [hit.passage.text.replace("\n", "")]


def lexical_overlap(question_tokens: list[str], sentence: str, idf: dict[str, float]) -> float:
    """IDF-weighted share of the question's tokens that occur in the sentence."""
    if not question_tokens:
        return 0.0
    weights = {t: idf.get(t, 1.0) for t in set(question_tokens)}
    found = sum(w for t, w in weights.items() if t in sentence)
    return found / sum(weights.values())


def idf_table(tokenizer: ChineseTokenizer, texts: list[str]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for text in texts:
        for token in set(tokenizer.tokenize(text)):
            counts[token] = counts.get(token, 0) + 1
    n = len(texts)
    return {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in counts.items()}


def score_sentences(
    question: str, hits: list[Hit], encoder: Encoder, tokenizer: ChineseTokenizer, idf: dict[str, float]
) -> list[ScoredSentence]:
    seen: set[str] = set()
    pairs = []
    for rank, hit in enumerate(hits):
        for sentence in sentences_of(hit):
            if sentence not in seen:
                seen.add(sentence)
                pairs.append((sentence, rank, hit))
    if not pairs:
        return []
    query = encoder.encode_queries([question])[0]
    dense = encoder.encode_passages([p[0] for p in pairs]) @ query
    tokens = tokenizer.expand_query(question)
    scored = []
    for (sentence, rank, hit), similarity in zip(pairs, np.asarray(dense), strict=True):
        lexical = lexical_overlap(tokens, sentence, idf)
        score = float(similarity) + 0.35 * lexical + 0.02 / (1 + rank)
        scored.append(ScoredSentence(sentence, hit, rank, score, float(similarity), lexical))
    return sorted(scored, key=lambda s: -s.score)


def answer_type_ok(shape: QuestionShape, sentence: str) -> bool:
    if shape.money:
        return has_money(sentence)
    if shape.quantity:
        return has_quantity(sentence)
    return True


def pick_sentences(
    scored: list[ScoredSentence], shape: QuestionShape, window: int = 3
) -> list[ScoredSentence]:
    """The best sentence of the right answer type among the top `window`, plus a close runner-up."""
    typed = [s for s in scored[:window] if answer_type_ok(shape, s.text)]
    if not typed:
        return []
    best = typed[0]
    picked = [best]
    for other in scored[1:window]:
        same_passage = other.hit.passage.passage_id == best.hit.passage.passage_id
        if same_passage and other.score >= best.score - 0.05 and other.text not in best.text:
            picked.append(other)
            break
    if len(picked) == 2 and picked[0].hit.passage.passage_id == picked[1].hit.passage.passage_id:
        text = picked[0].hit.passage.text
        picked.sort(key=lambda s: text.find(s.text[:10]))
    return picked
