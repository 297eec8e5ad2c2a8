"""Fast rule-based sentence boundaries for clinical text (no PyRuSH in the hot path).

Works on characters with compiled regexes, then marks token starts. Handles what clinical notes do:
bulleted and numbered lists, "Dx:" / header lines, tables, hard-wrapped dictation, and exports whose
line breaks were flattened into commas (``ASSESSMENT:,  1. Pernicious anemia.,  2. ...``).
"""

from __future__ import annotations

import re

import numpy

from spacy.language import Language
from spacy.tokens import Doc

from notes_audit.extract.doctext import doc_text

# A break after sentence-final punctuation followed by a capital, digit, bullet or bracket,
# unless the period ends a common abbreviation or a single capital (an initial). The abbreviation is
# checked only where punctuation is found: lookbehinds at every character cost more than the rest.
_ABBREV = re.compile(r"(?:\b(?:Dr|DR|Mr|MR|Ms|MS|Mrs|MRS|St|vs|VS|No|e\.g|i\.e|p\.o|b\.i\.d|t\.i\.d|q\.d|I\.M|S\.C|approx|Jr)|\b[A-Z])\Z")
# Notes written in lower case ("tol well. denies sob/cp. dx PA."): a full stop after a lower-case word
# that is no common abbreviation, before a lower-case word, ends a sentence too.
_LOWER_SENT_END = re.compile(r"\.(?<=[a-z]{2}\.)[ \t]+(?=[a-z])")  # the full stop first: the engine skips to it
_LOWER_ABBREV = re.compile(
    r"\b(?:pt|pts|inj|approx|appt|vs|etc|wk|wks|mo|mos|yr|yrs|min|mins|hr|hrs|no|st|dr|mr|ms|mrs|tab|tabs|cap|caps|sig|ref|"
    r"dept|temp|wt|ht|resp|abd|neuro|incl|misc|avg|max|sec|ext|fig|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    r"e\.g|i\.e|a\.m|p\.m|p\.o|q\.d|b\.i\.d|t\.i\.d|q\.i\.d|prn|gtt|amt|est|sub|subq|subcut|reg|dil|conc|soln|susp|inh|"
    r"oz|lb|lbs|kg|mg|mcg|ml|cc|mm|cm|ft|in|hx|dx|sx|tx|rx|fx|yo|y\.o|w/o)\Z")
_LIST_NUMBER = re.compile(r"(?:^|[\s,(])\d{1,2}$")
_SENT_END = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9•\-*])")
# Flattened line breaks: ".,  " / ":,  " / ",  1." / ",  -" after end punctuation or before a list item.
# Both alternatives start with the comma (the lookbehinds after it), so the regex engine jumps from comma
# to comma; "I.M., R deltoid" is an abbreviation, not a flattened break.
_FLAT = re.compile(r",(?<=[.:;!?],)(?<![A-Za-z]\.[A-Za-z]\.,)\s+|,\s{2,}(?=(?:\d{1,2}[.)]|[-*•]|[A-Z][A-Za-z /&]{2,40}:))")
# Line breaks: a blank line always splits; a single newline splits unless the line was hard-wrapped
# mid-sentence (previous line long and not ending in punctuation, next line starting lower-case).
_NEWLINE = re.compile(r"\n")
# A wrap is a newline before a lower-case letter, after a line whose last visible character is not
# punctuation. The regex finds the newline (a literal: the engine jumps from one to the next); the
# line's end is checked in Python (a leading lookbehind made the engine try every position).
_WRAP_NEWLINE = re.compile(r"\n(?=[a-z])")
_NOT_WRAPPED_AFTER = frozenset(".:;!?|")
_TABLE_ROW = re.compile(r"\|")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Return `(start, end)` character spans of sentences, covering non-blank text in order."""
    cuts = {0, len(text)}
    for m in _SENT_END.finditer(text):
        if _ABBREV.search(text, max(0, m.start() - 8), m.start()):
            continue
        if _LIST_NUMBER.search(text[max(0, m.start() - 4):m.start()]) and (
                m.start() <= 2 or not text[m.start() - 3].isdigit()):
            continue  # "1. Pernicious anemia": a list number, not a sentence end
        if text.startswith("...", m.start()) and m.end() < len(text) and text[m.end()].isdigit():
            continue  # dot leaders of a lab table: "VITAMIN B12 ........ 204 pg/mL"
        cuts.add(m.end())
    for m in _LOWER_SENT_END.finditer(text):
        if not _LOWER_ABBREV.search(text, max(0, m.start() - 8), m.start()):
            cuts.add(m.end())
    for m in _FLAT.finditer(text):
        cuts.add(m.end())
    # Every line break is a cut, except a hard wrap inside a sentence: a long line not ending in
    # punctuation, followed by a line starting in lower case (found by one regex, checked one by one).
    cuts.update(m.end() for m in _NEWLINE.finditer(text))
    for m in _WRAP_NEWLINE.finditer(text):
        line_end = _wrapped_line_end(text, m.start())
        if line_end is None:
            continue
        line_start = text.rfind("\n", 0, line_end) + 1
        prev = text[line_start:line_end]
        if len(prev) >= 45 and not _TABLE_ROW.search(prev):
            cuts.discard(m.end())
    ordered = sorted(cuts)
    spans = []
    for a, b in zip(ordered, ordered[1:]):
        # Trim surrounding whitespace so spans start on text.
        while a < b and text[a].isspace():
            a += 1
        e = b
        while e > a and text[e - 1].isspace():
            e -= 1
        if e > a:
            spans.append((a, e))
    return spans


def _wrapped_line_end(text: str, newline: int) -> int | None:
    """Where the line before `newline` ends, trailing blanks and tabs left out; None when it ends in
    punctuation or whitespace (or is empty), so the newline is no hard wrap."""
    end = newline
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    if end == 0 or text[end - 1].isspace() or text[end - 1] in _NOT_WRAPPED_AFTER:
        return None
    return end


@Language.factory("notes_audit_sentences", default_config={})
def make_sentences(nlp: Language, name: str) -> "ClinicalSentencizer":
    return ClinicalSentencizer()


class ClinicalSentencizer:
    """Sets `Doc._.sentence_spans` (char spans) and token sentence starts."""

    def __call__(self, doc: Doc) -> Doc:
        spans = sentence_bounds(doc_text(doc))
        doc._.sentence_spans = spans
        if len(doc):
            # Array reads and one array write (linear); setting token.is_sent_start one by one is
            # quadratic in spaCy. A sentence starts at the first token at or after its first character.
            idxs = doc.to_array("IDX")
            flags = numpy.full(len(doc), -1, dtype="int32")
            flags[0] = 1
            firsts = numpy.searchsorted(idxs, [a for a, _ in spans], side="left")
            flags[firsts[firsts < len(idxs)]] = 1
            doc.from_array(["SENT_START"], flags.reshape(-1, 1).astype("uint64"))
        return doc
