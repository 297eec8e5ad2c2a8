"""`notes-audit evaluate --gold P`: pick the scorer from what the folder holds, and print the scores
as text tables or (`--json`) as one JSON object.

- extraction corpus (`notes/` + `gold/`): precision/recall/F1 per fact type;
- audit corpus (`gold.csv` beside notes and claims): verdict accuracy, the verdict confusion matrix,
  precision/recall/F1 per reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from notes_audit import __version__
from notes_audit.errors import InputError

EXTRACTION, AUDIT = "extraction", "audit"


def corpus_kind(gold: Path) -> str:
    if (gold / "gold").is_dir() and (gold / "notes").is_dir():
        return EXTRACTION
    if (gold / "gold.csv").is_file():
        return AUDIT
    if not gold.exists():
        raise InputError("gold corpus not found", file=str(gold))
    raise InputError("not a gold corpus: expected notes/ + gold/ (extraction) or gold.csv (audit)", file=str(gold))


def score_path(gold: Path, policy: str = "medicare", lookback_days: int = 365):
    """(kind, score): an `ExtractionScore` or an `AuditScore`."""
    kind = corpus_kind(gold)
    if kind == EXTRACTION:
        from notes_audit.evaluate.extraction import score_extraction

        return kind, score_extraction(gold)
    from notes_audit.evaluate.audit import score_audit

    return kind, score_audit(gold, policy, lookback_days)


def evaluate_path(gold: Path, policy: str = "medicare", show_errors: bool = False, as_json: bool = False,
                  lookback_days: int = 365) -> str:
    kind, score = score_path(gold, policy, lookback_days)
    if as_json:
        return json.dumps(scores_json(kind, score, gold, policy, lookback_days, show_errors), indent=2)
    if kind == EXTRACTION:
        text = f"extraction: {gold}\n" + score.table()
        if show_errors:
            text += "\n\n" + "\n".join(f"{n} {k} missed={sorted(map(str, m))} spurious={sorted(map(str, s))}"
                                       for n, k, m, s in score.errors)
        return text
    text = f"audit: {gold} (policy {policy}, lookback {lookback_days} days)\n" + score.table()
    if show_errors:
        text += "\n\ndisagreements (claim:line code gold=verdict [reasons] got=verdict [reasons] notes=...):\n"
        text += "\n".join(map(str, score.errors)) if score.errors else "(none)"
    return text


def scores_json(kind: str, score, gold: Path, policy: str, lookback_days: int, errors: bool) -> dict[str, Any]:
    head: dict[str, Any] = {"tool": "notes-audit", "tool_version": __version__, "kind": kind, "gold": str(gold)}
    if kind == AUDIT:
        head.update(policy=policy, lookback_days=lookback_days)
    return {**head, **score.to_dict(include_errors=errors)}
