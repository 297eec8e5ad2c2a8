"""Score audit verdicts and reasons against a gold folder (notes, claims, optional roster, gold.csv).

gold.csv has one row per claim line: `claim_id, line_number, verdict, reasons` (reasons `;`- or
`,`-separated, empty for none). Scores: verdict accuracy, the verdict confusion matrix, lines whose
reason set is exactly the gold one, and per-reason precision/recall/F1 (a reason counted once per
line), with their micro average.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notes_audit.errors import InputError
from notes_audit.evaluate.metrics import prf, prf_dict
from notes_audit.findings.model import VERDICTS
from notes_audit.rules.reasons import SPEC_REASONS

GoldLine = tuple[str, frozenset[str]]  # verdict, reasons


@dataclass
class LineDisagreement:
    """One gold line the audit got wrong (verdict or reasons)."""

    claim_id: str
    line_number: int
    code: str
    gold_verdict: str
    gold_reasons: tuple[str, ...]
    verdict: str
    reasons: tuple[str, ...]
    note_ids: tuple[str, ...] = ()

    @property
    def missed(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.gold_reasons) - set(self.reasons)))

    @property
    def spurious(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.reasons) - set(self.gold_reasons)))

    def __str__(self) -> str:
        notes = ",".join(self.note_ids) or "-"
        return (f"{self.claim_id}:{self.line_number} {self.code} gold={self.gold_verdict} "
                f"{list(self.gold_reasons)} got={self.verdict} {list(self.reasons)} notes={notes}")

    def to_dict(self) -> dict[str, Any]:
        return {"claim_id": self.claim_id, "line_number": self.line_number, "code": self.code,
                "gold_verdict": self.gold_verdict, "gold_reasons": list(self.gold_reasons),
                "verdict": self.verdict, "reasons": list(self.reasons), "missed": list(self.missed),
                "spurious": list(self.spurious), "note_ids": list(self.note_ids)}


@dataclass
class AuditScore:
    lines: int = 0
    correct: int = 0
    exact: int = 0  # lines whose reason set equals the gold one
    confusion: Counter = field(default_factory=Counter)  # (gold, predicted)
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)  # gold lines without a result (rejected on input)
    unscored: list[str] = field(default_factory=list)  # audited lines the gold does not list
    errors: list[LineDisagreement] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.lines if self.lines else 0.0

    @property
    def reasons(self) -> list[str]:
        """Reasons met in the gold or the predictions, SPEC order first."""
        seen = set(self.tp) | set(self.fp) | set(self.fn)
        return [r for r in SPEC_REASONS if r in seen] + sorted(seen - set(SPEC_REASONS))

    def prf(self, reason: str) -> tuple[float, float, float]:
        return prf(self.tp[reason], self.fp[reason], self.fn[reason])

    def micro(self) -> tuple[float, float, float]:
        return prf(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))

    def add(self, key: tuple[str, int], code: str, gold: GoldLine, verdict: str, reasons: frozenset[str],
            note_ids: tuple[str, ...] = ()) -> None:
        gold_verdict, gold_reasons = gold
        self.lines += 1
        self.correct += verdict == gold_verdict
        self.exact += reasons == gold_reasons
        self.confusion[(gold_verdict, verdict)] += 1
        for reason in reasons & gold_reasons:
            self.tp[reason] += 1
        for reason in reasons - gold_reasons:
            self.fp[reason] += 1
        for reason in gold_reasons - reasons:
            self.fn[reason] += 1
        if reasons != gold_reasons or verdict != gold_verdict:
            self.errors.append(LineDisagreement(key[0], key[1], code, gold_verdict, _ordered(gold_reasons),
                                                verdict, _ordered(reasons), tuple(note_ids)))

    def table(self) -> str:
        width = max([16, *(len(v) + 2 for v in VERDICTS)])
        out = [f"verdict accuracy: {self.accuracy:.3f} ({self.correct}/{self.lines} lines)",
               f"exact reasons:    {self.exact / self.lines if self.lines else 0.0:.3f} "
               f"({self.exact}/{self.lines} lines)", "",
               "confusion (rows gold, columns predicted):",
               f"{'':<{width}}" + "".join(f"{v:>{width}}" for v in VERDICTS)]
        for g in VERDICTS:
            out.append(f"{g:<{width}}" + "".join(f"{self.confusion[(g, p)]:>{width}}" for p in VERDICTS))
        out += ["", f"{'reason':<28}{'P':>7}{'R':>7}{'F1':>7}{'TP':>5}{'FP':>5}{'FN':>5}"]
        for reason in self.reasons:
            p, r, f = self.prf(reason)
            out.append(f"{reason:<28}{p:>7.3f}{r:>7.3f}{f:>7.3f}{self.tp[reason]:>5}{self.fp[reason]:>5}"
                       f"{self.fn[reason]:>5}")
        p, r, f = self.micro()
        out.append(f"{'(micro average)':<28}{p:>7.3f}{r:>7.3f}{f:>7.3f}{sum(self.tp.values()):>5}"
                   f"{sum(self.fp.values()):>5}{sum(self.fn.values()):>5}")
        if self.missing:
            out.append(f"\n{len(self.missing)} gold lines had no result (rejected on input): "
                       f"{', '.join(self.missing[:10])}")
        if self.unscored:
            out.append(f"\n{len(self.unscored)} audited lines are not in the gold (not scored): "
                       f"{', '.join(self.unscored[:10])}")
        return "\n".join(out)

    def to_dict(self, include_errors: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "lines": self.lines, "correct": self.correct, "verdict_accuracy": round(self.accuracy, 6),
            "exact_reasons": self.exact,
            "exact_reasons_rate": round(self.exact / self.lines, 6) if self.lines else 0.0,
            "confusion": {g: {p: self.confusion[(g, p)] for p in VERDICTS} for g in VERDICTS},
            "reasons": {r: prf_dict(self.tp[r], self.fp[r], self.fn[r]) for r in self.reasons},
            "micro": prf_dict(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())),
            "missing": list(self.missing), "unscored": list(self.unscored),
        }
        if include_errors:
            d["errors"] = [e.to_dict() for e in self.errors]
        return d


def _ordered(reasons: frozenset[str]) -> tuple[str, ...]:
    return tuple([r for r in SPEC_REASONS if r in reasons] + sorted(reasons - set(SPEC_REASONS)))


def read_gold(path: Path, known_reasons: frozenset[str] | None = None) -> dict[tuple[str, int], GoldLine]:
    """gold.csv -> {(claim_id, line_number): (verdict, reasons)}; a bad row is an InputError naming it."""
    gold: dict[tuple[str, int], GoldLine] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = {(h or "").strip().lower() for h in reader.fieldnames or ()}
            for column in ("claim_id", "line_number", "verdict"):
                if column not in header:
                    raise InputError("required column is missing", file=str(path), column=column)
            for i, row in enumerate(reader, start=1):
                row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
                try:
                    key = (row["claim_id"], int(float(row["line_number"])))
                except ValueError:
                    raise InputError("not a line number", file=str(path), row=i, column="line_number") from None
                if not key[0]:
                    raise InputError("required value is missing", file=str(path), row=i, column="claim_id")
                verdict = row.get("verdict", "")
                if verdict not in VERDICTS:
                    raise InputError(f"verdict '{verdict}' is not one of {', '.join(VERDICTS)}",
                                     file=str(path), row=i, column="verdict")
                reasons = frozenset(r.strip() for r in row.get("reasons", "").replace(",", ";").split(";")
                                    if r.strip())
                unknown = sorted(reasons - known_reasons) if known_reasons is not None else []
                if unknown:
                    raise InputError(f"unknown reason {unknown[0]}", file=str(path), row=i, column="reasons")
                if key in gold:
                    raise InputError(f"claim {key[0]} line {key[1]} is listed twice", file=str(path), row=i,
                                     column="line_number")
                gold[key] = (verdict, reasons)
    except FileNotFoundError as exc:
        raise InputError("gold.csv not found", file=str(path)) from exc
    return gold


def corpus_files(folder: Path) -> tuple[Path, Path, Path | None]:
    """The notes, claims and (optional) roster files of an audit corpus folder."""

    def pick(stem: str) -> Path | None:
        for ext in (".csv", ".jsonl", ".parquet"):
            if (folder / f"{stem}{ext}").is_file():
                return folder / f"{stem}{ext}"
        return None

    notes, claims, roster = pick("notes"), pick("claims"), pick("roster")
    if notes is None and (folder / "notes").is_dir():
        notes = folder / "notes"  # a folder of .txt notes
    if notes is None or claims is None:
        raise InputError("an audit corpus needs notes and claims files", file=str(folder))
    return notes, claims, roster


def score_results(results, gold: dict[tuple[str, int], GoldLine]) -> AuditScore:
    """Score `LineResult`s against gold lines (lines in gold order)."""
    predicted = {r.line.key: r for r in results}
    score = AuditScore()
    for key, expected in sorted(gold.items()):
        r = predicted.get(key)
        if r is None:
            score.missing.append(f"{key[0]}:{key[1]}")
            continue
        score.add(key, r.line.code, expected, r.verdict, frozenset(f.reason for f in r.findings),
                  tuple(r.note_ids))
    score.unscored = [f"{k[0]}:{k[1]}" for k in sorted(set(predicted) - set(gold))]
    return score


def score_audit(folder: Path, policy: str = "medicare", lookback_days: int = 365) -> AuditScore:
    from notes_audit.rules.policy import load_policy
    from notes_audit.scan import run_scan

    notes, claims, roster = corpus_files(folder)
    gold = read_gold(folder / "gold.csv", frozenset(load_policy(policy).reasons))
    result = run_scan(notes, claims, roster, policy, lookback_days)
    return score_results(result.results, gold)
