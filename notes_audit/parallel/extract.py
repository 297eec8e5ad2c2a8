"""Evidence for a stream of notes, in input order, on one process or several."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator

from notes_audit.evidence.model import NoteEvidence
from notes_audit.extract import Extractor
from notes_audit.parallel.chunks import CHUNK_NOTES
from notes_audit.parallel.pool import ExtractionPool
from notes_audit.read.records import Note

ExtractFn = Callable[[Iterable[Note]], Iterator[NoteEvidence]]


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, as containers and `taskset` set it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def workers_for(notes_to_extract: int, workers: int, chunk_notes: int = CHUNK_NOTES) -> int:
    """How many processes are worth starting: a worker's pipeline build costs about as much as
    extracting a few dozen notes, so each worker should get at least two chunks."""
    if workers <= 1:
        return 1
    return max(1, min(workers, notes_to_extract // (2 * chunk_notes)))


@contextlib.contextmanager
def extraction(workers: int = 1, extractor: Extractor | None = None,
               chunk_notes: int = CHUNK_NOTES) -> Iterator[ExtractFn]:
    """A function from notes to their evidence (input order, same output whatever `workers`).

    On one process, `extractor` (or a new one) does the work; worker processes build their own.
    Enter it before starting anything that runs threads (a progress bar): workers are forked on
    entry.
    """
    if workers <= 1:
        yield (extractor or Extractor()).extract_many
        return
    with ExtractionPool(workers, max_notes=chunk_notes) as pool:
        yield pool.extract
