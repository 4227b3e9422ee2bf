"""The learned router: logistic regression over character n-grams and the sentence embedding.

Trained from `assistant/data/route_train.jsonl` (written for this project, never the dev sets). Subject
mentions are masked before any feature is taken, so the model learns how people ask, not which
companies exist. The fitted model records the hash of its training data and its training accuracy;
every prediction can say which n-grams and which nearest training example decided it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from assistant.catalogue import DATA_DIR
from assistant.subjects import detect_subjects, mask_mentions
from indexes import Encoder

TRAINING_FILE = DATA_DIR / "route_train.jsonl"
LABELS = ("policy_qa", "subject_status", "repair_steps", "applicable_measures", "out_of_scope")
SUBJECT_ROUTES = ("subject_status", "repair_steps", "applicable_measures")
MASK_CHAR = "Ⓢ"  # the subject, as the n-gram features see it
MASK_WORDS = "某企业"  # the subject, as the sentence encoder reads it
EMBEDDING_WEIGHT = 1.0
REGULARISATION_C = 8.0


@dataclass(frozen=True, slots=True)
class TrainingExample:
    question: str
    route: str
    masked: str


@dataclass(frozen=True, slots=True)
class RoutePrediction:
    route: str
    probabilities: dict[str, float]
    reasons: tuple[str, ...]


def mask_example(question: str, subject: str | None) -> str:
    """Mask the labelled subject and any code or enterprise phrase the detector finds."""
    mentions = detect_subjects(question)
    masked = mask_mentions(question, mentions, MASK_CHAR)
    if subject and subject in masked:
        masked = masked.replace(subject, MASK_CHAR)
    return masked


def load_training(path: Path = TRAINING_FILE) -> list[TrainingExample]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [
        TrainingExample(r["question"], r["route"], mask_example(r["question"], r.get("subject")))
        for r in rows
    ]


def data_hash(path: Path = TRAINING_FILE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def for_encoder(masked: str) -> str:
    return masked.replace(MASK_CHAR, MASK_WORDS)


class RouteModel:
    """Fit once per process (about a second) on cached training-sentence vectors."""

    def __init__(self, encoder: Encoder, cache_dir: Path | None = None, path: Path = TRAINING_FILE) -> None:
        self.encoder = encoder
        self.examples = load_training(path)
        self.data_hash = data_hash(path)
        self.vectors = self._training_vectors(cache_dir)
        self.ngrams = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
        features = self._features(self.ngrams.fit_transform([e.masked for e in self.examples]), self.vectors)
        # Once: sklearn builds this array from the vocabulary dict in Python on every call (≈ 10 ms holding the
        # GIL), which per question made the serving loop wait behind the answering threads.
        self.feature_names = self.ngrams.get_feature_names_out()
        self.model = LogisticRegression(C=REGULARISATION_C, max_iter=2000, class_weight="balanced")
        self.model.fit(features, [e.route for e in self.examples])
        self.training_accuracy = float(self.model.score(features, [e.route for e in self.examples]))

    def _training_vectors(self, cache_dir: Path | None) -> np.ndarray:
        key = f"route-vectors-{self.data_hash}-{hashlib.sha1(self.encoder.name.encode()).hexdigest()[:8]}-{self.encoder.version}.npy"
        cached = cache_dir / key if cache_dir else None
        if cached is not None and cached.exists():
            vectors = np.load(cached)
            if vectors.shape[0] == len(self.examples):
                return vectors
        vectors = self.encoder.encode_queries([for_encoder(e.masked) for e in self.examples])
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            np.save(cached, vectors)
        return np.asarray(vectors, dtype="float32")

    @staticmethod
    def _features(ngrams: sparse.spmatrix, vectors: np.ndarray) -> sparse.csr_matrix:
        return sparse.hstack([ngrams, sparse.csr_matrix(vectors * EMBEDDING_WEIGHT)]).tocsr()

    def predict(self, masked: str, vector: np.ndarray | None = None) -> RoutePrediction:
        """Route probabilities for a masked question; `vector` is its query embedding when known."""
        if vector is None:
            vector = self.encoder.encode_queries([for_encoder(masked)])[0]
        ngrams = self.ngrams.transform([masked])
        features = self._features(ngrams, np.asarray(vector, dtype="float32")[None, :])
        probs = self.model.predict_proba(features)[0]
        classes = [str(c) for c in self.model.classes_]
        best = classes[int(np.argmax(probs))]
        reasons = (*self._top_ngrams(ngrams, best), self._nearest(vector))
        return RoutePrediction(best, dict(zip(classes, map(float, probs), strict=True)), reasons)

    def _top_ngrams(self, ngrams: sparse.spmatrix, route: str, limit: int = 4) -> tuple[str, ...]:
        row = sparse.csr_matrix(ngrams)
        weights = self.model.coef_[list(self.model.classes_).index(route)]
        contributions = [(row.data[k] * weights[j], j) for k, j in enumerate(row.indices)]
        names = self.feature_names
        top = [
            names[j]
            for c, j in sorted(contributions, reverse=True)[: limit * 3]
            if c > 0 and len(names[j]) > 1
        ]
        return (f"决定性字词：{'、'.join(top[:limit])}",) if top else ()

    def _nearest(self, vector: np.ndarray) -> str:
        sims = self.vectors @ np.asarray(vector, dtype="float32")
        i = int(np.argmax(sims))
        example = self.examples[i]
        return f"最相近的训练样例（{example.route}，相似度 {sims[i]:.2f}）：{example.question}"

    def evaluate(self, rows: Sequence[tuple[str, str]]) -> float:
        """Accuracy on (masked question, route) pairs."""
        hits = [self.predict(masked).route == route for masked, route in rows]
        return sum(hits) / len(hits) if hits else 0.0
