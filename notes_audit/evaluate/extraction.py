"""Score extraction against a gold corpus (corpora/extraction/README.md): per-note sets of fact keys,
micro-averaged precision/recall/F1 per fact type."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from notes_audit.errors import InputError
from notes_audit.evaluate.metrics import prf, prf_dict
from notes_audit.evidence.model import NoteEvidence
from notes_audit.extract import Extractor

FACT_TYPES = ("labs", "diagnoses", "administrations", "supervision", "em")
# Looser views of administrations, reported beside the strict key (not in the micro average): which
# drug with which status, and the injections given today with their dose and route (what audits read).
DETAIL_TYPES = ("admin (drug, status)", "given injections")


def _f(v) -> float | None:
    return None if v is None else round(float(v), 3)


def _dose_mcg(value, unit) -> float | None:
    if value is None or unit is None:
        return None
    return round(float(value) * (1000.0 if str(unit).lower() == "mg" else 1.0), 3)


def _surname(name: str | None) -> str | None:
    if not name:
        return None
    parts = name.replace(",", " ").replace(".", ". ").split()
    return parts[-1].lower().strip(".") if parts else None


def gold_keys(g: dict) -> dict[str, set]:
    return {
        "labs": {(x["test"], _f(x.get("value")), x.get("interpretation"), x.get("status", "affirmed"))
                 for x in g.get("labs") or []},
        "diagnoses": {(x["concept"], x.get("status", "affirmed")) for x in g.get("diagnoses") or []},
        "administrations": {(x["drug"], x["status"], _dose_mcg(x.get("dose_value"), x.get("dose_unit")), x.get("route"))
                            for x in g.get("administrations") or []},
        "supervision": {(_surname(x.get("name")), x.get("presence")) for x in g.get("supervision") or []},
        "em": {("separately_identifiable",)} if (g.get("em") or {}).get("separately_identifiable") else set(),
        "admin (drug, status)": {(x["drug"], x["status"]) for x in g.get("administrations") or []},
        "given injections": {(x["drug"], _dose_mcg(x.get("dose_value"), x.get("dose_unit")), x.get("route"))
                             for x in g.get("administrations") or [] if x["status"] == "given"},
    }


def predicted_keys(ev: NoteEvidence) -> dict[str, set]:
    return {
        "labs": {(x.test, _f(x.value), x.interpretation, x.status) for x in ev.labs},
        "diagnoses": {(x.concept, x.status) for x in ev.diagnoses},
        "administrations": {(x.drug, x.status, _dose_mcg(x.dose_value, x.dose_unit), x.route) for x in ev.administrations},
        "supervision": {(_surname(x.name), x.presence) for x in ev.supervision},
        "em": {("separately_identifiable",)} if ev.em.separately_identifiable else set(),
        "admin (drug, status)": {(x.drug, x.status) for x in ev.administrations},
        "given injections": {(x.drug, _dose_mcg(x.dose_value, x.dose_unit), x.route)
                             for x in ev.administrations if x.status == "given"},
    }


@dataclass
class ExtractionScore:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    errors: list[tuple[str, str, set, set]] = field(default_factory=list)  # note, type, missed, spurious
    notes: int = 0

    def prf(self, kind: str) -> tuple[float, float, float]:
        return prf(self.tp[kind], self.fp[kind], self.fn[kind])

    def micro(self) -> tuple[float, float, float]:
        return prf(*(sum(c[k] for k in FACT_TYPES) for c in (self.tp, self.fp, self.fn)))

    def table(self) -> str:
        rows = [f"{'fact type':<16}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}"]
        for k in FACT_TYPES:
            p, r, f = self.prf(k)
            rows.append(f"{k:<16}{p:>7.3f}{r:>7.3f}{f:>7.3f}{self.tp[k]:>6}{self.fp[k]:>6}{self.fn[k]:>6}")
        p, r, f = self.micro()
        rows.append(f"{'(micro average)':<16}{p:>7.3f}{r:>7.3f}{f:>7.3f}{sum(self.tp[k] for k in FACT_TYPES):>6}"
                    f"{sum(self.fp[k] for k in FACT_TYPES):>6}{sum(self.fn[k] for k in FACT_TYPES):>6}")
        rows.append("detail (not averaged):")
        for k in DETAIL_TYPES:
            p, r, f = self.prf(k)
            rows.append(f"  {k:<22}{p:>7.3f}{r:>7.3f}{f:>7.3f}{self.tp[k]:>6}{self.fp[k]:>6}{self.fn[k]:>6}")
        return "\n".join(rows) + f"\n({self.notes} notes)"

    def to_dict(self, include_errors: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "notes": self.notes,
            "fact_types": {k: prf_dict(self.tp[k], self.fp[k], self.fn[k]) for k in FACT_TYPES},
            "detail": {k: prf_dict(self.tp[k], self.fp[k], self.fn[k]) for k in DETAIL_TYPES},
            "micro": prf_dict(*(sum(c[k] for k in FACT_TYPES) for c in (self.tp, self.fp, self.fn))),
        }
        if include_errors:
            d["errors"] = [{"note_id": n, "fact_type": k, "missed": sorted(map(_jsonable, m), key=str),
                            "spurious": sorted(map(_jsonable, s), key=str)} for n, k, m, s in self.errors]
        return d


def _jsonable(key: tuple) -> list:
    return list(key)


def load_gold_corpus(root: Path) -> list[tuple[str, str, dict]]:
    notes_dir, gold_dir = root / "notes", root / "gold"
    if not notes_dir.is_dir() or not gold_dir.is_dir():
        raise InputError("an extraction corpus needs notes/ and gold/ folders", file=str(root))
    out = []
    for g in sorted(gold_dir.glob("*.yaml")):
        try:
            gold = yaml.safe_load(g.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise InputError(f"unreadable gold YAML: {exc}", file=str(g)) from exc
        note = notes_dir / f"{g.stem}.txt"
        if not note.is_file():
            raise InputError("gold file has no note", file=str(g))
        out.append((g.stem, note.read_text(encoding="utf-8"), gold))
    if not out:
        raise InputError("no gold files found", file=str(gold_dir))
    return out


def score_extraction(root: Path, extractor: Extractor | None = None) -> ExtractionScore:
    extractor = extractor or Extractor()
    score = ExtractionScore()
    for note_id, text, gold in load_gold_corpus(root):
        pred = predicted_keys(extractor.extract_text(text))
        want = gold_keys(gold)
        score.notes += 1
        for k in (*FACT_TYPES, *DETAIL_TYPES):
            score.tp[k] += len(pred[k] & want[k])
            score.fp[k] += len(pred[k] - want[k])
            score.fn[k] += len(want[k] - pred[k])
            if pred[k] != want[k]:
                score.errors.append((note_id, k, want[k] - pred[k], pred[k] - want[k]))
    return score
