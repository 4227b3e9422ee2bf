"""`credit-assistant index` and `credit-assistant search`."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli import app
from assistant.runtime import ensure_corpus, load_policy_corpus, publish_index
from assistant.settings import Settings, get_settings
from indexes import METHODS, ChineseTokenizer, SearchFilter, create_encoder
from indexes.compaction import compact_caches
from indexes.distributed import ENGINES
from indexes.versions import build_lock

console = Console()


def with_engine(settings: Settings, engine: str | None, address: str | None, workers: int | None) -> Settings:
    """The settings with the command line's engine options over CREDIT_INDEX__ENGINE…"""
    if engine is not None and engine not in ENGINES:
        raise typer.BadParameter(f"向量化引擎应为 {' / '.join(ENGINES)}", param_hint="--engine")
    changes = {"engine": engine, "engine_address": address, "engine_workers": workers}
    update = {key: value for key, value in changes.items() if value is not None}
    return settings.model_copy(update={"index": settings.index.model_copy(update=update)})


@app.command("index")
def index_command(
    engine: str | None = typer.Option(
        None, "--engine", help="向量化引擎：local（本进程，默认）/ dask / ray；默认取 CREDIT_INDEX__ENGINE"
    ),
    address: str | None = typer.Option(
        None,
        "--address",
        help="已有集群的地址（Dask 调度器 tcp://…:8786，Ray ray://…:10001 或 auto）；省略时临时启动本机集群",
    ),
    workers: int | None = typer.Option(None, "--workers", min=1, help="本机临时集群的工作进程数（默认 2）"),
) -> None:
    """（重新）构建 BM25 + 向量混合索引：写入新版本后原子切换，运行中的服务在下一个请求时改用新索引。

    只为向量缓存中没有的文本计算向量，边算边追加到缓存：中断后再次运行只计算缺少的部分。"""
    settings = with_engine(get_settings(), engine, address, workers)
    encoder = create_encoder(settings.index.encoder, settings.index.encoder_path)
    with build_lock(settings.index_dir):
        store = ensure_corpus(settings)
        manifest = publish_index(settings, store, encoder, ChineseTokenizer())
    console.print(
        f"索引已构建并切换到版本 {manifest['version']}：{manifest['passages']} 段，"
        f"新向量化 {manifest['embedded']} 条（{settings.index.engine}；其余取自向量缓存），"
        f"向量模型 {manifest['encoder']} {manifest['encoder_version']}"
    )


@app.command("compact")
def compact_command(
    keep_all: bool = typer.Option(
        False, "--all", help="保留所有缓存条目，只合并分片（默认只保留当前语料用到的）"
    ),
) -> None:
    """压缩向量缓存和分词缓存：把追加写入的分片合并为一个，删去当前语料不再用到的条目。"""
    settings = get_settings()
    encoder = create_encoder(settings.index.encoder, settings.index.encoder_path)
    with build_lock(settings.index_dir):
        store = ensure_corpus(settings, progress=False)
        documents = {d.doc_id: d for d in store.documents()}
        done = compact_caches(
            settings.index_dir, store.passages(), documents, encoder, ChineseTokenizer(), keep_all
        )
    console.print(
        f"向量缓存：保留 {done.vectors_kept} 条，删去 {done.vectors_dropped} 条；"
        f"分词缓存：保留 {done.token_lists_kept} 条，删去 {done.token_lists_dropped} 条"
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
