"""applicable_measures: incentive or punishment measures for a category or a subject, with sources."""

from __future__ import annotations

from assistant.catalogue import Measure
from assistant.citations import CitationList
from assistant.models import RecordRef
from assistant.tools.common import ToolResult, documents_by_locality
from assistant.tools.status import subject_header
from connectors import SubjectProfile
from corpus import DocumentMeta
from corpus.jurisdiction import scope_note
from corpus.places import readings_of
from indexes import locality_match

CATEGORY_TITLES = {
    "守信激励": "守信联合激励措施",
    "严重失信": "失信联合惩戒措施",
    "重点关注": "重点关注对象监管措施",
    "失信被执行人": "失信被执行人相关措施",
    "低风险": "分级分类监管（信用较好、风险较低）",
    "高风险": "分级分类监管（违法失信、风险较高）",
    "失信整改": "督促整改措施",
}
GRADE_CATEGORIES = {"A": "低风险", "C": "高风险", "D": "高风险"}  # an evaluation grade's supervision category
LIST_CATEGORIES = {
    "严重失信主体名单": "严重失信",
    "失信联合惩戒对象名单": "严重失信",
    "重点关注对象名单": "重点关注",
    "失信被执行人": "失信被执行人",
    "守信联合激励对象": "守信激励",
    "红名单": "守信激励",
}


def categories_of(profile: SubjectProfile) -> tuple[list[str], list[RecordRef]]:
    """Categories a subject falls in, each with the record that puts it there."""
    categories: list[str] = []
    records: list[RecordRef] = []
    for entry in (e for e in profile.lists if e.active):
        category = LIST_CATEGORIES.get(entry.list_type)
        if category and category not in categories:
            categories.append(category)
            records.append(RecordRef(kind="名单", label=entry.record_label, detail=category))
    if profile.evaluations:
        latest = max(profile.evaluations, key=lambda e: e.evaluated_on)
        category = GRADE_CATEGORIES.get(latest.grade)
        if category and category not in categories:
            categories.append(category)
            records.append(
                RecordRef(kind="信用评价", label=latest.record_label, detail=f"等级{latest.grade}")
            )
    open_penalties = [p for p in profile.penalties if p.fulfilled_on is None]
    if open_penalties and "失信整改" not in categories:
        categories.append("失信整改")
        records += [
            RecordRef(kind="行政处罚", label=p.record_label, detail="尚未履行") for p in open_penalties
        ]
    return categories, records


def source_label(doc: DocumentMeta, locality: str | None) -> str:
    """（濮阳市，濮信用〔2020〕3号）; a document that reaches the place asked from above or nationally says so:
    （《山东省社会信用条例》）（山东省条例，适用于全省）."""
    number = doc.doc_number or f"《{doc.title}》"
    note = scope_note(locality_match(locality, doc), doc.locality, doc.kind) if locality else ""
    return f"（{number}）{note}" if note else f"（{doc.locality.label or '全国'}，{number}）"


Scope = str  # "local": the document applies in the place; "province": another place of its province; "other"


def place_scope(locality: str | None, doc: DocumentMeta) -> Scope:
    """Where a document stands for a clerk of `locality`: "local" when it applies there (the place's own, a
    division above it, or national), "province" for another place of the same province, "other" elsewhere."""
    if not locality or locality_match(locality, doc) is not None:
        return "local"
    provinces = {reading.province for reading in readings_of(locality) if reading.province}
    return "province" if doc.locality.province in provinces else "other"


def other_places_line(locality: str, count: int) -> str:
    return f"*以下 {count} 条出自其他地区的文件，不直接适用于{locality}，仅供参考：*"


def measures_lines(
    categories: list[str],
    locality: str | None,
    catalogue: list[Measure],
    documents: dict[str, DocumentMeta],
    citations: CitationList,
) -> tuple[list[str], list[dict]]:
    """Per category: the measures of documents that apply in `locality` first, then (below a line saying so)
    those of other places, its own province's first. Each row says its scope and its document's place."""
    order = {doc_id: i for i, doc_id in enumerate(documents_by_locality(locality, documents))}
    rank = {"local": 0, "province": 1, "other": 2}
    lines: list[str] = []
    rows: list[dict] = []
    for category in categories:
        scoped = [
            (place_scope(locality, documents[m.doc_id]), m) for m in catalogue if m.category == category
        ]
        scoped.sort(key=lambda item: (rank[item[0]], order.get(item[1].doc_id, 99), item[1].kind))
        if not scoped:
            continue
        lines.append(f"**{CATEGORY_TITLES.get(category, category)}**")
        others = sum(scope != "local" for scope, _ in scoped)
        if locality and others == len(scoped):
            lines.append(f"*所载文件中没有适用于{locality}的此类措施。*")
        for scope, m in scoped:
            if locality and scope != "local" and others:
                lines.append(other_places_line(locality, others))
                others = 0
            doc = documents[m.doc_id]
            number = citations.cite(m.passage, m.quote)
            lines.append(f"- 【{m.kind}】{m.measure}{source_label(doc, locality)}[{number}]")
            rows.append(
                {
                    "category": category,
                    "category_title": CATEGORY_TITLES.get(category, category),
                    "kind": m.kind,
                    "measure": m.measure,
                    "quote": m.quote,
                    "doc_id": m.doc_id,
                    "citation": number,
                    "scope": scope,
                    "place": doc.locality.label or "全国",
                }
            )
    return lines, rows


def applicable_measures(
    categories: list[str],
    locality: str | None,
    catalogue: list[Measure],
    documents: dict[str, DocumentMeta],
    citations: CitationList,
    profile: SubjectProfile | None = None,
) -> ToolResult:
    """Measures of the given categories (or of the subject's own categories), its locality's documents first."""
    records: list[RecordRef] = []
    if profile is not None:
        categories, records = categories_of(profile)
        locality = profile.subject.locality
        head = subject_header(profile)
        if not categories:
            lines = [
                head
                + " 目前不在任何激励或惩戒名单中，信用评价为一般，暂无专门适用的激励或惩戒措施；按常规“双随机、一公开”监管。"
            ]
            return ToolResult(lines, citations, records, {"categories": []})
        reasons = "、".join(f"{r.label}（{r.detail}）" for r in records)
        lines = [head + f" 依据 {reasons}，适用以下措施（本地文件优先）："]
    else:
        lines = [
            f"适用于“{'、'.join(categories)}”的措施如下（{locality + '文件优先' if locality else '按文件列出'}）："
        ]
    body, rows = measures_lines(categories, locality, catalogue, documents, citations)
    if not body:
        return ToolResult(
            ["现有政策文件未列出该类主体的具体措施。"], citations, records, {"categories": categories}
        )
    data = {"categories": categories, "locality": locality, "measures": rows}
    return ToolResult(lines + body, citations, records, data)
