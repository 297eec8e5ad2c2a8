"""The Excel workbook: opens in openpyxl with the reviewer validation, frozen header, filter,
verdict colours, spreadsheet types, a generic summary sheet, and a private atomic file."""

from __future__ import annotations

import datetime as dt
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest

from notes_audit.write.xlsx import (EXCEL_CELL_LIMIT, FINDING_COLUMNS, REVIEWER_CHOICES, REVIEWER_COMMENT,
                                    REVIEWER_DECISION, VERDICT_COLOURS, SummaryRow, summary_rows, write_xlsx)

SUMMARY = {"tool": "notes-audit", "tool_version": "9.9.9", "policy": {"name": "medicare", "version": "2025.1"},
           "lines": {"read": 5, "out": 4, "rejected": 1,
                     "rejected_records": [{"file": "claims.csv", "row": 7, "column": "units",
                                           "key": {"claim_id": "c9"}}]},
           "by_verdict": {"supported": 1, "needs_review": 1, "not_supported": 1, "not_applicable": 1},
           "by_reason": {"DX_SPECIFICITY": 1, "UNITS_MISMATCH": 1}}


def row(verdict: str = "not_supported", reason: str = "UNITS_MISMATCH", include_text: bool = True,
        **changes: object) -> dict:
    cells = {"claim_id": "c1", "line_number": 2, "code": "J3420", "modifiers": "", "units": 2,
             "patient_id": "p1", "service_date": "2025-03-02", "note_ids": "n1", "verdict": verdict,
             "reason": reason, "severity": "error" if reason else "", "message": "2 units billed; 1 documented",
             "rule": "drug.units", "source": "HCPCS J3420", "evidence": "n1:10-30",
             "evidence_text": "Cyanocobalamin 1000 µg IM “given”"}
    if not include_text:
        del cells["evidence_text"]
    return {**cells, **changes}


SAMPLE = [row("not_supported"), row("needs_review", "DX_SPECIFICITY"), row("supported", ""),
          row("not_applicable", "")]


def written(tmp_path: Path, rows: list[dict], summary: dict | None = None) -> openpyxl.Workbook:
    path = tmp_path / "findings.xlsx"
    write_xlsx(rows, path, SUMMARY if summary is None else summary)
    return openpyxl.load_workbook(path)


def header(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def test_findings_sheet_layout(tmp_path: Path) -> None:
    book = written(tmp_path, SAMPLE)
    assert book.sheetnames == ["Findings", "Summary"]
    sheet = book["Findings"]
    assert header(sheet) == [*FINDING_COLUMNS, REVIEWER_DECISION, REVIEWER_COMMENT]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:R5"
    assert sheet.max_row == 5
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb.endswith("1F3864")
    widths = {name: sheet.column_dimensions[cell.column_letter].width for name, cell in zip(header(sheet), sheet[1])}
    assert widths["message"] > widths["units"] and widths["evidence_text"] >= 40


def test_reviewer_decision_is_a_dropdown_over_every_row(tmp_path: Path) -> None:
    sheet = written(tmp_path, SAMPLE)["Findings"]
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1
    decision = validations[0]
    assert decision.type == "list"
    assert decision.formula1 == '"' + ",".join(REVIEWER_CHOICES) + '"' == '"Agree,Disagree,Needs info"'
    assert str(decision.sqref) == "Q2:Q5"
    assert header(sheet)[16] == REVIEWER_DECISION  # column Q
    assert all(sheet.cell(r, 17).value is None and sheet.cell(r, 18).value is None for r in range(2, 6))


@pytest.mark.parametrize("verdict", list(VERDICT_COLOURS))
def test_verdict_cells_are_coloured(tmp_path: Path, verdict: str) -> None:
    sheet = written(tmp_path, [row(verdict)])["Findings"]
    cell = sheet.cell(2, FINDING_COLUMNS.index("verdict") + 1)
    fill, font = VERDICT_COLOURS[verdict]
    assert cell.value == verdict
    assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith(fill)
    assert cell.font.color.rgb.endswith(font)


def test_verdict_colours_are_distinct() -> None:
    assert len({fill for fill, _ in VERDICT_COLOURS.values()}) == len(VERDICT_COLOURS) == 4


VALUE_CASES = {
    "line number text to int": ("line_number", "3", 3),
    "units text to number": ("units", "1.5", 1.5),
    "units int kept": ("units", 2, 2),
    "date text to date": ("service_date", "2025-03-02", dt.datetime(2025, 3, 2)),
    "bad date kept as text": ("service_date", "03/02/2025", "03/02/2025"),
    "formula kept as text": ("message", '=HYPERLINK("http://evil","x")', '=HYPERLINK("http://evil","x")'),
    "control characters replaced": ("evidence_text", "a\x00b\x0cc\td", "a\ufffdb\ufffdc\td"),
    "non-ASCII kept": ("evidence_text", "1000 µg “IM”", "1000 µg “IM”"),
    "empty is blank": ("reason", "", None),
    "list joined": ("note_ids", ["n1", "n2"], "n1;n2"),
}


@pytest.mark.parametrize(("column", "value", "expected"), VALUE_CASES.values(), ids=VALUE_CASES.keys())
def test_cell_values(tmp_path: Path, column: str, value: object, expected: object) -> None:
    sheet = written(tmp_path, [row(**{column: value})])["Findings"]
    cell = sheet.cell(2, FINDING_COLUMNS.index(column) + 1)
    assert cell.value == expected
    assert cell.data_type != "f"
    if isinstance(expected, dt.datetime):
        assert cell.number_format == "yyyy-mm-dd"


def test_overlong_text_is_cut_to_what_excel_opens(tmp_path: Path) -> None:
    sheet = written(tmp_path, [row(evidence_text="x" * 40_000)])["Findings"]
    value = sheet.cell(2, FINDING_COLUMNS.index("evidence_text") + 1).value
    assert len(value) == EXCEL_CELL_LIMIT and value.endswith("[truncated; see the JSONL output]")


def test_no_text_rows_have_no_evidence_text_column(tmp_path: Path) -> None:
    sheet = written(tmp_path, [row(include_text=False)])["Findings"]
    assert header(sheet) == [*FINDING_COLUMNS[:-1], REVIEWER_DECISION, REVIEWER_COMMENT]
    assert sheet.auto_filter.ref == "A1:Q2"


def test_empty_rows_still_give_a_usable_sheet(tmp_path: Path) -> None:
    book = written(tmp_path, [], {})
    sheet = book["Findings"]
    assert header(sheet) == [*FINDING_COLUMNS, REVIEWER_DECISION, REVIEWER_COMMENT]
    assert sheet.freeze_panes == "A2" and sheet.data_validations.dataValidation
    assert [c.value for c in book["Summary"]["A"]][:2] == ["notes-audit summary", "Tool version"]


def summary_values(book: openpyxl.Workbook) -> list[tuple]:
    return [tuple(v for v in r if v is not None) for r in book["Summary"].iter_rows(values_only=True)]


def test_summary_sheet_renders_counts_policy_and_version(tmp_path: Path) -> None:
    values = summary_values(written(tmp_path, SAMPLE))
    for expected in [("Tool version", "9.9.9"), ("Policy",), ("Name", "medicare"), ("Version", "2025.1"),
                     ("Not supported", 1), ("UNITS_MISMATCH", 1), ("Rejected records (1)",),
                     ("#", "File", "Row", "Column", "Key"), (1, "claims.csv", 7, "units", "claim_id: c9")]:
        assert expected in values


SUMMARY_SHAPES = {
    "flat": ({"a": 1}, [SummaryRow("value", 0, ("A", 1))]),
    "nested": ({"by_verdict": {"supported": 2}}, [SummaryRow("section", 0, ("By verdict",)),
                                                  SummaryRow("value", 1, ("Supported", 2))]),
    "codes kept": ({"UNITS_MISMATCH": 3}, [SummaryRow("value", 0, ("UNITS_MISMATCH", 3))]),
    "scalar list": ({"inputs": ["a.csv", "b.csv"]}, [SummaryRow("value", 0, ("Inputs", "a.csv, b.csv"))]),
    "empty group": ({"rejected_by_column": {}}, [SummaryRow("value", 0, ("Rejected by column", "none"))]),
    "records": ({"rows": [{"a": 1}, {"b": [1, 2]}, "odd"]},
                [SummaryRow("section", 0, ("Rows (3)",)), SummaryRow("table_header", 1, ("#", "A", "B")),
                 SummaryRow("table_row", 1, (1, 1, None)), SummaryRow("table_row", 1, (2, None, "1, 2")),
                 SummaryRow("table_row", 1, (3, "odd"))]),
}


@pytest.mark.parametrize(("summary", "expected"), SUMMARY_SHAPES.values(), ids=SUMMARY_SHAPES.keys())
def test_summary_rows_flatten_any_shape(summary: dict, expected: list[SummaryRow]) -> None:
    assert summary_rows(summary) == expected


def test_file_is_private_and_replaced_atomically(tmp_path: Path) -> None:
    path = tmp_path / "findings.xlsx"
    path.write_text("previous")
    write_xlsx(SAMPLE, path, SUMMARY)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert openpyxl.load_workbook(path)["Findings"].max_row == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.xlsx"]


def test_same_rows_give_the_same_cells(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    books = [written(first, SAMPLE), written(second, SAMPLE)]
    cells = [[[(c.value, c.fill.fgColor.rgb) for c in r] for sheet in book for r in sheet.iter_rows()]
             for book in books]
    assert cells[0] == cells[1]


@pytest.mark.slow
def test_hundred_thousand_rows(tmp_path: Path) -> None:
    rows = [row(("not_supported", "needs_review", "supported", "not_applicable")[i % 4], claim_id=f"c{i}")
            for i in range(100_000)]
    path = tmp_path / "big.xlsx"
    write_xlsx(rows, path, SUMMARY)
    # Reading 100k rows back through openpyxl takes minutes; the sheet's XML says the same.
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert xml.count("<row ") == 100_001
    last_row = xml[xml.rindex('<row r="100001"'):]
    assert "<t>c99999</t>" in last_row and "<t>not_applicable</t>" in last_row


def test_summary_keys_and_values_that_look_like_formulas_stay_text(tmp_path: Path) -> None:
    summary = {"=SUM(A1)": "=1+1", "records": [{"=k": "=v"}]}
    sheet = written(tmp_path, SAMPLE, summary)["Summary"]
    cells = [c for r in sheet.iter_rows() for c in r if isinstance(c.value, str) and c.value.startswith("=")]
    assert {c.value for c in cells} == {"=SUM(A1)", "=1+1", "=k", "=v"}
    assert all(c.data_type == "s" for c in cells)
