from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from notes_audit.evidence.model import NoteEvidence
from notes_audit.read.records import Note

ROOT = Path(__file__).resolve().parents[2]
CORPORA = [ROOT / "corpora" / "demo", ROOT / "corpora" / "test"]

NOTE_HEADER = ["note_id", "patient_id", "encounter_id", "note_date", "text"]
CLAIM_HEADER = ["claim_id", "line_number", "code", "units", "modifiers", "dx_codes", "patient_id",
                "service_date", "encounter_id"]


class CountingExtractor:
    """Stands in for the NLP: records which notes it was given, returns empty evidence."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def extract_many(self, notes: Iterable[Note]) -> Iterator[NoteEvidence]:
        for n in notes:
            self.seen.append(n.note_id)
            yield NoteEvidence(note_id=n.note_id, patient_id=n.patient_id, encounter_id=n.encounter_id,
                               note_date=n.note_date.isoformat() if n.note_date else None)


def write_rows(path: Path, header: list[str], rows: Iterable[Iterable]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(params=CORPORA, ids=lambda p: p.name)
def corpus(request) -> Path:
    return request.param
