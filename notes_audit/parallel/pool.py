"""Extraction across processes: one spaCy pipeline per worker process, built once when the
worker starts, fed chunks of notes; evidence comes back in input order.

At most `2 x workers` chunks are in flight, so a large notes file is never queued whole in memory
(multiprocessing's own `imap` would read the whole input ahead).

Start method: on Linux the workers are forked from a parent that has already built the pipeline,
so they start at the cost of a fork (each building its own cost about 1.5 s for two here, against
7 s with forkserver and 12 s with spawn on the 2-core bench machine). Python 3.12 warns about forking a multi-threaded process: the only other threads
are OpenBLAS's idle pool (numpy) and jemalloc's background thread (pyarrow), and both libraries
register fork handlers, so that warning is silenced here and nowhere else.
NOTES_AUDIT_START_METHOD=spawn|forkserver overrides (spawn is the default off Linux).
`gc.freeze()` before the fork keeps the parent's objects (the claim lines) out of the children's
garbage collector, so copy-on-write pages are not copied just by being scanned.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.pool import AsyncResult, Pool

from notes_audit.evidence.model import NoteEvidence
from notes_audit.extract import Extractor
from notes_audit.parallel.chunks import CHUNK_CHARS, CHUNK_NOTES, chunked
from notes_audit.read.records import Note

_worker_extractor: Extractor | None = None  # the one pipeline of a worker process


def _start_worker(batch_size: int) -> None:
    # Ctrl-C goes to the whole process group: the parent handles it and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker_extractor
    if _worker_extractor is None:  # forked workers inherit the parent's, already built
        _worker_extractor = Extractor(batch_size=batch_size)
        _worker_extractor.nlp  # build now, once, not inside the first chunk's timing


def _build_before_fork(batch_size: int) -> None:
    """Build the pipeline once in the parent: forked workers share it copy-on-write instead of each
    building its own on a machine whose cores they are about to fight over."""
    global _worker_extractor
    if _worker_extractor is None or _worker_extractor.batch_size != batch_size:
        _worker_extractor = Extractor(batch_size=batch_size)
    _worker_extractor.nlp


def _extract_chunk(notes: list[Note]) -> list[NoteEvidence]:
    assert _worker_extractor is not None, "worker started without its pipeline"
    return list(_worker_extractor.extract_many(notes))


def start_method() -> str:
    chosen = os.environ.get("NOTES_AUDIT_START_METHOD", "").strip()
    if chosen:
        return chosen
    return "fork" if sys.platform.startswith("linux") else "spawn"


class ExtractionPool:
    """`with ExtractionPool(4) as pool: for ev in pool.extract(notes): ...`"""

    def __init__(self, workers: int, *, batch_size: int = 32, max_notes: int = CHUNK_NOTES,
                 max_chars: int = CHUNK_CHARS) -> None:
        if workers < 1:
            raise ValueError("workers must be 1 or more")
        self.workers = workers
        self.batch_size = batch_size
        self.max_notes, self.max_chars = max_notes, max_chars
        self._pool: Pool | None = None

    def __enter__(self) -> ExtractionPool:
        method = start_method()
        context = multiprocessing.get_context(method)
        if method == "fork":
            _build_before_fork(self.batch_size)
        gc.freeze()
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=r".*is multi-threaded, use of fork\(\)",
                                        category=DeprecationWarning)
                self._pool = context.Pool(self.workers, initializer=_start_worker, initargs=(self.batch_size,))
        finally:
            gc.unfreeze()
        return self

    def extract(self, notes: Iterable[Note]) -> Iterator[NoteEvidence]:
        if self._pool is None:
            raise RuntimeError("use ExtractionPool as a context manager")
        window = 2 * self.workers
        pending: deque[AsyncResult] = deque()
        for chunk in chunked(notes, self.max_notes, self.max_chars):
            pending.append(self._pool.apply_async(_extract_chunk, (chunk,)))
            if len(pending) >= window:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._pool is None:
            return
        if exc_type is None:
            self._pool.close()
        else:  # an error or Ctrl-C: do not wait for chunks nobody will read
            self._pool.terminate()
        self._pool.join()
        self._pool = None
