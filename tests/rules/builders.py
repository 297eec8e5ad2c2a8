"""Small builders for evidence records and claim lines, so each test case reads as one row.

`supported_day()` is a visit that passes every check; a case changes one thing in it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from notes_audit.audit.engine import audit_lines
from notes_audit.evidence.model import (
    Administration,
    Diagnosis,
    EmEvidence,
    EvidenceSpan,
    Lab,
    NoteEvidence,
    Person,
    Supervision,
)
from notes_audit.evidence.vocab import CONCEPT_ICD10
from notes_audit.findings.model import LineResult
from notes_audit.read.records import ClaimLine, RosterEntry

DAY = "2025-03-02"
_offsets = itertools.count(0, 50)


def _span(text: str) -> tuple[tuple[int, int], str]:
    start = next(_offsets)
    return (start, start + len(text)), text


def lab(test: str, interpretation: str | None, status: str = "affirmed", value: float | None = None,
        unit: str | None = None) -> Lab:
    span, text = _span(f"{test} {value} {interpretation}")
    return Lab(test, value, unit, value, unit, None, interpretation, status, span, text)


def dx(concept: str, status: str = "affirmed") -> Diagnosis:
    span, text = _span(concept.replace("_", " "))
    return Diagnosis(concept, CONCEPT_ICD10[concept], status, "assessment_plan", span, text)


def admin(drug: str = "cyanocobalamin", dose: float | None = 1000, unit: str | None = "mcg",
          route: str | None = "IM", status: str = "given", by: tuple[str | None, str | None] | None = ("J. Rivera", "RN"),
          supplied: bool = False) -> Administration:
    span, text = _span(f"{drug} {dose} {unit} {route} {status}")
    person = Person(*by) if by is not None else None
    return Administration(drug, dose, unit if dose is not None else None, route, "left deltoid", status,
                          person, supplied, span, text)


def sup(name: str | None = "Amanda Chen", credential: str | None = "MD", presence: str = "in_office") -> Supervision:
    span, text = _span(f"{name} {presence}")
    return Supervision(name, credential, presence, span, text)


def em(separate: bool) -> EmEvidence:
    span, text = _span("assessment and plan for a separate problem" if separate else "no complaints")
    return EmEvidence(separate, ["hypertension"] if separate else [], [EvidenceSpan(span, text)])


def note(note_id: str = "n1", patient_id: str = "p1", date: str | None = DAY, encounter_id: str | None = None,
         labs: Iterable[Lab] = (), diagnoses: Iterable[Diagnosis] = (),
         administrations: Iterable[Administration] = (), supervision: Iterable[Supervision] = (),
         em_separate: bool = False, loading: bool = False) -> NoteEvidence:
    loading_spans = [EvidenceSpan(*_span("weekly x 4"))] if loading else []
    return NoteEvidence(note_id, patient_id, encounter_id, date, list(labs), list(diagnoses),
                        list(administrations), list(supervision), em(em_separate), loading_spans)


def good_note(note_id: str = "n1", **overrides) -> NoteEvidence:
    """A nurse injection visit that supports 96372 + J3420 x1 with D51.0."""
    fields = dict(labs=[lab("b12", "deficient", value=150, unit="pg/mL")],
                  diagnoses=[dx("pernicious_anemia")], administrations=[admin()], supervision=[sup()])
    fields.update(overrides)
    return note(note_id, **fields)


def line(code: str, units: float = 1, modifiers: Iterable[str] = (), dx_codes: Iterable[str] = ("D51.0",),
         claim: str = "c1", number: int = 1, patient: str = "p1", date: str = DAY,
         encounter: str | None = None, rendering: str | None = None, billing: str | None = None) -> ClaimLine:
    return ClaimLine(claim, number, code, units, patient, dt.date.fromisoformat(date), tuple(modifiers),
                     tuple(dx_codes), encounter, rendering, None, billing)


def day_lines(*codes: str, **common) -> list[ClaimLine]:
    """Lines of one claim, numbered in order: day_lines("96372", "J3420")."""
    return [line(code, number=i, **common) for i, code in enumerate(codes, start=1)]


def supported_day(**common) -> list[ClaimLine]:
    return day_lines("96372", "J3420", **common)


def run(lines: list[ClaimLine], notes: list[NoteEvidence], **kwargs) -> list[LineResult]:
    return audit_lines(lines, notes, **kwargs)


def reasons(result: LineResult) -> list[str]:
    return [f.reason for f in result.findings]


def result_for(results: list[LineResult], code: str) -> LineResult:
    (found,) = [r for r in results if r.line.code == code]
    return found


def roster(*entries: tuple[str, str, str]) -> list[RosterEntry]:
    return [RosterEntry(npi, name, cred) for npi, name, cred in entries]
