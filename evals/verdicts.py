"""Per-question verdicts: passed or not, and why not, in Chinese (pure over results; metrics stay in metrics.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from evals.labels import route_label
from evals.metrics import strict_pass
from evals.results import QAResult, RouteResult, TurnResult

POLICY_ROUTE = "policy_qa"


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool
    reasons: list[str] = field(default_factory=list)  # Chinese, one per thing that went wrong
    failures: list[str] = field(default_factory=list)  # codes: missing_terms, refused, not_refused, …


def qa_verdict(result: QAResult) -> Verdict:
    """The strict pass of metrics.py, with the reasons a failed question failed."""
    if strict_pass(result):
        return Verdict(True)
    reasons: list[str] = []
    failures: list[str] = []
    if result.unanswerable:
        reasons.append("应拒答（文件未涉及）却作答")
        failures.append("not_refused")
    elif result.refused:
        reasons.append("可答题被拒答")
        failures.append("refused")
    if result.missing and not result.unanswerable:
        reasons.append("缺少要点：" + "、".join(result.missing))
        failures.append("missing_terms")
    if result.route != POLICY_ROUTE:
        reasons.append(f"路由为“{route_label(result.route)}”（问答题应为“{route_label(POLICY_ROUTE)}”）")
        failures.append("wrong_route")
    return Verdict(False, reasons, failures)


def _route_verdict(
    gold_route: str, route: str, gold_subject: str | None, subject: str | None, subject_match: bool
) -> Verdict:
    reasons: list[str] = []
    failures: list[str] = []
    if route != gold_route:
        reasons.append(f"路由错误：应为“{route_label(gold_route)}”，实为“{route_label(route)}”")
        failures.append("wrong_route")
    if not subject_match:
        reasons.append(f"主体错误：应为 {gold_subject or '（无）'}，识别为 {subject or '（无）'}")
        failures.append("wrong_subject")
    return Verdict(not failures, reasons, failures)


def route_verdict(result: RouteResult) -> Verdict:
    return _route_verdict(
        result.gold_route, result.route, result.gold_subject, result.subject, result.subject_match
    )


def turn_verdict(turn: TurnResult) -> Verdict:
    """A dialog turn passes when both its route and its (carried-over) subject are right."""
    return _route_verdict(turn.gold_route, turn.route, turn.gold_subject, turn.subject, turn.subject_match)


def verdict_of(result: QAResult | RouteResult | TurnResult) -> Verdict:
    if isinstance(result, QAResult):
        return qa_verdict(result)
    if isinstance(result, RouteResult):
        return route_verdict(result)
    return turn_verdict(result)
