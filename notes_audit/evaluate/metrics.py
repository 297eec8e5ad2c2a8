"""Precision, recall and F1 from counts (an empty class scores 1.0, as nothing was missed or invented)."""

from __future__ import annotations


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def prf_dict(tp: int, fp: int, fn: int, digits: int = 6) -> dict[str, float | int]:
    """The scores and their counts, for machine-readable output."""
    p, r, f = prf(tp, fp, fn)
    return {"precision": round(p, digits), "recall": round(r, digits), "f1": round(f, digits),
            "tp": tp, "fp": fp, "fn": fn}
