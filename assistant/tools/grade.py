"""What a subject's credit grade means, which records weigh on it and what improves it (pure, cited).

The meaning is read from the documents that apply in the subject's place: the measures the catalogue files under
the grade's supervision category (a D grade is 高风险: 「对违法失信、风险较高的市场主体，适当提高抽查比例和频次」).
The records are the subject's own negative ones; the ways to improve come from the repair plan's items (the
national rules in assistant/data/repair_rules.json) and the local document's repair passages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.catalogue import Measure
from assistant.citations import CitationList
from assistant.tools.common import documents_by_locality
from assistant.tools.measures import GRADE_CATEGORIES, place_scope
from connectors import EvaluationRecord, SubjectProfile
from connectors.models import NEGATIVE_LISTS
from corpus import DocumentMeta

if TYPE_CHECKING:
    from assistant.tools.repair import PlanItem

Cite = Callable[
    [str], int
]  # an anchor role of the local document (methods/after/objection) → citation number
LOW_GRADES = ("C", "D")  # grades that call for an explanation and a way out
MEANING_MEASURES = 2  # local measures quoted to say what the grade's supervision category means


@dataclass(frozen=True, slots=True)
class GradeNote:
    grade: str
    level: str
    lines: list[str]


def latest_evaluation(profile: SubjectProfile) -> EvaluationRecord | None:
    return max(profile.evaluations, key=lambda e: e.evaluated_on, default=None)


def _meaning(
    latest: EvaluationRecord,
    locality: str,
    catalogue: Sequence[Measure],
    documents: dict[str, DocumentMeta],
    citations: CitationList,
) -> list[str]:
    head = (
        f"- 等级含义：最新公共信用综合评价为 **{latest.grade}**（{latest.supervision_level}），"
        f"由{latest.evaluator}于{latest.evaluated_on:%Y-%m-%d}评定〔记录：{latest.record_label}〕。"
    )
    category = GRADE_CATEGORIES.get(latest.grade)
    if category is None:
        return [head + "属一般信用风险，按常规比例和频次抽查监管。"]
    order = {doc_id: i for i, doc_id in enumerate(documents_by_locality(locality, documents))}
    local = sorted(
        (
            m
            for m in catalogue
            if m.category == category and place_scope(locality, documents[m.doc_id]) == "local"
        ),
        key=lambda m: order.get(m.doc_id, 99),
    )[:MEANING_MEASURES]
    if not local:
        return [head + "所载文件中没有适用于该地区的分级分类监管条文。"]
    quoted = "；".join(
        f"《{documents[m.doc_id].title}》：「{m.quote}」[{citations.cite(m.passage, m.quote)}]" for m in local
    )
    return [head + f"按本地适用的文件，这一等级对应的监管是——{quoted}"]


def _records(profile: SubjectProfile, cite: Cite) -> list[str]:
    penalties = profile.penalties
    lists = [e for e in profile.lists if e.active and e.list_type in NEGATIVE_LISTS]
    if not penalties and not lists:
        return [
            "- 依据的记录：记录中没有行政处罚或失信名单。如认为评价所依据的信息有误，可向信息提供单位提出异议"
            f"[{cite('objection')}]。"
        ]
    parts = []
    if penalties:
        by_severity = "、".join(
            f"{s}{n}条" for s in ("严重", "较重", "一般") if (n := sum(p.severity == s for p in penalties))
        )
        unpaid = sum(p.fulfilled_on is None for p in penalties)
        parts.append(
            f"行政处罚{len(penalties)}条（{by_severity}" + (f"；未履行{unpaid}条）" if unpaid else "）")
        )
    parts += [f"「{e.list_type}」（{e.date_in:%Y-%m-%d}列入）" for e in lists]
    return [
        "- 依据的记录：评价机构依据归集的公共信用信息综合评定；记录中与之相关的失信信息有"
        + "、".join(parts)
        + "（见“信用记录”）。"
    ]


def _improve(profile: SubjectProfile, items: Sequence[PlanItem], cite: Cite) -> list[str]:
    lines = ["- 如何改善："]
    unpaid = [
        p.record_label for p in profile.penalties if p.fulfilled_on is None
    ]  # even when no longer public
    now = [i.record for i in items if i.status == "可立即申请"]
    later = [f"{i.record}（{i.earliest_apply}起）" for i in items if i.status == "待满最短公示期"]
    listed = [i.record for i in items if i.status == "名单"]
    if unpaid:
        lines.append(
            f"  1. 先履行未履行的处罚决定：{'、'.join(unpaid)}，纠正失信行为、消除不良影响[{cite('methods')}]。"
        )
    if now:
        lines.append(f"  {len(lines)}. 现在即可申请信用修复：{'、'.join(now)}。")
    if later:
        lines.append(f"  {len(lines)}. 最短公示期满后可申请信用修复：{'、'.join(later)}。")
    if listed:
        lines.append(f"  {len(lines)}. 按认定部门的规定申请移出名单：{'、'.join(listed)}。")
    reevaluated = "下一次公共信用综合评价按更新后的信用信息重新评定（评价周期以评价机构的规定为准）"
    if now or later or listed:
        lines.append(
            f"  {len(lines)}. 修复完成后按程序停止公示失信记录、终止联合惩戒措施[{cite('after')}]；{reevaluated}。"
        )
        return lines
    lines.append(
        f"  {len(lines)}. 目前没有可申请修复的处罚或名单记录（已修复、公示期已满或不予公示）；保持守法守信，"
        f"可通过作出信用承诺、完成信用整改等方式展示信用状况的改善[{cite('methods')}]。"
    )
    lines.append(
        f"  {len(lines)}. {reevaluated}；如认为评价所依据的信息有误，可提出异议[{cite('objection')}]。"
    )
    return lines


def grade_note(
    profile: SubjectProfile,
    items: Sequence[PlanItem],
    catalogue: Sequence[Measure],
    documents: dict[str, DocumentMeta],
    citations: CitationList,
    cite: Cite,
) -> GradeNote | None:
    """The explanation of a C or D grade (None for a better grade or no evaluation)."""
    latest = latest_evaluation(profile)
    if latest is None or latest.grade not in LOW_GRADES:
        return None
    locality = profile.subject.locality
    lines = ["", "**信用评价等级说明**"]
    lines += _meaning(latest, locality, catalogue, documents, citations)
    lines += _records(profile, cite)
    lines += _improve(profile, items, cite)
    return GradeNote(latest.grade, latest.supervision_level, lines)
