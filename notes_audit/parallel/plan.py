"""Claim-driven work: which notes the claim lines can link to, so a scan keeps only those.

A scan reads the notes' metadata once and asks `ClaimPlan.may_link` of each note. A note the plan
refuses can be neither the day's note of any line (SPEC §2.2) nor in the lookback history of an
in-scope line, so linking over the kept notes alone gives exactly what linking over every note
gives. What the scan holds is then proportional to the claims, not to the notes file.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from notes_audit.audit.linker import NoteIndex, as_date, group_day_lines, in_scope
from notes_audit.evidence.model import EmEvidence, NoteEvidence
from notes_audit.read.records import ClaimLine, Note
from notes_audit.rules.policy import Policy
from notes_audit.rules.registry import build_checks


_NO_EM = EmEvidence()  # shared and never written: what a note without evidence documents


@dataclass(frozen=True, slots=True)
class NoteRef:
    """What linking needs of a note, without its text (about 300 bytes instead of the note).

    It also reads as a note with no evidence (the SPEC §3 lists empty), so a note linked only to
    lines that need no NLP (out of scope) costs no `NoteEvidence` of its own: a scan of 100,000
    billed notes keeps 100,000 of these.
    """

    note_id: str
    patient_id: str | None
    encounter_id: str | None
    note_date: dt.date | None

    labs: ClassVar[tuple[()]] = ()
    diagnoses: ClassVar[tuple[()]] = ()
    administrations: ClassVar[tuple[()]] = ()
    supervision: ClassVar[tuple[()]] = ()
    loading_phase: ClassVar[tuple[()]] = ()
    unnamed_injections: ClassVar[tuple[()]] = ()
    reversed_injections: ClassVar[tuple[()]] = ()
    em: ClassVar[EmEvidence] = _NO_EM

    @classmethod
    def of(cls, note: Note) -> NoteRef:
        return cls(note.note_id, note.patient_id, note.encounter_id, as_date(note.note_date))


def evidence_index(refs: Iterable[NoteRef], evidence: Mapping[str, NoteEvidence]) -> NoteIndex:
    """Linking over the linkable notes, in input order: a note's evidence when it went through the
    NLP, else its reference, which reads as empty evidence (its id is still reported, and a line
    is never told its note is missing)."""
    return NoteIndex([evidence.get(r.note_id) or r for r in refs])


class ClaimPlan:
    """Indexes over the claim lines that say whether a note can matter to any of them."""

    def __init__(self, lines: Sequence[ClaimLine], policy: Policy, lookback_days: int) -> None:
        self.lookback = dt.timedelta(days=lookback_days)
        self.encounters: set[str] = {str(ln.encounter_id) for ln in lines if ln.encounter_id}
        self.days: set[tuple[str, dt.date]] = {(ln.patient_id, ln.service_date) for ln in lines}
        # Service dates of in-scope lines whose checks read the history, per patient, sorted:
        # a note dated d is in some window [s - lookback, s] when the first s >= d is <= d + lookback.
        history_kinds = frozenset().union(*(c.kinds for c in build_checks(policy) if c.uses_history))
        days = group_day_lines(lines)
        dates: dict[str, set[dt.date]] = defaultdict(set)
        for ln in lines:
            kind = policy.kind_of(ln.code)
            if kind in history_kinds and in_scope(kind, days[(ln.patient_id, ln.service_date)], policy):
                dates[ln.patient_id].add(ln.service_date)
        self.history_dates: dict[str, list[dt.date]] = {p: sorted(d) for p, d in dates.items()}

    def may_link(self, note: Note | NoteRef) -> bool:
        if note.encounter_id and str(note.encounter_id) in self.encounters:
            return True
        day = as_date(note.note_date)
        if note.patient_id is None or day is None:
            return False  # without both, a note links by encounter only
        patient = str(note.patient_id)
        if (patient, day) in self.days:
            return True
        dates = self.history_dates.get(patient)
        if not dates:
            return False
        i = bisect.bisect_left(dates, day)
        return i < len(dates) and dates[i] - day <= self.lookback

    def candidates(self, notes: Iterable[Note]) -> list[NoteRef]:
        """The notes that may link, as light references, in input order."""
        return [NoteRef.of(n) for n in notes if self.may_link(n)]
