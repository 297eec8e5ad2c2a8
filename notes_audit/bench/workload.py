"""The bench workload: N notes of about 2 KB, each with claim lines, written as CSV.

Note i belongs to patient P{i} (one note per patient, so history lookback adds no notes and "1% of
notes needed" means 1%), on a date cycling through 2024. Every `b12_every`-th note starts with a
B12-related corpus note, the others with an MTSamples note; each is topped up (or cut) to about
2 KB with MTSamples text from a seeded random offset, and starts with its own header line, so no
two notes are the same.

Claims: a note whose index `in_scope` accepts gets 96372 + J3420 (the audit must read it); every
other note gets a 99213 alone (out of scope without 96372: linked and counted, never extracted),
or no line at all with `bill_others=False`.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from notes_audit.bench.sources import Sources

TARGET_CHARS = 2000
NOTE_HEADER = ("note_id", "patient_id", "encounter_id", "note_date", "text")
CLAIM_HEADER = ("claim_id", "line_number", "code", "units", "modifiers", "dx_codes", "patient_id",
                "service_date", "encounter_id")
START = dt.date(2024, 1, 1)


@dataclass(frozen=True, slots=True)
class WorkNote:
    index: int
    text: str
    b12: bool

    @property
    def note_id(self) -> str:
        return f"N{self.index:07d}"

    @property
    def patient_id(self) -> str:
        return f"P{self.index:07d}"

    @property
    def encounter_id(self) -> str:
        return f"E{self.index:07d}"

    @property
    def date(self) -> str:
        return (START + dt.timedelta(days=self.index % 366)).isoformat()


def notes(n: int, sources: Sources, b12_every: int = 2, seed: int = 12, target: int = TARGET_CHARS) -> Iterator[WorkNote]:
    rng = random.Random(seed)
    for i in range(n):
        b12 = i % b12_every == 0
        pool = sources.b12 if b12 else sources.other
        base = pool[(i // b12_every if b12 else i) % len(pool)]
        header = f"Clinic note - patient P{i:07d} - {(START + dt.timedelta(days=i % 366)).isoformat()}\n"
        yield WorkNote(i, header + _fit(base, sources.other, rng, target - len(header)), b12)


def _fit(base: str, filler: tuple[str, ...], rng: random.Random, target: int) -> str:
    """`base`, cut at a space near `target` characters or topped up with other text."""
    text = base
    while len(text) < target:
        other = filler[rng.randrange(len(filler))]
        start = rng.randrange(max(1, len(other) // 2))
        text += "\n" + other[start:start + target - len(text)]
    if len(text) > target:
        cut = text.rfind(" ", 0, target)
        text = text[:cut if cut > target // 2 else target]
    return text


def claim_lines(note: WorkNote, in_scope: bool) -> list[tuple]:
    base = (note.patient_id, note.date, note.encounter_id)
    claim = f"C{note.index:07d}"
    if in_scope:
        dx = "D51.0" if note.b12 else "E53.8"
        return [(claim, 1, "96372", 1, "", dx, *base), (claim, 2, "J3420", 1, "", dx, *base)]
    return [(claim, 1, "99213", 1, "", "I10", *base)]


def write(folder: Path, n: int, sources: Sources, in_scope: Callable[[WorkNote], bool], *,
          b12_every: int = 2, bill_others: bool = True, name: str = "work") -> tuple[Path, Path]:
    """Write `<name>.notes.csv` and `<name>.claims.csv`; returns their paths."""
    notes_path, claims_path = folder / f"{name}.notes.csv", folder / f"{name}.claims.csv"
    with notes_path.open("w", newline="", encoding="utf-8") as nf, \
            claims_path.open("w", newline="", encoding="utf-8") as cf:
        note_rows, claim_rows = csv.writer(nf), csv.writer(cf)
        note_rows.writerow(NOTE_HEADER)
        claim_rows.writerow(CLAIM_HEADER)
        for note in notes(n, sources, b12_every):
            note_rows.writerow((note.note_id, note.patient_id, note.encounter_id, note.date, note.text))
            scoped = in_scope(note)
            if scoped or bill_others:
                claim_rows.writerows(claim_lines(note, scoped))
    return notes_path, claims_path
