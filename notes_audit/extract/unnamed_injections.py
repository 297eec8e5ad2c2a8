"""Injections a note reports given, or reverses, without naming any drug.

    Nurse Note: Injection given as ordered by Dr. Tanabe, R deltoid IM 3:50pm. Pt tolerated well.

A nurse's note that completes an order written in another of the day's notes (the provider's
"Orders: Cyanocobalamin 1000 mcg IM x1 today in clinic"). The note alone cannot say which drug it
was, so it is no administration of SPEC §3; it is kept as an extension key (`unnamed_injections`)
and the audit pairs it with the B12 drug another of the day's notes orders or plans for that day
(rules/context.py). A note that names a B12 drug or any other medication has no unnamed injection:
its injections are that drug's.

    ADDENDUM to nursing note of 07/15/2025: The injection documented above was NOT given to this
    patient. ... I pre-charted the administration in error.

An addendum filed as a note of its own reverses the dose another of the encounter's notes charted
(`reversed_injections`, read by rules/context.py the same way).
"""

from __future__ import annotations

from notes_audit.evidence.model import EvidenceSpan
from notes_audit.extract import administrations as adm
from notes_audit.extract.charted import ADDENDUM, REVERSAL

_NOT_TODAYS_GIVEN = frozenset({"declined", "held", "historical", "planned", "ordered"})


def unnamed_injections_given(text: str, lowered: str) -> list[EvidenceSpan]:
    """Sentences reporting an injection given today, with how (route, site, amount, by whom, today),
    in a note that names no drug at all."""
    if not adm.INJECTION_WORD.search(text) or adm.DRUG_NAME.search(text):
        return []  # most notes: no injection word, or a drug named

    def reports_given(a: int, b: int) -> bool:
        if not adm.INJECTION_WORD.search(text, a, b):
            return False
        cues = adm.cues_in(text, a, b, lowered)
        return "given" in cues and not cues & _NOT_TODAYS_GIVEN and adm.says_how(text, a, b, lowered)
    found = _sentences_where(text, 0, reports_given)
    # another medication named anywhere makes its injection that drug's (the dearer check, made last)
    return [] if found and adm.other_drug_named(lowered, 0, len(text)) else found


def reversed_injections(text: str) -> list[EvidenceSpan]:
    """An addendum, in a note that names no drug, saying the injection charted was not given."""
    head = ADDENDUM.search(text, 0, 300)
    if head is None or adm.DRUG_NAME.search(text):
        return []
    return _sentences_where(text, head.start(), lambda a, b: bool(adm.INJECTION_WORD.search(text, a, b)
                                                                  and REVERSAL.search(text, a, b)))


def _sentences_where(text: str, pos: int, holds) -> list[EvidenceSpan]:
    """The sentences of text[pos:] for which `holds(start, end)` is true."""
    return [EvidenceSpan((a, b), text[a:b]) for a, b in adm.sentence_spans(text, pos, len(text)) if holds(a, b)]
