"""Document jobs: what the knowledge-base page polls while an upload, replacement, correction or deletion runs."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from assistant.api.problems import problem_responses
from assistant.api.routes_library import Jobs, require_admin
from assistant.api.schemas_documents import DocumentJob
from assistant.errors import JobNotFound

router = APIRouter(
    prefix="/v1/jobs",
    tags=["documents"],
    dependencies=[Depends(require_admin)],
    responses=problem_responses(
        401, 403, 404, 503, codes=("unauthorized", "forbidden", "job_not_found", "not_ready")
    ),
)


@router.get("", response_model=list[DocumentJob], summary="文档任务列表（最新在前）")
def list_jobs(jobs: Jobs) -> list[DocumentJob]:
    return [DocumentJob.of(record) for record in jobs.store.recent()]


@router.get("/{job_id}", response_model=DocumentJob, summary="文档任务的状态与进度")
def get_job(job_id: str, jobs: Jobs) -> DocumentJob:
    record = jobs.store.get(job_id)
    if record is None:
        raise JobNotFound(f"未找到任务 {job_id[:40]}。", job_id=job_id[:40])
    return DocumentJob.of(record)
