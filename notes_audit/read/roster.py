"""Read the provider roster (SPEC §2.3): `npi, name, credential`.

A row without a 10-digit NPI or without a name, or repeating an NPI already read, is rejected
(never guessed); the rest of the roster is used. `read_roster` returns the entries and logs how
many rows were rejected; `read_roster_checked` also returns the rejected rows, for the summary.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from notes_audit.read import fields
from notes_audit.read.records import Rejected, RosterEntry
from notes_audit.read.tables import open_table

log = logging.getLogger("notes_audit.read")

REQUIRED = ("npi", "name")


@dataclass(slots=True)
class RosterRead:
    entries: list[RosterEntry] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    rows_read: int = 0


def read_roster(path: str | Path) -> list[RosterEntry]:
    return read_roster_checked(path).entries


def read_roster_checked(path: str | Path) -> RosterRead:
    file = str(path)
    result = RosterRead()
    first_row: dict[str, int] = {}
    with open_table(path) as table:
        table.require(REQUIRED)
        for row in table:
            result.rows_read += 1
            if row.problem is not None:
                result.rejected.append(Rejected("roster", file, row.number, None, row.problem))
                continue
            try:
                npi = fields.npi(fields.required(row.values, "npi"), "npi")
                entry = RosterEntry(npi=npi, name=" ".join(fields.required(row.values, "name").split()),
                                    credential=fields.optional(row.values, "credential"))
            except fields.FieldProblem as problem:
                reason = problem.reason if problem.value is None else f"{problem.reason}: '{fields.shown(problem.value)}'"
                result.rejected.append(Rejected("roster", file, row.number, problem.column, reason))
                continue
            first = first_row.setdefault(entry.npi, row.number)
            if first != row.number:
                result.rejected.append(Rejected("roster", file, row.number, "npi",
                                                f"duplicate NPI {entry.npi} (first read in row {first})"))
                continue
            result.entries.append(entry)
    if result.rejected:
        log.warning("%s: %d of %d roster rows rejected", file, len(result.rejected), result.rows_read)
    return result
