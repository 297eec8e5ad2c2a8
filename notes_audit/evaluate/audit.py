"""Score audit verdicts and reasons against a gold folder (notes, claims, roster, gold.csv)."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from notes_audit.errors import InputError
from notes_audit.evaluate.metrics import prf
from notes_audit.findings.model import VERDICTS


@dataclass
class AuditScore:
    lines: int = 0
    correct: int = 0
    confusion: Counter = field(default_factory=Counter)  # (gold, predicted)
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.lines if self.lines else 0.0

    def prf(self, reason: str) -> tuple[float, float, float]:
        return prf(self.tp[reason], self.fp[reason], self.fn[reason])

    def table(self) -> str:
        out = [f"verdict accuracy: {self.accuracy:.3f} ({self.correct}/{self.lines} lines)", "",
               "confusion (rows gold, columns predicted):",
               f"{'':<16}" + "".join(f"{v[:14]:>16}" for v in VERDICTS)]
        for g in VERDICTS:
            out.append(f"{g:<16}" + "".join(f"{self.confusion[(g, p)]:>16}" for p in VERDICTS))
        out += ["", f"{'reason':<28}{'P':>7}{'R':>7}{'F1':>7}{'TP':>5}{'FP':>5}{'FN':>5}"]
        for reason in sorted(set(self.tp) | set(self.fp) | set(self.fn)):
            p, r, f = self.prf(reason)
            out.append(f"{reason:<28}{p:>7.3f}{r:>7.3f}{f:>7.3f}{self.tp[reason]:>5}{self.fp[reason]:>5}{self.fn[reason]:>5}")
        if self.missing:
            out.append(f"\n{len(self.missing)} gold lines had no result (rejected on input): {', '.join(self.missing[:10])}")
        return "\n".join(out)


def read_gold(path: Path) -> dict[tuple[str, int], tuple[str, frozenset[str]]]:
    gold = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=1):
                row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
                try:
                    key = (row["claim_id"], int(float(row["line_number"])))
                except (KeyError, ValueError) as exc:
                    raise InputError(f"bad gold row: {exc}", file=str(path), row=i) from exc
                reasons = frozenset(r.strip() for r in row.get("reasons", "").replace(",", ";").split(";") if r.strip())
                gold[key] = (row.get("verdict", ""), reasons)
    except FileNotFoundError as exc:
        raise InputError("gold.csv not found", file=str(path)) from exc
    return gold


def score_audit(folder: Path, policy: str = "medicare", lookback_days: int = 365) -> AuditScore:
    from notes_audit.scan import run_scan

    def pick(stem: str) -> Path | None:
        for ext in (".csv", ".jsonl", ".parquet"):
            if (folder / f"{stem}{ext}").is_file():
                return folder / f"{stem}{ext}"
        return None

    notes, claims, roster = pick("notes"), pick("claims"), pick("roster")
    if notes is None or claims is None:
        raise InputError("an audit corpus needs notes and claims files", file=str(folder))
    gold = read_gold(folder / "gold.csv")
    result = run_scan(notes, claims, roster, policy, lookback_days)
    predicted = {r.line.key: r for r in result.results}
    score = AuditScore()
    for key, (verdict, reasons) in sorted(gold.items()):
        r = predicted.get(key)
        if r is None:
            score.missing.append(f"{key[0]}:{key[1]}")
            continue
        got = frozenset(f.reason for f in r.findings)
        score.lines += 1
        score.correct += r.verdict == verdict
        score.confusion[(verdict, r.verdict)] += 1
        for reason in got & reasons:
            score.tp[reason] += 1
        for reason in got - reasons:
            score.fp[reason] += 1
        for reason in reasons - got:
            score.fn[reason] += 1
        if got != reasons or r.verdict != verdict:
            score.errors.append(f"{key[0]}:{key[1]} {r.line.code} gold={verdict} {sorted(reasons)} "
                                f"got={r.verdict} {sorted(got)}")
    return score
