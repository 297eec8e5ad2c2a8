"""Rules or a learned model for the separate-E/M decision? Measured on held-out notes (models/README.md).

Trains a scikit-learn baseline (TF-IDF word 1-2 grams + logistic regression) on the `dev` split's
gold E/M labels and scores it and the rule-based `assess_em` on the `test` split, same metric
(F1 of `separately_identifiable`). Run: python -m notes_audit.evaluate.em_choice
"""

from __future__ import annotations

import argparse
from pathlib import Path

from notes_audit.evaluate.extraction import load_gold_corpus
from notes_audit.evaluate.metrics import prf
from notes_audit.extract import Extractor

CORPUS = Path(__file__).resolve().parents[2] / "corpora" / "extraction"


def _labels(items) -> list[bool]:
    return [bool((g.get("em") or {}).get("separately_identifiable")) for _, _, g in items]


def _f1(gold: list[bool], pred: list[bool]) -> float:
    tp = sum(g and p for g, p in zip(gold, pred))
    fp = sum(p and not g for g, p in zip(gold, pred))
    fn = sum(g and not p for g, p in zip(gold, pred))
    return prf(tp, fp, fn)[2]


def compare(train: Path = CORPUS / "dev", test: Path = CORPUS / "test", seed: int = 0) -> dict[str, float]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    train_items, test_items = load_gold_corpus(train), load_gold_corpus(test)
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                          LogisticRegression(max_iter=2000, class_weight="balanced", random_state=seed))
    model.fit([t for _, t, _ in train_items], _labels(train_items))
    gold = _labels(test_items)
    learned = [bool(x) for x in model.predict([t for _, t, _ in test_items])]
    extractor = Extractor()
    rules = [extractor.extract_text(t).em.separately_identifiable for _, t, _ in test_items]
    return {"train_notes": len(train_items), "test_notes": len(test_items),
            "rules_f1": round(_f1(gold, rules), 3), "tfidf_logreg_f1": round(_f1(gold, learned), 3),
            "rules_accuracy": round(sum(g == p for g, p in zip(gold, rules)) / len(gold), 3),
            "tfidf_logreg_accuracy": round(sum(g == p for g, p in zip(gold, learned)) / len(gold), 3)}


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    for k, v in compare().items():
        print(f"{k:<24}{v}")


if __name__ == "__main__":
    main()
