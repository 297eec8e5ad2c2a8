"""The shipped E/M model (JSON) must reproduce the scikit-learn pipeline it was exported from."""

import pytest

from notes_audit.evaluate.em_choice import CORPUS, fit, to_classifier
from notes_audit.evaluate.extraction import load_gold_corpus
from notes_audit.extract.em_model import default_classifier


@pytest.fixture(scope="module")
def fitted():
    return fit(CORPUS / "dev")


def test_json_model_matches_sklearn(fitted):
    mine = to_classifier(fitted)
    texts = [t for _, t, _ in load_gold_corpus(CORPUS / "dev")][:40] + ["", "B12 given.", "µg “x” –"]
    expected = fitted.predict_proba(texts)[:, 1]
    assert [round(mine.probability(t), 6) for t in texts] == [round(float(p), 6) for p in expected]


def test_shipped_model_is_the_dev_fit(fitted):
    shipped = default_classifier()
    assert shipped is not None
    assert shipped.vocabulary == to_classifier(fitted).vocabulary
