"""Answer text from statements (pure): the answer first, then the sources that support it.

    <lead>[1]                      ← what was asked, extractive, with its citation marks
    濮阳、翁源的文件均规定：<lead>[2][3]   ← near-identical clauses of several places merged
    依据：
    [1] 《title》（文号）第五章 > 第四十三条：“<supporting quote>”

The title, 文号 and article of each source come after the content, in the numbered source lines (and in
the structured citation list), never in front of it.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.policy_qa.compose import Statement, marks, short_title
from assistant.policy_qa.lead import says_same
from corpus import DocumentMeta, Passage

SOURCES_HEADING = "依据："


def place_of(doc: DocumentMeta) -> str:
    """How an answer names a source's place: its locality, or the document's short title when national."""
    return doc.locality.label or f"《{short_title(doc)}》"


def merged(statements: Sequence[Statement]) -> list[list[Statement]]:
    """Statements grouped where they say the same thing (parallel clauses of several documents)."""
    groups: list[list[Statement]] = []
    for item in statements:
        for group in groups:
            if says_same(group[0].lead, item.lead) and all(s.doc.doc_id != item.doc.doc_id for s in group):
                group.append(item)
                break
        else:
            groups.append([item])
    return groups


def lead_lines(statements: Sequence[Statement], label_places: bool = False) -> list[str]:
    """One line per distinct statement; several places saying the same are named together; `label_places`
    (no place asked, several answer): each line starts with its place, unless its lead names it first."""
    lines = []
    places = {s.doc.doc_id for s in statements}
    for group in merged(statements):
        numbers = [n for s in group for n in s.numbers]
        note = "".join(f"（{s.note}）" for s in group[:1] if s.note) + group[0].scope
        if len(group) > 1:
            names = "、".join(dict.fromkeys(place_of(s.doc) for s in group))
            lines.append(f"{names}的文件均规定：{group[0].lead}{marks(numbers)}{note}")
        elif label_places and len(places) > 1 and not group[0].lead.startswith(place_of(group[0].doc)):
            lines.append(f"【{place_of(group[0].doc)}】{group[0].lead}{marks(numbers)}{note}")
        else:
            lines.append(f"{group[0].lead}{marks(numbers)}{note}")
    return lines


def source_lines(statements: Sequence[Statement]) -> list[str]:
    """The numbered sources with their supporting quotes, each source once."""
    lines, seen = [], set()
    for item in statements:
        number = item.numbers[0]
        if number in seen:
            continue
        seen.add(number)
        doc = item.doc
        ref = f"（{doc.doc_number}）" if doc.doc_number else ""
        quote = f"：“{item.quote}”" if item.quote else ""
        lines.append(f"[{number}] 《{short_title(doc)}》{ref}{article_of(item.passage)}{quote}")
    return lines


def article_of(passage: Passage) -> str:
    """The citable unit of a passage as a person writes it: the article (第四十三条, with its chapter when
    the path is short) or the innermost numbered clause of a plan; the full path stays in the citation."""
    path = passage.section_path
    if not path:
        return "（文首）"
    articles = [label for label in path if label.startswith("第") and "条" in label[:8]]
    if articles:
        return articles[-1]
    return path[-1] if len(path) > 1 and len(" > ".join(path)) > 40 else " > ".join(path)


def answer_text(leads: Sequence[str], statements: Sequence[Statement]) -> str:
    """The lead lines, then the sources block."""
    sources = source_lines(statements)
    return "\n".join([*leads, *([SOURCES_HEADING, *sources] if sources else [])])
