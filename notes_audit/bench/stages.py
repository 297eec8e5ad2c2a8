"""The four throughput stages, each on one process (one core): the same texts through

1. spaCy's blank English tokenizer alone (the floor any spaCy pipeline pays);
2. the medspaCy baseline (baseline.py);
3. our `Extractor` pipeline;
4. `scan` end to end: read CSV, link, extract, rules, write JSONL.

Pipelines are built before the clock starts: the rates are steady-state throughput.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from notes_audit.bench.baseline import blank_tokenizer, medspacy_baseline
from notes_audit.bench.timing import Timed, timed
from notes_audit.extract import Extractor
from notes_audit.read.records import Note

BATCH = 32


def tokenizer(texts: Sequence[str]) -> Timed:
    nlp = blank_tokenizer()
    return timed(lambda: sum(len(doc) for doc in nlp.pipe(texts, batch_size=BATCH)))


def baseline(texts: Sequence[str]) -> Timed:
    nlp = medspacy_baseline()
    return timed(lambda: sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=BATCH)))


def extractor(texts: Sequence[str], pipeline: Extractor) -> Timed:
    notes = [Note(f"n{i}", t) for i, t in enumerate(texts)]
    return timed(lambda: sum(1 for _ in pipeline.extract_many(notes)))


def scan(notes: Path, claims: Path, out: Path, pipeline: Extractor | None = None, workers: int = 1,
         chunk_notes: int = 32) -> Timed:
    """A whole scan writing JSONL; its value is the number of notes run through the NLP."""
    from notes_audit.scan import prepare_scan, write_scan

    def run() -> int:
        prepared = prepare_scan(notes, claims, extractor=pipeline, workers=workers, chunk_notes=chunk_notes)
        write_scan(prepared, out)
        return prepared.notes_extracted

    return timed(run)
