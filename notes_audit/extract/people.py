"""Names and credentials of clinicians as written in notes ("Dr. Amanda Chen", "J. Rivera, RN")."""

from __future__ import annotations

import re

CREDENTIAL = (
    r"(?:M\.?D\.?|D\.?O\.?|FNP-?[BC]?|ANP-?[BC]?|AGNP-?C?|DNP|APRN|ARNP|CRNP|ACNP|WHNP|PMHNP|CNM|CNS|DPM|NP-?C?|PA-C|P\.?A\.?|R\.?N\.?|BSN|MSN|"
    r"L\.?P\.?N\.?|L\.?V\.?N\.?|C\.?M\.?A\.?|RMA|CCMA|M\.?A\.?|CNA|MBBS)"
)
# Names in any Latin script ("Sørensen-Okafor", "Colm Ó Briain"); words one space apart (a wider gap
# separates template fields: "Dr. Sato-Brandt     Allergies: sulfa").
_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_WORD = rf"[{_UPPER}](?:[^\W\d_]|['’\-])+"
_NAME = rf"(?:{_WORD}|[{_UPPER}]\.|[{_UPPER}](?=[ ]{_WORD}))(?:[ \t](?:[{_UPPER}]\.|{_WORD}|[{_UPPER}](?=[ ]{_WORD}))){{0,2}}"
# Dictated notes write "dr. smith" in lower case: after "dr." only, and not a common word ("the doctor to know").
_LOWER_NAME = r"(?:(?<=[dD]r\.[ ])|(?<=\b[dD]r[ ]))(?!(?:to|the|a|an|and|or|was|is|in|at|on|for|of|by|who|said|says|will|who|note|office)\b)[a-z][a-z'’\-]+"
_DR_NAME = re.compile(r"\b(?i:Dr\.?|Doctor)[ \t]+(?P<name>" + _NAME + r"|" + _LOWER_NAME + r"(?:[ \t]+[a-z][a-z'’\-]+)?)")
# Name and credential on one line: "Fernwood\nNP: ..." is a heading and a label, not "Fernwood, NP".
_NAME_CRED = re.compile(r"(?P<name>" + _NAME + r")[ \t]*,?[ \t]+(?P<cred>" + CREDENTIAL + r")(?![A-Za-z])")
# "RN Jane Doe": an undotted credential then one space, so "LPN. Tolerated well" is not a name.
_CRED_NAME = re.compile(r"(?<![A-Za-z])(?P<cred>MD|DO|NP|PA|RN|LPN|LVN|CMA|RMA|MA)[ ](?P<name>" + _NAME + r")")
_CRED_LABEL = re.compile(r"(?<![A-Za-z])(?P<cred>MD|DO|NP|PA|RN|LPN|LVN|CMA|MA)\s*:\s*(?P<name>" + _NAME + r")")  # "Supervising MD: Hamza Abdi"
# "Farris, Lena MD" after a label or at a line's start: surname first.
_SURNAME_FIRST = re.compile(r"(?:^|:)[ \t]*(?P<last>" + _WORD + r"),[ \t]*$", re.M)
_TITLE = re.compile(r"(?i:\b(?P<title>nurse\s+practitioner|physician\s+assistant|nurse|medical\s+assistant|physician|doctor)\b)"
                    r"(?:\s+(?P<name>" + _NAME + r"))?")
PROVIDER_CREDENTIALS = frozenset({"MD", "DO", "NP", "FNP", "FNP-C", "FNP-BC", "ANP", "AGNP", "DNP", "APRN", "PA", "PA-C", "MBBS",
                                  "NP-C", "ARNP", "CRNP", "ACNP", "WHNP", "PMHNP", "CNM", "CNS", "DPM"})
_NOT_NAMES = {"The", "Patient", "Pt", "Injection", "Given", "Administered", "Site", "Route", "Dose", "Lot", "Left",
              "Right", "Office", "Present", "In", "Was", "Is", "Clinic", "Today", "Vitamin", "Supervising", "Provider", "Physician", "Nurse",
              "Per", "By", "Dr", "Doctor", "Visit", "Supv", "Supervisor", "Volunteer", "Attending", "Covering", "Duty", "Ordering",
              "Rendering", "Referring", "Note", "Allergies", "Allergy", "Location", "Date", "Dos", "Encounter", "Progress", "Telephone", "Phone", "Follow", "Acute", "Video", "Tolerated", "At", "Available", "Here", "Today", "Onsite", "Supervised", "Supervising", "Pt", "Well", "No", "Denies", "In", "On", "Via", "Was", "Is", "Present", "Available", "And", "With", "Who"}


_NAME_ENDS = {"On", "In", "At", "During", "Present", "Premises", "Available", "Onsite", "Was", "Is", "Here", "Via", "By",
              "For", "Today", "Supervising", "Supervised", "And", "With", "Who", "Notified", "Aware", "Covering",
              "Out", "Off", "Away", "Not", "Unavailable", "Gone", "This", "Has", "Had", "Will", "Said", "Says",
              # degrees and fellowships after a name ("Dr Graham Sutherland MBChB FRCPath")
              "Mbchb", "Mbbch", "Bmbs", "Mbbs", "Frcp", "Frcpath", "Frcs", "Frcpc", "Mrcp", "Mrcgp", "Fracp", "Fracgp",
              "Facp", "Faafp", "Phd", "Mph", "Mrcog", "Frcog"}


def norm_credential(raw: str | None) -> str | None:
    if not raw:
        return None
    c = raw.replace(".", "").upper()
    return {"FNPC": "FNP-C", "PAC": "PA-C"}.get(c, c)


def credential_of_title(title: str) -> str:
    t = " ".join(title.lower().split())
    return {"nurse practitioner": "NP", "physician assistant": "PA", "nurse": "RN", "medical assistant": "MA",
            "physician": "MD", "doctor": "MD"}[t]


def _clean_name(name: str | None) -> str | None:
    if not name:
        return None
    words = name.split()
    # "Dr. Amanda Chen ZEBRA-7 present": once a name is in mixed case, an ALL-CAPS word ends it.
    for k in range(1, len(words)):
        if not words[0].isupper() and words[k].isupper() and len(words[k].strip(".")) > 1:
            words = words[:k]
            break
    # "DR. OKAFOR ON PREMISES": in capitals the name ends at the first word that is not a name's
    for k in range(1, len(words)):
        if words[k].rstrip(".,").title() in _NAME_ENDS:
            words = words[:k]
            break
    words = [w.title() if w.isupper() and len(w) > 2 else w for w in words]
    words = [w for w in words if not w.endswith("-")]
    while words and words[0].rstrip(".").title() in _NOT_NAMES:
        words = words[1:]
    while words and words[-1].rstrip(".").title() in _NOT_NAMES:
        words = words[:-1]
    return " ".join(w.title() if w.islower() else w for w in words) or None


def find_people(text: str, start: int, end: int) -> list[tuple[int, int, str | None, str | None]]:
    """People in text[start:end] as (start, end, name, credential), earliest first, de-overlapped."""
    found: list[tuple[int, int, str | None, str | None]] = []
    for m in _NAME_CRED.finditer(text, start, end):
        name = _clean_name(m.group("name"))
        last = _SURNAME_FIRST.search(text, max(0, m.start() - 40), m.start())  # ("signed by: ALVAREZ, DANIEL, PA-C")
        if last and name and " " not in name:
            name = f"{name} {_clean_name(last.group('last'))}"  # "Physician: Farris, Lena MD" is Lena Farris
        found.append((last.start("last") if last else m.start(), m.end(), name, norm_credential(m.group("cred"))))
    for m in _DR_NAME.finditer(text, start, end):
        found.append((m.start(), m.end(), _clean_name(m.group("name")), "MD"))
    for m in _CRED_LABEL.finditer(text, start, end):
        found.append((m.start(), m.end(), _clean_name(m.group("name")), norm_credential(m.group("cred"))))
    for m in _CRED_NAME.finditer(text, start, end):
        found.append((m.start(), m.end(), _clean_name(m.group("name")), norm_credential(m.group("cred"))))
    for m in _TITLE.finditer(text, start, end):
        found.append((m.start(), m.end(), _clean_name(m.group("name")), credential_of_title(m.group("title"))))
    found.sort(key=lambda p: (p[0], -(p[1] - p[0])))
    out: list[tuple[int, int, str | None, str | None]] = []
    for p in found:
        if out and p[0] < out[-1][1]:
            # Overlap: keep the one that has both a name and a credential.
            prev = out[-1]
            if p[2] and not prev[2]:
                out[-1] = (prev[0], max(prev[1], p[1]), p[2], prev[3] or p[3])
            continue
        out.append(p)
    return out
