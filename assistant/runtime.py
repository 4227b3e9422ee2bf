"""Load the corpus and the index, building whatever is missing (used by CLI, API and evals).

The index root holds versions (indexes/versions.py); each version also holds a snapshot of the corpus it was
built from (`<version>/corpus`, hard links), so a process serving a version never reads another one's texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path

from assistant.corrections import Corrections, correct_store
from assistant.settings import Settings
from corpus import (
    CorpusStore,
    DocumentMeta,
    Passage,
    SectionNode,
    bundled_corpus_dir,
    ingest,
    ingested_roots,
    parse_document,
    section_tree,
)
from indexes import (
    ChineseTokenizer,
    Encoder,
    HybridRetriever,
    StaleIndexError,
    check_manifest,
    create_encoder,
    load_index,
)
from indexes.distributed import create_embedder
from indexes.embedders import Embedder, EncoderSpec
from indexes.parts import DocumentSource, sources_from_passages
from indexes.store import build_from_sources
from indexes.versions import build_lock, current_version, link_tree, version_dir

CORPUS_SNAPSHOT = "corpus"


@dataclass
class PolicyCorpus:
    """Everything the policy side needs: documents, passages, raw texts, the retriever and its index version."""

    store: CorpusStore
    documents: dict[str, DocumentMeta]
    passages: list[Passage]
    retriever: HybridRetriever
    version: str = ""

    def raw_text(self, doc_id: str) -> str:
        return self.store.text(doc_id)

    @cached_property
    def section_trees(self) -> dict[str, tuple[SectionNode, ...]]:
        """Each document's section tree, parsed once from its raw text."""
        return {
            doc_id: section_tree(parse_document(doc_id, self.raw_text(doc_id)).clauses)
            for doc_id in self.documents
        }


def corpus_sources(settings: Settings, store: CorpusStore) -> list[Path]:
    """The document library once documents were managed through the API; else configured paths; else what
    `credit-assistant ingest` was last pointed at; else the bundled corpus."""
    if settings.documents_dir.is_dir():
        return [settings.documents_dir]
    return list(settings.corpus.paths) or ingested_roots(store) or [bundled_corpus_dir()]


def ensure_corpus(settings: Settings, progress: bool = True) -> CorpusStore:
    """Ingest what changed, then apply the administrators' metadata corrections (kept across re-parses)."""
    store = CorpusStore(settings.corpus_dir)
    ingest(corpus_sources(settings, store), store, progress=progress)
    correct_store(store, Corrections(settings.corrections_path).read())
    return store


def embedder_of(settings: Settings, encoder: Encoder, progress: bool = True) -> Embedder:
    """The embedding engine the settings name (`index.engine`): this process, or a Dask/Ray cluster."""
    index = settings.index
    spec = EncoderSpec(index.encoder, index.encoder_path)
    return create_embedder(
        index.engine, encoder, spec, index.engine_address, index.engine_workers, index.batch_size, progress
    )


def publish_index(
    settings: Settings,
    store: CorpusStore,
    encoder: Encoder,
    tokenizer: ChineseTokenizer,
    progress: bool = True,
    embedder: Embedder | None = None,
) -> dict:
    """Build a new index version of `store` (with its corpus snapshot) and switch to it; the manifest.
    Texts the cache lacks are embedded by `embedder`, by default the engine of the settings. Only the
    documents the published version lacks are read from the store (`index_sources`)."""
    return build_from_sources(
        settings.index_dir,
        index_sources(store),
        encoder,
        tokenizer,
        embedder or embedder_of(settings, encoder, progress),
        snapshot=lambda target: link_tree(store.root, target / CORPUS_SNAPSHOT),
        flush_every=settings.index.flush_every,
    )


def index_sources(store: CorpusStore) -> list[DocumentSource]:
    """The store's documents for an index build, each keyed by its shard (read only if the build needs it);
    a store of the layout before has no shards: its passages are read and keyed by their digest."""
    entries = store.entries()
    if any(not entry.shard for entry in entries):
        return sources_from_passages(store.passages(), {e.meta.doc_id: e.meta for e in entries})
    return [
        DocumentSource(entry.meta, entry.shard, partial(store.document_passages, entry))
        for entry in entries
        if entry.passages
    ]


def current_index(
    settings: Settings, store: CorpusStore, encoder: Encoder, tokenizer: ChineseTokenizer
) -> str | None:
    """The published version, if it indexes exactly `store`'s passages and documents with this encoder and
    dictionary."""
    version = current_version(settings.index_dir)
    if version is None or not (version_dir(settings.index_dir, version) / CORPUS_SNAPSHOT).is_dir():
        return None
    try:
        check_manifest(version_dir(settings.index_dir, version), store.passages(), encoder, tokenizer)
    except StaleIndexError:
        return None
    # The snapshot must also hold the documents' current metadata (a re-parse may change only that).
    snapshot = CorpusStore(version_dir(settings.index_dir, version) / CORPUS_SNAPSHOT)
    return version if snapshot.documents() == store.documents() else None


def open_version(
    settings: Settings, version: str, encoder: Encoder, tokenizer: ChineseTokenizer
) -> PolicyCorpus:
    """Load one published version: its corpus snapshot and its indexes (read-only)."""
    folder = version_dir(settings.index_dir, version)
    store = CorpusStore(folder / CORPUS_SNAPSHOT)
    documents = {d.doc_id: d for d in store.documents()}
    passages = store.passages()
    retriever = load_index(
        folder,
        passages,
        documents,
        encoder,
        tokenizer,
        candidates=settings.retrieval.candidates,
        rrf_k=settings.retrieval.rrf_k,
        dense_weight=settings.retrieval.dense_weight,
    )
    return PolicyCorpus(store, documents, passages, retriever, version)


def load_policy_corpus(
    settings: Settings,
    encoder: Encoder | None = None,
    rebuild: bool = True,
    progress: bool = True,
    read_only: bool = False,
) -> PolicyCorpus:
    """Ingest what changed, make sure the published index matches it (building one if allowed), load it.
    Read-only (a serving worker): open the published version as it is, never ingest or build."""
    encoder = encoder or create_encoder(settings.index.encoder, settings.index.encoder_path)
    tokenizer = ChineseTokenizer()
    if read_only:
        version = current_version(settings.index_dir)
        if version is None:
            raise StaleIndexError(f"no published index under {settings.index_dir}")
        return open_version(settings, version, encoder, tokenizer)
    with build_lock(settings.index_dir):  # several workers starting together build once
        store = ensure_corpus(settings, progress)
        version = current_index(settings, store, encoder, tokenizer)
        if version is None:
            if not rebuild:
                raise StaleIndexError(f"no index of the current corpus under {settings.index_dir}")
            version = publish_index(settings, store, encoder, tokenizer, progress)["version"]
    return open_version(settings, version, encoder, tokenizer)
