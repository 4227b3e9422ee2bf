"""Data types of the corpus layer: documents, sections, passages and task-table rows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Locality:
    province: str | None = None
    city: str | None = None
    county: str | None = None

    @property
    def label(self) -> str:
        return "".join(part for part in (self.province, self.city, self.county) if part)

    def names(self) -> tuple[str, ...]:
        return tuple(part for part in (self.province, self.city, self.county) if part)


@dataclass(frozen=True, slots=True)
class DatedEvent:
    """A date a document states, and what happened on it (`2020年7月24日 山东省…会议通过`)."""

    kind: str  # 通过 | 批准 | 公布 | 发布 | 印发 | 施行 | 修正 | 修订 | 修改 | 废止
    date: str  # YYYY-MM-DD
    body: str = ""  # the body that acted: 山东省人民代表大会常务委员会, 国务院, 国家市场监督管理总局
    raw: str = ""  # the line or sentence it was read from


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What a document says about itself, read from its head and body (never from its file name).

    `kind`: 条例、规定、办法、细则、实施方案、实施意见、通知… (what the title names); `level`: 法律、行政法规、
    地方性法规、部门规章、地方政府规章、司法解释 or 规范性文件, empty when nothing tells. `issuer`: the issuing
    or adopting body. `doc_numbers`: 文号 and 令号/公告号 (国家市场监督管理总局令第45号). `date`: the primary
    date (a regulation's 公布, else 通过 date; a notice's signature date); `dates`: every dated event stated;
    `effective_date`: its 施行 date. `validity`: 有效期… as stated. `cites`: titles it names as its basis
    (根据/依据《…》). Empty fields mean the document does not say.
    """

    doc_id: str
    title: str
    issuer: str
    doc_numbers: tuple[str, ...]
    cited_doc_numbers: tuple[str, ...]
    date: str | None
    locality: Locality
    kind: str
    attachment_kinds: tuple[str, ...] = ()
    year: int | None = None
    recipients: str = ""  # 主送: the bodies the document is addressed to, from its head
    source_path: str = ""
    sha256: str = ""
    level: str = ""
    dates: tuple[DatedEvent, ...] = ()
    validity: str = ""
    cites: tuple[str, ...] = ()

    @property
    def doc_number(self) -> str:
        """The primary 文号 or 令号 (the first one the document carries), or an empty string."""
        return self.doc_numbers[0] if self.doc_numbers else ""

    @property
    def effective_date(self) -> str | None:
        """The date it takes effect (施行), when the document states one."""
        return self.event_date("施行")

    def event_date(self, kind: str) -> str | None:
        """The first date stated for an event kind (通过, 批准, 公布, 施行…), or None."""
        return next((event.date for event in self.dates if event.kind == kind), None)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A logical paragraph: raw span [start, end) and its cleaned display text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Units:
    """Responsible units parsed from a clause: 牵头单位 and 责任单位."""

    lead_units: tuple[str, ...] = ()
    responsible_units: tuple[str, ...] = ()
    raw: str = ""

    def __bool__(self) -> bool:
        return bool(self.lead_units or self.responsible_units)


@dataclass(frozen=True, slots=True)
class Clause:
    """A paragraph placed in the section tree."""

    paragraph: Paragraph
    section_path: tuple[str, ...]
    units: Units = field(default_factory=Units)
    is_heading: bool = False
    # In a law or regulation: "division" (编/章/节 heading), "article" (the paragraph that opens 第X条),
    # "paragraph" (a further 款 of the article), "item" (a 项/目 of the article), "preamble" (题注: the
    # adoption and effect lines under the title). Empty in documents numbered 一、/（一）.
    role: str = ""


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row of a task table after merged cells are filled down."""

    row_number: int
    task_area: str  # 任务事项
    main_task: str  # 主要任务
    content: str  # 具体任务内容
    units: Units
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Passage:
    passage_id: str
    doc_id: str
    section_path: tuple[str, ...]
    text: str
    start: int
    end: int
    # clause | article (a whole article, or some of its 款) | preamble (题注 under a title) | table_row
    kind: str = "clause"
    lead_units: tuple[str, ...] = ()
    responsible_units: tuple[str, ...] = ()

    @property
    def section_label(self) -> str:
        return " > ".join(self.section_path) if self.section_path else "（文首）"


@dataclass(frozen=True, slots=True)
class SectionNode:
    label: str
    children: tuple[SectionNode, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    meta: DocumentMeta
    raw_text: str
    clauses: tuple[Clause, ...]
    table_rows: tuple[TableRow, ...]
    passages: tuple[Passage, ...]
