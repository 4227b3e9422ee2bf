"""report.html of an eval run (pure): one self-contained HTML document in Chinese.

Run facts, headline cards, the tune | check | all table, CSS bar charts (strict pass by question type, retrieval
by method), the routing confusion matrix, dialog turns, latency, and every question's row with its full answer,
expected terms, sources, route and the reasons it failed. Every value taken from the run is HTML-escaped; raw keys
stay only in `title` tooltips.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from evals.labels import (
    FAILURE_LABELS,
    LATENCY_LABELS,
    SPLIT_LABELS,
    method_label,
    metric_label,
    route_label,
    type_label,
)

SPLITS = ("tune", "check", "all")
CARD_KEYS = (
    "qa_questions", "strict_pass", "must_include", "refusal_recall", "false_refusal_rate", "citation_precision",
    "hybrid_recall@5", "routing_questions", "routing_accuracy", "subject_accuracy", "dialog_turns",
    "dialog_both_accuracy",
)  # fmt: skip
SPLIT_KEYS = (
    "qa_questions", "strict_pass", "must_include", "refusal_recall", "false_refusal_rate", "citation_precision",
    "hybrid_recall@5", "answer_lead", "routing_questions", "routing_accuracy", "subject_accuracy",
    "dialog_turns", "dialog_both_accuracy", "dialog_conversation_accuracy",
)  # fmt: skip
COUNT_KEYS = ("qa_questions", "routing_questions", "dialog_conversations", "dialog_turns")
RETRIEVAL_BARS = ("recall@5", "mrr@10")
BOLD = re.compile(r"\*\*(.+?)\*\*")  # answers are Markdown: **heading** shows as bold (on the escaped text)
CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;color:#1f2328;
 max-width:1200px;margin:24px auto;padding:0 16px;font-size:14px;line-height:1.55}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #d0d7de;padding-bottom:2px;margin-top:28px}
.meta{color:#57606a;font-size:12px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}
.card{border:1px solid #d0d7de;border-radius:8px;padding:8px 10px}.card b{display:block;font-size:22px}
.card span{color:#57606a;font-size:12px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #d0d7de;padding:4px 6px;
 text-align:left;vertical-align:top}th{background:#f6f8fa}td.num{text-align:right;white-space:nowrap}
.chart .row{display:grid;grid-template-columns:11em 1fr;gap:8px;align-items:center;margin:4px 0}
.bars div{height:12px;margin:2px 0;border-radius:2px;color:#fff;font-size:10px;line-height:12px;padding-left:4px;
 white-space:nowrap;min-width:2.5em}
.s-tune{background:#54aeff}.s-check{background:#2da44e}.s-all{background:#8250df}.s-m0{background:#0969da}
.s-m1{background:#bf8700}
.legend span{display:inline-block;margin-right:12px;font-size:12px}.legend i{display:inline-block;width:10px;
 height:10px;margin-right:4px;border-radius:2px}
table.questions td{word-break:break-word}table.questions tr.fail td{background:#fff5f5}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}.why{color:#cf222e}
.src{color:#57606a;font-size:12px}.answer{white-space:pre-wrap}
@media print{body{max-width:none;margin:0}tr,.card{break-inside:avoid}h2{break-after:avoid}}
"""


def fmt(value: Any) -> str:
    return "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _labelled(key: str) -> str:
    """A metric's Chinese name, the raw key in its tooltip."""
    return f"<span title='{escape(key)}'>{escape(metric_label(key))}</span>"


def _run_facts(metrics: dict[str, Any], set_name: str) -> str:
    run = metrics.get("run", {})
    facts = [
        ("题集", set_name or "、".join(str(s).rsplit("/", 1)[-1] for s in run.get("sets", []))),
        ("运行时间", run.get("started_at")),
        ("语料版本", run.get("corpus_hash")),
        ("向量模型", f"{run.get('encoder') or '—'} {run.get('encoder_version') or ''}".strip()),
        ("索引构建", run.get("index_built_at")),
        ("拒答模型数据", run.get("answerability_hash")),
        ("修复方案计算日期", run.get("today")),
    ]
    return "<p class='meta'>" + " · ".join(f"{k}：{escape(fmt(v))}" for k, v in facts) + "</p>"


def _cards(metrics: dict[str, Any]) -> str:
    overall = metrics.get("overall", {})
    cards = "".join(
        f"<div class='card' title='{escape(key)}'><b>{escape(fmt(overall[key]))}</b>"
        f"<span>{escape(metric_label(key))}</span></div>"
        for key in CARD_KEYS
        if overall.get(key) is not None and not (key in COUNT_KEYS and not overall[key])
    )
    return f"<h2>总体指标</h2><div class='cards'>{cards}</div>"


def _split_table(metrics: dict[str, Any]) -> str:
    splits = metrics.get("splits", {})
    head = "".join(f"<th title='{s}'>{SPLIT_LABELS[s]}</th>" for s in SPLITS)
    rows = []
    for key in SPLIT_KEYS:
        values = [splits.get(s, {}).get(key) for s in SPLITS]
        if all(v is None for v in values) or (key in COUNT_KEYS and not any(values)):
            continue
        cells = "".join(f"<td class='num'>{escape(fmt(v))}</td>" for v in values)
        rows.append(f"<tr><td>{_labelled(key)}</td>{cells}</tr>")
    if not rows:
        return ""
    note = "核验组不参与调优，用来估计在未见过的题上的表现；“全部”含未标分组的题。"
    return f"<h2>分组指标</h2><p class='meta'>{note}</p><table><tr><th>指标</th>{head}</tr>{''.join(rows)}</table>"


def _bar(value: float | None, css: str, tip: str) -> str:
    share = max(0.0, min(1.0, float(value or 0.0)))
    return f"<div class='{css}' style='width:{share * 100:.1f}%' title='{escape(tip)}'>{escape(fmt(value))}</div>"


def _legend(items: list[tuple[str, str]]) -> str:
    return (
        "<p class='legend'>"
        + "".join(f"<span><i class='{c}'></i>{escape(t)}</span>" for c, t in items)
        + "</p>"
    )


def _type_chart(metrics: dict[str, Any]) -> str:
    by_type = metrics.get("strict_by_type", {})
    if not by_type:
        return ""
    rows = []
    for kind, values in by_type.items():
        bars = "".join(
            _bar(values.get(s, {}).get("strict_pass"), f"s-{s}", f"{SPLIT_LABELS[s]}（{s}）")
            for s in SPLITS
            if values.get(s, {}).get("questions")
        )
        counts = values.get("all", {}).get("questions", 0)
        rows.append(
            f"<div class='row'><span title='{escape(kind)}'>{escape(type_label(kind))}（{counts}题）</span>"
            f"<div class='bars'>{bars}</div></div>"
        )
    legend = _legend([(f"s-{s}", SPLIT_LABELS[s]) for s in SPLITS])
    return f"<h2>按题型严格通过率</h2>{legend}<div class='chart'>{''.join(rows)}</div>"


def _retrieval(metrics: dict[str, Any]) -> str:
    retrieval = metrics.get("retrieval", {})
    if not retrieval:
        return ""
    rows = []
    for method, values in retrieval.items():
        bars = "".join(_bar(values.get(key), f"s-m{i}", key) for i, key in enumerate(RETRIEVAL_BARS))
        rows.append(
            f"<div class='row'><span title='{escape(method)}'>{escape(method_label(method))}</span>"
            f"<div class='bars'>{bars}</div></div>"
        )
    keys = list(dict.fromkeys(k for values in retrieval.values() for k in values))
    head = "".join(f"<th>{_labelled(k)}</th>" for k in keys)
    body = "".join(
        f"<tr><td title='{escape(m)}'>{escape(method_label(m))}</td>"
        + "".join(f"<td class='num'>{escape(fmt(v.get(k)))}</td>" for k in keys)
        + "</tr>"
        for m, v in retrieval.items()
    )
    legend = _legend([(f"s-m{i}", metric_label(k)) for i, k in enumerate(RETRIEVAL_BARS)])
    return (
        f"<h2>检索方法对比（有标准引文的题）</h2>{legend}<div class='chart'>{''.join(rows)}</div>"
        f"<table><tr><th>方法</th>{head}</tr>{body}</table>"
    )


def _confusion(title: str, table: dict[str, dict[str, int]]) -> str:
    if not table:
        return ""
    predicted = sorted({p for row in table.values() for p in row})
    head = "".join(f"<th title='{escape(p)}'>{escape(route_label(p))}</th>" for p in predicted)
    body = "".join(
        f"<tr><th title='{escape(g)}'>{escape(route_label(g))}</th>"
        + "".join(f"<td class='num'>{row.get(p, 0)}</td>" for p in predicted)
        + "</tr>"
        for g, row in table.items()
    )
    return f"<h3>{escape(title)}（行：标注，列：预测）</h3><table><tr><th></th>{head}</tr>{body}</table>"


def _routing(metrics: dict[str, Any]) -> str:
    routing, dialog = metrics.get("routing", {}), metrics.get("dialog", {})
    parts = []
    if routing.get("questions"):
        parts.append(
            f"<p>路由准确率 {escape(fmt(routing.get('routing_accuracy')))}，"
            f"主体抽取准确率 {escape(fmt(routing.get('subject_accuracy')))}</p>"
        )
        parts.append(_confusion("路由题", routing.get("confusion", {})))
    if dialog.get("dialog_turns"):
        keys = ["dialog_turns", "dialog_route_accuracy", "dialog_subject_accuracy", "dialog_both_accuracy"]
        head = "".join(f"<th>{_labelled(k)}</th>" for k in keys)
        body = "".join(
            f"<tr><td>第{escape(n)}轮</td>"
            + "".join(f"<td class='num'>{escape(fmt(v.get(k)))}</td>" for k in keys)
            + "</tr>"
            for n, v in dialog.get("by_turn", {}).items()
        )
        parts.append(f"<h3>多轮对话（逐轮）</h3><table><tr><th>轮次</th>{head}</tr>{body}</table>")
        parts.append(_confusion("对话各轮", dialog.get("confusion", {})))
    return f"<h2>路由与主体</h2>{''.join(parts)}" if parts else ""


def _latency(metrics: dict[str, Any]) -> str:
    latency = {k: v for k, v in metrics.get("latency", {}).items() if v}
    if not latency:
        return ""
    keys = list(dict.fromkeys(k for values in latency.values() for k in values))
    head = "".join(f"<th>{_labelled(k)}</th>" for k in keys)
    body = "".join(
        f"<tr><td title='{escape(name)}'>{escape(LATENCY_LABELS.get(name, name))}</td>"
        + "".join(f"<td class='num'>{escape(fmt(v.get(k)))}</td>" for k in keys)
        + "</tr>"
        for name, v in latency.items()
    )
    return f"<h2>时延（秒，仅供参考）</h2><table><tr><th>题型</th>{head}</tr>{body}</table>"


def _expected(row: dict[str, Any]) -> str:
    if row.get("kind") == "qa":
        terms = "、".join(row.get("expected") or [])
        return terms or ("应拒答" if row.get("type") == "unanswerable" else "—")
    subject = row.get("gold_subject") or "（无）"
    return f"路由：{route_label(row.get('gold_route'))}；主体：{subject}"


def _sources(row: dict[str, Any]) -> str:
    return "".join(
        f"<div class='src'>[{escape(str(s.get('number', '')))}] 《{escape(str(s.get('title', '')))}》"
        f"{escape(str(s.get('doc_number', '')))} · {escape(str(s.get('section_path', '')))}</div>"
        for s in row.get("sources") or []
    )


def bold(escaped: str) -> str:
    return BOLD.sub(r"<b>\1</b>", escaped)


def _question_row(row: dict[str, Any]) -> str:
    passed = bool(row.get("passed"))
    number = (
        f"{row.get('dialog_id')} 第{row.get('turn')}轮" if row.get("kind") == "dialog" else str(row.get("id"))
    )
    kind = row.get("type") or row.get("kind") or ""
    answer = ("〔拒答〕" if row.get("refused") else "") + str(row.get("answer") or "")
    route = route_label(row.get("route"))
    if row.get("kind") != "qa" and row.get("subject"):
        route += f"；主体：{row['subject']}"
    reasons = "<br>".join(f"<span class='why'>{escape(str(r))}</span>" for r in row.get("reasons") or [])
    codes = "、".join(FAILURE_LABELS.get(f, f) for f in row.get("failures") or [])
    cells = [
        f"<span class='{'ok' if passed else 'bad'}'>{'通过' if passed else '未通过'}</span>",
        escape(number),
        f"<span title='{escape(kind)}'>{escape(type_label(kind))}</span>",
        escape(str(row.get("question", ""))),
        escape(_expected(row)),
        f"<div class='answer'>{bold(escape(answer))}</div>{_sources(row)}",
        escape(route),
        reasons + (f"<div class='src'>{escape(codes)}</div>" if codes else ""),
    ]
    return f"<tr class='{'pass' if passed else 'fail'}'>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _questions(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    passed = sum(bool(r.get("passed")) for r in rows)
    header = ["结果", "题号", "题型", "问题", "期望", "回答（全文）与引用", "路由", "未通过原因"]
    widths = [5, 6, 7, 15, 12, 37, 8, 10]
    columns = "".join(f"<col style='width:{w}%'>" for w in widths)
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(_question_row(r) for r in rows)
    return (
        f"<h2>逐题结果（共 {len(rows)} 题，通过 {passed}，未通过 {len(rows) - passed}）</h2>"
        f"<table class='questions'><colgroup>{columns}</colgroup><tr>{head}</tr>{body}</table>"
    )


def html_report(metrics: dict[str, Any], rows: list[dict[str, Any]], set_name: str = "") -> str:
    """The whole report as one HTML document (no external resources, no script)."""
    sections = [
        _run_facts(metrics, set_name),
        _cards(metrics),
        _split_table(metrics),
        _type_chart(metrics),
        _retrieval(metrics),
        _routing(metrics),
        _latency(metrics),
        _questions(rows),
    ]
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>评测报告 {escape(set_name)}</title><style>{CSS}</style></head>"
        f"<body><h1>评测报告</h1>{''.join(sections)}</body></html>"
    )
