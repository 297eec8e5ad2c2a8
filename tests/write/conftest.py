import datetime as dt

import pytest

from notes_audit.findings.model import EvidenceRef, Finding, LineResult
from notes_audit.read.records import ClaimLine

NOTE_TEXT = "Vitamin B12 182 pg/mL (L). Cyanocobalamin 2000 mcg IM left deltoid by J. Rivera RN. Ménière"


def make_results() -> list[LineResult]:
    """Three lines: one with two findings, one supported, one not applicable."""
    day = dt.date(2025, 3, 2)
    units_span, admin_span = (27, 75), (0, 25)
    return [
        LineResult(
            ClaimLine("c1", 2, "J3420", 2.0, "p1", day, modifiers=("59", "XU"), dx_codes=("D51.0",)),
            ["n1", "n2"], "not_supported",
            [Finding("UNITS_MISMATCH", "error", "2 units billed; 2000 mcg documented = 2 units",
                     "drug.units", "HCPCS J3420 descriptor",
                     [EvidenceRef("n1", units_span, NOTE_TEXT[slice(*units_span)]),
                      EvidenceRef("n2", admin_span, NOTE_TEXT[slice(*admin_span)])]),
             Finding("NO_DEFICIENCY_EVIDENCE", "error", "=no lab", "deficiency", "LCD L33502", [])]),
        LineResult(ClaimLine("c1", 1, "96372", 1.0, "p1", day), ["n1"], "supported"),
        LineResult(ClaimLine("c2", 1, "85025", 1.5, "p2", day), [], "not_applicable"),
    ]


@pytest.fixture
def results() -> list[LineResult]:
    return make_results()
