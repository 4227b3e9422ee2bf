"""Questions about a document itself: issuer, 文号, date, recipients (主送), its basis (the upper-level
documents it implements, with their 文号), its parts and attachments, and what a forwarding notice forwards.

Answers come from the document's metadata and quote the clause of the document that says it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.citations import CitationList
from assistant.policy_qa.compose import clause_text, quote_line, short_title
from assistant.policy_qa.frame import QuestionFrame
from corpus import DatedEvent, DocumentMeta, Passage, fold

_CITED = re.compile(r"《([^《》]{4,80})》\s*[（(]([^（）()]{2,20}〔\d{4}〕\d+号)[）)]")


def doc_passages(doc: DocumentMeta, passages: Sequence[Passage]) -> list[Passage]:
    return [p for p in passages if p.doc_id == doc.doc_id]


def chinese_date(iso: str) -> str:
    """2018-05-21 → 2018年5月21日, the way the documents write their dates (anything else unchanged)."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", iso.strip())
    return f"{match[1]}年{int(match[2])}月{int(match[3])}日" if match else iso


EVENT_WORDS = {  # what a question says for each dated event a document states
    "施行": ("施行", "生效", "实施", "执行"),
    "通过": ("通过",),
    "批准": ("批准",),
    "公布": ("公布", "发布", "颁布"),
    "印发": ("印发", "发文", "成文"),
}


def events_asked(question: str, doc: DocumentMeta) -> list[DatedEvent]:
    """The dated events the question asks about (施行 for 什么时候生效…); all of them when it names none."""
    kinds = {kind for kind, words in EVENT_WORDS.items() if any(w in question for w in words)}
    chosen = [event for event in doc.dates if event.kind in kinds]
    return chosen or list(doc.dates)


def event_phrase(event: DatedEvent) -> str:
    """An event as the document states it, without article numbering (`本条例自2020年10月1日起施行`)."""
    text = re.sub(r"\s+", "", event.raw) or f"{chinese_date(event.date)}{event.body}{event.kind}"
    return re.sub(r"^第[一二三四五六七八九十百零〇]+条", "", text).rstrip("。")


def source_passage(text: str, own: list[Passage]) -> Passage:
    """The passage of the document that states `text` (its head or an article), else its first passage."""
    key = fold(text)
    return next((p for p in own if key and key in fold(p.text)), own[0])


def header_line(doc: DocumentMeta, citations: CitationList, own: list[Passage], question: str = "") -> str:
    """The document's own statements about itself: dated events (what each means), body, 文号/令号, level."""
    first = own[0]
    facts = []
    for event in events_asked(question, doc):
        phrase = event_phrase(event)
        passage = source_passage(phrase, own)
        number = citations.cite(passage, phrase if fold(phrase) in fold(passage.text) else None)
        facts.append(f"{phrase}[{number}]")
    if not facts:
        when = chinese_date(doc.date) if doc.date else (f"{doc.year}年" if doc.year else "未载明日期")
        facts.append(f"日期 {when}[{citations.cite(first, clause_text(first)[:40])}]")
    numbers = "、".join(doc.doc_numbers) or "未载明文号"
    kind = "、".join(part for part in (doc.level, doc.kind) if part)
    where = f"，{doc.locality.label}" if doc.locality.label else ""
    return (
        f"《{short_title(doc)}》（{kind}{where}）：" + "；".join(facts)
        + f"。制定/发文机关：{doc.issuer or '未载明'}；文号/令号：{numbers}。"
    )


def basis_lines(doc: DocumentMeta, own: list[Passage], citations: CitationList) -> list[str]:
    """The upper-level documents the document cites (文件依据), quoted from the clause naming them."""
    lines = []
    for passage in own:
        cited = _CITED.findall(clause_text(passage))
        if not cited and not any(n in clause_text(passage) for n in doc.cited_doc_numbers):
            continue
        listed = "；".join(f"《{title}》（{number}）" for title, number in cited)
        if listed:
            lines.append(f"文件依据：{listed}")
        lines.append(quote_line(passage, doc, citations))
        break
    if not lines and doc.cited_doc_numbers:
        lines.append("文件依据（文号）：" + "、".join(doc.cited_doc_numbers))
    if "转发" in doc.title and len(doc.doc_numbers) > 1:
        lines.append(f"本文件转发的是《{short_title(doc)}》（{'、'.join(doc.doc_numbers[1:])}）")
    return lines


def recipients_line(doc: DocumentMeta, own: list[Passage], citations: CitationList) -> list[str]:
    """主送单位: from the document's head (metadata); a forwarding notice also names the recipients of the
    document it forwards (the opening line of that document, which ends with a colon)."""
    lines = []
    if doc.recipients:
        lines.append(f"主送单位（见文件抬头）：{doc.recipients}[{citations.cite(own[0])}]")
    for passage in own[:4]:
        text = clause_text(passage).rstrip()
        addressed = text.rstrip("：:").strip()
        if text.endswith(("：", ":")) and len(text) < 200 and addressed != doc.recipients:
            label = "所转发文件的主送单位" if doc.recipients else "主送单位"
            lines.append(f"{label}：{addressed}[{citations.cite(passage)}]")
            break
    return lines


def parts_lines(doc: DocumentMeta, own: list[Passage], citations: CitationList) -> list[str]:
    lines = []
    if doc.attachment_kinds:
        lines.append(
            "文件组成：正文" + "".join(f"、附件{i}（{k}）" for i, k in enumerate(doc.attachment_kinds, 1))
        )
    for passage in own:
        if "组成" in passage.text and ("正文" in passage.text or "附件" in passage.text):
            lines.append(quote_line(passage, doc, citations))
            break
    return lines


def document_lines(
    frame: QuestionFrame, doc: DocumentMeta, passages: Sequence[Passage], citations: CitationList
) -> list[str]:
    own = doc_passages(doc, passages)
    if not own:
        return []
    # The answer first: what is asked (its basis, recipients, parts) before the document's general facts.
    asked: list[str] = []
    aspects = set(frame.document_aspects)
    if "basis" in aspects:
        asked += basis_lines(doc, own, citations)
    if "recipients" in aspects:
        asked += recipients_line(doc, own, citations)
    if "parts" in aspects:
        asked += parts_lines(doc, own, citations)
    return [*asked, header_line(doc, citations, own, frame.question)]
