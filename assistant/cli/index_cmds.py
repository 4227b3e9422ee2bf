"""`credit-assistant index` and `credit-assistant search`."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli import app
from assistant.runtime import ensure_corpus, load_policy_corpus, publish_index
from assistant.settings import get_settings
from indexes import METHODS, ChineseTokenizer, SearchFilter, create_encoder
from indexes.versions import build_lock

console = Console()


@app.command("index")
def index_command() -> None:
    """（重新）构建 BM25 + 向量混合索引：写入新版本后原子切换，运行中的服务在下一个请求时改用新索引。"""
    settings = get_settings()
    encoder = create_encoder(settings.index.encoder, settings.index.encoder_path)
    with build_lock(settings.index_dir):
        store = ensure_corpus(settings)
        manifest = publish_index(settings, store, encoder, ChineseTokenizer())
    console.print(
        f"索引已构建并切换到版本 {manifest['version']}：{manifest['passages']} 段，"
        f"新向量化 {manifest['embedded']} 条（其余取自向量缓存），"
        f"向量模型 {manifest['encoder']} {manifest['encoder_version']}"
    )


@app.command("search")
def search_command(
    query: str = typer.Argument(..., help="检索问题"),
    k: int = typer.Option(5, "--k", help="返回段落数"),
    method: str = typer.Option("hybrid", "--method", help="hybrid / bm25 / dense"),
    locality: str | None = typer.Option(None, "--locality", help="按地区过滤，如 濮阳"),
) -> None:
    """检索政策段落并显示分数与出处。"""
    if method not in METHODS:
        raise typer.BadParameter(f"检索方式应为 {', '.join(METHODS)}")
    corpus = load_policy_corpus(get_settings())
    hits = corpus.retriever.search(query, k, method, SearchFilter(locality=locality))  # type: ignore[arg-type]
    table = Table(title=f"检索：{query}")
    for column in ("#", "分数", "出处", "段落"):
        table.add_column(column)
    for rank, hit in enumerate(hits, 1):
        source = f"{hit.document.title[:30]}（{hit.document.doc_number}）\n{hit.passage.section_label}"
        table.add_row(str(rank), f"{hit.score:.4f}", source, hit.passage.text[:160])
    console.print(table)
