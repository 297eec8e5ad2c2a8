import json
import os
import stat
import sys
import types

import pytest

from notes_audit.errors import InputError
from notes_audit.write.outputs import output_format, summary_path_for, write_findings

from .conftest import NOTE_TEXT

SUMMARY = {"tool": "notes-audit", "tool_version": "0.1.0", "generated_at": "2025-06-01T00:00:00Z"}


def mode_of(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def fake_writers(monkeypatch):
    """Stand-ins for the XLSX and HTML writers (another module's job): they write plain, world-readable
    files non-atomically, so the test shows outputs.py makes them atomic and 0600 itself."""
    calls = []

    def write_xlsx(rows, path, summary):
        calls.append(("xlsx", len(rows), summary))
        path.write_bytes(b"xlsx:" + json.dumps(rows).encode())
        path.chmod(0o644)

    def write_html(results, note_texts, summary, path, include_text):
        calls.append(("html", len(results), include_text, dict(note_texts)))
        path.write_text("<html>" + "".join(note_texts.values()))
        path.chmod(0o644)

    monkeypatch.setitem(sys.modules, "notes_audit.write.xlsx", types.SimpleNamespace(write_xlsx=write_xlsx))
    monkeypatch.setitem(sys.modules, "notes_audit.write.html", types.SimpleNamespace(write_html=write_html))
    return calls


@pytest.mark.parametrize("name, fmt", [
    ("r.jsonl", ".jsonl"), ("r.csv", ".csv"), ("R.CSV", ".csv"), ("r.xlsx", ".xlsx"), ("r.HTML", ".html"),
    ("out", None), ("out.json", None), ("out.d", None),
])
def test_output_format(tmp_path, name, fmt):
    assert output_format(tmp_path / name) == fmt


@pytest.mark.parametrize("name", ["r.jsonl", "r.csv", "r.xlsx", "r.html", "R.CSV"])
def test_single_file_and_its_summary(tmp_path, results, fake_writers, name):
    out = tmp_path / "sub" / name
    written = write_findings(results, out, SUMMARY, note_texts={"n1": NOTE_TEXT})
    assert written == [out, tmp_path / "sub" / f"{name}.summary.json"]
    assert summary_path_for(out) == written[1]
    assert json.loads(written[1].read_text()) == SUMMARY
    assert sorted(os.listdir(out.parent)) == sorted(p.name for p in written)  # no temp leftovers
    assert mode_of(out) == 0o600  # holds note text


def test_directory_gets_every_format(tmp_path, results, fake_writers):
    out = tmp_path / "report"
    written = write_findings(results, out, SUMMARY, note_texts={"n1": NOTE_TEXT})
    assert [p.name for p in written] == ["findings.jsonl", "findings.csv", "findings.xlsx", "findings.html",
                                         "summary.json"]
    assert sorted(os.listdir(out)) == sorted(p.name for p in written)
    assert [mode_of(p) for p in written[:4]] == [0o600] * 4
    assert [c[0] for c in fake_writers] == ["xlsx", "html"]
    assert fake_writers[0][1] == 4  # rows: one per finding, one per line without
    assert fake_writers[1] == ("html", 3, True, {"n1": NOTE_TEXT})
    assert len((out / "findings.jsonl").read_text().splitlines()) == 3


def test_without_text_only_the_html_stays_private(tmp_path, results, fake_writers):
    old = os.umask(0o022)
    try:
        written = write_findings(results, tmp_path / "report", SUMMARY, include_text=False)
    finally:
        os.umask(old)
    assert {p.name: mode_of(p) for p in written} == {
        "findings.jsonl": 0o644, "findings.csv": 0o644, "findings.xlsx": 0o644, "findings.html": 0o600,
        "summary.json": 0o644}
    assert NOTE_TEXT[27:75] not in (tmp_path / "report" / "findings.jsonl").read_text()
    assert "evidence_text" not in (tmp_path / "report" / "findings.csv").read_text()


@pytest.mark.parametrize("module, name", [("notes_audit.write.xlsx", "r.xlsx"), ("notes_audit.write.html", "r.html")])
def test_a_failing_writer_leaves_nothing_behind(tmp_path, results, monkeypatch, module, name):
    def broken(*args):
        path = args[1] if module.endswith("xlsx") else args[3]
        path.write_text("half")
        raise RuntimeError("writer bug")

    attr = "write_xlsx" if module.endswith("xlsx") else "write_html"
    monkeypatch.setitem(sys.modules, module, types.SimpleNamespace(**{attr: broken}))
    with pytest.raises(RuntimeError):
        write_findings(results, tmp_path / name, SUMMARY)
    assert os.listdir(tmp_path) == []


def test_output_path_that_is_a_file(tmp_path, results):
    (tmp_path / "taken").write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        write_findings(results, tmp_path / "taken", SUMMARY)


def test_same_inputs_give_identical_bytes(tmp_path, results, fake_writers):
    first = write_findings(results, tmp_path / "a", SUMMARY, note_texts={"n1": NOTE_TEXT})
    second = write_findings(results, tmp_path / "b", SUMMARY, note_texts={"n1": NOTE_TEXT})
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_with_the_real_xlsx_and_html_writers(tmp_path, results):
    pytest.importorskip("openpyxl")
    pytest.importorskip("jinja2")
    written = write_findings(results, tmp_path / "report", SUMMARY, note_texts={"n1": NOTE_TEXT, "n2": NOTE_TEXT})
    assert sorted(os.listdir(tmp_path / "report")) == sorted(p.name for p in written)
    assert (tmp_path / "report" / "findings.xlsx").read_bytes()[:2] == b"PK"
    assert b"<html" in (tmp_path / "report" / "findings.html").read_bytes().lower()
    assert [mode_of(p) for p in written[:4]] == [0o600] * 4
