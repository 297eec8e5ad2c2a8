"""The previous dose a note dates without naming its drug.

    Pt here for scheduled monthly vit B12 injection per standing order. Last injection 02/03/2025.
    [x] Last dose > 21 days ago (last 12/16/24)

A dated reference to the last injection is a historical administration (SPEC §3 status
`historical`): an earlier dose the note reports, not today's. It names no drug, so it takes the drug
of the B12 mention before it ("monthly vit B12 injection" -> `b12_unspecified`, "on hydroxocobalamin
every 3 months ... Last injection 15/05/2025" -> `hydroxocobalamin`). It is read only when the note
reports no historical dose of its own, so one earlier course is not counted twice.

"Last dose" is another medication's as often as B12's ("ustekinumab q8wk (last dose 5/20)",
"lorazepam per CIWA; last dose 4/4"), so it counts only at the start of its sentence or line, or
after a B12 word in the same sentence.
"""

from __future__ import annotations

import re

from notes_audit.evidence.model import Administration
from notes_audit.extract import administrations as adm

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WHEN = (r"(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?\b(?!\s*(?:mcg|mg|ml))|(?:19|20)\d\d-\d\d-\d\d|\d{1,2}[-\s]" + _MONTH + r"[-\s](?:19|20)?\d\d|"
         r"(?:\d+|one|two|three|four|six|a)\s*(?:mo|mos|months?|wks?|weeks?|days?)\s+ago\b)")
_LAST_DOSE = re.compile(
    r"\b(?:last|previous|prior)\s+(?:(?:vitamin\s+|vit\.?\s*)?b-?12\s+|im\s+)?(?P<what>injection|inj|shot|dose)\b\.?"
    r"[\s:=,-]*(?:(?:was|given|received|administered|on|dated?|(?:per|in)\s+(?:chart|mar|log|record|pt|patient))\s*:?\s*){0,3}"
    + _WHEN, re.I)
_MARKERS_ONLY = re.compile(r"[\s\-*•\[\]xX✓✔☒:>)(\d]*(?:(?:our|pt'?s|patient'?s|the|her|his)\s+)?", re.I)


def previous_dose(text: str, lowered: str, mentions: list, found: list[Administration]) -> Administration | None:
    """The historical administration a dated "last injection" reports, when the note has none."""
    if any(a.status == "historical" for a in found) or not ("last" in lowered or "prior" in lowered or "previous" in lowered):
        return None
    for m in _LAST_DOSE.finditer(text):
        start = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        before = text[start:m.start()]
        if m.group("what").lower() == "dose" and not (_MARKERS_ONLY.fullmatch(before) or adm.DRUG_NAME.search(before)
                                                      or adm.INJECTION_WORD.search(before)):
            continue  # "cefpodoxime 200 mg PO BID - last dose 5/9 PM": that drug's last dose
        if adm.other_drug_named(lowered, start, m.end()):
            continue
        earlier = max((x for x in mentions if x.start < m.start()), key=lambda x: x.start, default=None)
        drug = earlier.drug if earlier else "b12_unspecified"
        return Administration(drug=drug, dose_value=None, dose_unit=None, route=None, site=None, status="historical",
                              administered_by=None, patient_supplied=False, span=(m.start(), m.end()), text=m.group())
    return None
