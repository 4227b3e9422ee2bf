"""Taking documents in while serving: check an upload, change the library, re-ingest and publish the index.

Pure checks of a request (`plan_upload`) run in the request; reading and parsing a file (`check_file`) and the
rebuild (`rebuild_corpus`) run in a document job, off the request loop (assistant/document_jobs.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.corrections import Corrections, correct_store
from assistant.errors import DocumentExists, DocumentRejected, DocumentTooLarge
from assistant.library import DocumentLibrary, stored_name, suffix_of, upload_doc_id
from assistant.runtime import current_index, publish_index
from assistant.settings import Settings
from corpus import CorpusStore, LoaderError, ingest, load_document, parse_document
from corpus.loaders import SUPPORTED_SUFFIXES
from indexes import ChineseTokenizer, Encoder

SUFFIX_NAMES = "、".join(SUPPORTED_SUFFIXES)


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """One uploaded file as the job will take it in."""

    original: str  # the name the user's file had
    name: str  # the stored (safe) name
    doc_id: str

    def as_dict(self) -> dict[str, str]:
        return {"original": self.original, "name": self.name, "doc_id": self.doc_id}


def library_of(settings: Settings) -> DocumentLibrary:
    return DocumentLibrary(settings.documents_dir, settings.shared_dir / "document_info.json")


def corrections_of(settings: Settings) -> Corrections:
    return Corrections(settings.corrections_path)


def check_upload(filename: str, data: bytes, max_bytes: int) -> IncomingFile:
    """Type, name and size of one upload, before anything is stored (DocumentRejected / DocumentTooLarge)."""
    original = filename.replace("\\", "/").rsplit("/", 1)[-1][:200] or "（无文件名）"
    suffix = suffix_of(filename)
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "无扩展名"
        raise DocumentRejected(
            f"文件“{original}”的类型（{shown}）不受支持；支持 {SUFFIX_NAMES}。", file=original
        )
    if len(data) > max_bytes:
        limit = f"{max_bytes / 1_000_000:g} MB"
        raise DocumentTooLarge(f"文件“{original}”过大：单个文件最大 {limit}。", file=original)
    if not data.strip():
        raise DocumentRejected(f"文件“{original}”是空文件。", file=original)
    name = stored_name(filename)
    return IncomingFile(original, name, upload_doc_id(name))


def plan_upload(
    files: list[tuple[str, bytes]], known_ids: set[str], max_files: int, max_bytes: int
) -> list[IncomingFile]:
    """Every file of one upload request checked; new ids only, no id twice."""
    if not files:
        raise DocumentRejected("没有收到文件，请选择要上传的文档。")
    if len(files) > max_files:
        raise DocumentRejected(f"一次最多上传 {max_files} 个文件，本次 {len(files)} 个。")
    planned = [check_upload(name, data, max_bytes) for name, data in files]
    seen: set[str] = set()
    for item in planned:
        if item.doc_id in known_ids:
            raise DocumentExists(
                f"已有同名文档“{item.doc_id}”；如需更新请使用“替换”，或改名后上传。", doc_id=item.doc_id
            )
        if item.doc_id in seen:
            raise DocumentRejected(
                f"本次上传中有两个文件都叫“{item.doc_id}”，请改名后上传。", doc_id=item.doc_id
            )
        seen.add(item.doc_id)
    return planned


def pages_without_text(path: Path) -> list[int]:
    """1-based numbers of the PDF pages that have no text layer (scanned pages)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return [i + 1 for i, page in enumerate(reader.pages) if not (page.extract_text() or "").strip()]


def check_file(path: Path, item: IncomingFile) -> dict[str, Any]:
    """Read and parse one staged file as the ingest will; what the library notes about it. A file that cannot
    be taken in raises DocumentRejected naming it (unsupported, undecodable, no text, scanned PDF)."""
    try:
        text = load_document(path)
        parsed = parse_document(item.doc_id, text, source_path=str(path))
    except (LoaderError, ValueError, OSError) as exc:
        raise DocumentRejected(f"文件“{item.original}”无法入库：{exc}", file=item.original) from exc
    except Exception as exc:  # a parser failing on odd input is this file's problem, reported as such
        raise DocumentRejected(
            f"文件“{item.original}”无法解析（{type(exc).__name__}），请检查文件内容。", file=item.original
        ) from exc
    if not parsed.passages:
        raise DocumentRejected(f"文件“{item.original}”中没有可入库的正文。", file=item.original)
    note: dict[str, Any] = {"original": item.original, "passages": len(parsed.passages)}
    if path.suffix.lower() == ".pdf":
        note["pages_without_text"] = pages_without_text(path)
    return note


def rebuild_corpus(
    settings: Settings, encoder: Encoder, tokenizer: ChineseTokenizer, reparse: bool = False
) -> tuple[str, dict[str, str]]:
    """Ingest the library (only changed files are parsed, every file with `reparse`: the store keeps corrected
    metadata, so dropping a correction needs the parser's reading again), apply the corrections, publish an
    index version when the corpus changed. The version in use and the files the ingest skipped (path →
    reason). The caller holds the build lock."""
    store = CorpusStore(settings.corpus_dir)
    report = ingest([settings.documents_dir], store, force=reparse, progress=False)
    correct_store(store, corrections_of(settings).read())
    version = current_index(settings, store, encoder, tokenizer)
    if version is None:
        version = publish_index(settings, store, encoder, tokenizer, progress=False)["version"]
    return version, dict(report.skipped)
