"""Rules or a learned model for the separate-E/M decision? Measured on held-out notes (models/README.md).

Trains a scikit-learn baseline (TF-IDF word 1-2 grams + logistic regression) on the `dev` split's
gold E/M labels and scores it and the rule-based `assess_em` on the `test` split, same metric
(F1 of `separately_identifiable`). Run: python -m notes_audit.evaluate.em_choice
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from notes_audit.evaluate.extraction import load_gold_corpus
from notes_audit.evaluate.metrics import prf
from notes_audit.extract import Extractor
from notes_audit.extract.em_model import ARTIFACT, EmClassifier
from notes_audit.write.atomic import atomic_writer

CORPUS = Path(__file__).resolve().parents[2] / "corpora" / "extraction"
ARTIFACT_PATH = Path(__file__).resolve().parents[1] / "extract" / "resources" / ARTIFACT


def _labels(items) -> list[bool]:
    return [bool((g.get("em") or {}).get("separately_identifiable")) for _, _, g in items]


def _f1(gold: list[bool], pred: list[bool]) -> float:
    tp = sum(g and p for g, p in zip(gold, pred))
    fp = sum(p and not g for g, p in zip(gold, pred))
    fn = sum(g and not p for g, p in zip(gold, pred))
    return prf(tp, fp, fn)[2]


def fit(train: Path = CORPUS / "dev", seed: int = 0):
    """The scikit-learn pipeline fitted on a gold corpus's E/M labels."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    items = load_gold_corpus(train)
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                          LogisticRegression(max_iter=2000, class_weight="balanced", random_state=seed))
    model.fit([t for _, t, _ in items], _labels(items))
    return model


def to_classifier(model) -> EmClassifier:
    tfidf, logreg = model[0], model[-1]
    return EmClassifier({k: int(v) for k, v in sorted(tfidf.vocabulary_.items())},
                        [float(x) for x in tfidf.idf_], [float(x) for x in logreg.coef_[0]],
                        float(logreg.intercept_[0]))


def export(path: Path = ARTIFACT_PATH, train: Path = CORPUS / "dev") -> Path:
    with atomic_writer(path) as fh:
        json.dump(to_classifier(fit(train)).to_json(), fh, sort_keys=True)
    return path


def compare(train: Path = CORPUS / "dev", test: Path = CORPUS / "test", seed: int = 0) -> dict[str, float]:
    """Held-out F1 and accuracy of the rules alone and of the learned model (with the rules' non-visit
    override, as the pipeline uses it)."""
    from notes_audit.extract.em import is_non_visit

    train_items, test_items = load_gold_corpus(train), load_gold_corpus(test)
    model = fit(train, seed)
    gold = _labels(test_items)
    learned = [bool(x) and not is_non_visit(t.lower()) for x, (_, t, _) in
               zip(model.predict([t for _, t, _ in test_items]), test_items)]
    extractor = Extractor()
    extractor.nlp.get_pipe("notes_audit_evidence").em_classifier = None  # the rules alone
    rules = [extractor.extract_text(t).em.separately_identifiable for _, t, _ in test_items]
    return {"train_notes": len(train_items), "test_notes": len(test_items),
            "rules_f1": round(_f1(gold, rules), 3), "tfidf_logreg_f1": round(_f1(gold, learned), 3),
            "rules_accuracy": round(sum(g == p for g, p in zip(gold, rules)) / len(gold), 3),
            "tfidf_logreg_accuracy": round(sum(g == p for g, p in zip(gold, learned)) / len(gold), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--export", action="store_true", help=f"fit on dev and write {ARTIFACT_PATH}")
    if parser.parse_args().export:
        print(export())
        return
    for k, v in compare().items():
        print(f"{k:<24}{v}")


if __name__ == "__main__":
    main()
