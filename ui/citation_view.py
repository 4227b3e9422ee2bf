"""One citation as a reader wants it: which document (title, 文号) and where in it (chapter > article), the
supporting sentence marked inside its passage, and a link that opens the knowledge base at that article."""

from __future__ import annotations

import html
import re
from itertools import pairwise

import streamlit as st
from streamlit.navigation.page import StreamlitPage

_SENTENCE_END = re.compile(r"(?<=[。；！？!?;])|\n")
_MARKER = re.compile(r"\[(\d+)\]")
MAX_LINK_QUOTE = 300  # the supporting sentence travels in the link (q=) when it is no longer than this


def sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def statement_of(answer_text: str, number: int) -> str:
    """The sentences of the answer that cite [number], without the citation marks."""
    marked = [s for s in sentences(answer_text) if f"[{number}]" in s]
    return _MARKER.sub("", "".join(marked))


def bigrams(text: str) -> set[str]:
    chars = [ch for ch in text if not ch.isspace()]
    return {a + b for a, b in pairwise(chars)}


def supporting_span(passage: str, quote: str, statement: str = "") -> str:
    """What to mark in the passage: the citation's own quote when it is a part of the passage; else the passage
    sentence that shares most with the answer's statement; "" when nothing stands out."""
    quote = quote.strip()
    if quote and quote in passage and quote != passage.strip():
        return quote
    if not statement:
        return ""
    wanted = bigrams(statement)
    scored = [(len(bigrams(s) & wanted), s.strip()) for s in sentences(passage)]
    best = max(scored, default=(0, ""))
    return best[1] if best[0] >= 2 and best[1] != passage.strip() else ""


def marked_html(passage: str, span: str) -> str:
    """The passage as HTML with `span` marked once (line breaks kept)."""
    text = html.escape(passage)
    mark = html.escape(span)
    if mark and mark in text:
        text = text.replace(mark, f"<mark>{mark}</mark>", 1)
    return text.replace("\n", "<br>")


def label_of(citation: dict) -> str:
    """[1] 《标题》濮信用〔2020〕3号 · 第五章 > 第四十三条"""
    number = f" {citation['doc_number']}" if citation.get("doc_number") else ""
    where = f" · {citation['section_path']}" if citation.get("section_path") else ""
    return f"[{citation['number']}] 《{citation['title']}》{number}{where}"


def documents_page() -> StreamlitPage:
    """The knowledge-base page as app.py registers it (same callable and url_path, so links resolve to it)."""
    from ui.views import documents_page as page

    return st.Page(page.render, title="知识库", icon=":material/library_books:", url_path="documents")


def render_citation(citation: dict, answer_text: str = "") -> None:
    with st.expander(label_of(citation)):
        source = " · ".join(part for part in (citation.get("issuer"), citation.get("locality")) if part)
        if source:
            st.caption(source)
        span = supporting_span(
            citation["passage"], citation.get("quote", ""), statement_of(answer_text, citation["number"])
        )
        st.markdown(marked_html(citation["passage"], span), unsafe_allow_html=True)
        where = {"doc": citation["doc_id"], "at": citation["passage_id"]}
        st.page_link(
            documents_page(),
            label="在知识库中查看原文",
            icon=":material/open_in_new:",
            query_params=where | ({"q": span} if span and len(span) <= MAX_LINK_QUOTE else {}),
        )


def render_citations(items: list[dict], answer_text: str = "") -> None:
    for citation in items:
        render_citation(citation, answer_text)
