"""Input files for the reliability tests: a small valid corpus (two patients, one encounter each,
four claim lines) and every way of spoiling it that tests/reliability/test_bad_input.py tries.

Everything is built in memory from these tables; the tests write the bytes to tmp_path.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Iterable, Mapping, Sequence

CANARY = "ZEBRA-CANARY-7Q41"  # a string only ever put in note text (the privacy tests look for it)

NOTE_COLUMNS = ("note_id", "patient_id", "encounter_id", "note_date", "text")
CLAIM_COLUMNS = ("claim_id", "line_number", "code", "units", "modifiers", "dx_codes", "patient_id",
                 "service_date", "encounter_id", "rendering_npi", "supervising_npi", "billing_npi", "payer")

NOTE_1 = ("Assessment: pernicious anemia. Cyanocobalamin 1000 mcg IM given left deltoid by Jane Doe, RN. "
          "Dr. Amanda Chen present in office.")
NOTE_2 = ("Vitamin B12 182 pg/mL (L). Assessment: B12 deficiency anemia. "
          "Cyanocobalamin 1000 mcg IM given right deltoid by Dr. Priya Patel.")

NOTES: tuple[dict[str, str], ...] = (
    {"note_id": "n1", "patient_id": "p1", "encounter_id": "e1", "note_date": "2025-03-02", "text": NOTE_1},
    {"note_id": "n2", "patient_id": "p2", "encounter_id": "e2", "note_date": "2025-03-02", "text": NOTE_2},
)
CLAIMS: tuple[dict[str, str], ...] = (
    {"claim_id": "c1", "line_number": "1", "code": "96372", "units": "1", "modifiers": "", "dx_codes": "D51.0",
     "patient_id": "p1", "service_date": "2025-03-02", "encounter_id": "e1", "rendering_npi": "",
     "supervising_npi": "", "billing_npi": "", "payer": "Medicare"},
    {"claim_id": "c1", "line_number": "2", "code": "J3420", "units": "1", "modifiers": "", "dx_codes": "D51.0",
     "patient_id": "p1", "service_date": "2025-03-02", "encounter_id": "e1", "rendering_npi": "",
     "supervising_npi": "", "billing_npi": "", "payer": "Medicare"},
    {"claim_id": "c2", "line_number": "1", "code": "96372", "units": "1", "modifiers": "", "dx_codes": "D51.9",
     "patient_id": "p2", "service_date": "2025-03-02", "encounter_id": "e2", "rendering_npi": "",
     "supervising_npi": "", "billing_npi": "", "payer": "Medicare"},
    {"claim_id": "c2", "line_number": "2", "code": "J3420", "units": "1", "modifiers": "", "dx_codes": "D51.9",
     "patient_id": "p2", "service_date": "2025-03-02", "encounter_id": "e2", "rendering_npi": "",
     "supervising_npi": "", "billing_npi": "", "payer": "Medicare"},
)


def with_values(rows: Sequence[Mapping[str, str]], index: int, **values: str) -> list[dict[str, str]]:
    """A copy of `rows` with some values of row `index` (0-based) replaced."""
    out = [dict(r) for r in rows]
    out[index].update(values)
    return out


def csv_text(rows: Iterable[Mapping[str, str]], columns: Sequence[str], quoting: int = csv.QUOTE_MINIMAL) -> str:
    """A CSV table. QUOTE_MINIMAL leaves a lone "\r" unquoted (a line end for the reader);
    QUOTE_ALL makes every row one record whatever its cells hold."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=quoting)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Mapping[str, str]], columns: Sequence[str], encoding: str = "utf-8",
              quoting: int = csv.QUOTE_MINIMAL) -> bytes:
    return csv_text(rows, columns, quoting).encode(encoding)


def jsonl_bytes(rows: Iterable[Mapping[str, object] | str]) -> bytes:
    """One JSON object per line; a str item is written as is (a broken line)."""
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                   for r in rows).encode("utf-8")


def parquet_bytes(columns: Mapping[str, object]) -> bytes:
    """A Parquet file from {column: pyarrow array or Python list}."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({k: (v if isinstance(v, pa.Array) else pa.array(v)) for k, v in columns.items()})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def garbage(size: int = 4096, seed: int = 5) -> bytes:
    """Reproducible random bytes: a binary file that is not a table."""
    return random.Random(seed).randbytes(size)


def big_note_text(size: int) -> str:
    """A note of about `size` characters: the B12 facts once, then a long unremarkable history."""
    head = NOTE_1 + "\n"
    chunk = ("Patient arrived on time with her daughter and checked in at the front desk; insurance card "
             "scanned, contact details confirmed, parking validated.\n")
    return head + chunk * max(0, (size - len(head)) // len(chunk))


def tiny_notes_csv(count: int, text: str = "ok") -> bytes:
    """`count` notes: the two the claims need, then tiny notes of other patients."""
    head = csv_text(NOTES, NOTE_COLUMNS)
    return (head + "".join(f"t{i},q{i},,2025-03-02,{text}\n" for i in range(count - 2))).encode()
