"""The anchored target matcher must find exactly what a full scan with every rule finds."""

import csv
from pathlib import Path

import pytest

from notes_audit.extract.targets import TargetFinder, default_finder

ROOT = Path(__file__).resolve().parents[2]
MTSAMPLES = ROOT.parent / "shared" / "data" / "mtsamples" / "mtsamples_subset.csv"


def _texts():
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("corpora/extraction/*/notes/*.txt"))]
    if MTSAMPLES.is_file():
        csv.field_size_limit(10**8)
        with MTSAMPLES.open(newline="", encoding="utf-8") as fh:
            texts += [r["text"] for r in csv.DictReader(fh)]
    return texts


def test_anchors_lose_nothing():
    anchored = default_finder()
    full = TargetFinder(anchored.rules, use_anchors=False)
    texts = _texts()
    assert len(texts) > 100
    differing = [i for i, t in enumerate(texts) if anchored.find(t) != full.find(t)]
    assert differing == []


def test_every_rule_has_anchors():
    assert all((r.metadata or {}).get("anchors") for r in default_finder().rules)


@pytest.mark.parametrize("text, category", [
    ("Vitamin B12 deficiency anemia", "DX:b12_deficiency_anemia"),
    ("s/p sleeve gastrectomy", "DX:bariatric_surgery_status"),
    ("s/p partial gastrectomy", "DX:gastrectomy_status"),
    ("cyanocobolamin 1000 mcg", "DRUG:cyanocobalamin"),
    ("Dx: PA", "DX:pernicious_anemia"),
    ("IF\nantibody positive", "LAB:intrinsic_factor_ab"),
    ("İstanbul trip; B12 deficiency", "DX:b12_deficiency"),  # lower() changes length: full-scan path
])
def test_first_target(text, category):
    targets = default_finder().find(text)
    assert category in [t.category for t in targets]
    for t in targets:
        assert 0 <= t.start < t.end <= len(text)
