"""`--workers N`: extraction across processes gives the same bytes as one process."""

from __future__ import annotations

import pytest

from notes_audit.extract import Extractor
from notes_audit.parallel.chunks import chunked
from notes_audit.parallel.extract import workers_for
from notes_audit.parallel.pool import ExtractionPool
from notes_audit.read.notes import read_notes
from notes_audit.read.records import Note
from notes_audit.scan import prepare_scan, write_scan


def test_two_workers_write_the_same_files_as_one(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    args = (corpus / "notes.csv", corpus / "claims.csv", corpus / "roster.csv")
    one = prepare_scan(*args, keep_texts=True, workers=1)
    # Small chunks, so both workers get several and finish out of order.
    two = prepare_scan(*args, keep_texts=True, workers=2, chunk_notes=3)
    assert (one.workers_used, two.workers_used) == (1, 2)
    paths_one, _, _ = write_scan(one, tmp_path / "one")
    paths_two, _, _ = write_scan(two, tmp_path / "two")
    for a, b in zip(paths_one, paths_two):
        if a.suffix != ".xlsx":  # xlsx zip members carry their write time
            assert a.read_bytes() == b.read_bytes(), a.name


def test_pool_keeps_input_order(corpus):
    notes = list(read_notes(corpus / "notes.csv"))
    expected = [ev.to_dict() for ev in Extractor().extract_many(notes)]
    with ExtractionPool(2, max_notes=2) as pool:
        got = [ev.to_dict() for ev in pool.extract(notes)]
    assert got == expected


_ORIGINAL_EXTRACT_MANY = Extractor.extract_many


def _fail_on_boom(self, notes):
    notes = list(notes)
    if any(n.note_id == "boom" for n in notes):
        raise ValueError("extractor bug")
    yield from _ORIGINAL_EXTRACT_MANY(self, notes)


def test_a_worker_error_reaches_the_caller(monkeypatch):
    # Workers are forked after the patch (Linux), so they run the failing extractor.
    monkeypatch.setattr(Extractor, "extract_many", _fail_on_boom)
    notes = [Note(f"n{i}", "B12 1000 mcg IM given") for i in range(5)] + [Note("boom", "x")]
    with pytest.raises(ValueError, match="extractor bug"):
        with ExtractionPool(2, max_notes=2) as pool:
            list(pool.extract(notes))


@pytest.mark.parametrize("sizes, max_notes, max_chars, expected", [
    ([1, 1, 1], 2, 100, [2, 1]),
    ([50, 50, 50], 10, 100, [2, 1]),         # characters close a chunk
    ([500, 1, 1], 10, 100, [1, 2]),          # a note larger than the limit travels alone
    ([], 5, 100, []),
])
def test_chunked(sizes, max_notes, max_chars, expected):
    notes = [Note(f"n{i}", "x" * size) for i, size in enumerate(sizes)]
    chunks = list(chunked(notes, max_notes, max_chars))
    assert [len(c) for c in chunks] == expected
    assert [n for c in chunks for n in c] == notes


@pytest.mark.parametrize("notes, workers, chunk, expected", [
    (1000, 1, 32, 1),
    (1000, 4, 32, 4),
    (100, 4, 32, 1),     # 100 notes: one worker's two chunks; a pool would not pay for itself
    (128, 4, 32, 2),
    (0, 8, 32, 1),
])
def test_workers_for(notes, workers, chunk, expected):
    assert workers_for(notes, workers, chunk) == expected
