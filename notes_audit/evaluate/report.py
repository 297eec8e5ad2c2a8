"""`notes-audit evaluate --gold P`: pick the scorer from what the folder holds."""

from __future__ import annotations

from pathlib import Path

from notes_audit.errors import InputError


def evaluate_path(gold: Path, policy: str = "medicare", show_errors: bool = False) -> str:
    if (gold / "gold").is_dir() and (gold / "notes").is_dir():
        from notes_audit.evaluate.extraction import score_extraction

        score = score_extraction(gold)
        text = f"extraction: {gold}\n" + score.table()
        if show_errors:
            text += "\n" + "\n".join(f"{n} {k} missed={sorted(map(str, m))} spurious={sorted(map(str, s))}"
                                     for n, k, m, s in score.errors)
        return text
    if (gold / "gold.csv").is_file():
        from notes_audit.evaluate.audit import score_audit

        score = score_audit(gold, policy)
        text = f"audit: {gold}\n" + score.table()
        if show_errors:
            text += "\n\n" + "\n".join(score.errors)
        return text
    raise InputError("not a gold corpus: expected notes/ + gold/ (extraction) or gold.csv (audit)", file=str(gold))
