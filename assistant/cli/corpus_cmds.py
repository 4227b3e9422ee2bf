"""`credit-assistant ingest`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli import app
from assistant.settings import get_settings
from corpus import CorpusStore, bundled_corpus_dir, ingest

console = Console()


@app.command("ingest")
def ingest_command(
    paths: list[Path] = typer.Argument(None, help="文档文件或文件夹；省略时使用内置的五份政策文件"),
    force: bool = typer.Option(False, "--force", help="即使文件未变化也重新解析"),
) -> None:
    """解析政策文件（txt/md/docx/pdf/html），生成带章节路径的段落。"""
    settings = get_settings()
    sources = paths or settings.corpus.paths or [bundled_corpus_dir()]
    report = ingest(list(sources), CorpusStore(settings.corpus_dir), force=force)
    table = Table(title="语料入库" + ("（文件未变化，未重新解析）" if report.unchanged else ""))
    for column in ("文档", "段落", "表格行", "责任单位"):
        table.add_column(column, justify="right")
    table.add_row(str(report.documents), str(report.passages), str(report.table_rows), str(report.units))
    console.print(table)
    for path, reason in report.skipped:
        console.print(f"[yellow]已跳过[/yellow] {path}：{reason}")
