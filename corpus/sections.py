"""Place paragraphs in a section tree built from Chinese numbering (一、 / （一） / 1. / （1）)."""

from __future__ import annotations

from corpus.articles import assign_articles, is_article_document, split_attachments
from corpus.models import Clause, Paragraph, SectionNode
from corpus.normalize import is_heading_line, is_title_line
from corpus.patterns import ATTACHMENT_HEADING, MARKDOWN_HEADING, numbering_level
from corpus.units import units_of_clause

_MAX_LABEL = 40


def heading_label(text: str) -> str:
    """`8. 探索建立信用修复机制。失信…` → `8. 探索建立信用修复机制`."""
    first_line = text.split("\n", 1)[0]
    head = first_line.split("。", 1)[0]
    return head[:_MAX_LABEL].rstrip("，,：: ")


def assign_sections(paragraphs: list[Paragraph], raw: str) -> list[Clause]:
    """Clauses of a document: the main text and each attachment (附件1：) by articles or by numbering.

    A notice that issues a regulation in an attachment cites it as (`附件1 …办法`, `第二章 …`, `第五条`).
    """
    parts = split_attachments(paragraphs)
    if not any(is_article_document(part, raw) for part in parts):
        return assign_numbered(paragraphs, raw)
    clauses: list[Clause] = []
    for index, part in enumerate(parts):
        if not is_article_document(part, raw):
            clauses += assign_numbered(part, raw)
        elif index == 0:
            clauses += assign_articles(part, raw)
        else:
            head = assign_numbered(part[:2], raw)  # 附件1： and the attached document's title
            clauses += head + assign_articles(part[1:], raw, prefix=head[-1].section_path)[1:]
    return clauses


def assign_numbered(paragraphs: list[Paragraph], raw: str) -> list[Clause]:
    """Walk paragraphs in order, keeping a stack of open headings (一、 > （一） > 1. > （1））."""
    stack: list[tuple[int, str]] = []
    clauses: list[Clause] = []
    pending_attachment: str | None = None
    for paragraph in paragraphs:
        text = paragraph.text
        raw_first = raw[paragraph.start : paragraph.end].lstrip().split("\n", 1)[0]
        attachment = ATTACHMENT_HEADING.match(text)
        level = numbering_level(text)
        if attachment:
            pending_attachment = f"附件{attachment.group(1)}"
            stack = [(-1, pending_attachment)]
            clauses.append(Clause(paragraph, tuple(label for _, label in stack), is_heading=True))
            continue
        if pending_attachment and level is None:
            stack = [(-1, f"{pending_attachment} {heading_label(text)}")]
            pending_attachment = None
            clauses.append(Clause(paragraph, tuple(label for _, label in stack), is_heading=True))
            continue
        pending_attachment = None
        if level is None and MARKDOWN_HEADING.match(raw_first):
            # An un-numbered markdown heading is a document or body title: a new tree starts.
            stack = [item for item in stack if item[0] < 0]
        if level is not None:
            stack = [item for item in stack if item[0] < level]
            stack.append((level, heading_label(text)))
        path = tuple(label for _, label in stack)
        heading_only = (level is not None and is_heading_line(text)) or is_title_line(text.replace("\n", ""))
        clauses.append(Clause(paragraph, path, units_of_clause(text), is_heading=heading_only))
    return clauses


def section_tree(clauses: list[Clause] | tuple[Clause, ...]) -> tuple[SectionNode, ...]:
    """The nested section tree of a document, from its clauses' paths."""
    root: dict[str, dict] = {}
    for clause in clauses:
        node = root
        for label in clause.section_path:
            node = node.setdefault(label, {})

    def build(children: dict[str, dict]) -> tuple[SectionNode, ...]:
        return tuple(SectionNode(label, build(sub)) for label, sub in children.items())

    return build(root)
