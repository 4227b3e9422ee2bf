"""Composition by shape: every line quotes a clause of a document and carries its citation number.

- default: the whole clause that holds the best sentence (an enumeration head pulls in its items),
  plus a clause from elsewhere when it scores almost as well;
- who: the clause, its 牵头/责任单位 and the bodies its text names;
- the caller composes comparisons (one line per locality) and multi-part questions (one per part).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.citations import CitationList
from assistant.policy_qa.evidence import Evidence
from assistant.policy_qa.frame import QuestionFrame, holds_unit
from assistant.policy_qa.lead import LEAD_MAX, Relevance, crop_around, cut, items_of, list_lead, plain
from assistant.policy_qa.question import has_money, has_quantity
from corpus import DocumentMeta, Passage

COMPANION_MARGIN = 0.08  # a second sentence of the same clause this close to the best joins the lead
SECOND_CLAUSE_MARGIN = 0.03  # a clause from another passage is added when it scores within this of the best
OTHER_DOCUMENT_MARGIN = 0.12  # no locality named: other documents' clauses this close to the best are added
OTHER_DOCUMENTS = 2
WHO_MARGIN = 0.06  # a clause naming its units may stand in for a slightly better one that names none
ENUMERATION_ITEMS = 8  # most following clauses an enumeration head ("…以下特点：") pulls in
# A body's name: no particle inside it (的/与/和/及), and not a common word that merely ends like one
# (格局, 布局, 大局 are not bureaus; 办理/办法 are not offices).
_BODY = re.compile(
    r"((?:[市县区省镇]|国家)?[^\W\d的与和及或等在对将为由谁]{1,10}?"
    r"(?<![格布大全结开])(?:局|委员会|委|办公室|办|厅|院|中心|法院|检察院|银行|管委会|分局|支行|政府))(?![理法事公])"
)
MIRROR_SHARE = 0.8  # share of a table row's character pairs found in a sentence for the row to restate it
_HEADING_NUMBER = re.compile(r"^\s*\d{1,3}\s*[.．、]")
_DEFINING = re.compile(r"是指|所称|指的是|是[^，。；]{0,20}的统称")
PREFERRED_ASPECTS = ("definition",)  # the defining sentence is preferred; without one, the best sentence
_CHANNEL = re.compile(r"网站|网址|平台|系统|门户|网上|网络|客户端|小程序|公众号|窗口|栏目|专栏|“[^”]{2,12}”")
_DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月|年底|年内|月底|前完成|之前|以前")


def short_title(doc: DocumentMeta) -> str:
    """The name of the issued document: unwraps 《…》, 印发/转发 … 的通知 (also nested ones)."""
    title = doc.title
    while True:
        before = title
        if "《" in title and "》" in title:
            title = title[title.index("《") + 1 : title.rindex("》")]
        for verb in ("印发", "转发"):
            if verb in title:
                title = title.split(verb, 1)[1]
        title = title.removesuffix("的通知") if title != "的通知" else title
        if title == before:
            return title or doc.title


def source_label(doc: DocumentMeta) -> str:
    return f"{doc.locality.label}《{short_title(doc)}》（{doc.doc_number}）"


def clause_text(passage: Passage) -> str:
    return passage.text.replace("\n", "")


def aspect_present(frame: QuestionFrame, text: str) -> bool:
    """Does the text hold what the question asks for (an amount, a number, a date)?"""
    if frame.shape.money:
        return has_money(text)
    if frame.main_aspect == "quantity":
        return holds_unit(text, frame.unit) if frame.unit else has_quantity(text)
    if frame.main_aspect == "when":
        return bool(_DATE.search(text))
    if frame.main_aspect == "definition":
        return bool(_DEFINING.search(text))
    return True


TYPED_WINDOW = 3  # the best sentences always considered for the asked aspect
TYPED_MARGIN = 0.04  # …and further ones that score this close to the best (the detail is in a sibling clause)


def typed(evidence: Sequence[Evidence], frame: QuestionFrame, window: int = TYPED_WINDOW) -> list[Evidence]:
    """The evidence of the right answer type among the best `window` sentences and those scoring nearly as
    well as the best: a question asking for a period is answered by the sentence that states one."""
    if not evidence:
        return []
    floor = evidence[0].score - TYPED_MARGIN
    near = [e for k, e in enumerate(evidence) if k < window or e.score >= floor]
    fitting = [e for e in near if aspect_present(frame, e.text)]
    if frame.main_aspect == "definition":  # the article defining the very term asked, wherever it ranks
        defining = defining_sentence(evidence, frame.question)
        if defining is not None:
            fitting = [defining, *(e for e in fitting if e is not defining)]
    if frame.asks_channel:  # 哪个网站: only a sentence that names a channel answers
        fitting = [e for e in fitting if _CHANNEL.search(e.text)]
    if frame.main_aspect in PREFERRED_ASPECTS:  # a preference, never a reason to refuse
        return fitting or near
    return fitting


_DEFINED_TERM = (
    re.compile(r"(?:所称|所说的)“?([^，,。；;“”\s]{2,24}?)”?[，,]?(?:是指|指的是)"),  # 本条例所称X，是指
    re.compile(r"^(?:第[一二三四五六七八九十百零〇]+条\s*)?“?([^，,。；;“”\s]{2,24}?)”?[，,]?(?:是指|指的是)"),  # X是指
)


def defined_term(sentence: str) -> str | None:
    """The term a sentence defines (本条例所称信用服务机构，是指… → 信用服务机构), if it defines one."""
    for pattern in _DEFINED_TERM:
        if (match := pattern.search(sentence.strip())) is not None:
            return match.group(1)
    return None


def defining_sentence(evidence: Sequence[Evidence], question: str) -> Evidence | None:
    """The best sentence defining the longest term the question names (社会信用信息 before 社会信用)."""
    found = [(term, e) for e in evidence if (term := defined_term(e.text)) and term in question]
    return max(found, key=lambda pair: (len(pair[0]), pair[1].score))[1] if found else None


def following_clauses(passage: Passage, passages: Sequence[Passage], index: dict[str, int]) -> list[Passage]:
    """The items an enumeration head ("…以下特点：") introduces: the next clauses of the same document."""
    if not clause_text(passage).rstrip().endswith(("：", ":")):
        return []
    start = index[passage.passage_id] + 1
    items = []
    for other in passages[start : start + ENUMERATION_ITEMS]:
        if other.doc_id != passage.doc_id or clause_text(other).rstrip().endswith(("：", ":")):
            break
        items.append(other)
    return items


def quote_line(
    passage: Passage, doc: DocumentMeta, citations: CitationList, extra: Sequence[Passage] = ()
) -> str:
    numbers = [citations.cite(passage)] + [citations.cite(p) for p in extra]
    text = "".join(clause_text(p) for p in (passage, *extra))
    marks = "".join(f"[{n}]" for n in dict.fromkeys(numbers))
    return f"根据{source_label(doc)}{passage.section_label}：{text}{marks}"


def bodies_named(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(1) for m in _BODY.finditer(text)))


def names_a_body(text: str) -> bool:
    """Does the text name a specific body (市发展改革委, 省发展和改革部门; not 有关部门)?"""
    return bool(bodies_named(text)) or names_specific_body(text, "")


def units_note(passage: Passage, lead: str = "") -> str:
    """A who answer's note: the clause's 牵头/责任单位, and — when its lead names no body itself — the bodies
    the rest of the clause names (a lead that names who acts is the answer; other bodies would only crowd it)."""
    parts = []
    if passage.lead_units:
        parts.append("牵头单位：" + "、".join(passage.lead_units))
    if passage.responsible_units:
        parts.append("责任单位：" + "、".join(passage.responsible_units))
    named = [b for b in bodies_named(clause_text(passage)) if b not in "".join(parts)]
    if named and not names_a_body(lead):
        parts.append("条文所列单位：" + "、".join(named))
    return "；".join(parts)


@dataclass(frozen=True, slots=True)
class Statement:
    """What one source says in answer: the lead (extractive, cut to what is asked), its citation numbers,
    and the supporting quote of its clause ("" when the lead is the whole clause)."""

    lead: str
    numbers: tuple[int, ...]
    doc: DocumentMeta
    passage: Passage
    quote: str = ""
    note: str = ""  # 牵头/责任单位 and the bodies a clause names, for who questions
    sentences: tuple[str, ...] = ()  # the evidence sentences the lead is taken from
    scope: str = ""  # how a document of another place answers here: 「（山东省条例，适用于全省）」


def compose_statements(
    evidence: Sequence[Evidence],
    frame: QuestionFrame,
    citations: CitationList,
    passages: Sequence[Passage],
    index: dict[str, int],
    relevance: Relevance | None = None,
    lead_limit: int = LEAD_MAX,
    companion_margin: float = COMPANION_MARGIN,
) -> list[Statement]:
    """What the sources say for one (sub-)question, best first; [] when no evidence fits the aspect."""
    chosen = choose_evidence(evidence, frame)
    scorer = relevance or (lambda text: 0.0)
    return [
        statement(e, frame, citations, passages, index, scorer, companion(e, evidence, frame, companion_margin), lead_limit)
        for e in chosen
    ]


COMPANION_ASPECTS = (
    "how",
    "whether",
    "what",
    "items",
)  # procedures and yes/no questions often take two steps


DETAIL_ASPECTS = ("quantity", "when")


def continued_detail(best: Evidence, evidence: Sequence[Evidence], frame: QuestionFrame) -> Evidence | None:
    """For a question asking an amount, number or date: the part of the same sentence, joined to the best one
    by "；", that states another one (处二万元以上十万元以下的罚款；情节严重的，处十万元以上三十万元以下的罚款)."""
    if not (frame.shape.money or frame.main_aspect in DETAIL_ASPECTS):
        return None
    for other in evidence:
        if other is not best and adjacent_half(best, other) and aspect_present(frame, unspaced(other.text)):
            return other
    return None


_SENTENCE_END = re.compile(r"[。！？!?]")


def one_sentence(best: Evidence, other: Evidence) -> bool:
    """Are the two pieces of one sentence of a clause, which the splitter cut at "；" (对A…；对B…；对C…)?"""
    if other.hit.passage.passage_id != best.hit.passage.passage_id:
        return False
    text = unspaced(best.hit.passage.text)
    first, second = text.find(unspaced(best.text)), text.find(unspaced(other.text))
    if first < 0 or second < 0:
        return False
    start, end = sorted((first, second))
    return not _SENTENCE_END.search(text, start, end)


def adjacent_half(best: Evidence, other: Evidence) -> bool:
    """Are the two the halves of one sentence of a clause, which the splitter cut at "；"?"""
    if other.hit.passage.passage_id != best.hit.passage.passage_id:
        return False
    text, own, piece = unspaced(best.hit.passage.text), unspaced(best.text), unspaced(other.text)
    start = text.find(own)
    if start < 0:
        return False
    follows = own.endswith(("；", ";")) and text.startswith(piece, start + len(own))
    precedes = piece.endswith(("；", ";")) and start >= len(piece) and text.startswith(piece, start - len(piece))
    return follows or precedes


def unspaced(text: str) -> str:
    """Text without its line breaks and spaces (a sentence is read across the line breaks of its clause)."""
    return re.sub(r"\s+", "", text)


def companion(
    best: Evidence, evidence: Sequence[Evidence], frame: QuestionFrame, margin: float = COMPANION_MARGIN
) -> Evidence | None:
    """The next sentence of the same clause that answers nearly as well (a procedure's second step; for a
    question asking a number or a date, a sibling sentence that states another one: 三个月… / 其他…三年,
    or the other half of a graded amount)."""
    if (graded := continued_detail(best, evidence, frame)) is not None:
        return graded
    detail = frame.main_aspect in DETAIL_ASPECTS
    if frame.main_aspect not in COMPANION_ASPECTS and not detail:
        return None
    for other in evidence[:8]:
        if other.score < best.score - COMPANION_MARGIN:
            return None
        if other.score < best.score - margin and not one_sentence(best, other):
            continue  # a separate sentence must score closer; another piece of the same sentence need not
        same_clause = other is not best and other.hit.passage.passage_id == best.hit.passage.passage_id
        if same_clause and (not detail or aspect_present(frame, other.text)):
            return other
    return None


def choose_evidence(evidence: Sequence[Evidence], frame: QuestionFrame) -> list[Evidence]:
    """The best fitting sentence's clause, a near-equal one from another passage, and — when no place is
    named — the best clause of other documents that score nearly as well."""
    fitting = typed(evidence, frame)
    if not fitting:
        return []
    best = body_clause(fitting[0], evidence)
    if frame.main_aspect == "who":
        best = naming_units(evidence, best) or new_actor(evidence, best, frame) or best
    chosen = [best]
    for other in fitting[1:]:
        if other.hit.passage.passage_id == best.hit.passage.passage_id:
            continue
        if other.score >= best.score - SECOND_CLAUSE_MARGIN:
            chosen.append(other)
        break
    if not frame.localities:
        chosen += other_localities(evidence, frame, chosen, best.score - OTHER_DOCUMENT_MARGIN)
    return chosen


def compose_lines(
    evidence: Sequence[Evidence],
    frame: QuestionFrame,
    citations: CitationList,
    passages: Sequence[Passage],
    index: dict[str, int],
) -> list[str]:
    """Quoted lines for one (sub-)question (a lead and its source each); [] when none fits the aspect."""
    statements = compose_statements(evidence, frame, citations, passages, index)
    return [f"{s.lead}{marks(s.numbers)}" for s in statements]


def other_localities(
    evidence: Sequence[Evidence], frame: QuestionFrame, chosen: list[Evidence], floor: float
) -> list[Evidence]:
    """A question naming no locality: the best clause of each other document that scores nearly as well."""
    seen = {e.hit.document.doc_id for e in chosen}
    extra: list[Evidence] = []
    for candidate in evidence[:10]:
        doc_id = candidate.hit.document.doc_id
        if candidate.score < floor or len(extra) >= OTHER_DOCUMENTS:
            break
        if doc_id not in seen and aspect_present(frame, candidate.text):
            seen.add(doc_id)
            extra.append(candidate)
    return extra


def naming_units(evidence: Sequence[Evidence], best: Evidence, window: int = 10) -> Evidence | None:
    """For a who question: the best clause that names its responsible bodies, if close to the best."""
    for candidate in evidence[:window]:
        if candidate.score < best.score - WHO_MARGIN:
            return None
        passage = candidate.hit.passage
        if passage.lead_units or passage.responsible_units:
            return candidate
    return None


ACTOR_MARGIN = 0.12  # a sentence naming who acts may stand in for a better one whose actor the question named
# the body a sentence makes act: its subject before 应当/负责/可以… (县级以上人民政府发展改革部门应当会同…)
_OFFICE = "部门|机构|单位|机关|委员会|局|中心|办公室"  # how the name of a body ends
_ACTING_BODY = f"{_OFFICE}|政府|法院"  # …and of one that may act in a sentence (县级以上人民政府应当…)
_ACTOR = re.compile(
    r"(?:^|[，。；：])(?:第[一二三四五六七八九十百零〇]+条\s*)?"
    rf"([^，。；：、\s]{{0,22}}?(?:{_ACTING_BODY}))(?:应当|负责|可以|会同|依法|按照)"
)
_ACTOR_SUFFIX = re.compile(rf"(?:{_ACTING_BODY})$")
_GENERIC_ACTOR = re.compile(r"^(?:有关|相关|其他|各|其|本)")


def actor_of(sentence: str) -> str | None:
    """The body a sentence makes act (its subject before 应当/负责/可以), if it names one."""
    match = _ACTOR.search(sentence.strip())
    return match.group(1) if match else None


_NAMED_BODY = re.compile(rf"[^，。；：、\s的与和及或对向由]{{1,20}}?(?:{_OFFICE})")
_BROAD_BODY = re.compile(r"^.{0,4}?(?:有关|相关|其他|各)")  # 有关部门, 各级国家机关, 鼓励有关部门


def names_specific_body(sentence: str, known: str) -> bool:
    """Does the sentence name, anywhere (向公共信用信息提供单位提出…), a specific body the question does not?"""
    for body in _NAMED_BODY.findall(sentence):
        core = _ACTOR_SUFFIX.sub("", body)
        if not _BROAD_BODY.match(body) and body not in known and len(core) >= 2 and core not in known:
            return True
    return False


def new_actor(evidence: Sequence[Evidence], best: Evidence, frame: QuestionFrame, window: int = 10) -> Evidence | None:
    """For a who question whose best sentence makes no body act, or one the question already names
    (市场监管局内部…由谁录入 → 市场监督管理部门应当…): the best sentence, scoring nearly as well, whose actor is
    a body the question does not name (办案机构应当及时准确录入…) — a who answer names someone new."""
    known = frame.question + "".join(frame.synonyms)

    def names_new(sentence: str) -> bool:
        actor = actor_of(sentence)
        if not actor or _GENERIC_ACTOR.match(actor):
            return False
        core = _ACTOR_SUFFIX.sub("", actor)
        return actor not in known and (len(core) < 2 or core not in known)

    if names_new(best.text) or names_specific_body(best.text, known):
        return None
    for candidate in evidence[:window]:
        if candidate.score < best.score - ACTOR_MARGIN:
            return None
        if candidate is not best and names_new(candidate.text):
            return candidate
    return None


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def restated_share(row: str, sentence_pairs: set[str]) -> float:
    """The share of a task-table row's character pairs (its number left out) found in a sentence's pairs."""
    body = bigrams(_HEADING_NUMBER.sub("", row))
    return len(body & sentence_pairs) / len(body) if body else 0.0


def restates(row: str, sentence: str) -> bool:
    """Does a task-table row restate the sentence (most of the row's character pairs occur in it)?"""
    return restated_share(row, bigrams(sentence)) >= MIRROR_SHARE


def body_clause(best: Evidence, evidence: Sequence[Evidence], window: int = 10) -> Evidence:
    """A task-table row is a terse restatement of a clause of the same document's body: quote the clause
    (fuller, and the row's units are added to who answers) when its sentence is among the evidence."""
    if best.hit.passage.kind != "table_row":
        return best
    for candidate in evidence[:window]:
        same_document = candidate.hit.passage.doc_id == best.hit.passage.doc_id
        if (
            same_document
            and candidate.hit.passage.kind != "table_row"
            and restates(best.text, candidate.text)
        ):
            return candidate
    return best


def mirrored_row(evidence: Evidence, passages: Sequence[Passage]) -> Passage | None:
    """The task-table row of the same document that restates the evidence sentence (documents list each
    task again in a table with its units): most of the row's character pairs occur in the sentence."""
    sentence = bigrams(evidence.text)
    best, best_share = None, MIRROR_SHARE
    for row in passages:
        if row.doc_id != evidence.hit.passage.doc_id or row.kind != "table_row":
            continue
        if not (row.lead_units or row.responsible_units):
            continue
        share = restated_share(row.text, sentence)
        if share >= best_share:
            best, best_share = row, share
    return best


def statement(
    evidence: Evidence,
    frame: QuestionFrame,
    citations: CitationList,
    passages: Sequence[Passage],
    index: dict[str, int],
    relevance: Relevance,
    second: Evidence | None = None,
    lead_limit: int = LEAD_MAX,
) -> Statement:
    passage, doc = evidence.hit.passage, evidence.hit.document
    extra = following_clauses(passage, passages, index)
    numbers = [citations.cite(passage, evidence.text)] + [citations.cite(p) for p in extra]
    items = items_of(passage.text) or [clause_text(p) for p in extra]
    if frame.main_aspect == "items" and len(items) >= 2:
        lead, quote = list_lead([plain(i) for i in items]), ""
    else:
        lead = cut(evidence.text, relevance, lead_limit)
        quote = (
            crop_around(plain(evidence.text), lead.strip("…"))
            if lead.startswith("…") or lead.endswith("…")
            else ""
        )
        if second is not None:
            steps = sorted((evidence, second), key=lambda e: passage.text.find(e.text[:10]))
            lead = "".join(cut(e.text, relevance, lead_limit) for e in steps)
    note = ""
    if frame.main_aspect == "who":
        note = units_note(passage, lead)
        if not (passage.lead_units or passage.responsible_units) and (
            row := mirrored_row(evidence, passages)
        ):
            numbers.append(citations.cite(row))
            note = f"任务清单{row.section_label}：{units_note(row)}"
    used = (evidence.text, second.text) if second is not None else (evidence.text,)
    return Statement(lead, tuple(dict.fromkeys(numbers)), doc, passage, quote, note, used)


def marks(numbers: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in dict.fromkeys(numbers))
