import csv
import io
import os
import stat

import pytest

from notes_audit.write.csv_table import COLUMNS, columns, csv_safe, finding_rows, write_findings_csv

from .conftest import NOTE_TEXT


def test_one_row_per_finding_and_one_for_a_line_without(results):
    rows = finding_rows(results, include_text=True)
    assert [(r["claim_id"], r["line_number"], r["reason"]) for r in rows] == [
        ("c1", 2, "UNITS_MISMATCH"), ("c1", 2, "NO_DEFICIENCY_EVIDENCE"), ("c1", 1, ""), ("c2", 1, "")]
    assert all(list(r) == list(COLUMNS) for r in rows)


def test_row_cells(results):
    first, second, supported, not_applicable = finding_rows(results, include_text=True)
    assert first == {
        "claim_id": "c1", "line_number": 2, "code": "J3420", "modifiers": "59;XU", "units": 2,
        "patient_id": "p1", "service_date": "2025-03-02", "note_ids": "n1;n2", "verdict": "not_supported",
        "reason": "UNITS_MISMATCH", "severity": "error",
        "message": "2 units billed; 2000 mcg documented = 2 units", "rule": "drug.units",
        "source": "HCPCS J3420 descriptor", "evidence": "n1:27-75;n2:0-25",
        "evidence_text": NOTE_TEXT[27:75] + " | " + NOTE_TEXT[0:25],
    }
    assert (second["evidence"], second["evidence_text"]) == ("", "")
    assert {k: supported[k] for k in ("verdict", "reason", "severity", "message", "rule", "source", "evidence",
                                      "evidence_text")} == {
        "verdict": "supported", "reason": "", "severity": "", "message": "", "rule": "", "source": "",
        "evidence": "", "evidence_text": ""}
    assert (not_applicable["units"], not_applicable["note_ids"]) == (1.5, "")


def test_without_text_the_column_is_omitted(results):
    rows = finding_rows(results, include_text=False)
    assert all(list(r) == list(COLUMNS[:-1]) for r in rows)
    assert columns(False) == COLUMNS[:-1]


@pytest.mark.parametrize("column, value, expected", [
    ("message", "=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
    ("evidence_text", "+1 dose", "'+1 dose"),
    ("evidence_text", "- B12 given", "'- B12 given"),
    ("claim_id", "@SUM(A1)", "'@SUM(A1)"),
    ("patient_id", "\tp1", "'\tp1"),
    ("message", "plain", "plain"),
    ("units", 2, 2),
    ("line_number", 3, 3),
    ("reason", "", ""),
])
def test_csv_safe(column, value, expected):
    assert csv_safe(column, value) == expected


@pytest.mark.parametrize("include_text, mode", [(True, 0o600), (False, 0o644)])
def test_file_round_trips(tmp_path, results, include_text, mode):
    old = os.umask(0o022)
    try:
        path = tmp_path / "f.csv"
        write_findings_csv(results, path, include_text)
    finally:
        os.umask(old)
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.split(b"\r\n", 1)[0].decode() == ",".join(columns(include_text))
    read_back = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    expected = [{k: str(csv_safe(k, v)) for k, v in row.items()} for row in finding_rows(results, include_text)]
    assert read_back == expected
    assert read_back[1]["message"] == "'=no lab"  # formula neutralised
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_writing_twice_gives_identical_bytes(tmp_path, results):
    write_findings_csv(results, tmp_path / "a.csv")
    write_findings_csv(results, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_failure_leaves_no_file(tmp_path, results):
    results[2].line.modifiers = None  # a bug upstream: join fails on the third line
    with pytest.raises(TypeError):
        write_findings_csv(results, tmp_path / "f.csv")
    assert os.listdir(tmp_path) == []
