"""What the knowledge-base page shows of one parsed document: its metadata fields, its section tree in
document order, and warnings about what the parser could not find. Pure functions of parsed data."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from corpus import DocumentMeta, Passage, SectionNode

HIDDEN_FIELDS = frozenset({"source_path", "sha256"})


@dataclass(frozen=True, slots=True)
class ParseWarning:
    code: str  # no_text_layer | no_title | unknown_locality
    message: str


def metadata_fields(meta: DocumentMeta) -> dict[str, Any]:
    """Every metadata field the parser fills today, as JSON values (locality as its parts and label)."""
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(meta):
        if field.name in HIDDEN_FIELDS:
            continue
        value = getattr(meta, field.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            value = dataclasses.asdict(value)
        elif isinstance(value, tuple):
            value = [dataclasses.asdict(v) if dataclasses.is_dataclass(v) else v for v in value]  # type: ignore[arg-type]
        fields[field.name] = value
    return fields


def parse_warnings(meta: DocumentMeta, note: dict[str, Any]) -> list[ParseWarning]:
    """What a reader should check: pages without a text layer, no title found, no locality found."""
    warnings = []
    blank = note.get("pages_without_text") or []
    if blank:
        pages = "、".join(str(p) for p in blank[:20]) + ("等" if len(blank) > 20 else "")
        warnings.append(
            ParseWarning("no_text_layer", f"第 {pages} 页没有文字层（可能是扫描页），这些页的内容未能入库。")
        )
    if not meta.title.strip() or meta.title == meta.doc_id:
        warnings.append(ParseWarning("no_title", "未能从文件正文中识别出标题，请核对并更正。"))
    if not meta.locality.label:
        warnings.append(
            ParseWarning("unknown_locality", "未能识别出文件适用的地区（省/市/县），请核对并更正。")
        )
    return warnings


def _is_bare_prefix(node: SectionNode, following: SectionNode | None) -> bool:
    """`附件1` directly followed by `附件1 某某清单`: the bare label is the same heading, shown once."""
    return following is not None and not node.children and following.label.startswith(node.label + " ")


def clean_tree(nodes: tuple[SectionNode, ...] | list[SectionNode]) -> list[SectionNode]:
    """The tree in document order without empty labels and without a bare heading repeated with its title."""
    kept: list[SectionNode] = []
    items = [n for n in nodes if n.label.strip()]
    for index, node in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        if _is_bare_prefix(node, following):
            continue
        kept.append(SectionNode(node.label, tuple(clean_tree(node.children))))
    return kept


def passage_sections(passages: list[Passage]) -> list[str]:
    """The section each passage is listed under: its label, except that a bare heading directly followed by
    the same heading with its title (`附件1`, then `附件1 某某清单`) is listed under the titled one."""
    labels = [p.section_label for p in passages]
    order = list(dict.fromkeys(labels))
    merged = {label: following for label, following in pairwise(order) if following.startswith(label + " ")}
    return [merged.get(label, label) for label in labels]


def sections_in_order(passages: list[Passage]) -> list[str]:
    """Each section once, in the order the document has them (never sorted)."""
    return list(dict.fromkeys(passage_sections(passages)))
