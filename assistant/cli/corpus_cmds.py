"""`credit-assistant ingest`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli import app
from assistant.corrections import Corrections, correct_store
from assistant.runtime import current_index, publish_index
from assistant.settings import Settings, get_settings
from corpus import CorpusStore, bundled_corpus_dir, ingest
from indexes import ChineseTokenizer, create_encoder
from indexes.versions import build_lock

console = Console()


@app.command("ingest")
def ingest_command(
    paths: list[Path] = typer.Argument(
        None,
        help="文档文件或文件夹；省略时使用知识库文件夹（数据目录下 documents/，存在时）或内置的五份政策文件",
    ),
    force: bool = typer.Option(False, "--force", help="即使文件未变化也重新解析"),
    no_index: bool = typer.Option(False, "--no-index", help="只解析入库，不更新索引"),
) -> None:
    """解析政策文件（txt/md/docx/pdf/html），生成带章节路径的段落，并更新索引（新版本，原子切换）。"""
    settings = get_settings()
    library = [settings.documents_dir] if settings.documents_dir.is_dir() else []  # managed through the API
    sources = paths or library or settings.corpus.paths or [bundled_corpus_dir()]
    store = CorpusStore(settings.corpus_dir)
    with build_lock(settings.index_dir):
        report = ingest(list(sources), store, force=force)
        correct_store(store, Corrections(settings.corrections_path).read())  # corrections outlive a re-parse
        manifest = None if no_index else update_index(settings, store)
    table = Table(title="语料入库" + ("（文件未变化，未重新解析）" if report.unchanged else ""))
    for column in ("文档", "段落", "表格行", "责任单位"):
        table.add_column(column, justify="right")
    table.add_row(str(report.documents), str(report.passages), str(report.table_rows), str(report.units))
    console.print(table)
    for path, reason in report.skipped:
        console.print(f"[yellow]已跳过[/yellow] {path}：{reason}")
    if manifest is not None:
        console.print(
            f"索引已切换到版本 {manifest['version']}：{manifest['passages']} 段，新向量化 {manifest['embedded']} 条"
        )


def update_index(settings: Settings, store: CorpusStore) -> dict | None:
    """Publish a new index version when the published one does not index this corpus; its manifest, or None."""
    encoder = create_encoder(settings.index.encoder, settings.index.encoder_path)
    tokenizer = ChineseTokenizer()
    if current_index(settings, store, encoder, tokenizer) is not None:
        return None
    return publish_index(settings, store, encoder, tokenizer)
