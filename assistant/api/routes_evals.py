"""Eval runs from the browser: upload a set, follow its progress, read results, compare two runs, export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi import Path as FastPath
from fastapi.responses import FileResponse, HTMLResponse

from assistant.access import Principal, authorize
from assistant.api.problems import problem_responses
from assistant.api.schemas_evals import EvalComparison, EvalRunDetail, EvalRunSummary, MetricDelta
from assistant.api.security import caller
from assistant.api.uploads import off_loop, read_upload
from assistant.errors import (
    EvalRunNotFinished,
    EvalRunNotFound,
    EvalSetInvalid,
    Forbidden,
    NotReady,
    UploadTooLarge,
)
from connectors.eval_runs import EvalRunRecord
from evals.compare import compare
from evals.datasets import DatasetError
from evals.html_report import html_report
from evals.jobs import EvalJobs, RunFilesMissing
from evals.template import COLUMNS, KIND_NAMES, Kind, template_csv, template_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require_evaluator(principal: Annotated[Principal, Depends(caller)]) -> str:
    """The one place eval access is checked: a key whose role may run evals (evaluator or admin)."""
    authorize(principal, "evals")  # no valid key: 401 saying what evals need
    return principal.who


def evaluator_principal(principal: Annotated[Principal, Depends(caller)]) -> Principal:
    authorize(principal, "evals")
    return principal


# Every eval operation may answer with these problems (application/problem+json).
EVAL_PROBLEMS = problem_responses(
    400,
    401,
    403,
    404,
    409,
    413,
    422,
    503,
    codes=(
        "http_400",
        "unauthorized",
        "forbidden",
        "eval_run_not_found",
        "eval_run_not_finished",
        "upload_too_large",
        "invalid_eval_set",
        "invalid_request",
        "not_ready",
    ),
)
router = APIRouter(
    prefix="/v1/evals", tags=["evals"], dependencies=[Depends(require_evaluator)], responses=EVAL_PROBLEMS
)
Evaluator = Annotated[str, Depends(require_evaluator)]
EvaluatorPrincipal = Annotated[Principal, Depends(evaluator_principal)]


def get_eval_jobs(request: Request) -> EvalJobs:
    jobs: EvalJobs | None = getattr(request.app.state.runtime, "evals", None)
    if jobs is None:
        raise NotReady("服务正在加载索引和模型，评测暂不可用，请稍后再试。")
    return jobs


Jobs = Annotated[EvalJobs, Depends(get_eval_jobs)]


def find_run(jobs: EvalJobs, run_id: str) -> EvalRunRecord:
    record = jobs.store.get(run_id)
    if record is None:
        raise EvalRunNotFound(f"未找到评测 {run_id[:40]}。", run_id=run_id[:40])
    return record


def finished_run(jobs: EvalJobs, run_id: str) -> EvalRunRecord:
    record = find_run(jobs, run_id)
    if record.status != "done":
        state = "失败：" + (record.error or "") if record.status == "failed" else "尚未完成，请稍后再试"
        raise EvalRunNotFinished(f"评测 {run_id} {state}。", run_id=run_id, run_status=record.status)
    return record


def run_file(jobs: EvalJobs, run_id: str, name: str) -> Path:
    try:
        return jobs.file(run_id, name)
    except RunFilesMissing as exc:
        raise EvalRunNotFound(str(exc), run_id=run_id) from exc


def run_results(jobs: EvalJobs, run_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        return jobs.metrics(run_id), jobs.rows(run_id)
    except RunFilesMissing as exc:
        raise EvalRunNotFound(str(exc), run_id=run_id) from exc


@router.post("", response_model=EvalRunSummary, status_code=202, summary="上传题集并在后台开始评测")
async def start_eval(
    request: Request,
    jobs: Jobs,
    who: Evaluator,
    file: Annotated[UploadFile, File(description="问答 / 路由 / 多轮对话题集：JSONL、CSV 或 XLSX")],
) -> EvalRunSummary:
    """先在工作线程中校验整个文件（与评测运行时相同的检查）：任何一行有误则返回 422，逐行列出行号、列名和原因，
    不运行任何题目；文件超过大小、行数、列数或解压后大小的上限则返回 413。"""
    data = await read_upload(request, file)
    try:
        record = await off_loop(request, jobs.submit, file.filename or "upload.jsonl", data, who)
    except DatasetError as exc:
        if exc.too_large:
            raise UploadTooLarge(exc.message) from exc
        errors = [{"row": p.row, "column": p.column, "reason": p.reason} for p in exc.problems[:500]]
        raise EvalSetInvalid(exc.message, errors=errors) from exc
    return EvalRunSummary.of(record)


@router.get("", response_model=list[EvalRunSummary], summary="评测列表（最新在前）")
def list_evals(jobs: Jobs) -> list[EvalRunSummary]:
    return [EvalRunSummary.of(record) for record in jobs.store.all()]


@router.get(
    "/compare", response_model=EvalComparison, summary="对比两次评测：指标差值（B − A）与结果翻转的题"
)
def compare_evals(
    jobs: Jobs,
    a: Annotated[str, Query(description="评测 A 的编号", max_length=40)],
    b: Annotated[str, Query(description="评测 B 的编号", max_length=40)],
) -> EvalComparison:
    run_a, run_b = finished_run(jobs, a), finished_run(jobs, b)
    (metrics_a, rows_a), (metrics_b, rows_b) = run_results(jobs, a), run_results(jobs, b)
    result = compare(metrics_a, metrics_b, rows_a, rows_b)
    return EvalComparison(
        a=EvalRunSummary.of(run_a),
        b=EvalRunSummary.of(run_b),
        metrics=[MetricDelta(**m) for m in result["metrics"]],
        shared=result["shared"],
        only_a=result["only_a"],
        only_b=result["only_b"],
        fixed=result["fixed"],
        broken=result["broken"],
    )


@router.get("/format", summary="题集格式：各类题集的列名、是否必填与说明")
def set_format() -> dict[str, Any]:
    return {
        kind: {
            "name": KIND_NAMES[kind],
            "columns": [{"name": c.name, "required": c.required, "meaning": c.meaning} for c in columns],
        }
        for kind, columns in COLUMNS.items()
    }


@router.get(
    "/template.{extension}",
    summary="下载题集模板（CSV 或 XLSX，含示例行；XLSX 第二页为列说明）",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, XLSX: {}}}},
)
def set_template(
    extension: Annotated[str, FastPath(description="csv 或 xlsx", pattern="^(csv|xlsx)$")],
    kind: Annotated[Kind, Query(description="qa（问答）/ routing（路由）/ dialog（多轮对话）")] = "qa",
) -> Response:
    data, media = (
        (template_csv(kind), "text/csv; charset=utf-8") if extension == "csv" else (template_xlsx(kind), XLSX)
    )
    filename = f"{kind}_template.{extension}"
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def filtered(
    rows: list[dict[str, Any]], passed: bool | None, kind: str | None, qa_type: str | None
) -> list[dict[str, Any]]:
    return [
        r
        for r in rows
        if (passed is None or bool(r.get("passed")) == passed)
        and (kind is None or r.get("kind") == kind)
        and (qa_type is None or r.get("type") == qa_type)
    ]


@router.get("/{run_id}", response_model=EvalRunDetail, summary="评测进度；完成后含全部指标与逐题结果")
def get_eval(
    run_id: str,
    jobs: Jobs,
    passed: Annotated[bool | None, Query(description="只看通过（true）或未通过（false）的题")] = None,
    kind: Annotated[str | None, Query(description="qa / routing / dialog")] = None,
    qa_type: Annotated[
        str | None, Query(alias="type", description="问答题型，如 procedure、unanswerable")
    ] = None,
) -> EvalRunDetail:
    record = find_run(jobs, run_id)
    summary = EvalRunSummary.of(record)
    if record.status != "done":
        return EvalRunDetail(**summary.model_dump())
    metrics, rows = run_results(jobs, run_id)
    return EvalRunDetail(
        **summary.model_dump(), metrics=metrics, results=filtered(rows, passed, kind, qa_type)
    )


@router.get(
    "/{run_id}/report.html",
    summary="评测报告（自包含 HTML：指标、图表与逐题结果）",
    response_class=HTMLResponse,
)
def report_html(run_id: str, jobs: Jobs) -> HTMLResponse:
    record = finished_run(jobs, run_id)
    metrics, rows = run_results(jobs, run_id)
    stem = record.set_name.rsplit(".", 1)[0]
    disposition = (
        f"attachment; filename=\"report-{run_id}.html\"; filename*=UTF-8''{quote(stem)}-{run_id}-report.html"
    )
    return HTMLResponse(
        html_report(metrics, rows, record.set_name), headers={"Content-Disposition": disposition}
    )


@router.delete("/{run_id}", summary="删除评测（提交者或管理员）：记录及其题集、结果和报告文件")
def delete_eval(run_id: str, jobs: Jobs, principal: EvaluatorPrincipal) -> dict[str, str]:
    record = find_run(jobs, run_id)
    if principal.role != "admin" and record.created_by != principal.who:
        raise Forbidden("只有提交该评测的密钥或管理员可以删除它。", action="evals")
    if record.status == "running":
        raise EvalRunNotFinished(
            f"评测 {run_id} 正在运行，完成后再删除。", run_id=run_id, run_status=record.status
        )
    jobs.delete(run_id)
    return {"deleted": run_id}


@router.get("/{run_id}/results.xlsx", summary="下载逐题结果（Excel）", response_class=FileResponse)
def results_xlsx(run_id: str, jobs: Jobs) -> FileResponse:
    record = finished_run(jobs, run_id)
    return FileResponse(
        run_file(jobs, run_id, "results.xlsx"),
        media_type=XLSX,
        filename=f"{record.set_name.rsplit('.', 1)[0]}-{run_id}-results.xlsx",
    )
