"""Stage validated inputs as Parquet for Spark (`scan --engine spark`): the driver reads the files
with the project's readers (same validation, same rejections and counts as the local engine) and
streams them into Parquet in batches, so no input is held whole on the driver.

Only notes some claim line can link to are staged (`ClaimPlan`). The staging directory is private
(0700) and removed after the run: it holds note text.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from notes_audit.parallel.plan import ClaimPlan, NoteRef
from notes_audit.read.records import ClaimLine, Note
from notes_audit.spark.schema import CLAIM_COLUMNS, INDEX, NOTE_COLUMNS

BATCH_ROWS = 512


def stage_notes(notes: Iterable[Note], plan: ClaimPlan, path: Path,
                texts: dict[str, str] | None = None) -> list[NoteRef]:
    """Write the linkable notes to `path`; their references in input order. With `texts`, also
    keep their texts there (the HTML report)."""
    refs: list[NoteRef] = []

    def rows() -> Iterator[dict]:
        for position, note in enumerate(n for n in notes if plan.may_link(n)):
            refs.append(NoteRef.of(note))
            if texts is not None:
                texts[note.note_id] = note.text
            yield {INDEX: position, "note_id": note.note_id, "text": note.text, "patient_id": note.patient_id,
                   "encounter_id": note.encounter_id,
                   "note_date": note.note_date.isoformat() if note.note_date else None,
                   "note_type": note.note_type, "author": note.author}

    _write(rows(), NOTE_COLUMNS, path)
    return refs


def stage_claims(lines: Sequence[ClaimLine], path: Path) -> None:
    """Write the validated lines; `input_index` is the position in `lines`."""
    def rows() -> Iterator[dict]:
        for position, ln in enumerate(lines):
            yield {INDEX: position, "claim_id": ln.claim_id, "line_number": str(ln.line_number), "code": ln.code,
                   "units": plain_number(ln.units), "modifiers": ";".join(ln.modifiers),
                   "dx_codes": ";".join(ln.dx_codes), "patient_id": ln.patient_id,
                   "service_date": ln.service_date.isoformat(), "encounter_id": ln.encounter_id,
                   "rendering_npi": ln.rendering_npi, "supervising_npi": ln.supervising_npi,
                   "billing_npi": ln.billing_npi, "payer": ln.payer}

    _write(rows(), CLAIM_COLUMNS, path)


def plain_number(value: float) -> str:
    """A float as the claims reader accepts it back exactly: no exponent ("1e-05" is refused)."""
    return format(decimal.Decimal(repr(float(value))), "f")


def _write(rows: Iterator[dict], columns: tuple[str, ...], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(INDEX, pa.int64()), *[(c, pa.string()) for c in columns]])
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH_ROWS:
                writer.write_table(pa.Table.from_pylist(batch, schema))
                batch = []
        # Always one batch, even empty: Spark needs a file with the schema.
        writer.write_table(pa.Table.from_pylist(batch, schema))
