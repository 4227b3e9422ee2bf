"""Load the corpus and the index once, building whatever is missing (used by CLI, API and evals)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

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
from indexes import ChineseTokenizer, Encoder, HybridRetriever, create_encoder, open_index


@dataclass
class PolicyCorpus:
    """Everything the policy side needs: documents, passages, raw texts and the retriever."""

    store: CorpusStore
    documents: dict[str, DocumentMeta]
    passages: list[Passage]
    retriever: HybridRetriever

    def raw_text(self, doc_id: str) -> str:
        return self.store.text(doc_id)

    @cached_property
    def section_trees(self) -> dict[str, tuple[SectionNode, ...]]:
        """Each document's section tree, parsed once from its raw text."""
        return {
            doc_id: section_tree(parse_document(doc_id, self.raw_text(doc_id)).clauses)
            for doc_id in self.documents
        }


def ensure_corpus(settings: Settings, progress: bool = True) -> CorpusStore:
    store = CorpusStore(settings.corpus_dir)
    # Configured paths win; otherwise what `credit-assistant ingest` was last pointed at; else the bundled corpus.
    sources = settings.corpus.paths or ingested_roots(store) or [bundled_corpus_dir()]
    ingest(list(sources), store, progress=progress)
    return store


def load_policy_corpus(
    settings: Settings,
    encoder: Encoder | None = None,
    rebuild: bool = True,
    progress: bool = True,
    read_only: bool = False,
) -> PolicyCorpus:
    """Read-only: use what was ingested and indexed (a stale index raises StaleIndexError, never a rebuild)."""
    store = CorpusStore(settings.corpus_dir) if read_only else ensure_corpus(settings, progress)
    rebuild = rebuild and not read_only
    documents = {d.doc_id: d for d in store.documents()}
    passages = store.passages()
    encoder = encoder or create_encoder(settings.index.encoder, settings.index.encoder_path)
    retriever = open_index(
        settings.index_dir,
        passages,
        documents,
        encoder,
        ChineseTokenizer(),
        rebuild=rebuild,
        progress=progress,
        candidates=settings.retrieval.candidates,
        rrf_k=settings.retrieval.rrf_k,
        dense_weight=settings.retrieval.dense_weight,
    )
    return PolicyCorpus(store, documents, passages, retriever)
