"""The obvious alternative to compare against: plain LangChain + FAISS with the same embedding model."""

from __future__ import annotations

from pathlib import Path

from langchain_community.vectorstores import FAISS
from langchain_core.embeddings import Embeddings

from corpus import Passage
from indexes import Encoder
from indexes.embedding_cache import cached_embed, read_cache, write_cache


class EncoderEmbeddings(Embeddings):
    """Our encoder behind LangChain's Embeddings interface."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encoder.encode_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encoder.encode_queries([text])[0].tolist()


class LangChainFaissBaseline:
    """Passages embedded as plain text (no section context), searched with FAISS similarity."""

    name = "langchain_faiss"

    def __init__(self, passages: list[Passage], encoder: Encoder, cache_file: Path | None = None) -> None:
        """`cache_file` keeps the passage vectors (keyed by encoder and text) so a restarted service need
        not embed the corpus again for the baseline; without it every build embeds."""
        texts = [p.text for p in passages]
        metadatas = [{"passage_id": p.passage_id} for p in passages]
        embeddings = EncoderEmbeddings(encoder)
        if cache_file is None:
            self.store = FAISS.from_texts(texts, embeddings, metadatas=metadatas)
            return
        embedded = cached_embed(encoder, texts, read_cache(cache_file, encoder), progress=False)
        if embedded.encoded:
            write_cache(cache_file, embedded.entries, encoder)
        pairs = [(text, vector.tolist()) for text, vector in zip(texts, embedded.vectors, strict=True)]
        self.store = FAISS.from_embeddings(pairs, embeddings, metadatas=metadatas)

    def search(self, query: str, k: int = 10) -> list[str]:
        return [doc.page_content for doc in self.store.similarity_search(query, k=k)]
