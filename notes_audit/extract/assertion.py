"""Assertion status (negated, uncertain, hypothetical, historical, family) — a fast ConText.

Rules are medspaCy `ConTextRule`s (validated on construction) read from `resources/context_rules.yaml`.
The algorithm is ConText's (Harkema et al. 2009): a trigger modifies targets in its direction until the
sentence ends, a terminating term intervenes, or its word scope runs out; pseudo-triggers mask look-alike
phrases. It runs only on sentences that hold targets, with compiled regexes, so it costs microseconds per
note where medspaCy 1.3.1's ConText matches every rule against the whole document.
Section defaults follow medspaCy's Sectionizer idea: a mention in Family History is `family`.
"""

from __future__ import annotations

import re
import warnings
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from notes_audit.extract.rulefiles import compile_lowered, compile_pattern, load_yaml, lower_same_length
from notes_audit.extract.targets import Target

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from medspacy.context import ConTextRule

STATUS_OF_CATEGORY = {
    "FAMILY": "family",
    "NEGATED_EXISTENCE": "negated",
    "HYPOTHETICAL": "hypothetical",
    "POSSIBLE_EXISTENCE": "uncertain",
    "HISTORICAL": "historical",
}
# When several modifiers reach a target, the first status in this order wins.
PRIORITY = ("negated", "family", "hypothetical", "uncertain", "historical")
DEFAULT_SCOPE = {"FORWARD": 12, "BACKWARD": 6, "BIDIRECTIONAL": 8}


@dataclass(frozen=True, slots=True)
class CompiledRule:
    rule: ConTextRule
    regex: re.Pattern[str]
    # The same rule for the lower-cased text (much faster), when its pattern does not see case.
    lowered_regex: re.Pattern[str] | None = None

    def allows(self, category: str) -> bool:
        cat = category.upper()  # medspaCy upper-cases rule types

        def hit(types) -> bool:
            return any(cat == t.upper() or cat.split(":", 1)[0] == t.upper() for t in types)

        if self.rule.allowed_types and not hit(self.rule.allowed_types):
            return False
        return not (self.rule.excluded_types and hit(self.rule.excluded_types))


@dataclass(frozen=True, slots=True)
class Modifier:
    start: int
    end: int
    rule: CompiledRule


class ConTextAsserter:
    def __init__(self, rules: list[CompiledRule], section_statuses: dict[str, str] | None = None,
                 section_temporality: dict[str, str] | None = None) -> None:
        self.rules = rules
        self.section_statuses = section_statuses or {}
        self.section_temporality = section_temporality or {}

    def modifiers(self, text: str, start: int, end: int, lowered: str | None = None
                  ) -> tuple[list[Modifier], list[tuple[int, int]]]:
        """Trigger and terminator matches inside text[start:end] (absolute offsets). `lowered` is
        `lower_same_length(text)` when the caller has it."""
        chunk = text[start:end]
        lowered_chunk = lowered[start:end] if lowered is not None else lower_same_length(chunk)
        found, pseudo, terms = [], [], []
        for cr in self.rules:
            direction = cr.rule.direction
            matches = (cr.lowered_regex.finditer(lowered_chunk) if cr.lowered_regex is not None
                       else cr.regex.finditer(chunk))
            for m in matches:
                if m.end() == m.start():
                    continue
                # A trigger ends at its last word: a pattern's trailing space must not make it "nearer".
                span = (start + m.start(), start + m.start() + len(m.group(0).rstrip()))
                if direction == "PSEUDO":
                    pseudo.append(span)
                elif direction == "TERMINATE":
                    terms.append(span)
                else:
                    found.append(Modifier(span[0], span[1], cr))
        if pseudo:
            found = [f for f in found if not any(p[0] <= f.start < p[1] or f.start <= p[0] < f.end for p in pseudo)]
        return found, terms

    def status(self, text: str, target: Target, mods: list[Modifier], terms: list[tuple[int, int]],
               section: str | None) -> str:
        """The SPEC status: the first of PRIORITY that reaches the target, else `affirmed`."""
        reaching = self._reaching(text, target, [m for m in mods if not _axis_only(m)], terms)
        if reaching:
            # The nearest trigger speaks for the target ("no supplementation raises concern for B12
            # deficiency": uncertain, not negated); equally near ones fall back on PRIORITY.
            nearest = min(gap for gap, _ in reaching)
            statuses = {status for gap, status in reaching if gap == nearest}
            if statuses == {"historical"} and any(status == "negated" for _, status in reaching):
                statuses = {"negated"}  # "denies history of X": the history is what is denied
        else:
            statuses = self._section_default(target, section)
        for s in PRIORITY:
            if s in statuses:
                return s
        return "affirmed"

    def statuses(self, text: str, target: Target, mods: list[Modifier], terms: list[tuple[int, int]],
                 section: str | None) -> set[str]:
        """Every status whose trigger reaches the target (ConText's independent axes, temporality included)."""
        temporality = self.section_temporality.get(section or "")
        return ({status for _, status in self._reaching(text, target, mods, terms)} | self._section_default(target, section)
                | ({temporality} if temporality and target.kind == "DX" else set()))

    def _section_default(self, target: Target, section: str | None) -> set[str]:
        default = self.section_statuses.get(section or "")
        return {default} if default and target.kind == "DX" else set()

    def _reaching(self, text: str, target: Target, mods: list[Modifier], terms: list[tuple[int, int]]
                  ) -> list[tuple[int, str]]:
        """(distance in characters, status) for every trigger whose scope reaches the target."""
        reaching: list[tuple[int, str]] = []
        for mod in mods:
            if mod.start < target.end and target.start < mod.end:
                continue  # a trigger inside the target ("no evidence of" is not part of a concept)
            if not mod.rule.allows(target.category):
                continue
            direction = mod.rule.rule.direction
            scope = mod.rule.rule.max_scope or DEFAULT_SCOPE.get(direction, 8)
            if mod.end <= target.start and direction in ("FORWARD", "BIDIRECTIONAL"):
                gap = (mod.end, target.start)
            elif mod.start >= target.end and direction in ("BACKWARD", "BIDIRECTIONAL"):
                gap = (target.end, mod.start)
            else:
                continue
            if len(text[gap[0]:gap[1]].split()) > scope:
                continue
            if _inside_other_parentheses(text, mod, target):
                continue  # "pernicious anemia (IF Ab +, parietal cell Ab neg, 2022)": the aside's own result
            if any(gap[0] <= t0 and t1 <= gap[1] for t0, t1 in terms):
                continue
            stops = (mod.rule.rule.metadata or {}).get("stop_at")
            if stops and any(stop in text[gap[0]:gap[1]] for stop in stops):
                continue
            reaching.append((gap[1] - gap[0], STATUS_OF_CATEGORY[mod.rule.rule.category]))
        return reaching


def _inside_other_parentheses(text: str, mod: Modifier, target: Target) -> bool:
    """Is the trigger inside a parenthesis (on its line) that does not hold the target, and about
    something of its own there ("(IF Ab +, parietal cell Ab neg)")? A parenthesis that opens with the
    trigger right after the target qualifies the target ("pernicious anemia (not confirmed)")."""
    line = text.rfind("\n", 0, mod.start) + 1
    opened = text.rfind("(", line, mod.start)
    if opened == -1 or text.find(")", opened, mod.start) != -1:
        return False
    line_end = text.find("\n", mod.end)
    closed = text.find(")", mod.end, len(text) if line_end == -1 else line_end)
    if closed == -1 or opened <= target.start and target.end <= closed:  # (a target may start at its "(")
        return False
    qualifies_target = not text[opened + 1:mod.start].strip(" \t,:-") and not text[target.end:opened].strip(" \t:-")
    return not qualifies_target


def _axis_only(mod: Modifier) -> bool:
    return bool((mod.rule.rule.metadata or {}).get("axis_only"))


@lru_cache(maxsize=1)
def default_asserter() -> ConTextAsserter:
    compiled = []
    data = load_yaml("context_rules.yaml")
    section_statuses = dict(data.get("section_statuses") or {})
    section_temporality = dict(data.get("section_temporality") or {})
    unknown = (set(section_statuses.values()) | set(section_temporality.values())) - set(STATUS_OF_CATEGORY.values())
    if unknown:
        raise ValueError(f"context_rules.yaml: unknown section statuses {sorted(unknown)}")
    for d in data["context_rules"]:
        kwargs = {k: v for k, v in d.items() if k != "pattern"}
        for key in ("allowed_types", "excluded_types"):
            if key in kwargs:
                kwargs[key] = set(kwargs[key])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rule = ConTextRule(pattern=None, **kwargs)
        if rule.category not in STATUS_OF_CATEGORY and rule.direction not in ("TERMINATE", "PSEUDO"):
            raise ValueError(f"context_rules.yaml: unknown category {rule.category!r}")
        regex = compile_pattern(d, "context_rules.yaml")
        compiled.append(CompiledRule(rule, regex, compile_lowered(regex.pattern)))
    return ConTextAsserter(compiled, section_statuses, section_temporality)


def sentence_index(sentence_starts: list[int], char: int) -> int:
    return max(bisect_right(sentence_starts, char) - 1, 0)
