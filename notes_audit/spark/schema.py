"""The fixed row shapes of the Spark engine: what partitions receive and what they give back.

Output: one row per claim line (flattened key columns for filtering and joins, plus the whole SPEC §4
finding object as JSON):

| column | type | meaning |
|---|---|---|
| `input_index` | long | the line's position in the claims input (order the output by it) |
| `claim_id`, `code`, `patient_id`, `service_date` | string | as validated (raw text on a rejected line) |
| `line_number` | long | null on a rejected line |
| `verdict` | string | SPEC §4 verdict; null on a rejected line |
| `reasons` | array<string> | the findings' reason codes, in order |
| `finding_json` | string | the SPEC §4 object of the line (one `findings.jsonl` line); null when rejected |
| `rejected` | string | why the line could not be audited (SPEC §2.2 validation), else null |

Plain Python here (no pyspark import): the schema is built from these names when Spark is used.
"""

from __future__ import annotations

# (name, Spark SQL type), in output order.
FINDINGS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("input_index", "bigint"),
    ("claim_id", "string"),
    ("line_number", "bigint"),
    ("code", "string"),
    ("patient_id", "string"),
    ("service_date", "string"),
    ("verdict", "string"),
    ("reasons", "array<string>"),
    ("finding_json", "string"),
    ("rejected", "string"),
)
FINDINGS_DDL = ", ".join(f"{name} {kind}" for name, kind in FINDINGS_COLUMNS)

# Input columns (SPEC §2), lower-case: what a partition reads of a note or a claim row.
NOTE_COLUMNS = ("note_id", "text", "patient_id", "encounter_id", "note_date", "note_type", "author")
CLAIM_COLUMNS = ("claim_id", "line_number", "code", "units", "modifiers", "dx_codes", "patient_id",
                 "service_date", "encounter_id", "rendering_npi", "supervising_npi", "billing_npi", "payer")

# Bookkeeping columns added on the way in (leading underscore: never an input column name).
INDEX = "input_index"  # a caller may supply it to fix the input order; otherwise it is generated
KEY, KIND, ORDER, PROBLEM = "_key", "_kind", "_order", "_problem"
LINE, NOTE = "line", "note"
