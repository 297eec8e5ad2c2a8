"""Target matching: find diagnosis, lab, drug and bare-"B12" mentions.

Rules are medspaCy `TargetRule`s read from `resources/targets.yaml` (so they validate themselves on
construction). Matching is our own: one combined, case-insensitive regex pass over the text instead of
medspaCy's per-rule matchers, because the regex patterns tolerate the spelling variety of real notes
("cyanocobolamin", "B-12", "Roux-en-Y") and one pass keeps extraction at tokenizer speed.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from notes_audit.extract.doctext import doc_text
from notes_audit.extract.rulefiles import compile_lowered, load_yaml

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from medspacy.ner import TargetRule


@dataclass(frozen=True, slots=True)
class Target:
    start: int
    end: int
    category: str  # "DX:<concept>", "LAB:<test>", "DRUG:<drug>" or "B12"

    @property
    def kind(self) -> str:
        return self.category.split(":", 1)[0]

    @property
    def value(self) -> str:
        return self.category.split(":", 1)[-1]


class TargetFinder:
    """Finds targets; where rules overlap, the earliest match wins, then the first rule in file order.

    With anchors (each rule's `metadata.anchors`: substrings every match contains), only windows
    around anchor hits are matched, and only by the rules that anchor belongs to — a few hundred
    characters per note instead of every position against every rule.
    """

    WINDOW_BEFORE = 80  # rules may start with lead words ("possible PA", "vitamin B12 deficiency")
    WINDOW_AFTER = 120

    def __init__(self, rules: list[TargetRule], use_anchors: bool = True) -> None:
        self.rules = rules
        self.use_anchors = use_anchors

    @lru_cache(maxsize=1)
    def _compiled(self):
        parts, singles = [], []
        folded: dict[str, list[int]] = {}
        exact: dict[str, list[int]] = {}
        for i, rule in enumerate(self.rules):
            pat = rule.pattern if isinstance(rule.pattern, str) else re.escape(rule.literal)
            # A rule that does not see case runs on the lower-cased text, without IGNORECASE (faster).
            singles.append((compile_lowered(pat), re.compile(pat, re.IGNORECASE)))
            # Rename the inner `t` group per rule so one combined regex can carry them all.
            parts.append(f"(?P<r{i}>{pat.replace('(?P<t>', f'(?P<t{i}>')})")
            for a in (rule.metadata or {}).get("anchors", []):
                (exact if a != a.lower() else folded).setdefault(a, []).append(i)
        return re.compile("|".join(parts), re.IGNORECASE), singles, folded, exact

    def find(self, text: str) -> list[Target]:
        combined, singles, folded, exact = self._compiled()
        lowered = text.lower()
        if not self.use_anchors or not (folded or exact) or len(lowered) != len(text):
            return self._resolve(text, ((m.start(), self._rule_index(m), m) for m in combined.finditer(text)))
        windows: dict[int, list[tuple[int, int]]] = {}
        for haystack, table in ((lowered, folded), (text, exact)):
            for anchor, rule_ids in table.items():
                pos = haystack.find(anchor)
                while pos != -1:
                    lo = max(0, pos - self.WINDOW_BEFORE)
                    hi = _word_end(text, min(len(text), pos + len(anchor) + self.WINDOW_AFTER))
                    for i in rule_ids:
                        windows.setdefault(i, []).append((lo, hi))
                    pos = haystack.find(anchor, pos + 1)
        found: dict[tuple[int, int], tuple[int, int, re.Match[str]]] = {}
        for i, spans in windows.items():
            on_lowered, on_text = singles[i]
            rx, haystack = (on_lowered, lowered) if on_lowered is not None else (on_text, text)
            for lo, hi in _merge(spans):
                for m in rx.finditer(haystack, _word_start(text, lo), hi):
                    found.setdefault((m.start(), i), (m.start(), i, m))
        return self._resolve(text, sorted(found.values(), key=lambda c: (c[0], c[1])))

    def _resolve(self, text: str, candidates) -> list[Target]:
        out, last_end = [], 0
        for start, i, m in candidates:
            if start < last_end or m.end() == start:
                continue
            last_end = m.end()
            s, e = m.span()
            for group in (f"t{i}", "t"):
                if group in m.re.groupindex and m.group(group) is not None:
                    s, e = m.span(group)
                    break
            # Trim whitespace a pattern's optional parts may have swallowed.
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                out.append(Target(s, e, self.rules[i].category))
        return out

    @staticmethod
    def _rule_index(m: re.Match[str]) -> int:
        if m.lastgroup and m.lastgroup.startswith("r"):
            return int(m.lastgroup[1:])
        for name, val in m.groupdict().items():
            if val is not None and name.startswith("r"):
                return int(name[1:])
        raise AssertionError("a match with no rule group")


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    out = [spans[0]]
    for lo, hi in spans[1:]:
        if lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _word_start(text: str, pos: int) -> int:
    """Move a window start back to a word start, so a match never begins mid-word."""
    while pos > 0 and not text[pos - 1].isspace():
        pos -= 1
    return pos


def _word_end(text: str, pos: int) -> int:
    """Move a window end past the current word (a truncated word would fake a word boundary)."""
    n = len(text)
    while pos < n and not text[pos].isspace():
        pos += 1
    return pos


@lru_cache(maxsize=1)
def default_finder() -> TargetFinder:
    raw = load_yaml("targets.yaml")["target_rules"]
    rules = []
    for d in raw:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rules.append(TargetRule(literal=d["literal"], category=d["category"], pattern=d.get("pattern"),
                                    metadata=d.get("metadata")))
        re.compile(d.get("pattern") or re.escape(d["literal"]), re.I)  # fail on load, naming nothing silently
    return TargetFinder(rules)


@Language.factory("notes_audit_targets", default_config={"set_ents": True})
def make_targets(nlp: Language, name: str, set_ents: bool) -> "TargetMatcherComponent":
    return TargetMatcherComponent(default_finder(), set_ents)


class TargetMatcherComponent:
    """Sets `Doc._.targets` (plain `Target`s) and, for spaCy/medspaCy tooling, `doc.ents`."""

    def __init__(self, finder: TargetFinder, set_ents: bool = True) -> None:
        self.finder = finder
        self.set_ents = set_ents

    def __call__(self, doc: Doc) -> Doc:
        targets = self.finder.find(doc_text(doc))
        doc._.targets = targets
        if self.set_ents and targets:
            spans = [doc.char_span(t.start, t.end, label=t.category, alignment_mode="expand") for t in targets]
            doc.ents = filter_spans([s for s in spans if s is not None])
        return doc
