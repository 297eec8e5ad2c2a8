"""Peak memory of `notes-audit scan` as the notes file grows, each run in its own process (the
peak comes from wait4's rusage, so nothing of the bench process is counted)."""

from __future__ import annotations

from pathlib import Path

from notes_audit.bench import workload
from notes_audit.bench.sources import Sources
from notes_audit.bench.timing import child_peak_rss_mb, python_module


def scan_peak(folder: Path, n: int, sources: Sources, *, bill_others: bool) -> dict:
    """Scan n notes (1% B12-related with in-scope lines) writing JSONL, on one worker."""
    name = f"mem{n}{'b' if bill_others else ''}"
    notes, claims = workload.write(folder, n, sources, lambda note: note.index % 100 == 0, b12_every=100,
                                   bill_others=bill_others, name=name)
    rss, seconds = child_peak_rss_mb(python_module("notes_audit", "scan", "--notes", str(notes), "--claims",
                                                   str(claims), "--out", str(folder / f"{name}.jsonl"),
                                                   "--workers", "1"))
    size = notes.stat().st_size
    notes.unlink()  # hundreds of MB: do not keep them beside the next run
    return {"notes": n, "notes_mb": round(size / 1e6, 1), "peak_rss_mb": round(rss, 1), "seconds": round(seconds, 1)}
