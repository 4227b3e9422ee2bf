"""Bodies of the /v1/evals endpoints: runs, their progress and results, and two runs compared."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from connectors.eval_runs import EvalRunRecord

STATUS_LABELS = {"queued": "排队中", "running": "运行中", "done": "已完成", "failed": "失败"}
VERSION_KEYS = (
    "corpus_hash",
    "encoder",
    "encoder_version",
    "dictionary_hash",
    "index_built_at",
    "answerability_hash",
    "llm_model",
    "retrieval",
    "today",
)


class EvalRunSummary(BaseModel):
    id: str = Field(description="评测编号")
    set_name: str = Field(description="题集文件名")
    kind: Literal["qa", "routing", "dialog"] = Field(description="题集类型：问答 / 路由 / 多轮对话")
    size: int = Field(description="题数（多轮对话按段计）")
    status: Literal["queued", "running", "done", "failed"]
    status_label: str = Field(description="状态（中文）")
    done: int = Field(description="已完成题数")
    progress: float = Field(description="进度 0–1")
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    created_by: str = Field("", description="提交者（API 密钥标识，不含密钥本身）")
    error: str | None = Field(None, description="失败原因")
    versions: dict[str, Any] = Field(
        default_factory=dict, description="语料哈希、向量模型及版本、索引构建时间、拒答模型数据哈希、检索参数"
    )
    headline: dict[str, Any] = Field(default_factory=dict, description="总体指标（完成后）")

    @classmethod
    def of(cls, record: EvalRunRecord) -> EvalRunSummary:
        return cls(
            id=record.id,
            set_name=record.set_name,
            kind=record.kind,  # type: ignore[arg-type]
            size=record.size,
            status=record.status,  # type: ignore[arg-type]
            status_label=STATUS_LABELS.get(record.status, record.status),
            done=record.done,
            progress=1.0 if record.status == "done" else record.done / record.size if record.size else 0.0,
            created_at=record.created_at,
            started_at=record.started_at,
            finished_at=record.finished_at,
            created_by=record.created_by,
            error=record.error,
            versions={k: record.info[k] for k in VERSION_KEYS if k in record.info},
            headline=record.headline,
        )


class EvalRunDetail(EvalRunSummary):
    metrics: dict[str, Any] | None = Field(None, description="全部指标（metrics.json，完成后）")
    results: list[dict[str, Any]] | None = Field(
        None,
        description="逐题结果：问题、期望要点、回答、引用、路由、是否通过（passed）及未通过原因（reasons）",
    )


class MetricDelta(BaseModel):
    metric: str
    label: str
    a: float | int | None
    b: float | int | None
    delta: float | None = Field(description="B − A")


class EvalComparison(BaseModel):
    a: EvalRunSummary
    b: EvalRunSummary
    metrics: list[MetricDelta]
    shared: int = Field(description="两次评测共有的题数")
    only_a: int
    only_b: int
    fixed: list[dict[str, Any]] = Field(description="A 未通过、B 通过的题")
    broken: list[dict[str, Any]] = Field(description="A 通过、B 未通过的题")
