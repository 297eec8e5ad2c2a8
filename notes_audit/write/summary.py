"""summary.json (SPEC §4): what was read, audited and rejected (with why), verdict and reason
counts, policy and tool versions. `generated_at` is its only timestamp, so two runs over the same
inputs give byte-identical files apart from it (and not even that with SOURCE_DATE_EPOCH set).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notes_audit import __version__
from notes_audit.findings.model import VERDICTS, LineResult
from notes_audit.read.records import Rejected
from notes_audit.write.atomic import atomic_writer

# Rejected records listed one by one, per kind; beyond this only the counts (a file of a million
# bad rows must not give a summary of a million entries).
MAX_LISTED = 10_000


@dataclass(slots=True)
class ResultCounts:
    """What the summary needs of the results: a scan that writes findings as they come adds each
    result here instead of keeping them all."""

    lines_out: int = 0
    verdicts: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)

    def add(self, result: LineResult) -> None:
        self.lines_out += 1
        self.verdicts[result.verdict] += 1
        self.reasons.update(f.reason for f in result.findings)

    @classmethod
    def of(cls, results: Iterable[LineResult]) -> ResultCounts:
        counts = cls()
        for result in results:
            counts.add(result)
        return counts


def build_summary(*, results: Sequence[LineResult] | None = None, lines_read: int, lines_rejected: Sequence[Rejected],
                  notes_read: int, notes_audited: int, notes_rejected: Sequence[Rejected],
                  policy_name: str, policy_version: str, generated_at: str | None = None,
                  inputs: Mapping[str, str | None] | None = None,
                  roster_read: int | None = None, roster_rejected: Sequence[Rejected] = (),
                  counts: ResultCounts | None = None) -> dict[str, Any]:
    """The run summary as a dict in a fixed key order, from the `results` or from their `counts`.

    `notes_read` counts note records met (accepted or rejected); `notes_audited` those run
    through NLP; the rest of the accepted notes are `skipped` (linked to no audited line).
    Raises AssertionError (a bug, exit 1) when the line or note counts do not add up.
    """
    if counts is None:
        if results is None:
            raise TypeError("build_summary needs results or counts")
        counts = ResultCounts.of(results)
    lines_out = counts.lines_out
    if lines_read != lines_out + len(lines_rejected):
        raise AssertionError(f"lines in ({lines_read}) != lines out ({lines_out}) + lines rejected "
                             f"({len(lines_rejected)})")
    notes_skipped = notes_read - len(notes_rejected) - notes_audited
    if notes_skipped < 0:
        raise AssertionError(f"notes read ({notes_read}) < notes audited ({notes_audited}) + notes "
                             f"rejected ({len(notes_rejected)})")
    summary: dict[str, Any] = {
        "tool": "notes-audit",
        "tool_version": __version__,
        "policy": {"name": policy_name, "version": policy_version},
        "generated_at": generated_at or default_timestamp(),
    }
    if inputs is not None:
        summary["inputs"] = {k: (None if v is None else str(v)) for k, v in inputs.items()}
    summary["notes"] = {"read": notes_read, "audited": notes_audited, "skipped": notes_skipped,
                        **_rejections(notes_rejected)}
    summary["lines"] = {"read": lines_read, "out": lines_out, **_rejections(lines_rejected)}
    if roster_read is not None:
        summary["roster"] = {"read": roster_read, "used": roster_read - len(roster_rejected),
                             **_rejections(roster_rejected)}
    verdicts = counts.verdicts
    unknown = set(verdicts) - set(VERDICTS)
    if unknown:
        raise AssertionError(f"verdicts outside the contract: {sorted(unknown)}")
    summary["by_verdict"] = {v: verdicts.get(v, 0) for v in VERDICTS}
    reasons = counts.reasons
    summary["by_reason"] = {reason: reasons[reason] for reason in sorted(reasons)}
    return summary


def _rejections(rejected: Sequence[Rejected]) -> dict[str, Any]:
    by_column = Counter(r.column or "(row)" for r in rejected)
    out: dict[str, Any] = {
        "rejected": len(rejected),
        "rejected_by_column": {c: by_column[c] for c in sorted(by_column)},
        "rejected_records": [r.to_dict() for r in rejected[:MAX_LISTED]],
    }
    if len(rejected) > MAX_LISTED:
        out["rejected_not_listed"] = len(rejected) - MAX_LISTED
    return out


def default_timestamp() -> str:
    """UTC now, to the second; SOURCE_DATE_EPOCH (reproducible builds) wins when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit()
              else dt.datetime.now(dt.UTC))
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def summary_json(summary: Mapping[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_summary(summary: Mapping[str, Any], path: str | Path) -> Path:
    """summary.json holds counts and rejection reasons, never note text: default permissions."""
    path = Path(path)
    with atomic_writer(path, "w", newline="\n") as handle:
        handle.write(summary_json(summary))
    return path
