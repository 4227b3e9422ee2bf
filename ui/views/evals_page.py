"""评测报告: upload a question set, follow the run, read metrics and per-question results, compare runs, export."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import streamlit as st

from ui import session
from ui.client import ApiClient, ApiError
from ui.eval_compare import render_compare, run_label
from ui.eval_results import KIND_LABELS, charts, fmt, metric_cards, question_table
from ui.feedback_panel import EVALUATOR_ROLES, render_feedback_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SELECTED = "eval_run_id"


def set_format(client: ApiClient, expanded: bool) -> None:
    """What a question set holds, column by column, with templates to start from (CSV and XLSX)."""
    with st.expander("题集格式与模板", expanded=expanded):
        try:
            formats = client.get("/v1/evals/format")
        except ApiError as exc:
            st.error(exc.message)
            return
        st.caption(
            "一个文件是一种题集：问答题集（含 type / must_include / gold_quotes 列）、路由题集（含 route 列）"
            "或多轮对话题集（含 turns 列）。首行为列名；任何一行有误，整个文件都不会运行。"
        )
        for kind, spec in formats.items():
            st.markdown(f"**{spec['name']}**")
            st.table(
                [
                    {"列名": c["name"], "是否必填": "必填" if c["required"] else "选填", "说明": c["meaning"]}
                    for c in spec["columns"]
                ]
            )
            left, right, _ = st.columns([2, 2, 1])
            for column, extension in ((left, "csv"), (right, "xlsx")):
                column.download_button(
                    f"下载{spec['name']}模板（{extension.upper()}）",
                    data=functools.partial(client.download, f"/v1/evals/template.{extension}", kind=kind),
                    file_name=f"{kind}_template.{extension}",
                    mime=XLSX if extension == "xlsx" else "text/csv",
                    on_click="ignore",
                    key=f"template-{kind}-{extension}",
                )


def upload_form(client: ApiClient) -> None:
    """Upload → the API validates the whole file; bad rows are listed here and nothing runs."""
    with st.form("eval-upload"):
        uploaded = st.file_uploader(
            "上传题集（JSONL / CSV / XLSX，格式见下方“题集格式与模板”）",
            type=["jsonl", "json", "csv", "xlsx"],
        )
        st.caption(
            "列表列（must_include、docs、gold_quotes）可写 JSON 数组或用 | 、；分隔；多轮对话的 turns 写 JSON。"
            "任何一行有误，整个文件都不会运行。"
        )
        submitted = st.form_submit_button("开始评测", type="primary")
    if not submitted:
        return
    if uploaded is None:
        st.warning("请先选择题集文件。")
        return
    try:
        run = client.upload_eval(uploaded.name, uploaded.getvalue())
    except ApiError as exc:
        st.error(exc.message)
        errors = exc.body.get("errors") or []
        if errors:
            st.markdown(f"**逐行错误（{len(errors)} 处）**")
            st.table(
                [
                    {
                        "行": "—" if e["row"] is None else e["row"],
                        "列": e["column"] or "—",
                        "原因": e["reason"],
                    }
                    for e in errors
                ]
            )
        return
    st.session_state[SELECTED] = run["id"]
    st.success(
        f"已开始评测 {run['set_name']}（{KIND_LABELS.get(run['kind'], run['kind'])} {run['size']} 题）。"
    )


@st.fragment(run_every=1.0)
def progress_panel(client: ApiClient, run_id: str) -> None:
    """Polls the run once a second; when it ends the whole page shows the results."""
    try:
        run = client.get(f"/v1/evals/{run_id}")
    except ApiError as exc:
        st.error(exc.message)
        return
    if run["status"] in ("done", "failed"):
        st.rerun()
    st.progress(run["progress"], text=f"{run['status_label']}：已完成 {run['done']} / {run['size']} 题")


def who_label(run: dict[str, Any]) -> str:
    return "我" if run.get("created_by") == st.session_state.get("api_who") else run.get("created_by") or "—"


def runs_table(runs: list[dict[str, Any]]) -> None:
    st.dataframe(
        [
            {
                "编号": r["id"],
                "题集": r["set_name"],
                "类型": KIND_LABELS.get(r["kind"], r["kind"]),
                "题数": r["size"],
                "状态": r["status_label"],
                "提交者": who_label(r),
                "提交时间": r["created_at"][:19].replace("T", " "),
                "严格通过率": fmt(r["headline"].get("strict_pass")),
                "路由准确率": fmt(r["headline"].get("routing_accuracy")),
                "语料": r["versions"].get("corpus_hash") or "—",
                "向量模型": f"{r['versions'].get('encoder', '')} {r['versions'].get('encoder_version', '')}".strip()
                or "—",
                "索引构建": r["versions"].get("index_built_at") or "—",
                "拒答模型": r["versions"].get("answerability_hash") or "—",
            }
            for r in runs
        ],
        hide_index=True,
    )


@st.dialog("删除评测")
def confirm_delete(client: ApiClient, run: dict[str, Any]) -> None:
    st.write(
        f"确定删除评测 {run['set_name']}（{run['id']}）吗？其题集、逐题结果和报告文件将一并删除，无法恢复。"
    )
    if st.button("确定删除", type="primary"):
        try:
            client.send("DELETE", f"/v1/evals/{run['id']}")
        except ApiError as exc:
            st.error(exc.message)
            return
        st.session_state.pop(SELECTED, None)
        st.rerun()


def may_delete(run: dict[str, Any]) -> bool:
    return session.role() == "admin" or run.get("created_by") == st.session_state.get("api_who")


def downloads(client: ApiClient, run: dict[str, Any]) -> None:
    stem = run["set_name"].rsplit(".", 1)[0]
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(
        "下载 Excel 逐题结果",
        data=lambda: client.download(f"/v1/evals/{run['id']}/results.xlsx"),
        file_name=f"{stem}-{run['id']}-results.xlsx",
        mime=XLSX,
        icon=":material/table:",
        on_click="ignore",
    )
    right.download_button(
        "下载 HTML 报告",
        data=lambda: client.download(f"/v1/evals/{run['id']}/report.html"),
        file_name=f"{stem}-{run['id']}-report.html",
        mime="text/html",
        icon=":material/description:",
        on_click="ignore",
    )


def finished_run(client: ApiClient, run_id: str) -> None:
    run = client.get(f"/v1/evals/{run_id}")
    versions = run["versions"]
    st.caption(
        f"{run['set_name']} · {run['size']} 题 · 完成于 {(run['finished_at'] or '')[:19].replace('T', ' ')} · "
        f"语料 {versions.get('corpus_hash', '—')} · 向量模型 {versions.get('encoder', '—')} "
        f"{versions.get('encoder_version', '')} · 索引 {versions.get('index_built_at', '—')} · "
        f"拒答模型 {versions.get('answerability_hash', '—')}"
    )
    metric_cards(run["metrics"])
    downloads(client, run)
    with st.expander("图表与分项指标", expanded=False):
        charts(run["metrics"])
    st.subheader("逐题结果")
    question_table(run["results"], run_id)


def default_run(runs: list[dict[str, Any]]) -> str | None:
    """The run chosen in this session, else the caller's own latest run; None when the caller has none."""
    ids = [r["id"] for r in runs]
    wanted = st.session_state.get(SELECTED)
    if wanted in ids:
        return str(wanted)
    mine = [r["id"] for r in runs if r.get("created_by") == st.session_state.get("api_who")]
    return mine[0] if mine else None


def selected_run(client: ApiClient, runs: list[dict[str, Any]]) -> None:
    chosen = default_run(runs)
    if chosen is None:
        st.info("您还没有评测。下载下方模板填写题目后上传，即可在此查看进度、指标和逐题结果。")
    if runs:
        labels = {r["id"]: f"{run_label(r)} · {r['status_label']} · 提交者：{who_label(r)}" for r in runs}
        ids = [r["id"] for r in runs]
        run_id = st.selectbox(
            "选择评测",
            ids,
            index=ids.index(chosen) if chosen else None,
            format_func=labels.__getitem__,
            placeholder="查看其他评测……",
        )
        if run_id is not None:
            st.session_state[SELECTED] = run_id
            show_run(client, next(r for r in runs if r["id"] == run_id))
        with st.expander(f"全部评测记录（{len(runs)}）"):
            runs_table(runs)
    set_format(client, expanded=chosen is None)


def show_run(client: ApiClient, run: dict[str, Any]) -> None:
    deletable = may_delete(run) and run["status"] != "running"
    if deletable and st.button("删除该评测", icon=":material/delete:", key=f"delete-{run['id']}"):
        confirm_delete(client, run)
    if run["status"] in ("queued", "running"):
        progress_panel(client, run["id"])
    elif run["status"] == "failed":
        st.error(run.get("error") or "评测失败，请联系管理员。")
    else:
        try:
            finished_run(client, run["id"])
        except ApiError as exc:
            st.error(exc.message)


def cli_results() -> None:
    """A run made with `credit-assistant eval run` (metrics.json on this machine)."""
    uploaded = st.file_uploader("上传 metrics.json（credit-assistant eval run 生成）", type=["json"])
    folder = st.text_input("或输入评测输出目录", value="var/eval")
    data = None
    if uploaded is not None:
        data = json.loads(uploaded.getvalue().decode("utf-8"))
    elif (Path(folder) / "metrics.json").exists():
        data = json.loads((Path(folder) / "metrics.json").read_text("utf-8"))
    if data is None:
        st.info("未找到命令行评测结果。运行 `credit-assistant eval run --set FILE --out DIR` 后在此查看。")
        return
    st.caption(
        f"运行时间 {data.get('run', {}).get('started_at', '')} · 语料 {data.get('run', {}).get('corpus_hash', '')}"
    )
    metric_cards(data)
    charts(data)


def render() -> None:
    st.title("评测报告")
    client = ApiClient()
    tab_runs, tab_compare, tab_feedback, tab_cli = st.tabs(
        ["评测与逐题结果", "对比两次评测", "用户反馈转评测集", "命令行评测结果"]
    )
    with tab_runs:
        upload_form(client)
        try:
            runs = client.get("/v1/evals")
        except ApiError as exc:
            st.error(exc.message)
            runs = None
        if runs is not None:
            selected_run(client, runs)
    with tab_compare:
        if runs:
            render_compare(client, runs)
        else:
            st.info("尚无可对比的评测。")
    with tab_feedback:
        if session.role() in EVALUATOR_ROLES:
            render_feedback_export(client)
        else:
            st.info("用户反馈仅评测人员与管理员可见。")
    with tab_cli:
        cli_results()
