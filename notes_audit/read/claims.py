"""Read claim lines (SPEC §2.2): every row becomes a `ClaimLine` or a `Rejected` with its reason.

`rows_read == len(lines) + len(rejected)` always, so the summary can prove that lines in =
lines out + lines rejected. Values are never guessed: a date that is not `YYYY-MM-DD`, units
written `1,000`, a malformed code, modifier, diagnosis code or NPI reject the line (the first
problem in column order is the reason given). Outcomes per case: docs/input-handling.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from notes_audit.read import fields
from notes_audit.read.records import ClaimLine, Rejected
from notes_audit.read.tables import Values, open_table

log = logging.getLogger("notes_audit.read")

REQUIRED = ("claim_id", "line_number", "code", "units", "patient_id", "service_date")


@dataclass(slots=True)
class ClaimsRead:
    lines: list[ClaimLine] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    rows_read: int = 0


def read_claims(path: str | Path) -> ClaimsRead:
    """Read and validate every claim line of `path`. Missing file or required column: InputError."""
    file = str(path)
    result = ClaimsRead()
    first_row: dict[tuple[str, int], int] = {}  # (claim_id, line_number) -> row first read
    with open_table(path) as table:
        table.require(REQUIRED)
        for row in table:
            result.rows_read += 1
            key = _key_of(row.values)
            if row.problem is not None:
                result.rejected.append(Rejected("claim_line", file, row.number, None, row.problem, key))
                continue
            try:
                line = claim_line(row.values, f"{file}:{row.number}")
            except fields.FieldProblem as problem:
                result.rejected.append(Rejected("claim_line", file, row.number, problem.column,
                                                _reason(problem), key))
                continue
            first = first_row.setdefault(line.key, row.number)
            if first != row.number:
                result.rejected.append(Rejected(
                    "claim_line", file, row.number, "line_number",
                    f"duplicate line: claim {line.claim_id} line {line.line_number} first read in row {first}",
                    key))
                continue
            result.lines.append(line)
    if result.rejected:
        log.warning("%s: %d of %d claim lines rejected (reasons in the summary)",
                    file, len(result.rejected), result.rows_read)
    return result


def claim_line(values: Values, source: str | None = None) -> ClaimLine:
    """One validated claim line; raises FieldProblem for the first bad value in column order."""
    claim_id = fields.required(values, "claim_id")
    line_number = fields.whole_number(fields.required(values, "line_number"), "line_number")
    code = fields.procedure_code(fields.required(values, "code"))
    units = fields.units(fields.required(values, "units"))
    patient_id = fields.required(values, "patient_id")
    service_date = fields.iso_date(fields.required(values, "service_date"), "service_date")
    return ClaimLine(
        claim_id=claim_id, line_number=line_number, code=code, units=units,
        patient_id=patient_id, service_date=service_date,
        modifiers=fields.modifiers(fields.optional(values, "modifiers")),
        dx_codes=fields.dx_codes(fields.optional(values, "dx_codes")),
        encounter_id=fields.optional(values, "encounter_id"),
        rendering_npi=fields.optional_npi(values, "rendering_npi"),
        supervising_npi=fields.optional_npi(values, "supervising_npi"),
        billing_npi=fields.optional_npi(values, "billing_npi"),
        payer=fields.optional(values, "payer"),
        source=source,
    )


def _key_of(values: Values) -> dict[str, str]:
    key = {}
    for column in ("claim_id", "line_number"):
        value = fields.optional(values, column)
        if value is not None:
            key[column] = fields.shown(value)
    return key


def _reason(problem: fields.FieldProblem) -> str:
    return f"{problem.reason}: '{fields.shown(problem.value)}'" if problem.value is not None else problem.reason
