"""知识库: the documents the assistant answers from — upload, follow the job, preview the parse result,
correct a wrongly read field, replace, delete (with confirmation), download the original."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.client import ApiClient, ApiError
from ui.document_focus import focus
from ui.document_preview import render_preview

JOB = "document_job_id"
SELECTED = "document_selected"
FILE_TYPES = ["txt", "md", "docx", "pdf", "html", "htm"]


def start_job(starter: Any, *args: Any) -> None:
    """Start a document job through the API; its progress shows at the top of the page."""
    try:
        job = starter(*args)
    except ApiError as exc:
        st.error(exc.message)
        return
    st.session_state[JOB] = job["id"]
    st.rerun()


@st.fragment(run_every=1.0)
def job_panel(client: ApiClient, job_id: str) -> None:
    """Polls the job once a second while it runs; the whole page reloads when it ends."""
    try:
        job = client.job(job_id)
    except ApiError as exc:
        st.error(exc.message)
        return
    if job["status"] in ("queued", "running"):
        st.progress(
            job["progress"], text=f"{job['status_label']}：{job['message']}（{job['done']}/{job['total']}）"
        )
        return
    if st.session_state.get(f"shown-{job_id}"):
        return
    st.session_state[f"shown-{job_id}"] = True
    if job["status"] == "done" and job["kind"] in ("upload", "replace", "correct"):
        st.session_state[SELECTED] = job["doc_ids"][0]
    st.rerun()


def job_result(client: ApiClient, job_id: str) -> None:
    try:
        job = client.job(job_id)
    except ApiError as exc:
        st.error(exc.message)
        return
    if job["status"] == "done":
        st.success(job["message"], icon=":material/check_circle:")
    elif job["status"] == "failed":
        st.error(f"处理失败：{job['message']}", icon=":material/error:")
    else:
        job_panel(client, job_id)


def upload_form(client: ApiClient) -> None:
    with st.form("document-upload", clear_on_submit=True):
        files = st.file_uploader(
            "上传政策文件（可多选或拖入；txt、md、docx、pdf、html）",
            type=FILE_TYPES,
            accept_multiple_files=True,
        )
        submitted = st.form_submit_button("上传并解析", type="primary", icon=":material/upload:")
    if submitted:
        if not files:
            st.warning("请先选择要上传的文件。")
            return
        start_job(client.upload_documents, [(f.name, f.getvalue()) for f in files])


def documents_table(documents: list[dict[str, Any]]) -> None:
    st.dataframe(
        [
            {
                "标题": d["title"],
                "文号": d["doc_number"],
                "发文机关": d["issuer"],
                "日期": d["date"] or d["year"] or "",
                "地区": d["locality"],
                "类型": d["kind"],
                "段落": d["passages"],
                "提醒": "、".join(w["message"][:12] for w in d["warnings"]),
                "已更正": "、".join(d["corrected"]),
            }
            for d in documents
        ],
        hide_index=True,
    )


def correction_form(client: ApiClient, detail: dict[str, Any]) -> None:
    """Only the fields changed here are sent; the correction is kept when the document is parsed again."""
    locality = detail["metadata"].get("locality") or {}
    with st.form(f"correct-{detail['doc_id']}"):
        values = {
            "title": st.text_input("标题", detail["title"]),
            "issuer": st.text_input("发文/通过机关", detail["issuer"]),
            "date": st.text_input("成文日期（YYYY-MM-DD）", detail["date"] or ""),
        }
        columns = st.columns(3)
        place = {
            part: columns[i].text_input(label, locality.get(part) or "")
            for i, (part, label) in enumerate((("province", "省"), ("city", "市"), ("county", "县")))
        }
        submitted = st.form_submit_button("保存更正", icon=":material/edit:")
    if not submitted:
        return
    current = {"title": detail["title"], "issuer": detail["issuer"], "date": detail["date"] or ""}
    fields: dict[str, Any] = {
        k: v.strip() for k, v in values.items() if v.strip() and v.strip() != current[k]
    }
    if any((place[p] or None) != (locality.get(p) or None) for p in place):
        fields["locality"] = {p: place[p].strip() or None for p in place}
    if not fields:
        st.info("没有改动的字段。")
        return
    start_job(client.correct_document, detail["doc_id"], fields)


@st.dialog("确认删除")
def confirm_delete(client: ApiClient, doc_id: str, title: str) -> None:
    st.write(f"确定从知识库删除《{title}》吗？删除后问答将不再引用该文件。")
    left, right = st.columns(2)
    if left.button("确定删除", type="primary"):
        start_job(client.delete_document, doc_id)
    if right.button("取消"):
        st.rerun()


def actions(client: ApiClient, detail: dict[str, Any]) -> None:
    doc_id = detail["doc_id"]
    left, middle, _ = st.columns([1, 1, 3])
    left.download_button(
        "下载原件",
        data=lambda: client.download(f"/v1/documents/{doc_id}/original"),
        file_name=detail.get("original_name") or f"{doc_id}.{detail.get('file_type') or 'txt'}",
        icon=":material/download:",
        on_click="ignore",
    )
    if middle.button("删除文档", icon=":material/delete:"):
        confirm_delete(client, doc_id, detail["title"])
    with st.expander("更正识别有误的字段"):
        correction_form(client, detail)
    with st.expander("用新文件替换"):
        with st.form(f"replace-{doc_id}", clear_on_submit=True):
            new = st.file_uploader("新文件", type=FILE_TYPES)
            submitted = st.form_submit_button("替换并重新解析")
        if submitted and new is not None:
            start_job(client.replace_document, doc_id, new.name, new.getvalue())


def render() -> None:
    st.title("知识库")
    st.caption("上传、预览、更正、替换和删除政策文件。解析与入库在后台进行，完成后问答即引用新文件。")
    client = ApiClient()
    focus(client, SELECTED)  # opened from a citation: /documents?doc=…&at=…
    if st.session_state.get(JOB):
        job_result(client, st.session_state[JOB])
    upload_form(client)
    try:
        documents = client.get("/v1/documents")
    except ApiError as exc:
        st.error(exc.message)
        return
    st.subheader(f"文档（{len(documents)} 份）")
    documents_table(documents)
    ids = [d["doc_id"] for d in documents]
    if not ids:
        return
    selected = st.session_state.get(SELECTED)
    choice = st.selectbox(
        "查看文档",
        ids,
        index=ids.index(selected) if selected in ids else 0,
        format_func=lambda i: next(d["title"] or i for d in documents if d["doc_id"] == i),
    )
    st.session_state[SELECTED] = choice
    try:
        detail = client.get(f"/v1/documents/{choice}")
    except ApiError as exc:
        st.error(exc.message)
        return
    st.subheader(detail["title"] or choice)
    actions(client, detail)
    render_preview(detail)
