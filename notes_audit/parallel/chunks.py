"""Cut a stream of notes into chunks for worker processes: by count, and by characters so one
chunk of multi-megabyte notes does not pin a worker (and the pipe) while the others wait."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from notes_audit.read.records import Note

CHUNK_NOTES = 32  # notes per chunk: enough to amortise pickling, small enough to balance workers
CHUNK_CHARS = 256_000  # about 128 two-KB notes; a 4 MB note travels alone


def chunked(notes: Iterable[Note], max_notes: int = CHUNK_NOTES,
            max_chars: int = CHUNK_CHARS) -> Iterator[list[Note]]:
    if max_notes < 1 or max_chars < 1:
        raise ValueError("chunk limits must be positive")
    chunk: list[Note] = []
    chars = 0
    for note in notes:
        if chunk and chars + len(note.text) > max_chars:
            yield chunk
            chunk, chars = [], 0
        chunk.append(note)
        chars += len(note.text)
        if len(chunk) >= max_notes:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk
