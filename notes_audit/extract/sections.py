"""Section detection: which part of the note a mention sits in (assessment, medications, family history...).

Header rules are data (`resources/sections.yaml`). One combined regex finds them: a known title at the
start of a line, after a flattened ``,  `` line break or after a sentence end, followed by a colon —
or a known title alone on its own line in capitals.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from notes_audit.extract.doctext import doc_lowered, doc_text
from notes_audit.extract.rulefiles import load_yaml


# Sections that hold one line or paragraph: what follows a blank line is not part of them.
_ONE_PARAGRAPH = frozenset({"chief_complaint"})
# Sections written inline after their title: the rest of the line is all of them.
_ONE_LINE_WHEN_INLINE = frozenset({"allergies"})
# Lists written inline after their title: they end at a blank line or the next "Label:" line.
_LISTS = frozenset({"medications", "past_medical_history", "past_surgical_history", "social_history", "family_history"})
_ONE_SENTENCE_MIDLINE = frozenset({"family_history"})
_SENTENCE_END = re.compile(r"\.\s+(?=[A-Z])")
_AFTER_A_SENTENCE = re.compile(r"[.!?]\s+$")  # not after a flattened line break (",  FAMILY HISTORY:,")
_BLANK_OR_FIELD = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*[A-Z][\w /&()#-]{0,30}:[ \t]*\S)|\n(?=[ \t]*[-=_]{5,}|[^\n]*\|)")  # or a table


@dataclass(frozen=True, slots=True)
class Section:
    category: str
    start: int  # header start
    body_start: int
    end: int


class SectionFinder:
    def __init__(self, rules: list[dict]) -> None:
        self.rules = rules

    @property
    def categories(self) -> list[str]:
        return [r["category"] for r in self.rules]

    @lru_cache(maxsize=1)
    def _compiled(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        alts = "|".join(f"(?P<c{i}>{r['pattern']})" for i, r in enumerate(self.rules))
        # A header starts a line (^ with re.M), follows a flattened ",  " line break or a sentence end, or
        # a table cell. Alternatives open with the character they consume, lookbehinds after it: the regex
        # engine then skips an alternative on one character test (this regex scans every position).
        lead = r"(?:^|,(?<=[.:;!?],)\s*|,\s{2,}|\s(?<=[.!?]\s)\s*|(?<=\|)\s*)[ \t>*#-]*"
        # Run over the lower-cased note (same length): case-sensitive matching is much faster.
        dated = r"(?:[ \t]+(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{4}-\d{2}-\d{2}))?"  # "Labs 2/21/2025:"
        colon = re.compile(lead + r"(?P<title>" + alts + r")" + dated + r"[ \t]*(?:\([^)\n]{0,60}\))?[ \t]*:(?!//)", re.M)
        caps = re.compile(r"^[ \t]*(?P<title>" + alts + r")[ \t]*(?P<aside>\([^)\n]{0,40}\))?[ \t]*$", re.M)
        return colon, caps

    def find(self, text: str, lowered: str | None = None) -> list[Section]:
        colon, caps = self._compiled()
        lowered = text.lower() if lowered is None else lowered
        heads: dict[int, tuple[str, int]] = {}
        for m in colon.finditer(lowered):
            heads.setdefault(m.start("title"), (self._category(m), m.end()))
        for m in caps.finditer(lowered):
            title = text[m.start("title"):m.end("title")]
            # Alone on its line: "ASSESSMENT" or "Assessment" (not "assessment" in running text).
            cat = self._category(m)
            # "Outpatient Medications (reviewed, no changes)": a list's title with its short aside; "Injection
            # (monthly B12)" is a line of text
            if m.group("aside") and cat not in _LISTS | _ONE_LINE_WHEN_INLINE and not title.isupper():
                continue  # ("RESULTS (pulled 09/09/2025 15:30)" in capitals is a heading with its aside)
            if len(title) >= 4 and (title.isupper() or title.istitle()):
                if _nested_under_orders(text, heads, m.start("title")):
                    continue  # "Orders Placed This Encounter\n  Medications\n    cyanocobalamin ...": the orders' kind
                heads.setdefault(m.start("title"), (cat, m.end()))
        starts = sorted(heads)
        out = []
        for k, s in enumerate(starts):
            cat, body = heads[s]
            end = starts[k + 1] if k + 1 < len(starts) else len(text)
            if cat in _ONE_PARAGRAPH:
                blank = text.find("\n\n", body, end)
                end = blank if blank != -1 else end
            elif cat in _ONE_LINE_WHEN_INLINE and _inline(text, body):
                # "Pt verified w/ name + DOB. Allergies: PCN (rash).\nVit B12 ... given": the list is its line
                nl = text.find("\n", body, end)
                end = nl if nl != -1 else end
            elif cat in _LISTS and _inline(text, body) and text[text.rfind("\n", 0, s) + 1:s].strip(" \t*-•"):
                # "Dx pernicious anemia (D51.0). PMH: afib on warfarin.\nCyanocobalamin 1000 mcg IM given":
                # a list begun mid-line ends with its line
                nl = text.find("\n", body, end)
                end = nl if nl != -1 else end
                if cat in _ONE_SENTENCE_MIDLINE and _AFTER_A_SENTENCE.search(text, text.rfind("\n", 0, s) + 1, s):
                    # "Here for B12 inj #4. FHx: mother w/ pernicious anemia. Cyanocobalamin 1000 mcg IM L delt
                    # given.": a relative's history told in running text is its sentence
                    stop = _SENTENCE_END.search(text, body, end)
                    end = stop.start() + 1 if stop else end
            elif cat in _LISTS and _inline(text, body):
                # "Meds: OCP only. NKDA.\n\nProduct: Methylcobalamin ...": an inline list ends at a blank line
                # or at the next labelled field
                nxt = _BLANK_OR_FIELD.search(text, body, end)
                end = nxt.start() if nxt else end
            elif cat in ("medications", "past_medical_history"):
                # "Current meds:\n - apixaban ...\n - cyanocobalamin ...\n\nPt started apixaban 3 wk ago ...": a
                # list of items ends at a blank line followed by running text (a problem list too)
                end = _list_end(text, body, end)
            out.append(Section(cat, s, body, end))
        return out

    def _category(self, m: re.Match[str]) -> str:
        for name, val in m.groupdict().items():
            if val is not None and name.startswith("c") and name[1:].isdigit():
                return self.rules[int(name[1:])]["category"]
        return "other"


def _indent(text: str, pos: int) -> int:
    line = text.rfind("\n", 0, pos) + 1
    return len(text[line:pos]) - len(text[line:pos].lstrip(" \t"))


def _nested_under_orders(text: str, heads: dict[int, tuple[str, int]], start: int) -> bool:
    """Is a title indented under an orders title that has only titles and blank lines before it?"""
    before = [s for s in heads if s < start]
    if not before:
        return False
    prev = max(before)
    return (heads[prev][0] == "orders" and _indent(text, start) > _indent(text, prev)
            and not text[heads[prev][1]:text.rfind("\n", 0, start) + 1].strip())


_MARKED_ITEM = re.compile(r"[ \t]*(?:[-*•·]|\d{1,2}[.)])\s")  # "- apixaban 2.5 mg bid", "2) metformin"
_BLANK_THEN_TEXT = re.compile(r"\n[ \t]*\n(?=[ \t]*\S)")


def _list_end(text: str, body: int, end: int) -> int:
    """The end of a list section whose items are marked ("- apixaban 2.5 mg bid"): the first blank line
    followed by a line that is not an item (a sentence of running text), else `end`."""
    first = text[body:end].lstrip("\n")
    if not _MARKED_ITEM.match(first):
        return end  # a list not marked item by item: its end is its next heading
    for m in _BLANK_THEN_TEXT.finditer(text, body, end):
        nl = text.find("\n", m.end())
        line = text[m.end():end if nl == -1 else min(nl, end)]
        if not _MARKED_ITEM.match(line) and len(line.strip()) > 60:
            return m.start()
    return end


def _inline(text: str, body: int) -> bool:
    """Does the section's content start on its title's line ("Meds: OCP only.")?"""
    nl = text.find("\n", body)
    return bool(text[body:len(text) if nl == -1 else nl].strip())


def section_of(sections: list[Section], starts: list[int], char: int) -> str | None:
    """Category of the section holding `char` (None before the first header)."""
    k = bisect_right(starts, char) - 1
    return sections[k].category if k >= 0 and char < sections[k].end else None


@lru_cache(maxsize=1)
def default_finder() -> SectionFinder:
    rules = load_yaml("sections.yaml")["section_rules"]
    for r in rules:
        if set(r) - {"literal", "category", "pattern"}:
            raise ValueError(f"sections.yaml: unknown keys in rule {r.get('literal')!r}")
        re.compile(r["pattern"], re.I)
    return SectionFinder(rules)


@Language.factory("notes_audit_sections", default_config={})
def make_sections(nlp: Language, name: str) -> "Sectionizer":
    return Sectionizer(default_finder())


class Sectionizer:
    """Sets `Doc._.note_sections` (list of `Section`)."""

    def __init__(self, finder: SectionFinder) -> None:
        self.finder = finder

    def __call__(self, doc: Doc) -> Doc:
        doc._.note_sections = self.finder.find(doc_text(doc), doc_lowered(doc))
        return doc
