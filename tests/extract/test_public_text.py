"""Public text nobody here wrote (../shared/data): nothing crashes, nothing is invented."""

import csv
from pathlib import Path

import pytest

from notes_audit.evidence import vocab

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
MTSAMPLES = SHARED / "mtsamples" / "mtsamples_subset.csv"


@pytest.mark.skipif(not MTSAMPLES.is_file(), reason="../shared/data not present")
def test_mtsamples_no_b12_given_and_spans_hold(extractor):
    csv.field_size_limit(10**8)
    with MTSAMPLES.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 377
    for row in rows:
        text = row["text"]
        ev = extractor.extract_text(text)
        assert not [a for a in ev.administrations if a.status == "given"], row["note_id"]
        for item in [*ev.labs, *ev.diagnoses, *ev.administrations, *ev.supervision]:
            assert text[item.span[0]:item.span[1]] == item.text
        assert all(d.concept in vocab.CONCEPTS and d.status in vocab.STATUSES for d in ev.diagnoses)


@pytest.mark.parametrize("text", [
    "", "   \n\t ", "µg “quoted” – dash", "\x00\x01\x02 B12 \x07", "B12 B12 " * 2000,
    "Cyanocobalamin 1000 µg IM given\x00 L deltoid", "\u202e\ufeffB12 182 pg/mL",
])
def test_odd_text_is_extracted_without_error(extractor, text):
    ev = extractor.extract_text(text)
    for item in [*ev.labs, *ev.diagnoses, *ev.administrations, *ev.supervision]:
        assert 0 <= item.span[0] <= item.span[1] <= len(text)


def test_five_megabyte_note(extractor):
    chunk = "Patient seen for follow-up. Vitals stable. Continue current plan.\n"
    text = chunk * (5_000_000 // len(chunk))
    ev = extractor.extract_text(text)
    assert ev.administrations == []
