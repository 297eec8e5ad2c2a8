"""The Excel workbook (SPEC §4 `.xlsx`): the findings table as auditors work it.

Sheet "Findings" holds one row per finding (the CSV rows, same columns), coloured by verdict, with
two columns the reviewer fills in: a decision picked from a list and a free comment. Sheet
"Summary" holds the run's counts, policy and version.

The workbook is streamed (openpyxl write-only mode) so 100k-row runs fit in memory, and saved
atomically with mode 0600 because the rows can carry note text.

No clock: the same findings and summary give the same bytes. openpyxl would stamp the document
properties (created, modified) and every zip entry with the time of saving; both get a fixed time
instead: SOURCE_DATE_EPOCH when set (reproducible builds), else 1980-01-01T00:00:00Z (the zip
epoch). The summary's `generated_at` is not shown (summary.json has it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import re
import shutil
import zipfile
from copy import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from notes_audit import __version__
from notes_audit.write.atomic import atomic_writer

FINDINGS_SHEET = "Findings"
SUMMARY_SHEET = "Summary"
REVIEWER_DECISION = "Reviewer decision"
REVIEWER_COMMENT = "Reviewer comment"
REVIEWER_CHOICES = ("Agree", "Disagree", "Needs info")

# The findings CSV columns (SPEC §4); used for the header when there is no row to take them from.
FINDING_COLUMNS = ("claim_id", "line_number", "code", "modifiers", "units", "patient_id",
                   "service_date", "note_ids", "verdict", "reason", "severity", "message", "rule",
                   "source", "evidence", "evidence_text")

COLUMN_WIDTHS = {
    "claim_id": 14, "line_number": 8, "code": 9, "modifiers": 11, "units": 7, "patient_id": 14,
    "service_date": 12, "note_ids": 16, "verdict": 15, "reason": 28, "severity": 10,
    "message": 60, "rule": 18, "source": 30, "evidence": 24, "evidence_text": 60,
    REVIEWER_DECISION: 18, REVIEWER_COMMENT: 40,
}
DEFAULT_WIDTH = 16

# Light fills with dark text of the same hue, contrast at least 7:1; the cell names the verdict, so
# nothing rests on colour alone.
VERDICT_COLOURS = {  # verdict: (fill, font)
    "not_supported": ("F8D7DA", "842029"),
    "needs_review": ("FFE69C", "5C4400"),
    "supported": ("D1E7DD", "0F5132"),
    "not_applicable": ("E2E3E5", "41464B"),
}
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
REVIEWER_HEADER_FILL = PatternFill("solid", fgColor="FFF2CC")
REVIEWER_HEADER_FONT = Font(bold=True, color="3D2E00")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)

INTEGER_COLUMNS = ("line_number",)
NUMBER_COLUMNS = ("units",)
DATE_COLUMNS = ("service_date",)
DATE_FORMAT = "yyyy-mm-dd"

EXCEL_CELL_LIMIT = 32767  # characters; Excel refuses to open a file with a longer cell
TRUNCATED = " …[truncated; see the JSONL output]"
# Control characters the XLSX format cannot hold (openpyxl raises on them, quoting the value).
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Summary keys left out of the workbook: they change from run to run on the same input.
UNSTABLE_SUMMARY_KEYS = frozenset({"generated_at"})
ZIP_EPOCH = dt.datetime(1980, 1, 1)  # the earliest time a zip entry can hold


def write_xlsx(rows: list[dict], path: Path, summary: dict) -> None:
    """Write the findings rows and the run summary as a workbook at `path` (atomic, mode 0600)."""
    workbook = build_workbook(rows, summary)
    with atomic_writer(Path(path), mode="wb", private=True) as out:
        save_reproducibly(workbook, out)


def fixed_timestamp() -> dt.datetime:
    """The time written into the workbook: SOURCE_DATE_EPOCH (UTC, naive) when set, else the zip epoch."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return max(ZIP_EPOCH, dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None))
    return ZIP_EPOCH


class _FixedTimeZipFile(zipfile.ZipFile):
    """A zip whose entries carry `date_time` instead of the current time (`writestr` by name) or the
    source file's time (`write`: openpyxl's write-only sheets are staged in temporary files)."""

    date_time: tuple[int, int, int, int, int, int] = ZIP_EPOCH.timetuple()[:6]

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[override]
        info = zipfile.ZipInfo(str(arcname if arcname is not None else filename), date_time=self.date_time)
        info.compress_type = self.compression if compress_type is None else compress_type
        info.external_attr = 0o600 << 16
        info.file_size = os.path.getsize(filename)  # lets `open` pick zip64 for a huge sheet
        level = self.compresslevel if compresslevel is None else compresslevel
        if level is not None:
            info._compresslevel = level  # what ZipFile.write sets; `open(info, "w")` reads it
        with open(filename, "rb") as source, self.open(info, "w") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[override]
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.date_time)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16  # as ZipFile.writestr sets for a file given by name
            zinfo_or_arcname = info
            if compresslevel is None:
                compresslevel = self.compresslevel
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)


def save_reproducibly(workbook: Workbook, out: Any) -> None:
    """`workbook.save(out)` without the clock: fixed document properties and zip entry times."""
    stamp = fixed_timestamp()
    archive = _FixedTimeZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.date_time = stamp.timetuple()[:6]
    workbook.properties.created = workbook.properties.modified = stamp
    try:
        ExcelWriter(workbook, archive).save()  # what workbook.save does, minus `modified = now`
    except BaseException:
        with contextlib.suppress(Exception):
            archive.close()  # now, while `out` is open (later the garbage collector would complain)
        raise


def build_workbook(rows: Sequence[Mapping[str, Any]], summary: Mapping[str, Any]) -> Workbook:
    workbook = Workbook(write_only=True)
    _write_findings_sheet(workbook, rows)
    _write_summary_sheet(workbook, summary)
    return workbook


def finding_columns(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Columns in first-seen order across all rows (rows of one run share their keys)."""
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen) or list(FINDING_COLUMNS)


def _write_findings_sheet(workbook: Workbook, rows: Sequence[Mapping[str, Any]]) -> None:
    sheet = workbook.create_sheet(FINDINGS_SHEET)
    columns = finding_columns(rows)
    header = [*columns, REVIEWER_DECISION, REVIEWER_COMMENT]
    last_row = len(rows) + 1
    last_col = get_column_letter(len(header))
    decision_col = get_column_letter(len(columns) + 1)

    # A write-only sheet writes its view and column widths before the first row.
    for index, name in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(name, DEFAULT_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0

    sheet.append([_header_cell(sheet, name, reviewer=name in (REVIEWER_DECISION, REVIEWER_COMMENT))
                  for name in header])
    styles = _CellStyles(sheet)
    for row in rows:
        sheet.append([styles.cell(name, _coerce(name, row.get(name))) for name in columns])

    sheet.auto_filter.ref = f"A1:{last_col}{last_row}"
    decision = DataValidation(
        type="list", formula1='"' + ",".join(REVIEWER_CHOICES) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle="Reviewer decision",
        error="Choose " + ", ".join(REVIEWER_CHOICES[:-1]) + " or " + REVIEWER_CHOICES[-1] + ".",
        showInputMessage=True, promptTitle="Reviewer decision",
        prompt="Do you agree with this finding?")
    decision.add(f"{decision_col}2:{decision_col}{max(last_row, 2)}")
    sheet.data_validations.append(decision)  # write-only sheets lack add_data_validation


def _header_cell(sheet: Any, name: str, reviewer: bool) -> Any:
    cell = WriteOnlyCell(sheet, _text(name))
    cell.fill = REVIEWER_HEADER_FILL if reviewer else HEADER_FILL
    cell.font = REVIEWER_HEADER_FONT if reviewer else HEADER_FONT
    cell.alignment = HEADER_ALIGNMENT
    return cell


class _CellStyles:
    """Typed and coloured cells for the findings rows.

    Each style is built once and copied into the cells that need it: setting fonts and fills cell
    by cell re-hashes them, a third of the run time on a 100k-row sheet.
    """

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        date = WriteOnlyCell(sheet)
        date.number_format = DATE_FORMAT
        self.date = date._style
        self.verdicts = {}
        for verdict, (fill, font) in VERDICT_COLOURS.items():
            coloured = WriteOnlyCell(sheet)
            coloured.fill, coloured.font = PatternFill("solid", fgColor=fill), Font(color=font)
            self.verdicts[verdict] = coloured._style

    def cell(self, column: str, value: Any, always: bool = False) -> Any:
        """A plain value where openpyxl's defaults are right (and not `always`), else a cell with
        its type and style set."""
        style = None
        if isinstance(value, dt.date):
            style = self.date
        elif column == "verdict" and isinstance(value, str):
            style = self.verdicts.get(value)
        formula_like = isinstance(value, str) and value.startswith("=")
        if style is None and not formula_like and not always:
            return value
        cell = WriteOnlyCell(self.sheet, value)
        if style is not None:
            cell._style = copy(style)
        if formula_like:
            cell.data_type = "s"  # data, not a formula: openpyxl would store "=..." as one
        return cell


def _coerce(column: str, value: Any) -> Any:
    """Give spreadsheet types to the CSV row's values so filters and sorting work on numbers and dates."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return _text(value.isoformat())
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else _text(str(value))
    if isinstance(value, (list, tuple)):
        return _text(";".join(str(v) for v in value))
    if isinstance(value, Mapping):
        return _text(json.dumps(value, sort_keys=True, ensure_ascii=False))
    text = str(value)
    if column in INTEGER_COLUMNS or column in NUMBER_COLUMNS:
        number = _number(text)
        if number is not None:
            return number
    if column in DATE_COLUMNS:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    return _text(text)


def _number(text: str) -> int | float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() else number


def _text(text: str) -> str:
    text = ILLEGAL_CHARACTERS.sub("\ufffd", text)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[:EXCEL_CELL_LIMIT - len(TRUNCATED)] + TRUNCATED
    return text


def _write_summary_sheet(workbook: Workbook, summary: Mapping[str, Any]) -> None:
    sheet = workbook.create_sheet(SUMMARY_SHEET)
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 24
    for letter in "CDEFGH":
        sheet.column_dimensions[letter].width = 18
    title = WriteOnlyCell(sheet, "notes-audit summary")
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    if not _find_tool_version(summary):
        sheet.append(["Tool version", __version__])
    styles = _CellStyles(sheet)
    stable = {k: v for k, v in summary.items() if k not in UNSTABLE_SUMMARY_KEYS}
    for row in summary_rows(stable):
        bold = row.kind in ("section", "table_header")
        cells = [styles.cell("", _coerce("", value), always=bold or index == 0)
                 for index, value in enumerate(row.cells)]
        label = cells[0]
        label.alignment = Alignment(indent=row.depth)
        if bold:
            for cell in cells:
                cell.font = Font(bold=True)
        elif row.kind == "value":
            colours = VERDICT_COLOURS.get(str(row.cells[0]).lower().replace(" ", "_"))
            if colours:
                label.fill = PatternFill("solid", fgColor=colours[0])
                label.font = Font(color=colours[1])
        sheet.append(cells)


@dataclass(frozen=True, slots=True)
class SummaryRow:
    kind: str  # "section" (a group's heading), "value", "table_header", "table_row"
    depth: int  # nesting, shown as indent
    cells: tuple[Any, ...]  # section: (label,); value: (label, value); table rows: one per column


def summary_rows(summary: Mapping[str, Any], depth: int = 0) -> list[SummaryRow]:
    """Flatten a summary of any nesting into sheet rows.

    Nested mappings become a heading and indented rows; lists of mappings (rejected records)
    become a table, one row per record; lists of scalars one comma-separated value.
    """
    rows: list[SummaryRow] = []
    for key, value in summary.items():
        label = humanize(str(key))
        if isinstance(value, Mapping) and value:
            rows.append(SummaryRow("section", depth, (label,)))
            rows.extend(summary_rows(value, depth + 1))
        elif isinstance(value, (list, tuple)) and any(isinstance(v, Mapping) for v in value):
            rows.append(SummaryRow("section", depth, (f"{label} ({len(value)})",)))
            keys = _unique_keys(v for v in value if isinstance(v, Mapping))
            rows.append(SummaryRow("table_header", depth + 1, ("#", *(humanize(k) for k in keys))))
            for number, item in enumerate(value, 1):
                cells = ([_inline(item.get(k)) for k in keys] if isinstance(item, Mapping)
                         else [_inline(item)])
                rows.append(SummaryRow("table_row", depth + 1, (number, *cells)))
        else:
            rows.append(SummaryRow("value", depth, (label, _inline(value))))
    return rows


def _unique_keys(items: Iterable[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        for key in item:
            seen.setdefault(str(key), None)
    return list(seen)


def _inline(value: Any) -> Any:
    """A value for one cell: nested mappings as "key: value; ...", lists comma-separated."""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_inline(v)}" for k, v in value.items()) if value else "none"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_inline(v)) for v in value) if value else "none"
    return value


def humanize(key: str) -> str:
    """`by_verdict` -> `By verdict`; codes such as `UNITS_MISMATCH` are kept as written."""
    if key != key.lower():
        return key
    return key.replace("_", " ").capitalize()


def _find_tool_version(summary: Mapping[str, Any]) -> bool:
    return any(key in summary for key in ("tool_version", "version"))
