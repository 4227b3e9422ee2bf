"""Chinese tokenisation for BM25: a dedicated jieba instance with the domain dictionary."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from functools import cached_property
from importlib import resources
from pathlib import Path

import jieba
from jieba import posseg

from corpus.normalize import fold

jieba.setLogLevel(logging.WARNING)
_TOKEN = re.compile(r"[\w\u3400-\u9fff%+.]+")

# Bump whenever tokenize() yields other tokens for the same text and data files (its code, `_TOKEN`, or
# corpus.normalize.fold, which it applies first): it is part of `identity`, which keys the token cache.
TOKENIZER_VERSION = "1"

# Identifiers kept whole as extra tokens (besides jieba's parts), matched on folded text. Bump the
# version whenever the list changes: it is part of the dictionary hash, so indexes get rebuilt.
IDENTIFIER_VERSION = "1"
_OPEN, _CLOSE = "[\\[［(（【〔〖]", "[\\]］)）】〕〗]"
IDENTIFIER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 文号: 国发〔2016〕33号 (folded: 国发[2016]33号); the issuer is whatever CJK run precedes the year.
    ("doc_number", re.compile(rf"([\u4e00-\u9fff]{{1,10}}){_OPEN}((?:19|20)\d{{2}}){_CLOSE}0*(\d{{1,5}})号")),
    # 18-character 统一社会信用代码 (lower case after folding).
    (
        "credit_code",
        re.compile(r"(?<![0-9a-z])[0-9a-hj-npqrtuwxy]{2}[0-9]{6}[0-9a-hj-npqrtuwxy]{10}(?![0-9a-z])"),
    ),
    # 第X条 / 第X项 / 第X款 numbering.
    ("article", re.compile(r"第[一二三四五六七八九十百千零〇两\d]{1,6}[条项款]")),
)


def identifier_tokens(folded: str) -> list[str]:
    """Whole identifiers in folded text, in text order. A 文号 is written canonically (`国发[2016]33号`)
    and also with each shorter issuer suffix of two or more characters, since the CJK run before the
    year may hold preceding words (`根据韶府办[2020]6号` also yields `韶府办[2020]6号`)."""
    found: list[tuple[int, str]] = []
    for kind, pattern in IDENTIFIER_PATTERNS:
        for match in pattern.finditer(folded):
            if kind != "doc_number":
                found.append((match.start(), match.group(0)))
                continue
            issuer, year, number = match.groups()
            for cut in range(max(len(issuer) - 1, 1)):
                found.append((match.start() + cut, f"{issuer[cut:]}[{year}]{number}号"))
    return [token for _, token in sorted(found, key=lambda pair: pair[0])]


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
        digest.update(IDENTIFIER_VERSION.encode())
        for kind, pattern in IDENTIFIER_PATTERNS:
            digest.update(f"{kind}\x00{pattern.pattern}\x01".encode())
        return digest.hexdigest()[:16]

    @property
    def identity(self) -> str:
        """Everything besides the text that decides tokenize()'s output: the code version, jieba's version
        (its own dictionary ships with it), the Unicode data behind NFKC folding, the token pattern and
        the data files (`dictionary_hash`). Cached token lists are reused only under the same identity."""
        return "\x00".join(
            (
                TOKENIZER_VERSION,
                jieba.__version__,
                unicodedata.unidata_version,
                _TOKEN.pattern,
                self.dictionary_hash,
            )
        )

    def segment(self, text: str) -> list[str]:
        """Plain (accurate-mode) segmentation, for inspection and tests."""
        return [t for t in self._jieba.lcut(fold(text)) if _TOKEN.fullmatch(t)]

    def tokenize(self, text: str) -> list[str]:
        """Search-mode tokens for recall: long words and their sub-words, plus whole identifiers
        (文号, 统一社会信用代码, 第X条) that jieba did not already yield as one token."""
        folded = fold(text)
        tokens = [
            t for t in self._jieba.lcut_for_search(folded) if _TOKEN.fullmatch(t) and t not in self.stopwords
        ]
        seen = set(tokens)
        return tokens + [t for t in identifier_tokens(folded) if t not in seen]

    def synonym_terms(self, text: str) -> list[str]:
        """The corpus terms that domain synonyms map the text's words to (市场监管 → 市场监督管理)."""
        folded = fold(text)
        return [term for word, terms in self.synonyms.items() if word in folded for term in terms]

    def expand_query(self, text: str) -> list[str]:
        """Query tokens plus the corpus terms that domain synonyms map question words to."""
        return self.tokenize(text) + [t for term in self.synonym_terms(text) for t in self.tokenize(term)]

    def content_nouns(self, text: str) -> list[str]:
        """Nouns (n*, vn) of two or more characters, by jieba's part-of-speech tagger on our dictionary."""
        return [
            w.word
            for w in self._tagger.lcut(fold(text))
            if len(w.word) >= 2 and (w.flag.startswith("n") or w.flag == "vn")
        ]
