"""repair_steps: a personal credit-repair plan from the subject's records and the national rules."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from assistant.catalogue import Measure, PublicationRule, repair_data, rule_in_force
from assistant.citations import CitationList
from assistant.models import RecordRef
from assistant.tools.common import ToolResult, documents_by_locality
from assistant.tools.grade import grade_note
from assistant.tools.status import subject_header
from connectors import ListRecord, PenaltyRecord, SubjectProfile
from corpus import DocumentMeta, Passage

CONFIRM = "（该参数来自二手资料，请向认定单位或在“信用中国”网站核实）"


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class LazyCitations:
    """cite[role] numbers an anchor passage the first time the text uses it."""

    def __init__(self, anchors: dict[str, tuple[Passage, str]], citations: CitationList) -> None:
        self.anchors, self.citations = anchors, citations

    def __getitem__(self, role: str) -> int:
        passage, quote = self.anchors[role]
        return self.citations.cite(passage, quote)


@dataclass(slots=True)
class PlanItem:
    record: str
    kind: str
    status: str  # 可立即申请 / 待履行 / 待满最短公示期 / 公示期已满 / 不公示 / 已修复 / 名单
    earliest_apply: str | None = None
    publication_ends: str | None = None
    rule_source: str = ""
    confidence: str = "text"
    steps: list[dict] = field(default_factory=list)


_PERIOD_ASKED = re.compile(
    r"(公示|公开|挂|展示|显示|保留|留)[^，,。？?]{0,8}(多久|多长时间|几年|几个月|期限|多少年|多少个月)"
    r"|(多久|多长时间|什么时候|何时|几年|几个月)[^，,。？?]{0,8}(撤|移出|下来|删除|停止公示|不再公示|修复|消除)"
)
_PENALTY_WORDS = re.compile(r"处罚|罚款|罚过")


def asks_publication_period(question: str) -> bool:
    """Does the question ask how long an administrative penalty stays public, or when it can come down?"""
    return bool(_PERIOD_ASKED.search(question) and _PENALTY_WORDS.search(question))


def national_period_answer(today: dt.date) -> str:
    """The answer first, from the national rules in force (labelled as such, with their source)."""
    rule = rule_in_force(today)
    general, serious = rule.periods["general"], rule.periods["serious"]
    lead = (
        "所载政策文件未规定行政处罚信息的公示期限。"
        f"按国家规则，行政处罚信息自处罚决定之日起计算公示期：一般失信行为最短{general[0]}个月、最长{general[1]}个月，"
        f"严重失信行为最短{serious[0]}个月、最长{serious[1]}个月；最短公示期满后可申请信用修复，提前移出公示。"
    )
    source = f"依据：{rule.source}（{rule.effective_from:%Y-%m-%d}起施行，国家规则，非所载政策文件内容）。{rule.notes}"
    note = "市场监督管理部门在国家企业信用信息公示系统公示的处罚另按《市场监督管理行政处罚信息公示规定》执行（载入该规定后可直接引用其条文）。"
    return "\n".join([lead, source + (CONFIRM if rule.confidence != "text" else ""), note])


def national_repair_periods(today: dt.date) -> str:
    """The national publication periods in force today, from the rules data (not from the corpus)."""
    rule = rule_in_force(today)
    general, serious = rule.periods["general"], rule.periods["serious"]
    text = (
        f"补充（非上述政策文件内容，来自国家规则 {rule.source}，{rule.effective_from:%Y-%m-%d}起施行）："
        f"行政处罚信息自处罚决定之日起计算公示期，一般失信行为最短公示{general[0]}个月、最长{general[1]}个月，"
        f"严重失信行为最短公示{serious[0]}个月、最长{serious[1]}个月；最短公示期满后可申请信用修复。{rule.notes}"
    )
    return text + (CONFIRM if rule.confidence != "text" else "")


def penalty_item(penalty: PenaltyRecord, today: dt.date, repaired: bool) -> PlanItem:
    rule: PublicationRule = rule_in_force(penalty.decision_date)
    mapping = repair_data()["severity_mapping"]
    cls = mapping.get(penalty.severity, "serious")
    item = PlanItem(
        record=penalty.record_label,
        kind="行政处罚",
        status="",
        rule_source=rule.source,
        confidence=rule.confidence,
    )
    if repaired:
        item.status = "已修复"
        return item
    if penalty.procedure in rule.not_published or penalty.penalty_type in rule.not_published:
        item.status = "不公示"
        return item
    min_months, max_months = rule.periods[cls]
    earliest, ends = (
        add_months(penalty.decision_date, min_months),
        add_months(penalty.decision_date, max_months),
    )
    item.earliest_apply, item.publication_ends = earliest.isoformat(), ends.isoformat()
    if today >= ends:
        item.status = "公示期已满"
    elif penalty.fulfilled_on is None:
        item.status = "待履行"
    elif today >= earliest:
        item.status = "可立即申请"
    else:
        item.status = "待满最短公示期"
    return item


def _explain_penalty(item: PlanItem, penalty: PenaltyRecord, cite: LazyCitations) -> list[str]:
    cls_note = "（“较重”按严重失信从严计算）" if penalty.severity == "较重" else ""
    head = f"- {item.record}（{penalty.decision_date:%Y-%m-%d}，{penalty.authority}，失信程度“{penalty.severity}”{cls_note}）："
    if item.status == "已修复":
        return [head + "已有修复完成的申请记录，无需再次申请。"]
    if item.status == "不公示":
        return [
            head
            + f"按{item.rule_source}，简易程序或仅警告、通报批评的处罚信息归集但不公示，无需修复。{CONFIRM}"
        ]
    timing = f"按{item.rule_source}，最短公示期满（{item.earliest_apply}）后可申请修复，最长公示至{item.publication_ends}。"
    if item.confidence != "text":
        timing += CONFIRM
    if item.status == "公示期已满":
        return [
            head
            + f"公示期已于{item.publication_ends}届满，应已自动停止公示；如仍在公示，可向“信用中国”网站反映。"
        ]
    if item.status == "待履行":
        return [
            head + "尚未履行处罚决定。",
            f"  1. 先履行行政处罚决定（缴纳罚款、完成整改），纠正失信行为、消除不良影响[{cite['methods']}]。履行后方可申请。",
            "  2. " + timing,
        ]
    when = "现在即可申请" if item.status == "可立即申请" else f"自{item.earliest_apply}起可申请"
    return [head + f"已于{penalty.fulfilled_on:%Y-%m-%d}履行，{when}。", "  " + timing]


def _list_lines(entry: ListRecord, cite: LazyCitations) -> list[str]:
    rule = repair_data()["lists"].get(entry.list_type, "由认定部门按相关领域规定办理移出。")
    return [f"- {entry.record_label}：{rule}[{cite['rectify']}][{cite['after']}]"]


def _procedure_lines(serious_extra: list[str], portal: str, cite: LazyCitations) -> list[str]:
    procedure = repair_data()["procedure"]
    materials = [*procedure["materials"]["items"], *serious_extra]
    return [
        "",
        "**办理步骤**",
        f"1. 纠正失信行为、消除不良影响，可通过作出信用承诺、完成信用整改、接受专题培训、提交信用报告等方式开展信用修复[{cite['methods']}]。",
        f"2. 准备材料：{'、'.join(materials)}。{procedure['materials']['note']}{CONFIRM}",
        f"3. 提交申请：{procedure['where']['text']}本地可通过{portal}办理。",
        f"4. 审核时限：{procedure['time_limits']['text']}{CONFIRM}",
        f"5. 修复完成后：按程序停止公示失信记录，终止实施联合惩戒措施[{cite['after']}]。",
        f"提示：{procedure['objection']['text']}[{cite['objection']}]",
    ]


def repair_steps(
    profile: SubjectProfile,
    today: dt.date,
    anchors: dict[str, dict[str, tuple[Passage, str]]],
    documents: dict[str, DocumentMeta],
    citations: CitationList,
    catalogue: Sequence[Measure] = (),
) -> ToolResult:
    """For each negative record: can it be repaired now or from when, what first, what materials, where; for a
    C or D grade, what the grade means, which records weigh on it and what improves it."""
    doc_id = next(d for d in documents_by_locality(profile.subject.locality, documents) if d in anchors)
    cite = LazyCitations(anchors[doc_id], citations)
    repaired = {r.target for r in profile.repairs if r.status == "已修复"}
    lines = [subject_header(profile) + f" 的信用修复方案（按{today:%Y-%m-%d}计算）："]
    records: list[RecordRef] = []
    items: list[PlanItem] = []
    serious_extra: list[str] = []
    for penalty in sorted(profile.penalties, key=lambda p: p.decision_date, reverse=True):
        item = penalty_item(penalty, today, penalty.decision_number in repaired)
        items.append(item)
        lines += _explain_penalty(item, penalty, cite)
        records.append(RecordRef(kind="行政处罚", label=penalty.record_label, detail=item.status))
        if item.status not in ("已修复", "不公示", "公示期已满") and penalty.severity != "一般":
            serious_extra += [
                m
                for m in rule_in_force(penalty.decision_date).serious_extra_materials
                if m not in serious_extra
            ]
    for entry in (e for e in profile.lists if e.active and e.list_type not in ("守信联合激励对象", "红名单")):
        lines += _list_lines(entry, cite)
        items.append(PlanItem(record=entry.record_label, kind="名单", status="名单", confidence="secondary"))
        records.append(RecordRef(kind="名单", label=entry.record_label, detail=entry.list_type))
    actionable = [i for i in items if i.status in ("可立即申请", "待履行", "待满最短公示期", "名单")]
    note = grade_note(profile, items, catalogue, documents, citations, cite.__getitem__)
    if not actionable:
        lines.append(
            "该主体目前没有需要修复的失信记录。"
            if note is None
            else "该主体目前没有可申请信用修复的行政处罚或失信名单记录，但信用评价等级较低，说明如下。"
        )
    if actionable:
        portal = repair_data()["local_portals"].get(doc_id, "本地信用网站")
        lines += _procedure_lines(serious_extra, portal, cite)
    if note is not None:
        lines += note.lines
    data: dict = {"today": today.isoformat(), "policy_doc": doc_id, "items": [asdict(i) for i in items]}
    if note is not None:
        data["grade_note"] = {"grade": note.grade, "level": note.level, "lines": note.lines[2:]}
    return ToolResult(lines, citations, records, data)
