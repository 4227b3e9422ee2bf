"""The measures catalogue read from the documents themselves (pure): 激励 and 惩戒 measures with the subjects they apply to.

A passage is cut into units — sentences, clauses between ；, and enumerated items（一）/1./(1) — each with its offsets,
so every quote is an exact slice of its passage. A unit is a measure when it names an action taken on a subject
(限制…, 优先…, 绿色通道, 降低抽查比例, 约谈…) and a category of subjects — in its own words, or, for an item of an
enumeration, in the lead-in that introduces the list ("对严重失信主体……采取下列惩戒措施：") or in the heading above it
("（二）失信联合惩戒措施"). This works on plan clauses and on article passages (第三十条 with its （一）…（七） items in one
passage, or items cut into passages of their own after a lead-in passage). The cue lists were fitted on the five
bundled plans and on synthetic regulation text (tests/test_measures_extract.py); the catalogue once typed by hand
is kept only as the oracle that test measures recall against (tests/data/measures_oracle.json: 38 of 38 found).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus import Passage

# Categories with the words that name their subjects, most specific first (a unit takes the first that matches).
CATEGORY_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("失信被执行人", ("失信被执行人", "有履行能力但拒不履行")),
    ("重点关注", ("重点关注", "一般失信", "不良信息主体")),
    ("低风险", ("风险较低", "风险小", "低风险", "信用等级较高")),
    ("高风险", ("风险较高", "高风险", "结果为“差”")),
    ("失信整改", ("约谈", "限期整改", "整改不到位", "未整改")),
    ("严重失信", ("严重失信", "联合惩戒对象", "严重违法", "惩戒措施", "失信主体", "禁入", "屡犯不改")),
    (
        "守信激励",
        (
            "守信主体",
            "守信激励",
            "守信联合激励",
            "诚信典型",
            "诚信主体",
            "诚信个人",
            "激励",
            "信用状况良好",
            "信用状况较好",
            "无不良信用记录",
            "红名单",
            "为“优”",
        ),
    ),
)
# Words of an action on a subject.
ACTION_CUES = (
    "限制", "禁入", "禁止", "不得", "取消", "撤销", "暂停", "降低", "提高", "优先", "便利", "绿色通道", "容缺",
    "先行受理", "即时办理", "简化", "减少", "免于", "给予", "约谈", "通报", "记入", "列为重点", "重点监管",
    "加强监管", "严管", "监管措施", "行业禁入", "信易", "融资", "贷款", "费率", "高消费", "出境", "公开", "推荐", "表彰",
)  # fmt: skip
# Units about the system itself, not a measure on a subject: naming lists, repair, objections, publicity.
NOT_A_MEASURE = (
    "认定办法", "认定管理", "认定机制", "名单认定", "错误认定", "管理办法", "停止公示", "终止实施", "信用修复", "修复完成", "异议", "宣传", "典型案例", "措施清单",
    "应当遵循", "相适应", "落实不力", "制定", "的其他", "移出", "停止实施", "不符合",
)  # fmt: skip
PENALTY_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("分级分类监管", ("抽查比例", "抽查")),
    ("限期整改", ("约谈", "整改")),
    ("司法信用", ("被执行人",)),
    ("行业性惩戒", ("禁入", "从业", "任职")),
    ("市场性惩戒", ("贷款", "费率", "保险", "高消费", "出境", "授信", "融资", "赊销", "保证金")),
    ("行政性惩戒", ("限制", "招标", "取消", "撤销", "重点监管", "列为重点", "审批")),
    ("社会性惩戒", ("信用记录", "通报", "公开", "曝光", "谴责")),
)
INCENTIVE_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("分级分类监管", ("抽查比例", "抽查")),
    ("行政审批便利", ("审批", "受理", "绿色通道", "即时办理", "简化")),
    ("公共服务优先", ("公共服务",)),
    ("市场激励", ("金融", "贷", "融资", "信易")),
    ("政策支持优先", ("财政", "资金", "政策", "优惠")),
    ("表彰推荐", ("表彰", "推荐", "宣传")),
)
INCENTIVE_CATEGORIES = ("守信激励", "低风险")
ITEM = re.compile(r"(?:[（(][一二三四五六七八九十]+[）)]|[（(]\d+[）)]|\d+[.．、])\s*")
_NOT_MEASURE_LISTS = re.compile(r"(?:下列|以下)[^，,：:]{0,6}(?:条件|情形|原则|行为|信息|事项)")
_UNITS_NOTE = re.compile(
    r"[（(〔](?:牵头单位|责任单位|各)"
)  # "（牵头单位：…）" after a clause is not part of it
_NEW_CLAUSE = re.compile(r"[，,](?=并|同时|形成)")  # "…惩戒措施，并建立健全…机制": a second action of its own
_UNIT_END = re.compile(r"[。；;！？\n]")
MEASURE_CHARS = 60  # a measure's label: the unit without its enumerator, cut here


@dataclass(frozen=True, slots=True)
class Measure:
    category: str
    kind: str
    measure: str  # a short label read from the unit
    doc_id: str
    quote: str  # an exact substring of the passage text
    passage: Passage


@dataclass(frozen=True, slots=True)
class Unit:
    start: int
    end: int
    text: str
    is_item: bool  # an enumerated item （一）/1./(1)


def units(text: str) -> list[Unit]:
    """Sentences, ；-clauses and enumerated items of a passage with their offsets (whitespace trimmed)."""
    cuts = {0, len(text)}
    cuts.update(m.end() for m in _UNIT_END.finditer(text))
    cuts.update(
        m.start() for m in ITEM.finditer(text) if m.start() == 0 or text[m.start() - 1] in "：:。；;\n "
    )
    cuts.update(m.end() for m in re.finditer(r"[：:]", text))
    cuts.update(m.start() for m in _UNITS_NOTE.finditer(text))
    cuts.update(m.end() for m in _NEW_CLAUSE.finditer(text))
    found = []
    bounds = sorted(cuts)
    for start, end in itertools.pairwise(bounds):
        piece = text[start:end]
        stripped = piece.strip()
        if len(stripped) < 4:
            continue
        offset = start + piece.index(stripped)
        found.append(Unit(offset, offset + len(stripped), stripped, bool(ITEM.match(stripped))))
    return found


def categories_of(text: str) -> list[str]:
    """Every category whose subjects the text names (a 失信被执行人 sentence may name 严重失信主体 too)."""
    return [category for category, cues in CATEGORY_CUES if any(cue in text for cue in cues)]


def kind_of(text: str, category: str) -> str:
    for kind, cues in INCENTIVE_KINDS if category in INCENTIVE_CATEGORIES else PENALTY_KINDS:
        if any(cue in text for cue in cues):
            return kind
    return "激励措施" if category == "守信激励" else "惩戒措施"


def is_lead_in(unit: Unit) -> bool:
    """A sentence that opens a list of measures: "…采取下列惩戒措施：", "…可以采取以下激励措施:" (not a list of
    conditions, cases or acts: "应当符合下列条件：", "下列行为属于严重失信行为：")."""
    text = unit.text
    return text.endswith(("：", ":")) and "措施" in text and not _NOT_MEASURE_LISTS.search(text)


def label(text: str) -> str:
    body = ITEM.sub("", text, count=1).rstrip("。；;，,")
    return body if len(body) <= MEASURE_CHARS else body[:MEASURE_CHARS] + "…"


def unit_categories(unit: Unit, context: str) -> list[str]:
    """The categories the unit is a measure for (none when it is not one); `context`: the lead-in or heading
    an enumerated item stands under."""
    if any(word in unit.text for word in NOT_A_MEASURE) or unit.text.endswith(("：", ":")):
        return []
    if "机制" in unit.text and not any(word in unit.text for word in ("限制", "禁入")):
        return []  # building a mechanism is not a measure, unless the sentence also restricts someone
    categories = categories_of(unit.text)
    listed = unit.is_item and bool(context)
    if not categories and listed:
        categories = categories_of(context)[:1]
    if not (listed or any(cue in unit.text for cue in ACTION_CUES)):
        return []
    return categories


def heading_context(passage: Passage) -> str:
    """The nearest heading above the passage that names measures ("（二）失信联合惩戒措施"), or ""."""
    for heading in reversed(passage.section_path):
        if "措施" in heading or "激励" in heading or "惩戒" in heading:
            return heading
    return ""


def passage_measures(passage: Passage, carried: str = "") -> tuple[list[Measure], str]:
    """The measures of one passage, and the lead-in its last unit opens (for items in the next passage).
    `carried`: the lead-in the previous passage of the document ended with."""
    found = []
    context = carried or heading_context(passage)
    pieces = units(passage.text)
    own_heading = passage.section_path[-1].rstrip("。. ") if passage.section_path else ""
    for unit in pieces:
        if is_lead_in(unit):
            context = unit.text
            continue
        if own_heading and unit.text.rstrip("。. ") == own_heading:
            continue  # the clause's own heading ("（十）坚决依法依规实施市场和行业禁入措施。") names a topic
        quote = passage.text[unit.start : unit.end]
        for category in unit_categories(unit, context if unit.is_item else ""):
            kind = kind_of(quote, category)
            found.append(Measure(category, kind, label(quote), passage.doc_id, quote, passage))
    if pieces and is_lead_in(pieces[-1]):
        return found, pieces[-1].text
    # A passage that is one item of a list carried over keeps the list open for the next item.
    return found, carried if pieces and pieces[0].is_item and carried else ""


def extract_measures(passages: Sequence[Passage]) -> list[Measure]:
    """Every measure of the documents, in document order, each once per category and quote."""
    measures: list[Measure] = []
    seen: set[tuple[str, str, str]] = set()
    carried: dict[str, str] = {}
    for passage in passages:
        found, carried[passage.doc_id] = passage_measures(passage, carried.get(passage.doc_id, ""))
        for measure in found:
            key = (measure.doc_id, measure.category, measure.quote)
            if key not in seen:
                seen.add(key)
                measures.append(measure)
    return measures


def by_category(measures: Iterable[Measure]) -> dict[str, list[Measure]]:
    grouped: dict[str, list[Measure]] = {}
    for measure in measures:
        grouped.setdefault(measure.category, []).append(measure)
    return grouped
