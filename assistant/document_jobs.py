"""Document jobs: upload, replace, delete and correct run in a worker thread, one at a time, with progress.

The request that starts one stores what the job needs (uploads in `<data_dir>/document_jobs/<id>/incoming/`),
writes the job row and returns at once. The worker reads and parses each file (a bad one fails the job with
a Chinese message naming it, before anything changes), then under the index build lock changes the library,
ingests it (only changed files are parsed, only new texts embedded) and publishes a new index version; if
that fails the change is undone and the corpus re-ingested as it was. The job acts as the caller who started
it: its audit entries name that caller. Jobs cut short by a restart are queued again (each step is idempotent).
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from assistant.access import Principal
from assistant.documents_service import IncomingFile, check_file, corrections_of, library_of, rebuild_corpus
from assistant.errors import AssistantError, DocumentExists, DocumentNotFound, DocumentRejected
from assistant.library import Undo
from assistant.runtime import corpus_sources
from assistant.settings import Settings
from connectors.audit import AuditTrail
from connectors.document_jobs import DocumentJobRecord, DocumentJobStore
from corpus import CorpusStore
from indexes import ChineseTokenizer, Encoder
from indexes.versions import build_lock

log = logging.getLogger("credit_assistant.documents")
Models = Callable[[], tuple[Encoder, ChineseTokenizer]]
KIND_NAMES = {"upload": "上传", "replace": "替换", "delete": "删除", "correct": "更正"}
AUDIT_ACTIONS = {
    "upload": "document_upload",
    "replace": "document_replace",
    "delete": "document_delete",
    "correct": "document_correct",
}


class DocumentJobs:
    def __init__(
        self,
        settings: Settings,
        store: DocumentJobStore,
        audit: AuditTrail,
        models: Models,
        on_published: Callable[[], object] | None = None,
    ) -> None:
        self.settings, self.store, self.audit, self.models = settings, store, audit, models
        self.on_published = on_published
        self.root = settings.shared_dir / "document_jobs"  # any replica can run a queued job
        self.library, self.corrections = library_of(settings), corrections_of(settings)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="document-job")

    # ---- starting jobs (in the request) ----

    def submit(
        self,
        kind: str,
        caller: Principal,
        files: list[tuple[IncomingFile, bytes]] = (),  # type: ignore[assignment]
        doc_id: str | None = None,
        fields: dict[str, Any] | None = None,
    ) -> DocumentJobRecord:
        job_id = uuid.uuid4().hex[:16]
        incoming = self.root / job_id / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        for item, data in files:
            (incoming / item.name).write_bytes(data)
        request = {"files": [item.as_dict() for item, _ in files], "doc_id": doc_id, "fields": fields or {}}
        message = f"已排队：{KIND_NAMES[kind]}" + (f" {doc_id}" if doc_id else f" {len(files)} 个文件")
        record = self.store.create(job_id, kind, len(files) + 1, message, caller.who, caller.client, request)
        self._enqueue(job_id)
        return record

    def resume(self) -> list[str]:
        """Queue again the jobs a stopped service left unfinished (their files are still staged)."""
        ids = []
        for record in self.store.unfinished():
            if (self.root / record.id).is_dir():
                self.store.requeue(record.id)
                self._enqueue(record.id)
                ids.append(record.id)
            else:
                self.store.fail(record.id, "服务重启时找不到该任务的上传文件，请重新提交。")
        return ids

    def _enqueue(self, job_id: str) -> Future[None]:
        return self.executor.submit(self._run, job_id)

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)

    # ---- running ----

    def _run(self, job_id: str) -> None:
        if not self.store.claim(job_id):
            return  # another worker of the service took it
        record = self.store.get(job_id)
        assert record is not None
        try:
            message, result = self._execute(record)
            self.store.finish(job_id, message, result)
        except AssistantError as exc:
            self.store.fail(job_id, exc.message)
        except Exception as exc:  # reported on the job, never lost silently
            log.exception("document job %s failed", job_id)
            self.store.fail(job_id, f"处理出错，知识库保持不变：{type(exc).__name__}: {exc}")
        finally:
            shutil.rmtree(self.root / job_id, ignore_errors=True)

    def _execute(self, record: DocumentJobRecord) -> tuple[str, dict[str, Any]]:
        files = [IncomingFile(**f) for f in record.request.get("files", [])]
        incoming = self.root / record.id / "incoming"
        notes = {}
        for number, item in enumerate(files, 1):
            self.store.progress(
                record.id, number - 1, f"正在读取并解析“{item.original}”（{number}/{len(files)}）"
            )
            notes[item.doc_id] = check_file(incoming / item.name, item)
        self.store.progress(record.id, len(files), "正在入库并更新索引（只为新增或改动的段落计算向量）")
        with build_lock(self.settings.index_dir):
            store = CorpusStore(self.settings.corpus_dir)
            self.library.seed(store, corpus_sources(self.settings, store))
            version = self._change(record, files, incoming)
        doc_ids = [item.doc_id for item in files] or [record.request.get("doc_id") or ""]
        self._record_change(record, doc_ids, notes)
        if self.on_published is not None:
            self.on_published()  # this worker serves the new version from the next question on
        done = f"完成：{KIND_NAMES[record.kind]} {'、'.join(doc_ids)}，索引版本 {version}"
        return done, {"doc_ids": doc_ids, "index_version": version}

    def _change(self, record: DocumentJobRecord, files: list[IncomingFile], incoming: Path) -> str:
        """Change the library, ingest and publish; undo the change when that fails. The index version."""
        before = self.corrections.read()
        undo = self._apply(record, files, incoming)
        try:
            dropped = None in record.request.get("fields", {}).values()  # back to what the parser reads
            version, skipped = rebuild_corpus(self.settings, *self.models(), reparse=dropped)
            for item in files:
                reason = next((why for path, why in skipped.items() if Path(path).stem == item.doc_id), None)
                if reason is not None:
                    raise DocumentRejected(f"文件“{item.original}”无法入库：{reason}", file=item.original)
            return version
        except Exception:
            undo.run()
            self.corrections.write(before)
            rebuild_corpus(self.settings, *self.models(), reparse=True)  # the corpus (and index) as it was
            raise

    def _apply(self, record: DocumentJobRecord, files: list[IncomingFile], incoming: Path) -> Undo:
        backup = self.root / record.id / "backup"
        doc_id = record.request.get("doc_id") or ""
        known = self.library.files()
        if record.kind == "upload":
            clash = next((f.doc_id for f in files if f.doc_id in known), None)
            if clash is not None:
                raise DocumentExists(f"已有同名文档“{clash}”；如需更新请使用“替换”。", doc_id=clash)
        elif doc_id not in known:
            raise DocumentNotFound(f"未找到文档：{doc_id[:60]}")
        if record.kind == "delete":
            return self.library.remove(doc_id, backup)
        if record.kind == "correct":
            self.corrections.merge(doc_id, record.request.get("fields", {}))
            return Undo()
        undo = Undo()
        for item in files:
            part = self.library.put(item.doc_id, incoming / item.name, backup)
            undo.moved += part.moved
            undo.added += part.added
        return undo

    def _record_change(self, record: DocumentJobRecord, doc_ids: list[str], notes: dict[str, Any]) -> None:
        """Library notes and one audit entry per document, in the name of the caller who started the job."""
        for doc_id in doc_ids:
            if record.kind == "delete":
                self.library.forget(doc_id)
                self.corrections.drop(doc_id)
            elif doc_id in notes:
                self.library.note(doc_id, **notes[doc_id], by=record.created_by)
            fields = "、".join(record.request.get("fields", {}))
            original = notes.get(doc_id, {}).get("original", "")
            target = doc_id + (f"（{original}）" if original else "") + (f"：{fields}" if fields else "")
            self.audit.write(
                record.created_by, AUDIT_ACTIONS[record.kind], target, client=record.client, channel="api"
            )
