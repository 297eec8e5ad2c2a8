"""The separate-E/M classifier: TF-IDF (word 1-2 grams) + logistic regression, trained on the `dev`
split by `python -m notes_audit.evaluate.em_choice --export` (model card: models/README.md).

The fitted model ships as plain JSON (vocabulary, idf, coefficients) and is applied here with a few
lines of Python — no pickle to trust, no scikit-learn import on the extraction hot path — reproducing
`TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)` followed by `LogisticRegression`.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from importlib import resources

_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
ARTIFACT = "em_model.json"


class EmClassifier:
    def __init__(self, vocabulary: dict[str, int], idf: list[float], coef: list[float], intercept: float,
                 threshold: float = 0.5) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.coef = coef
        self.intercept = intercept
        self.threshold = threshold

    def probability(self, text: str) -> float:
        tokens = _TOKEN.findall(text.lower())
        grams = Counter(tokens)
        grams.update(map(" ".join, zip(tokens, tokens[1:])))
        vocabulary, idf, coef = self.vocabulary, self.idf, self.coef
        # Only n-grams the model knows carry weight: intersect first (a set operation in C).
        weights = [((1.0 + math.log(grams[g])) * idf[vocabulary[g]], vocabulary[g])
                   for g in grams.keys() & vocabulary.keys()]
        norm = math.sqrt(sum(w * w for w, _ in weights)) or 1.0
        z = self.intercept + sum(coef[j] * w for w, j in weights) / norm
        return 1.0 / (1.0 + math.exp(-z))

    def predict(self, text: str) -> bool:
        return self.probability(text) >= self.threshold

    def to_json(self) -> dict:
        return {"vocabulary": self.vocabulary, "idf": self.idf, "coef": self.coef, "intercept": self.intercept,
                "threshold": self.threshold}


@lru_cache(maxsize=1)
def default_classifier() -> EmClassifier | None:
    """The shipped model, or None when the package was built without it (rules then decide alone)."""
    try:
        with resources.files("notes_audit.extract.resources").joinpath(ARTIFACT).open("r", encoding="utf-8") as fh:
            d = json.load(fh)
    except FileNotFoundError:
        return None
    return EmClassifier(d["vocabulary"], d["idf"], d["coef"], d["intercept"], d.get("threshold", 0.5))
