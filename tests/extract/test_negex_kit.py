"""The assertion layer on the public NegEx/ConText kit: a regression floor, not a tuning target."""

import pytest

from notes_audit.evaluate.metrics import prf
from notes_audit.evaluate.negex import DEFAULT_KIT, read_kit, score_kit


@pytest.mark.skipif(not DEFAULT_KIT.is_file(), reason="../shared/data not present")
@pytest.mark.parametrize("axis, floor", [("negated", 0.95), ("historical", 0.70), ("hypothetical", 0.45)])
def test_kit_f1_floor(axis, floor):
    score = _score()
    assert prf(score.tp[axis], score.fp[axis], score.fn[axis])[2] >= floor


@pytest.mark.skipif(not DEFAULT_KIT.is_file(), reason="../shared/data not present")
def test_kit_is_read_whole():
    rows = read_kit(DEFAULT_KIT)
    assert len(rows) == 2376
    assert sum("negated" in r.labels for r in rows) == 491


_cache = {}


def _score():
    if "s" not in _cache:
        _cache["s"] = score_kit()
    return _cache["s"]


@pytest.mark.parametrize("text, concept, axis_historical, spec_status", [
    # a past-history list dates the condition (ConText temporality) but it stays current for the audit
    ("PAST MEDICAL HISTORY: pernicious anemia, hypertension.", "pernicious anemia", True, "affirmed"),
    ("72 yo with past medical history of pernicious anemia here for follow up.", "pernicious anemia", True, "affirmed"),
    ("Pernicious anemia, on monthly injections.", "pernicious anemia", False, "affirmed"),
])
def test_temporality_axis_is_separate_from_the_spec_status(text, concept, axis_historical, spec_status):
    from notes_audit.extract import Extractor
    from notes_audit.evaluate.negex import KitRow, predict
    got = predict(KitRow("1", concept, text, frozenset()))
    assert ("historical" in got) == axis_historical
    assert {d.status for d in Extractor().extract_text(text).diagnoses if d.concept == "pernicious_anemia"} == {spec_status}
