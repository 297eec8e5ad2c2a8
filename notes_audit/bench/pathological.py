"""Pathological input: very long notes and a pathological repetition, seconds per MB of text.
Linear extraction keeps s/MB flat as the size doubles."""

from __future__ import annotations

from collections.abc import Sequence

from notes_audit.bench.timing import timed
from notes_audit.extract import Extractor

MB = 1_000_000


def long_note(texts: Sequence[str], size: int) -> str:
    """Workload notes joined one after another until `size` characters: a realistic mix, at scale."""
    parts, total, i = [], 0, 0
    while total < size:
        parts.append(texts[i % len(texts)])
        total += len(parts[-1]) + 2
        i += 1
    return "\n\n".join(parts)[:size]


def seconds_per_mb(text: str, pipeline: Extractor) -> dict:
    run = timed(lambda: pipeline.extract_text(text))
    return {"chars": len(text), "seconds": round(run.seconds, 3),
            "s_per_mb": round(run.seconds / (len(text) / MB), 2)}


def measure(texts: Sequence[str], pipeline: Extractor, sizes_mb: Sequence[float], repeats: int) -> dict:
    out = {f"{size:g} MB note": seconds_per_mb(long_note(texts, int(size * MB)), pipeline) for size in sizes_mb}
    out[f'"B12 B12" x {repeats:,}'] = seconds_per_mb(" ".join(["B12 B12"] * repeats), pipeline)
    return out
