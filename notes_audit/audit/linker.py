"""Linking claim lines to notes and to each other (SPEC §2.2, §5.1), through indexes built once.

- a line's notes: those with its encounter_id; without one, the patient's notes dated on the
  service date;
- the day's lines: all lines of the patient on the service date, across claims;
- the patient's history: notes dated service_date - lookback_days .. service_date, inclusive;
- earlier J-code lines: the patient's drug lines 1 .. window-1 days before the service date.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Generic, Protocol, TypeVar

from notes_audit.read.records import ClaimLine
from notes_audit.rules.policy import Policy, load_policy
from notes_audit.rules.reasons import ADMIN, DEPENDENT_KINDS
from notes_audit.rules.registry import build_checks


class NoteMeta(Protocol):
    """What linking needs of a note: `Note`, `NoteEvidence` or any light record with these."""

    note_id: str
    patient_id: str | None
    encounter_id: str | None
    note_date: str | dt.date | None


N = TypeVar("N", bound=NoteMeta)
DayKey = tuple[str, dt.date]


def as_date(value: str | dt.date | None) -> dt.date | None:
    """A note date as a date; an unreadable one links to nothing by date (readers report it)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


class NoteIndex(Generic[N]):
    """Notes indexed by encounter, by (patient, date) and by patient in date order."""

    def __init__(self, notes: Iterable[N]) -> None:
        self.notes: list[N] = []
        self._by_encounter: dict[str, list[N]] = defaultdict(list)
        self._by_day: dict[DayKey, list[N]] = defaultdict(list)
        dated: dict[str, list[tuple[dt.date, int, N]]] = defaultdict(list)
        seen: set[str] = set()
        for note in notes:
            if note.note_id in seen:  # a note counts once, whatever the input repeats
                continue
            seen.add(note.note_id)
            self.notes.append(note)
            if note.encounter_id:
                self._by_encounter[str(note.encounter_id)].append(note)
            day = as_date(note.note_date)
            if note.patient_id is not None and day is not None:
                self._by_day[(str(note.patient_id), day)].append(note)
                dated[str(note.patient_id)].append((day, len(self.notes), note))
        self._dates: dict[str, list[dt.date]] = {}
        self._dated: dict[str, list[N]] = {}
        for patient, rows in dated.items():
            rows.sort(key=lambda r: (r[0], r[1]))
            self._dates[patient] = [r[0] for r in rows]
            self._dated[patient] = [r[2] for r in rows]

    def for_line(self, line: ClaimLine) -> list[N]:
        """The day's notes of a line (SPEC §2.2)."""
        if line.encounter_id:
            linked = [n for n in self._by_encounter.get(str(line.encounter_id), ())
                      if n.patient_id is None or str(n.patient_id) == line.patient_id]
            if linked:
                return linked
            # No note carries this encounter (e.g. the notes file has no encounter_id column):
            # fall back to the patient's notes of the date that belong to no other encounter.
            return [n for n in self._by_day.get((line.patient_id, line.service_date), ())
                    if not n.encounter_id]
        return list(self._by_day.get((line.patient_id, line.service_date), ()))

    def history(self, patient_id: str, day: dt.date, lookback_days: int) -> list[N]:
        """The patient's notes dated day - lookback_days .. day, inclusive, oldest first."""
        dates = self._dates.get(patient_id)
        if not dates:
            return []
        lo = bisect.bisect_left(dates, day - dt.timedelta(days=lookback_days))
        hi = bisect.bisect_right(dates, day)
        return self._dated[patient_id][lo:hi]


class FixedNotes(Generic[N]):
    """Pre-bill case: the caller says which notes belong to the lines; no lookup by ids or dates."""

    def __init__(self, notes: Iterable[N]) -> None:
        self.notes = list(NoteIndex(notes).notes)

    def for_line(self, line: ClaimLine) -> list[N]:
        return list(self.notes)

    def history(self, patient_id: str, day: dt.date, lookback_days: int) -> list[N]:
        return list(self.notes)


def group_day_lines(lines: Iterable[ClaimLine]) -> dict[DayKey, list[ClaimLine]]:
    """Lines of one patient on one date, across claims, in input order."""
    days: dict[DayKey, list[ClaimLine]] = defaultdict(list)
    for line in lines:
        days[(line.patient_id, line.service_date)].append(line)
    return days


class DrugLineIndex:
    """The patient's J-code lines in date order, to find injections shortly before a line."""

    def __init__(self, lines: Iterable[ClaimLine]) -> None:
        rows: dict[str, list[tuple[dt.date, int, ClaimLine]]] = defaultdict(list)
        for i, line in enumerate(lines):
            rows[line.patient_id].append((line.service_date, i, line))
        self._dates: dict[str, list[dt.date]] = {}
        self._lines: dict[str, list[ClaimLine]] = {}
        for patient, items in rows.items():
            items.sort(key=lambda r: (r[0], r[1]))
            self._dates[patient] = [r[0] for r in items]
            self._lines[patient] = [r[2] for r in items]

    def earlier(self, patient_id: str, day: dt.date, window_days: int) -> list[ClaimLine]:
        """Drug lines 1 .. window_days-1 days before `day` (28-day window: 1 to 27 days)."""
        dates = self._dates.get(patient_id)
        if not dates or window_days < 2:
            return []
        lo = bisect.bisect_left(dates, day - dt.timedelta(days=window_days - 1))
        hi = bisect.bisect_left(dates, day)  # same-day lines are not "earlier"
        return self._lines[patient_id][lo:hi]


def in_scope(kind: str | None, day_lines: Sequence[ClaimLine], policy: Policy) -> bool:
    """SPEC §4/§5: a policy code; E/M, 99211 and G2211 only beside an administration code."""
    if kind is None:
        return False
    if kind in DEPENDENT_KINDS:
        return any(policy.kind_of(ln.code) == ADMIN for ln in day_lines)
    return True


def needed_note_ids(lines: Iterable[ClaimLine], notes_meta: Iterable[NoteMeta],
                    lookback_days: int = 365, policy: Policy | str = "medicare") -> set[str]:
    """The note_ids the in-scope lines will read: their day's notes, and the history when a check
    reads it. The scanner can skip NLP on every other note."""
    policy = load_policy(policy)
    history_kinds = frozenset().union(*(c.kinds for c in build_checks(policy) if c.uses_history))
    index = NoteIndex(notes_meta)
    lines = list(lines)
    days = group_day_lines(lines)
    needed: set[str] = set()
    for line in lines:
        kind = policy.kind_of(line.code)
        if not in_scope(kind, days[(line.patient_id, line.service_date)], policy):
            continue
        day_notes = index.for_line(line)
        needed.update(n.note_id for n in day_notes)
        # History is read only when the day's notes exist (NOTE_MISSING skips note checks).
        if day_notes and kind in history_kinds:
            needed.update(n.note_id for n in index.history(line.patient_id, line.service_date,
                                                           lookback_days))
    return needed


__all__ = ["DrugLineIndex", "FixedNotes", "NoteIndex", "NoteMeta", "as_date",
           "group_day_lines", "in_scope", "needed_note_ids"]
