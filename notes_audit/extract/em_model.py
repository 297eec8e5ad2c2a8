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
from itertools import compress

import numpy as np

# scikit-learn's default token_pattern is (?u)\b\w\w+\b. Without the \b it finds the same tokens, faster:
# the scan reaches every run of word characters at its start, and \w+ is greedy.
_TOKEN = re.compile(r"(?u)\w\w+")
ARTIFACT = "em_model.json"


class EmClassifier:
    def __init__(self, vocabulary: dict[str, int], idf: list[float], coef: list[float], intercept: float,
                 threshold: float = 0.5) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.coef = coef
        self.intercept = intercept
        self.threshold = threshold
        # A note's known n-grams are weighed as arrays (indexed through the vocabulary, in C), not one by one.
        self._idf = np.asarray(idf, dtype=float)
        self._coef = np.asarray(coef, dtype=float)
        # A bigram can be known only if its first word starts a known bigram: only those pairs are joined.
        self._bigram_starts = frozenset(g.split(" ", 1)[0] for g in vocabulary if " " in g)

    def probability(self, text: str) -> float:
        tokens = _TOKEN.findall(text.lower())
        known = self.vocabulary
        # Only n-grams the model knows carry weight: count just those (filtering runs in C).
        grams = Counter(filter(known.__contains__, tokens))
        pairs = compress(zip(tokens, tokens[1:]), map(self._bigram_starts.__contains__, tokens))
        grams.update(filter(known.__contains__, map(" ".join, pairs)))
        n = len(grams)
        z = self.intercept
        if n:
            idx = np.fromiter(map(known.__getitem__, grams), dtype=np.intp, count=n)
            counts = np.fromiter(grams.values(), dtype=float, count=n)
            weights = (1.0 + np.log(counts)) * self._idf[idx]  # sublinear tf x idf
            norm = math.sqrt(float(weights @ weights)) or 1.0
            z += float(self._coef[idx] @ weights) / norm  # coefficients . l2-normalised weights
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
