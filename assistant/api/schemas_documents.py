"""Bodies of the knowledge-base endpoints: documents with their parse result, corrections, document jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.api.schemas import NOT_BLANK, DocumentSummary, SectionNodeModel
from connectors.document_jobs import DocumentJobRecord

JOB_STATUS_LABELS = {"queued": "排队中", "running": "处理中", "done": "已完成", "failed": "失败"}


class ParseWarningModel(BaseModel):
    code: Literal["no_text_layer", "no_title", "unknown_locality"] = Field(description="提醒类型")
    message: str = Field(description="中文说明")


class LibraryDocument(DocumentSummary):
    """A document in the list: its metadata, warnings and what was corrected by hand."""

    warnings: list[ParseWarningModel] = Field(default_factory=list, description="解析提醒")
    corrected: list[str] = Field(default_factory=list, description="经管理员更正的字段（重新解析后仍保留）")
    original_name: str | None = Field(None, description="上传时的文件名")
    file_type: str = Field("", description="原始文件类型（扩展名）")


class DocumentDetail(LibraryDocument):
    """The parse result of one document."""

    metadata: dict[str, Any] = Field(description="解析出的全部元数据字段（含更正）")
    sections: list[SectionNodeModel] = Field(description="章节树（按文档顺序）")
    section_labels: list[str] = Field(description="各段落所属章节，按文档顺序，各一次")
    passage_list: list[dict[str, Any]] = Field(description="段落（含 section：列出时所属的章节）")
    raw_text: str = Field(description="入库的全文")


class LocalityCorrection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    province: str | None = Field(None, max_length=40, description="省级")
    city: str | None = Field(None, max_length=40, description="市级")
    county: str | None = Field(None, max_length=40, description="县级")


class DocumentCorrection(BaseModel):
    """Fields read wrongly, with their right values; `null` drops an earlier correction of that field."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "minProperties": 1,
            "examples": [{"issuer": "某市社会信用体系建设领导小组办公室"}],
        },
    )

    title: str | None = Field(None, max_length=300, description="标题", json_schema_extra=NOT_BLANK)
    issuer: str | None = Field(
        None, max_length=200, description="发文或通过机关", json_schema_extra=NOT_BLANK
    )
    date: dt.date | None = Field(None, description="成文/印发日期")
    locality: LocalityCorrection | None = Field(None, description="适用地区")

    def as_fields(self) -> dict[str, Any]:
        """The fields the request names, as stored (dates as ISO text)."""
        values = self.model_dump(mode="json", exclude_unset=True)
        return dict(values)


class DocumentJob(BaseModel):
    id: str = Field(description="任务编号")
    kind: Literal["upload", "replace", "delete", "correct"] = Field(description="上传 / 替换 / 删除 / 更正")
    status: Literal["queued", "running", "done", "failed"]
    status_label: str = Field(description="状态（中文）")
    done: int = Field(description="已完成步骤")
    total: int = Field(description="总步骤（每个文件的解析各一步，入库与更新索引一步）")
    progress: float = Field(description="进度 0–1")
    message: str = Field(description="当前进展或失败原因（中文）")
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    created_by: str = Field("", description="提交者（API 密钥标识，不含密钥本身）；任务以其身份执行")
    files: list[str] = Field(default_factory=list, description="上传的文件名")
    doc_ids: list[str] = Field(default_factory=list, description="涉及的文档编号")
    index_version: str | None = Field(None, description="完成后使用的索引版本")
    error: str | None = Field(None, description="失败原因")
    url: str = Field(description="本任务的地址")

    @classmethod
    def of(cls, record: DocumentJobRecord) -> DocumentJob:
        files = record.request.get("files", [])
        doc_ids = (
            record.result.get("doc_ids") or [f["doc_id"] for f in files] or [record.request.get("doc_id")]
        )
        finished = record.status == "done"
        return cls(
            id=record.id,
            kind=record.kind,  # type: ignore[arg-type]
            status=record.status,  # type: ignore[arg-type]
            status_label=JOB_STATUS_LABELS.get(record.status, record.status),
            done=record.total if finished else record.done,
            total=record.total,
            progress=1.0 if finished else (record.done / record.total if record.total else 0.0),
            message=record.message,
            created_at=record.created_at.astimezone(),  # stored naive (server time); sent with its offset
            started_at=record.started_at.astimezone() if record.started_at else None,
            finished_at=record.finished_at.astimezone() if record.finished_at else None,
            created_by=record.created_by,
            files=[f["original"] for f in files],
            doc_ids=[d for d in doc_ids if d],
            index_version=record.result.get("index_version"),
            error=record.error,
            url=f"/v1/jobs/{record.id}",
        )
