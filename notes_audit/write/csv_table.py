"""The findings table (SPEC §4): one row per finding; a line without findings gets one row with an
empty reason. `finding_rows` gives the rows as dicts for the XLSX writer and the pandas API;
`write_findings_csv` writes them as UTF-8 CSV (no byte-order mark).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from notes_audit.findings.model import Finding, LineResult
from notes_audit.write.atomic import atomic_writer

COLUMNS = ("claim_id", "line_number", "code", "modifiers", "units", "patient_id", "service_date",
           "note_ids", "verdict", "reason", "severity", "message", "rule", "source", "evidence",
           "evidence_text")
EVIDENCE_TEXT_SEPARATOR = " | "
# A cell starting with one of these is run as a formula by spreadsheet programs; note text and
# claim fields are untrusted, so such CSV cells get a leading apostrophe (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMERIC_COLUMNS = frozenset({"line_number", "units"})


def columns(include_text: bool) -> tuple[str, ...]:
    return COLUMNS if include_text else COLUMNS[:-1]


def finding_rows(results: Iterable[LineResult], include_text: bool = True) -> list[dict[str, Any]]:
    """The table as dicts with the keys of `columns(include_text)`, in that order."""
    rows: list[dict[str, Any]] = []
    for result in results:
        line = result.to_dict(include_text=False)
        base = {
            "claim_id": line["claim_id"], "line_number": line["line_number"], "code": line["code"],
            "modifiers": ";".join(line["modifiers"]), "units": line["units"],
            "patient_id": line["patient_id"], "service_date": line["service_date"],
            "note_ids": ";".join(line["note_ids"]), "verdict": line["verdict"],
        }
        for finding in result.findings or [None]:
            rows.append({**base, **_finding_cells(finding, include_text)})
    return rows


def _finding_cells(finding: Finding | None, include_text: bool) -> dict[str, str]:
    if finding is None:
        cells = {"reason": "", "severity": "", "message": "", "rule": "", "source": "", "evidence": ""}
        texts = ""
    else:
        cells = {
            "reason": finding.reason, "severity": finding.severity, "message": finding.message,
            "rule": finding.rule, "source": finding.source,
            "evidence": ";".join(f"{e.note_id}:{e.span[0]}-{e.span[1]}" for e in finding.evidence),
        }
        texts = EVIDENCE_TEXT_SEPARATOR.join(e.text for e in finding.evidence)
    if include_text:
        cells["evidence_text"] = texts
    return cells


def csv_safe(column: str, value: Any) -> Any:
    """Neutralise a text cell that a spreadsheet would run as a formula."""
    if column in _NUMERIC_COLUMNS or not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    return "'" + value


class FindingsCsv:
    """The findings table written row by row into an open text file (opened with newline="");
    `write_findings_csv` and the streaming scan share it, so both give the same bytes."""

    def __init__(self, handle: IO[str], include_text: bool = True) -> None:
        self.header = columns(include_text)
        self.include_text = include_text
        self._writer = csv.writer(handle, lineterminator="\r\n")
        self._writer.writerow(self.header)

    def add(self, result: LineResult) -> None:
        for row in finding_rows((result,), self.include_text):
            self._writer.writerow([csv_safe(c, row[c]) for c in self.header])


def write_findings_csv(results: Iterable[LineResult], path: str | Path, include_text: bool = True) -> None:
    """Write the findings table; with evidence text (note text) the file is 0600."""
    with atomic_writer(Path(path), "w", private=include_text, newline="") as handle:
        table = FindingsCsv(handle, include_text)
        for result in results:
            table.add(result)
