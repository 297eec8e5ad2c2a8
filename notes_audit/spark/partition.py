"""Audit one partition of patient-grouped rows: plain Python, no Spark in sight.

Rows arrive sorted by patient key, then kind, then input order; each patient's claim lines and
notes are audited together (every link of SPEC §2.2 and §5.1 stays inside one patient: the day's
notes, the day's lines, the history, earlier drug lines). Within a group the work is the local
scan's: claim-driven selection of the notes to extract, then the audit, one row per line out.

The spaCy pipeline is built once per Python worker process (a module-level cache; Spark reuses its
Python workers across tasks), never shipped from the driver: spaCy objects do not pickle well.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from notes_audit.audit.engine import Auditor
from notes_audit.audit.linker import needed_note_ids
from notes_audit.evidence.model import NoteEvidence
from notes_audit.extract import Extractor
from notes_audit.findings.model import LineResult
from notes_audit.parallel.plan import NoteRef, evidence_index
from notes_audit.read import fields
from notes_audit.read.claims import claim_line
from notes_audit.read.records import ClaimLine, Note, RosterEntry
from notes_audit.rules.policy import Policy
from notes_audit.spark.schema import CLAIM_COLUMNS, INDEX, KEY, KIND, LINE, NOTE_COLUMNS

_extractor: Extractor | None = None  # one pipeline per Python worker process


def worker_extractor() -> Extractor:
    global _extractor
    if _extractor is None:
        _extractor = Extractor()
    return _extractor


@dataclass(frozen=True)
class PartitionConfig:
    """Everything a partition needs from the driver; small and picklable."""

    policy: Policy
    lookback_days: int = 365
    roster: tuple[RosterEntry, ...] | None = None
    include_text: bool = True


def audit_partition(rows: Iterable[Mapping[str, Any]], config: PartitionConfig) -> Iterator[dict[str, Any]]:
    """Finding rows (schema.FINDINGS_COLUMNS) for the claim lines among `rows`."""
    auditor = Auditor(config.policy, config.roster, config.lookback_days)
    for _, group in itertools.groupby(rows, key=lambda r: r[KEY]):
        lines: list[tuple[int, ClaimLine]] = []
        notes: list[Note] = []
        for row in group:
            if row[KIND] == LINE:
                lines.append((int(row[INDEX]), claim_line(_values(row, CLAIM_COLUMNS))))
            else:
                note = _note(row)
                if note is not None:
                    notes.append(note)
        yield from audit_patient(lines, notes, auditor, config.include_text)


def audit_patient(lines: list[tuple[int, ClaimLine]], notes: list[Note], auditor: Auditor,
                  include_text: bool) -> Iterator[dict[str, Any]]:
    """One patient's lines (with their input index) against the patient's notes, in input order."""
    if not lines:
        return
    claim_lines = [line for _, line in lines]
    refs = [NoteRef.of(n) for n in notes]
    needed = needed_note_ids(claim_lines, refs, auditor.lookback_days, auditor.policy)
    evidence: dict[str, NoteEvidence] = {}
    if needed:
        for ev in worker_extractor().extract_many(n for n in notes if n.note_id in needed):
            evidence[ev.note_id] = ev
    index = evidence_index(refs, evidence)
    for (position, _), result in zip(lines, auditor.iter_audit(claim_lines, index)):
        yield finding_row(position, result, include_text)


def finding_row(position: int, result: LineResult, include_text: bool) -> dict[str, Any]:
    record = result.to_dict(include_text)
    return {
        "input_index": position, "claim_id": record["claim_id"], "line_number": record["line_number"],
        "code": record["code"], "patient_id": record["patient_id"], "service_date": record["service_date"],
        "verdict": record["verdict"], "reasons": [f["reason"] for f in record["findings"]],
        # The same serialisation as findings.jsonl, so the Spark and local outputs compare byte for byte.
        "finding_json": json.dumps(record, ensure_ascii=False, allow_nan=False), "rejected": None,
    }


def _values(row: Mapping[str, Any], columns: Iterable[str]) -> dict[str, str | None]:
    return {c: row.get(c) for c in columns}


def _note(row: Mapping[str, Any]) -> Note | None:
    """The note of a row, validated as the notes reader does; None when it cannot be used (the
    frame preparation already dropped blank ids and texts, so this is a last guard)."""
    values = _values(row, NOTE_COLUMNS)
    text = values.get("text")
    try:
        note_id = fields.required(values, "note_id")
        date_text = fields.optional(values, "note_date")
        note_date = fields.iso_date(date_text, "note_date", allow_time=True) if date_text else None
    except fields.FieldProblem:
        return None
    if text is None or not text.strip():
        return None
    return Note(note_id=note_id, text=text, patient_id=fields.optional(values, "patient_id"),
                encounter_id=fields.optional(values, "encounter_id"), note_date=note_date,
                note_type=fields.optional(values, "note_type"), author=fields.optional(values, "author"))
