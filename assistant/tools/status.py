"""subject_status: what the records say about one subject, every line naming its record."""

from __future__ import annotations

from assistant.citations import CitationList
from assistant.models import RecordRef
from assistant.tools.common import ToolResult, money
from connectors import SubjectProfile
from connectors.models import NEGATIVE_LISTS


def subject_header(profile: SubjectProfile) -> str:
    s = profile.subject
    label = "统一社会信用代码" if s.uscc else "身份证号（已脱敏）"
    return f"**{s.name}**（{label} {s.identifier}，{s.kind}，{s.locality or '地区未登记'}）"


def subject_status(profile: SubjectProfile, citations: CitationList) -> ToolResult:
    """Lists, penalties by severity, latest evaluation, commitments and repairs of one subject."""
    lines = [subject_header(profile) + " 的信用记录如下："]
    records: list[RecordRef] = []
    active = [e for e in profile.lists if e.active]
    if active:
        for entry in active:
            tag = "失信类名单" if entry.list_type in NEGATIVE_LISTS else "激励类名单"
            lines.append(
                f"- 名单：目前在「{entry.list_type}」中（{tag}；{entry.authority}，{entry.date_in:%Y-%m-%d}列入；原因：{entry.reason or '未载明'}）〔记录：{entry.record_label}〕"
            )
            records.append(RecordRef(kind="名单", label=entry.record_label, detail=entry.reason))
    else:
        lines.append("- 名单：目前未在任何失信或激励名单中。")
    for entry in (e for e in profile.lists if not e.active):
        lines.append(
            f"- 名单（历史）：曾列入「{entry.list_type}」，{entry.date_out:%Y-%m-%d}已移出〔记录：{entry.record_label}〕"
        )
        records.append(RecordRef(kind="名单", label=entry.record_label, detail="已移出"))
    if profile.penalties:
        by_severity = {s: sum(p.severity == s for p in profile.penalties) for s in ("严重", "较重", "一般")}
        open_count = sum(p.fulfilled_on is None for p in profile.penalties)
        summary = "，".join(f"{s}{n}条" for s, n in by_severity.items() if n)
        lines.append(f"- 行政处罚：共{len(profile.penalties)}条（{summary}；未履行{open_count}条）")
        for p in sorted(profile.penalties, key=lambda p: p.decision_date, reverse=True):
            fulfilled = f"已于{p.fulfilled_on:%Y-%m-%d}履行" if p.fulfilled_on else "尚未履行"
            lines.append(
                f"  - {p.decision_date:%Y-%m-%d} {p.authority}：{p.facts}，{p.penalty_type}{money(p.fine_amount)}，失信程度“{p.severity}”，{fulfilled}〔记录：{p.record_label}〕"
            )
            records.append(
                RecordRef(kind="行政处罚", label=p.record_label, detail=f"{p.severity}，{fulfilled}")
            )
    else:
        lines.append("- 行政处罚：无记录。")
    if profile.evaluations:
        latest = max(profile.evaluations, key=lambda e: e.evaluated_on)
        lines.append(
            f"- 公共信用综合评价：最新等级 {latest.grade}（{latest.supervision_level}，{latest.evaluated_on:%Y-%m-%d}）〔记录：{latest.record_label}〕"
        )
        records.append(RecordRef(kind="信用评价", label=latest.record_label, detail=latest.grade))
    else:
        lines.append("- 公共信用综合评价：无记录。")
    for c in profile.commitments:
        lines.append(
            f"- 信用承诺：{c.kind}（{c.matter}），{c.committed_on:%Y-%m-%d}作出，状态“{c.status}”〔记录：{c.record_label}〕"
        )
        records.append(RecordRef(kind="信用承诺", label=c.record_label, detail=c.status))
    for r in profile.repairs:
        decided = f"，{r.decided_on:%Y-%m-%d}办结" if r.decided_on else ""
        lines.append(f"- 信用修复申请：针对{r.target}，状态“{r.status}”{decided}〔记录：{r.record_label}〕")
        records.append(RecordRef(kind="信用修复申请", label=r.record_label, detail=r.status))
    data = {
        "active_lists": [e.list_type for e in active],
        "penalties": len(profile.penalties),
        "open_penalties": sum(p.fulfilled_on is None for p in profile.penalties),
        "grade": max(profile.evaluations, key=lambda e: e.evaluated_on).grade
        if profile.evaluations
        else None,
    }
    return ToolResult(lines, citations, records, data)
