"""Evidence records: the output of `extract` (SPEC §3), one `NoteEvidence` per note.

Plain dataclasses, so the rules layer, the writers, Spark rows and notebooks all share one shape.
`to_dict` gives the SPEC JSON with keys in SPEC order; `from_dict` reads it back.
Spans are `(start, end)` character offsets into the note text as read; `text == note[start:end]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]


@dataclass(slots=True)
class Lab:
    test: str
    value: float | None
    unit: str | None
    value_std: float | None
    unit_std: str | None
    flag: str | None
    interpretation: str | None
    status: str
    span: Span
    text: str
    reference_range: str | None = None
    date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "test": self.test, "value": self.value, "unit": self.unit,
            "value_std": self.value_std, "unit_std": self.unit_std, "flag": self.flag,
            "interpretation": self.interpretation, "status": self.status,
            "reference_range": self.reference_range, "date": self.date,
            "span": list(self.span), "text": self.text,
        }


@dataclass(slots=True)
class Diagnosis:
    concept: str
    icd10: str
    status: str
    section: str | None
    span: Span
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "concept": self.concept, "icd10": self.icd10, "status": self.status,
            "section": self.section, "span": list(self.span), "text": self.text,
        }


@dataclass(slots=True)
class Person:
    name: str | None
    credential: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "credential": self.credential}


@dataclass(slots=True)
class Administration:
    drug: str
    dose_value: float | None
    dose_unit: str | None
    route: str | None
    site: str | None
    status: str
    administered_by: Person | None
    patient_supplied: bool
    span: Span
    text: str
    lot: str | None = None

    @property
    def dose_mcg(self) -> float | None:
        """The dose in micrograms, or None when no dose was written."""
        if self.dose_value is None or self.dose_unit is None:
            return None
        return self.dose_value * (1000.0 if self.dose_unit == "mg" else 1.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "drug": self.drug, "dose_value": self.dose_value, "dose_unit": self.dose_unit,
            "route": self.route, "site": self.site, "lot": self.lot, "status": self.status,
            "administered_by": self.administered_by.to_dict() if self.administered_by else None,
            "patient_supplied": self.patient_supplied, "span": list(self.span), "text": self.text,
        }


@dataclass(slots=True)
class Supervision:
    name: str | None
    credential: str | None
    presence: str
    span: Span
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "credential": self.credential, "presence": self.presence,
            "span": list(self.span), "text": self.text,
        }


@dataclass(slots=True)
class EvidenceSpan:
    span: Span
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"span": list(self.span), "text": self.text}


@dataclass(slots=True)
class EmEvidence:
    separately_identifiable: bool = False
    problems: list[str] = field(default_factory=list)
    evidence: list[EvidenceSpan] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "separately_identifiable": self.separately_identifiable,
            "problems": list(self.problems),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(slots=True)
class NoteEvidence:
    note_id: str
    patient_id: str | None = None
    encounter_id: str | None = None
    note_date: str | None = None
    labs: list[Lab] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    administrations: list[Administration] = field(default_factory=list)
    supervision: list[Supervision] = field(default_factory=list)
    em: EmEvidence = field(default_factory=EmEvidence)
    # Extension to SPEC §3 (extra key): spans documenting a loading/initial dosing phase
    # ("weekly x 4", "daily x 7 days", "loading dose"), used by FREQUENCY_EXCEEDED.
    loading_phase: list[EvidenceSpan] = field(default_factory=list)
    # Extension to SPEC §3 (extra key): injections reported given in a note that names no drug at all
    # ("Injection given as ordered, R deltoid IM"); the audit pairs them with the B12 drug another of
    # the day's notes orders for that day (extract/unnamed_injections.py, rules/context.py).
    unnamed_injections: list[EvidenceSpan] = field(default_factory=list)
    # Extension (extra key): an addendum filed as a note of its own, naming no drug, that says the
    # injection another note of the encounter charted was not given (rules/context.py).
    reversed_injections: list[EvidenceSpan] = field(default_factory=list)

    def to_dict(self, include_text: bool = True) -> dict[str, Any]:
        out = {
            "note_id": self.note_id, "patient_id": self.patient_id,
            "encounter_id": self.encounter_id, "note_date": self.note_date,
            "labs": [x.to_dict() for x in self.labs],
            "diagnoses": [x.to_dict() for x in self.diagnoses],
            "administrations": [x.to_dict() for x in self.administrations],
            "supervision": [x.to_dict() for x in self.supervision],
            "em": self.em.to_dict(),
            "loading_phase": [e.to_dict() for e in self.loading_phase],
            "unnamed_injections": [e.to_dict() for e in self.unnamed_injections],
            "reversed_injections": [e.to_dict() for e in self.reversed_injections],
        }
        if not include_text:
            _strip_text(out)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "NoteEvidence":
        def span(x: dict[str, Any]) -> Span:
            s = x["span"]
            return (int(s[0]), int(s[1]))

        def lab(x):
            return Lab(x["test"], x.get("value"), x.get("unit"), x.get("value_std"), x.get("unit_std"),
                       x.get("flag"), x.get("interpretation"), x["status"], span(x), x.get("text", ""),
                       x.get("reference_range"), x.get("date"))

        def admin(x):
            by = x.get("administered_by")
            return Administration(
                x["drug"], x.get("dose_value"), x.get("dose_unit"), x.get("route"), x.get("site"),
                x["status"], Person(by.get("name"), by.get("credential")) if by else None,
                bool(x.get("patient_supplied")), span(x), x.get("text", ""), x.get("lot"))

        em = d.get("em") or {}
        return cls(
            note_id=str(d["note_id"]), patient_id=d.get("patient_id"),
            encounter_id=d.get("encounter_id"), note_date=d.get("note_date"),
            labs=[lab(x) for x in d.get("labs", [])],
            diagnoses=[Diagnosis(x["concept"], x["icd10"], x["status"], x.get("section"), span(x),
                                 x.get("text", "")) for x in d.get("diagnoses", [])],
            administrations=[admin(x) for x in d.get("administrations", [])],
            supervision=[Supervision(x.get("name"), x.get("credential"), x["presence"], span(x),
                                     x.get("text", "")) for x in d.get("supervision", [])],
            em=EmEvidence(bool(em.get("separately_identifiable")), list(em.get("problems", [])),
                          [EvidenceSpan(span(e), e.get("text", "")) for e in em.get("evidence", [])]),
            loading_phase=[EvidenceSpan(span(e), e.get("text", "")) for e in d.get("loading_phase", [])],
            unnamed_injections=[EvidenceSpan(span(e), e.get("text", "")) for e in d.get("unnamed_injections", [])],
            reversed_injections=[EvidenceSpan(span(e), e.get("text", "")) for e in d.get("reversed_injections", [])],
        )


# Values copied verbatim from a note (names, lot numbers, dates, problem words): `--no-text` drops them
# too, keeping only spans and normalised values.
_COPIED_FROM_NOTE = {"name": None, "lot": None, "date": None, "reference_range": None, "problems": []}


def _strip_text(obj: Any) -> None:
    """Remove note text in place: `text` beside a `span`, and values copied from the note."""
    if isinstance(obj, dict):
        if "span" in obj and "text" in obj:
            del obj["text"]
        for key, blank in _COPIED_FROM_NOTE.items():
            if key in obj:
                obj[key] = blank
        for v in obj.values():
            _strip_text(v)
    elif isinstance(obj, list):
        for v in obj:
            _strip_text(v)
