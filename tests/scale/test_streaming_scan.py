"""The streaming scan: same findings as auditing every note's evidence at once, NLP only for the
notes in-scope lines need, note texts never held, findings written as they come."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from notes_audit.audit.engine import audit_lines
from notes_audit.extract import Extractor
from notes_audit.read.claims import read_claims
from notes_audit.read.notes import read_notes
from notes_audit.read.roster import read_roster
from notes_audit.scan import prepare_scan, run_scan, summary_of, write_scan
from notes_audit.write.outputs import write_findings

from .conftest import CLAIM_HEADER, NOTE_HEADER, CountingExtractor, write_rows

FILLER = "Follow-up for hypertension and hyperlipidemia; BP 128/80; continue lisinopril. " * 26  # ~2 KB


def test_same_findings_as_extracting_every_note(corpus):
    """The reference is the pre-streaming scan: evidence for every note, then the audit."""
    notes, claims, roster = corpus / "notes.csv", corpus / "claims.csv", corpus / "roster.csv"
    extractor = Extractor()
    every_note = list(extractor.extract_many(read_notes(notes)))
    expected = audit_lines(read_claims(claims).lines, every_note, read_roster(roster))
    got = run_scan(notes, claims, roster, extractor=extractor)
    assert [r.to_dict() for r in got.results] == [r.to_dict() for r in expected]
    assert got.notes_extracted < len(every_note) or corpus.name == "test"  # demo has a note nobody bills


@pytest.mark.parametrize("unrelated, billed_out_of_scope", [(0, False), (40, False), (40, True)])
def test_only_needed_notes_go_through_the_nlp(tmp_path, unrelated, billed_out_of_scope):
    rows = [("inj", "p1", "e1", "2025-03-02", "B12 given"), ("hist", "p1", "", "2024-12-01", "B12 150 (L)"),
            ("later", "p1", "", "2025-03-03", "after the line")]
    rows += [(f"u{i}", f"q{i}", f"x{i}", "2025-03-02", FILLER) for i in range(unrelated)]
    claims = [("c1", 1, "96372", 1, "", "D51.0", "p1", "2025-03-02", "e1")]
    if billed_out_of_scope:  # lines that link to the unrelated notes but need no NLP
        claims += [(f"d{i}", 1, "85025", 1, "", "", f"q{i}", "2025-03-02", f"x{i}") for i in range(unrelated)]
    notes_path = write_rows(tmp_path / "notes.csv", NOTE_HEADER, rows)
    claims_path = write_rows(tmp_path / "claims.csv", CLAIM_HEADER, claims)
    spy = CountingExtractor()
    result = run_scan(notes_path, claims_path, extractor=spy)
    assert spy.seen == ["inj", "hist"]
    assert (result.notes_read, result.notes_extracted) == (3 + unrelated, 2)
    assert [r.note_ids for r in result.results[1:]] == [[f"u{i}"] for i in range(len(claims) - 1)]
    summary = summary_of(result)
    assert summary["notes"]["skipped"] == 1 + unrelated


def _peak_bytes(tmp_path: Path, unrelated: int) -> int:
    rows = [("inj", "p1", "e1", "2025-03-02", "B12 given")]
    rows += [(f"u{i}", f"q{i}", "", "2025-03-02", FILLER) for i in range(unrelated)]
    notes = write_rows(tmp_path / f"notes{unrelated}.csv", NOTE_HEADER, rows)
    claims = write_rows(tmp_path / "claims.csv", CLAIM_HEADER, [("c1", 1, "96372", 1, "", "D51.0", "p1",
                                                                 "2025-03-02", "e1")])
    tracemalloc.start()
    try:
        write_scan(prepare_scan(notes, claims, extractor=CountingExtractor()), tmp_path / f"out{unrelated}.jsonl")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_follow_the_notes_file(tmp_path):
    """Ten times the notes: the peak grows by far less than their text (about 2 KB a note)."""
    small, large = _peak_bytes(tmp_path, 200), _peak_bytes(tmp_path, 2000)
    growth_per_note = (large - small) / 1800
    assert growth_per_note < 0.25 * len(FILLER), (small, large)


@pytest.mark.parametrize("out", ["report", "f.jsonl", "f.csv", "f.html", "f.xlsx"])
@pytest.mark.parametrize("include_text", [True, False])
def test_streamed_files_equal_the_batch_writer(corpus, tmp_path, monkeypatch, out, include_text):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    args = (corpus / "notes.csv", corpus / "claims.csv", corpus / "roster.csv")
    batch = run_scan(*args, keep_texts=True)
    write_findings(batch.results, tmp_path / "batch" / out, summary_of(batch), include_text, batch.note_texts)
    paths, _, counts = write_scan(prepare_scan(*args, keep_texts=True), tmp_path / "stream" / out, include_text)
    assert counts.lines_out == len(batch.results)
    for path in paths:
        reference = tmp_path / "batch" / path.relative_to(tmp_path / "stream")
        if path.suffix == ".xlsx":  # the workbook's zip members carry the time they were written
            assert _xlsx_sheets(path) == _xlsx_sheets(reference)
        else:
            assert path.read_bytes() == reference.read_bytes(), path.name


def _xlsx_sheets(path: Path) -> list:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return [[tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


def test_an_error_mid_scan_leaves_no_partial_files(tmp_path):
    notes = write_rows(tmp_path / "notes.csv", NOTE_HEADER, [("n1", "p1", "e1", "2025-03-02", "B12 given")])
    claims = write_rows(tmp_path / "claims.csv", CLAIM_HEADER,
                        [("c1", i, "96372", 1, "", "D51.0", "p1", "2025-03-02", "e1") for i in range(1, 4)])
    prepared = prepare_scan(notes, claims, extractor=CountingExtractor())
    results = prepared.iter_results

    def failing():
        it = results()
        yield next(it)
        raise RuntimeError("disk full")

    prepared.iter_results = failing
    with pytest.raises(RuntimeError):
        write_scan(prepared, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == []
