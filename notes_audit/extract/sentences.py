"""Fast rule-based sentence boundaries for clinical text (no PyRuSH in the hot path).

Works on characters with compiled regexes, then marks token starts. Handles what clinical notes do:
bulleted and numbered lists, "Dx:" / header lines, tables, hard-wrapped dictation, and exports whose
line breaks were flattened into commas (``ASSESSMENT:,  1. Pernicious anemia.,  2. ...``).
"""

from __future__ import annotations

import re

import numpy
from bisect import bisect_left

from spacy.language import Language
from spacy.tokens import Doc

# A break after sentence-final punctuation followed by a capital, digit, bullet or bracket,
# unless the period ends a common abbreviation or a decimal number.
_ABBREV = (
    r"(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)(?<!\bvs)(?<!\bNo)(?<!\be\.g)(?<!\bi\.e)"
    r"(?<!\bp\.o)(?<!\bb\.i\.d)(?<!\bt\.i\.d)(?<!\bq\.d)(?<!\bI\.M)(?<!\bS\.C)(?<!\bapprox)(?<!\bJr)"
    r"(?<!\b[A-Z])"
)
_SENT_END = re.compile(_ABBREV + r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9•\-*])")
# Flattened line breaks: ".,  " / ":,  " / ",  1." / ",  -" after end punctuation or before a list item.
_FLAT = re.compile(r"(?<=[.:;!?]),\s+|,\s{2,}(?=(?:\d{1,2}[.)]|[-*•]|[A-Z][A-Za-z /&]{2,40}:))")
# Line breaks: a blank line always splits; a single newline splits unless the line was hard-wrapped
# mid-sentence (previous line long and not ending in punctuation, next line starting lower-case).
_NEWLINE = re.compile(r"\n")
_BULLET_OR_HEADER = re.compile(r"\s*(?:[-*•●◦▪·]|\d{1,2}[.)]\s|\[[ xX✓]?\]|[A-Z][A-Za-z /&()#-]{1,40}:|[A-Z0-9 /&-]{3,}$)")
_TABLE_ROW = re.compile(r"\|")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Return `(start, end)` character spans of sentences, covering non-blank text in order."""
    cuts = {0, len(text)}
    for m in _SENT_END.finditer(text):
        cuts.add(m.end())
    for m in _FLAT.finditer(text):
        cuts.add(m.end())
    for m in _NEWLINE.finditer(text):
        i = m.start()
        line_start = text.rfind("\n", 0, i) + 1
        prev = text[line_start:i].rstrip()
        nxt_end = text.find("\n", i + 1)
        nxt = text[i + 1: nxt_end if nxt_end != -1 else len(text)]
        wrapped = (
            len(prev) >= 45
            and prev[-1:] not in ".:;!?|"
            and nxt[:1].islower()
            and not _TABLE_ROW.search(prev)
        )
        if not wrapped or not prev or not nxt.strip() or _BULLET_OR_HEADER.match(nxt):
            cuts.add(i + 1)
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


@Language.factory("notes_audit_sentences", default_config={})
def make_sentences(nlp: Language, name: str) -> "ClinicalSentencizer":
    return ClinicalSentencizer()


class ClinicalSentencizer:
    """Sets `Doc._.sentence_spans` (char spans) and token sentence starts."""

    def __call__(self, doc: Doc) -> Doc:
        spans = sentence_bounds(doc.text)
        doc._.sentence_spans = spans
        if len(doc):
            # One array write (linear); setting token.is_sent_start one by one is quadratic in spaCy.
            idxs = [t.idx for t in doc]
            flags = numpy.full(len(doc), -1, dtype="int32")
            flags[0] = 1
            for a, _ in spans:
                j = bisect_left(idxs, a)
                if j < len(idxs):
                    flags[j] = 1
            doc.from_array(["SENT_START"], flags.reshape(-1, 1).astype("uint64"))
        return doc
