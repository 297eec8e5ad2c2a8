"""What a check sees about one claim line: the line, its day, its notes, the patient's history.

The engine builds one `LineContext` per in-scope line; checks only read it. Derived views
(injections given, affirmed concepts, ...) are computed once per line on first use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Generic, TypeVar

from notes_audit.evidence.model import Administration, Diagnosis, Lab, NoteEvidence, Supervision
from notes_audit.evidence.vocab import DRUGS
from notes_audit.findings.model import EvidenceRef
from notes_audit.read.records import ClaimLine
from notes_audit.rules.names import RosterIndex
from notes_audit.rules.policy import Policy

T = TypeVar("T", Administration, Diagnosis, Lab, Supervision)


@dataclass(frozen=True, slots=True)
class Located(Generic[T]):
    """An evidence item and the note it came from, so a finding can point at it."""

    note_id: str
    item: T

    def ref(self) -> EvidenceRef:
        return EvidenceRef(self.note_id, tuple(self.item.span), self.item.text)


@dataclass
class LineContext:
    """One in-scope claim line and everything SPEC §5.1 lets a check look at.

    `history` is filled by the engine only when a check that reads it will run.
    """

    line: ClaimLine
    kind: str  # reasons.LINE_KINDS
    policy: Policy
    day_lines: Sequence[ClaimLine]  # the patient's lines on the service date, across claims (incl. line)
    day_notes: Sequence[NoteEvidence]  # notes linked to the line (SPEC §2.2)
    history: Sequence[NoteEvidence] = ()  # the patient's notes dated service_date - lookback .. service_date
    earlier_drug_lines: Sequence[ClaimLine] = ()  # the patient's J-code lines inside the frequency window
    roster: RosterIndex | None = None
    lookback_days: int = 365

    # -- the claim ------------------------------------------------------------------------------
    @property
    def service_date(self) -> dt.date:
        return self.line.service_date

    def kind_of(self, line: ClaimLine) -> str | None:
        return self.policy.kind_of(line.code)

    def day_lines_of(self, kind: str) -> list[ClaimLine]:
        return [ln for ln in self.day_lines if self.kind_of(ln) == kind]

    @cached_property
    def covered_dx(self) -> tuple[str, ...]:
        return tuple(dx for dx in self.line.dx_codes if self.policy.is_covered(dx))

    # -- the day's notes ------------------------------------------------------------------------
    @cached_property
    def administrations(self) -> list[Located[Administration]]:
        return [Located(n.note_id, a) for n in self.day_notes for a in n.administrations]

    @cached_property
    def injections_given(self) -> list[Located[Administration]]:
        """SPEC §5.1: an administration with status `given` and a B12 drug, in the day's notes."""
        given = [a for a in self.administrations if a.item.status == "given" and a.item.drug in DRUGS]
        given = given or self._orders_given_in_another_note()
        reversals = [n for n in self.day_notes if n.reversed_injections]
        if not reversals:
            return given
        dated = {n.note_id: n.note_date for n in self.day_notes}
        return [a for a in given if not self._reversed_by_another_note(a.note_id, reversals, dated)]

    @staticmethod
    def _reversed_by_another_note(note_id: str, reversals, dated) -> bool:
        """An addendum filed as a note of its own ("ADDENDUM to nursing note of 07/15/2025: The injection
        documented above was NOT given") reverses what the encounter's other notes, not dated after it, charted."""
        return any(n.note_id != note_id and not (dated.get(note_id) and n.note_date and str(dated[note_id]) > str(n.note_date))
                   for n in reversals)

    def _orders_given_in_another_note(self) -> list[Located[Administration]]:
        """A note of the day that reports an injection given without naming any drug ("Injection given
        as ordered by Dr. Tanabe, R deltoid IM 3:50pm") gave the B12 drug another of the day's notes
        ordered or planned ("Orders: Cyanocobalamin 1000 mcg IM x1 today in clinic"): one event
        charted in two notes. It is located in the note that reports it given."""
        orders = [a for a in self.administrations if a.item.status in ("ordered", "planned") and a.item.drug in DRUGS]
        out = []
        for note in self.day_notes:
            order = next((o for o in orders if o.note_id != note.note_id), None)
            if order is None:
                continue
            out.extend(Located(note.note_id, replace(order.item, status="given", site=None, administered_by=None,
                                                     span=report.span, text=report.text))
                       for report in note.unnamed_injections)
        return out

    @cached_property
    def diagnoses(self) -> list[Located[Diagnosis]]:
        return [Located(n.note_id, d) for n in self.day_notes for d in n.diagnoses]

    @cached_property
    def affirmed_concepts(self) -> frozenset[str]:
        return frozenset(d.item.concept for d in self.diagnoses if d.item.status == "affirmed")

    @cached_property
    def supervision(self) -> list[Located[Supervision]]:
        return [Located(n.note_id, s) for n in self.day_notes for s in n.supervision]

    # -- the patient's history ------------------------------------------------------------------
    @cached_property
    def evidence_notes(self) -> list[NoteEvidence]:
        """The day's notes and the lookback history, each note once (deficiency evidence)."""
        seen: set[str] = set()
        out: list[NoteEvidence] = []
        for note in (*self.day_notes, *self.history):
            if note.note_id not in seen:
                seen.add(note.note_id)
                out.append(note)
        return out
