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

from notes_audit.extract.rulefiles import load_yaml

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
    """One regex pass; the first rule (in file order) that matches at a position wins."""

    def __init__(self, rules: list[TargetRule]) -> None:
        self.rules = rules

    @lru_cache(maxsize=1)
    def _compiled(self) -> re.Pattern[str]:
        parts = []
        for i, rule in enumerate(self.rules):
            pat = rule.pattern if isinstance(rule.pattern, str) else re.escape(rule.literal)
            # Rename the inner `t` group per rule so one combined regex can carry them all.
            pat = pat.replace("(?P<t>", f"(?P<t{i}>")
            parts.append(f"(?P<r{i}>{pat})")
        return re.compile("|".join(parts), re.IGNORECASE)

    def find(self, text: str) -> list[Target]:
        out = []
        for m in self._compiled().finditer(text):
            i = int(m.lastgroup[1:]) if m.lastgroup and m.lastgroup.startswith("r") else self._rule_index(m)
            start, end = m.span()
            inner = m.groupdict().get(f"t{i}")
            if inner is not None:
                start, end = m.span(f"t{i}")
            # Trim whitespace a pattern's optional parts may have swallowed.
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                out.append(Target(start, end, self.rules[i].category))
        return out

    @staticmethod
    def _rule_index(m: re.Match[str]) -> int:
        for name, val in m.groupdict().items():
            if val is not None and name.startswith("r"):
                return int(name[1:])
        raise AssertionError("a match with no rule group")


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
        targets = self.finder.find(doc.text)
        doc._.targets = targets
        if self.set_ents and targets:
            spans = [doc.char_span(t.start, t.end, label=t.category, alignment_mode="expand") for t in targets]
            doc.ents = filter_spans([s for s in spans if s is not None])
        return doc
