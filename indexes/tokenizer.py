"""Chinese tokenisation for BM25: a dedicated jieba instance with the domain dictionary."""

from __future__ import annotations

import hashlib
import logging
import re
from functools import cached_property
from importlib import resources
from pathlib import Path

import jieba
from jieba import posseg

from corpus.normalize import fold

jieba.setLogLevel(logging.WARNING)
_TOKEN = re.compile(r"[\w\u3400-\u9fff%+.]+")


def _data_path(name: str) -> Path:
    return Path(str(resources.files("indexes").joinpath(f"data/{name}")))


class ChineseTokenizer:
    """jieba search-mode tokens over folded text, domain terms kept whole, stop words dropped."""

    def __init__(
        self, dictionary: Path | None = None, stopwords: Path | None = None, synonyms: Path | None = None
    ) -> None:
        self.dictionary_path = dictionary or _data_path("domain_dict.txt")
        self.stopwords_path = stopwords or _data_path("stopwords.txt")
        self.synonyms_path = synonyms or _data_path("synonyms.txt")
        self.stopwords = frozenset(self.stopwords_path.read_text("utf-8").split())
        self.synonyms: dict[str, tuple[str, ...]] = {}
        for line in self.synonyms_path.read_text("utf-8").splitlines():
            words = line.split()
            if len(words) >= 2 and not line.startswith("#"):
                self.synonyms[words[0]] = tuple(words[1:])

    @cached_property
    def _jieba(self) -> jieba.Tokenizer:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        tokenizer.load_userdict(str(self.dictionary_path))
        # Domain terms with internal punctuation are matched after folding, so add folded forms too.
        for line in self.dictionary_path.read_text("utf-8").splitlines():
            if line.strip():
                tokenizer.add_word(fold(line.split()[0]), freq=20)
        return tokenizer

    @cached_property
    def _tagger(self) -> posseg.POSTokenizer:
        return posseg.POSTokenizer(self._jieba)

    @property
    def dictionary_hash(self) -> str:
        digest = hashlib.sha256(self.dictionary_path.read_bytes() + self.stopwords_path.read_bytes())
        digest.update(self.synonyms_path.read_bytes())
        return digest.hexdigest()[:16]

    def segment(self, text: str) -> list[str]:
        """Plain (accurate-mode) segmentation, for inspection and tests."""
        return [t for t in self._jieba.lcut(fold(text)) if _TOKEN.fullmatch(t)]

    def tokenize(self, text: str) -> list[str]:
        """Search-mode tokens for recall: long words and their sub-words."""
        tokens = self._jieba.lcut_for_search(fold(text))
        return [t for t in tokens if _TOKEN.fullmatch(t) and t not in self.stopwords]

    def expand_query(self, text: str) -> list[str]:
        """Query tokens plus the corpus terms that domain synonyms map question words to."""
        tokens = self.tokenize(text)
        folded = fold(text)
        extra = [term for word, terms in self.synonyms.items() if word in folded for term in terms]
        return tokens + [t for term in extra for t in self.tokenize(term)]

    def content_nouns(self, text: str) -> list[str]:
        """Nouns (n*, vn) of two or more characters, by jieba's part-of-speech tagger on our dictionary."""
        return [
            w.word
            for w in self._tagger.lcut(fold(text))
            if len(w.word) >= 2 and (w.flag.startswith("n") or w.flag == "vn")
        ]
