"""Question wording: how likely a question phrased this way is one the policy documents answer at all.

Policy documents state duties, measures and deadlines; they do not hold statistics of past years, fees of a
service, scores of a rating scheme or how a search engine behaves. People ask for such details in recognisable
ways, so a character n-gram logistic model over our own labelled questions (and the `tune` half) gives a
prior that the evidence features alone cannot: "the documents discuss this topic, but not this detail".
It is one feature of the answerability model, never a reason to refuse by itself.

Places are masked (深圳 → 某地) before the n-grams are taken: which places the corpus covers is the corpus's
business (a question naming a place no document covers is refused on that ground alone), so a question about
深圳 labelled unanswerable while no 深圳 document was loaded must not teach the model that 深圳 is unanswerable.

The fitted weights are stored as plain numbers; `probability` repeats scikit-learn's char n-gram TF-IDF
transform (sublinear tf, idf, l2 norm) so serving needs no pickled estimator (tests compare the two).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.places import find_places

NGRAMS = (1, 3)
MIN_DF = 2
FOLDS = 5
_SPACES = re.compile(r"\s\s+")


PLACE_MASK = "某地"


def masked(question: str) -> str:
    """The question with every place it names replaced by 某地."""
    for mention in sorted(find_places(question), key=lambda m: -m.start):
        question = question[: mention.start] + PLACE_MASK + question[mention.end :]
    return question


def char_ngrams(text: str, low: int = NGRAMS[0], high: int = NGRAMS[1]) -> list[str]:
    """scikit-learn's `analyzer="char"`: lower case, runs of white space folded, every n-gram."""
    text = _SPACES.sub(" ", text.lower())
    return [text[i : i + n] for n in range(low, high + 1) for i in range(len(text) - n + 1)]


@dataclass(frozen=True, slots=True)
class WordingModel:
    vocabulary: dict[str, int]
    idf: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def probability(self, question: str) -> float:
        counts = Counter(g for g in char_ngrams(masked(question)) if g in self.vocabulary)
        weights = {self.vocabulary[g]: (1.0 + math.log(c)) * self.idf[self.vocabulary[g]] for g, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        z = self.intercept + sum(self.coef[i] * w / norm for i, w in weights.items())
        return 1.0 / (1.0 + math.exp(-z))

    def to_dict(self) -> dict:
        return {
            "vocabulary": self.vocabulary,
            "idf": list(self.idf),
            "coef": list(self.coef),
            "intercept": self.intercept,
        }

    @classmethod
    def from_dict(cls, data: dict) -> WordingModel:
        return cls(dict(data["vocabulary"]), tuple(data["idf"]), tuple(data["coef"]), float(data["intercept"]))


def fit_wording(questions: Sequence[str], answerable: Sequence[bool], c: float = 1.0) -> tuple[WordingModel, list[float]]:
    """The model fitted on all questions, and each question's probability from a model that did not see it
    (k-fold), so the answerability model is fitted on honest values of this feature."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    labels = [int(a) for a in answerable]
    questions = [masked(q) for q in questions]

    def pipeline():  # type: ignore[no-untyped-def]
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, sublinear_tf=True, min_df=MIN_DF)
        return make_pipeline(vectorizer, LogisticRegression(C=c, class_weight="balanced", max_iter=2000))

    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    held_out = cross_val_predict(pipeline(), list(questions), labels, cv=folds, method="predict_proba")[:, 1]
    fitted = pipeline().fit(list(questions), labels)
    vectorizer, classifier = fitted.steps[0][1], fitted.steps[1][1]
    model = WordingModel(
        {str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
        tuple(float(x) for x in vectorizer.idf_),
        tuple(float(x) for x in classifier.coef_[0]),
        float(classifier.intercept_[0]),
    )
    return model, [float(p) for p in held_out]
