"""Score the assertion layer on the public NegEx/ConText test kit (Chapman et al.; shared/data/negex).

Each kit row is one sentence with one marked condition and three independent labels: negation
(Affirmed/Negated), temporality (Recent/Historical/Not particular = hypothetical) and experiencer
(Patient/Other/Family member). We mark the condition as a target, run our sentence splitter and
ConText rules, and compare each axis separately: a row counts as predicted-negated when a negation
trigger reaches the condition, whatever else does. Reference points on this kit (the tools were built
on it): Java ConText negation F1 0.981, historical 0.665 (clinical-nlp.md §0).

    python -m notes_audit.evaluate.negex [--kit ../shared/data/negex/rsAnnotations-1-120-random.txt]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from notes_audit.errors import InputError
from notes_audit.evaluate.metrics import prf
from notes_audit.extract.assertion import default_asserter, sentence_index
from notes_audit.extract.sections import default_finder as default_sections
from notes_audit.extract.sections import section_of
from notes_audit.extract.sentences import sentence_bounds
from notes_audit.extract.targets import Target

AXES = ("negated", "historical", "hypothetical", "other_experiencer")
DEFAULT_KIT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "negex" / "rsAnnotations-1-120-random.txt"


@dataclass
class KitRow:
    number: str
    concept: str
    sentence: str
    labels: frozenset[str]


@dataclass
class NegexScore:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    rows: int = 0
    unlocated: int = 0

    def table(self) -> str:
        out = [f"{'axis':<20}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}", *(
            f"{a:<20}{prf(self.tp[a], self.fp[a], self.fn[a])[0]:>7.3f}{prf(self.tp[a], self.fp[a], self.fn[a])[1]:>7.3f}"
            f"{prf(self.tp[a], self.fp[a], self.fn[a])[2]:>7.3f}{self.tp[a] + self.fn[a]:>7}" for a in AXES)]
        return "\n".join(out) + f"\n({self.rows} rows; {self.unlocated} conditions not found in their sentence)"


def read_kit(path: Path) -> list[KitRow]:
    rows = []
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the NegEx kit: {exc}", file=str(path)) from exc
    for n, line in enumerate(lines, start=1):
        cols = line.split("\t")
        if len(cols) < 7 or cols[4] not in ("Affirmed", "Negated"):
            continue  # header or a malformed row
        labels = set()
        if cols[4] == "Negated":
            labels.add("negated")
        if cols[5] == "Historical":
            labels.add("historical")
        if cols[5] == "Not particular":
            labels.add("hypothetical")
        if cols[6] != "Patient":
            labels.add("other_experiencer")
        rows.append(KitRow(cols[0], cols[2].strip(), cols[3], frozenset(labels)))
    return rows


def predict(row: KitRow) -> frozenset[str] | None:
    text = row.sentence
    pattern = r"\s+".join(map(re.escape, row.concept.split()))
    m = re.search(pattern, text, re.IGNORECASE)
    if m is None:
        return None
    sentences = sentence_bounds(text) or [(0, len(text))]
    starts = [s for s, _ in sentences]
    s0, s1 = sentences[sentence_index(starts, m.start())]
    asserter = default_asserter()
    mods, terms = asserter.modifiers(text, s0, s1)
    sections = default_sections().find(text)
    got = asserter.statuses(text, Target(m.start(), m.end(), "DX:kit"), mods, terms,
                            section_of(sections, [s.start for s in sections], m.start()))
    mapped = {s for s in got if s in ("negated", "historical", "hypothetical")}
    if "family" in got:
        mapped.add("other_experiencer")
    return frozenset(mapped)


def score_kit(path: Path = DEFAULT_KIT) -> NegexScore:
    score = NegexScore()
    for row in read_kit(path):
        got = predict(row)
        score.rows += 1
        if got is None:
            score.unlocated += 1
            got = frozenset()
        for axis in AXES:
            if axis in got and axis in row.labels:
                score.tp[axis] += 1
            elif axis in got:
                score.fp[axis] += 1
            elif axis in row.labels:
                score.fn[axis] += 1
    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kit", type=Path, default=DEFAULT_KIT)
    print(score_kit(parser.parse_args().kit).table())


if __name__ == "__main__":
    main()
