"""Texts the bench workload is made of: B12-related notes from the project's corpora (extraction
dev/test, demo, test) and non-B12 notes from the public MTSamples subset."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from notes_audit.errors import InputError
from notes_audit.read.notes import read_notes

# A note mentioning any of these is B12-related; the MTSamples notes that do are left out.
_B12 = re.compile(r"b[\s-]?12|cobalamin|pernicious", re.IGNORECASE)


@dataclass(frozen=True)
class Sources:
    b12: tuple[str, ...]
    other: tuple[str, ...]


def project_root() -> Path:
    from notes_audit.demo import demo_dir

    return demo_dir().parents[1]


def resolve(path: Path) -> Path:
    """A path as given, or relative to the project root (the default ../shared/data is)."""
    if path.exists() or path.is_absolute():
        return path
    return project_root() / path


def load_sources(mtsamples: Path) -> Sources:
    corpora = project_root() / "corpora"
    b12 = [p.read_text(encoding="utf-8") for p in sorted(corpora.glob("extraction/*/notes/*.txt"))]
    for folder in ("demo", "test"):
        if (corpora / folder / "notes.csv").is_file():
            b12 += [n.text for n in read_notes(corpora / folder / "notes.csv")]
    mts = resolve(mtsamples)
    if not mts.is_file():
        raise InputError("the MTSamples subset is needed for non-B12 notes (--mtsamples)", file=str(mts))
    other = [n.text for n in read_notes(mts) if not _B12.search(n.text) and len(n.text) >= 500]
    if not b12 or not other:
        raise InputError("no source notes found for the bench workload", file=str(corpora))
    return Sources(tuple(b12), tuple(other))
