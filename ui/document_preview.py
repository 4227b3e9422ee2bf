"""The parse preview of one document: metadata fields, warnings, the section tree and passages in document
order. Renders whatever metadata fields the API returns (labels for the known ones)."""

from __future__ import annotations

from typing import Any

import streamlit as st

FIELD_LABELS = {
    "title": "标题",
    "kind": "文件类型",
    "level": "效力层级",
    "issuer": "发文/通过机关",
    "doc_numbers": "文号/令号",
    "date": "成文日期",
    "dates": "日期",
    "year": "年份",
    "locality": "适用地区",
    "recipients": "主送单位",
    "cited_doc_numbers": "引用文件",
    "attachment_kinds": "附件",
    "validity": "效力状态",
}
LOCALITY_PARTS = (("province", "省"), ("city", "市"), ("county", "县"))
HIDDEN = {"doc_id"}


def shown_value(value: Any) -> str:
    """A metadata value as one line of text (lists joined, nested objects as key：value)."""
    if value in (None, "", [], {}):
        return "（未识别）"
    if isinstance(value, dict):
        parts = [shown_value(v) for v in value.values() if v not in (None, "", [], {})]
        return " ".join(parts) or "（未识别）"
    if isinstance(value, list):
        return "；".join(shown_value(v) for v in value)
    return str(value)


def metadata_rows(metadata: dict[str, Any], corrected: list[str]) -> list[dict[str, str]]:
    return [
        {
            "字段": FIELD_LABELS.get(name, name),
            "识别结果": shown_value(value),
            "说明": "已更正" if name in corrected else "",
        }
        for name, value in metadata.items()
        if name not in HIDDEN
    ]


def tree_lines(nodes: list[dict], depth: int = 0) -> list[str]:
    lines = []
    for node in nodes:
        lines.append("  " * depth + f"- {node['label']}")
        lines += tree_lines(node["children"], depth + 1)
    return lines


def render_preview(detail: dict[str, Any]) -> None:
    for warning in detail.get("warnings", []):
        st.warning(warning["message"], icon=":material/warning:")
    st.markdown("**元数据**")
    st.table(metadata_rows(detail["metadata"], detail.get("corrected", [])))
    st.caption(f"共 {detail['passages']} 段")
    left, right = st.columns([1, 2])
    with left:
        st.markdown("**章节结构**")
        st.markdown("\n".join(tree_lines(detail["sections"])) or "（未识别出章节）")
    with right:
        section = st.selectbox("章节", ["全部", *detail["section_labels"]], key=f"section-{detail['doc_id']}")
        for passage in detail["passage_list"]:
            if section in ("全部", passage["section"]):
                st.markdown(f"**{passage['section']}**")
                st.write(passage["text"])
