"""JSON Lines output: one object per line, UTF-8 as is (`ensure_ascii=False`), keys in the order
the records give them. Streams: a generator of records is written without being collected."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from notes_audit.evidence.model import NoteEvidence
from notes_audit.findings.model import LineResult
from notes_audit.write.atomic import atomic_writer


def json_line(record: dict[str, Any]) -> str:
    """One record as one line; NaN/Infinity are refused, they are not JSON."""
    return json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n"


def write_jsonl(records: Iterable[dict[str, Any]], out: str | Path | TextIO | None = None,
                *, private: bool = False) -> int:
    """Write `records` to the file `out` (atomically), or to a text stream, or to stdout when
    `out` is None or "-". Returns the number of records written."""
    if out is None or out == "-":
        return _write_lines(records, sys.stdout)
    if isinstance(out, (str, Path)):
        with atomic_writer(Path(out), "w", private=private, newline="\n") as handle:
            return _write_lines(records, handle)
    return _write_lines(records, out)


def _write_lines(records: Iterable[dict[str, Any]], handle: TextIO) -> int:
    count = 0
    for record in records:
        handle.write(json_line(record))
        count += 1
    handle.flush()
    return count


def write_findings_jsonl(results: Iterable[LineResult], out: str | Path | TextIO | None,
                         include_text: bool = True) -> int:
    """Findings, one object per claim line (SPEC §4). With evidence text the file is 0600."""
    return write_jsonl((r.to_dict(include_text) for r in results), out, private=include_text)


def write_evidence_jsonl(evidence: Iterable[NoteEvidence], out: str | Path | TextIO | None,
                         include_text: bool = True) -> int:
    """Evidence, one object per note (SPEC §3). With evidence text the file is 0600."""
    return write_jsonl((e.to_dict(include_text) for e in evidence), out, private=include_text)
