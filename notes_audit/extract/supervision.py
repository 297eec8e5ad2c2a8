"""Supervision: the practitioner supervising an injection and whether they were present.

Presence per SPEC §3: `in_office`, `virtual` (real-time audio and video), `absent` (documented as not
available, or phone only — audio-only never counts, CY2026 PFS final rule; billing-rules.md §5.3),
`unknown` (named as supervising, whereabouts not stated).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from notes_audit.evidence.model import Supervision
from notes_audit.extract.people import PROVIDER_CREDENTIALS, find_people

I = re.IGNORECASE
# One leading \b for the whole alternation: positions inside words fail at once (12x faster).
_CUE = re.compile(
    r"\b(?:supervis\w*|incident[\s-]+to|on[\s-]?site\b|in[\s-]office\b|in\s+(?:the\s+)?(?:office|clinic|suite|building|practice)\b|"
    r"physically\s+present|present\s+(?:in|on|at|during|for|throughout)\b|was\s+present\b|immediately\s+available|"
    r"available\s+(?:by|via|for|in|on)\b|not\s+available\b|unavailable\b|audio|video\b|telehealth\b|virtual(?:ly)?\b|"
    r"by\s+(?:tele)?phone\b|phone\s+only\b|off[\s-]?site\b|no\s+(?:provider|physician|doctor|md|practitioner)\b|"
    r"(?:provider|physician|doctor|md|supervisor)\s+(?:present|on\s+premises|here|available)\b|present\s*:)")
_PROVIDER_WORD = re.compile(r"supervis\w*|\bprovider\b|\bphysician\b|\bpractitioner\b|\bdoctor\b|\bDr\b|\bMD\b|\bNP\b|\bDO\b|\bPA\b", I)
_VIRTUAL = re.compile(r"audio[\s-]*(?:and|&|/|-|\+)?\s*video|\bvideo\b|telehealth|telemedicine|tele-?video|\bvirtual(?:ly)?\b|\bzoom\b|doxy|"
                      r"real[\s-]time\s+(?:two[\s-]way\s+)?(?:audio|video|interactive)|two[\s-]way\s+(?:audio|video)", I)
_PHONE = re.compile(r"\bby\s+(?:tele)?phone|\bphone\s+only|\bvia\s+(?:tele)?phone|\btelephon\w*|\baudio[\s-]only|\bphone\b|\bcell\b|\bpager\b|\btext\b", I)
_ABSENT = re.compile(r"\bnot\s+(?:physically\s+)?(?:in|available|present|on[\s-]?site|onsite)\b|\boff[\s-]?site\b|\bout\s+of\s+(?:the\s+)?(?:office|clinic)|"
                     r"\bunavailable\b|\baway\b|\bno\s+(?:provider|physician|doctor|md|practitioner|supervising)\b|\babsent\b|"
                     r"\bleft\s+(?:the\s+)?(?:office|clinic|building|for)|\bat\s+(?:the\s+)?hospital\b|\bnot\s+in\s+(?:the\s+)?(?:office|clinic|building)|"
                     r"\bwas\s+not\s+(?:present|available|on\s+site)", I)
_IN_OFFICE = re.compile(r"\bpresent\b|\bon[\s-]?site\b|\bonsite\b|\bin[\s-]office\b|\bin\s+(?:the\s+)?(?:office|clinic|suite|building|practice)\b|"
                        r"\bin[\s-]house\b|\bphysically\b|\bimmediately\s+available\b|\bdown\s+the\s+hall|\bin\s+clinic\b|\bon\s+the\s+premises\b", I)


def presence_of(text: str, lo: int, hi: int) -> str:
    seg = text[lo:hi]
    if _VIRTUAL.search(seg) and not re.search(r"audio[\s-]only|phone\s+only", seg, I):
        return "virtual"
    if _PHONE.search(seg) or _ABSENT.search(seg):
        return "absent"
    if _IN_OFFICE.search(seg):
        return "in_office"
    return "unknown"


def find_supervision(text: str, lowered: str, sentences: list[tuple[int, int]]) -> list[Supervision]:
    out: list[Supervision] = []
    seen = set()
    starts = [s for s, _ in sentences]
    candidates = sorted({bisect_right(starts, m.start()) - 1 for m in _CUE.finditer(lowered)} - {-1})
    for k in candidates:
        s0, s1 = sentences[k]
        if not _PROVIDER_WORD.search(text, s0, s1):
            continue
        lo, hi = s0, s1
        people = [p for p in find_people(text, lo, hi) if p[3] in PROVIDER_CREDENTIALS]
        has_presence = presence_of(text, lo, hi) != "unknown"
        # Template lines: "Supervising provider: Dr. Chen" then "Location: in office" on the next line.
        if k + 1 < len(sentences) and (not people or not has_presence) and sentences[k + 1][0] - s1 <= 3:
            n0, n1 = sentences[k + 1]
            if n1 - n0 < 160:
                more = [p for p in find_people(text, n0, n1) if p[3] in PROVIDER_CREDENTIALS]
                if (not people and more) or (not has_presence and presence_of(text, n0, n1) != "unknown"):
                    hi = n1
                    people = people or more
        presence = presence_of(text, lo, hi)
        if not people and not re.search(r"supervis|no\s+(?:provider|physician|doctor|md|practitioner)", text[lo:hi], I):
            continue
        if not people and presence == "unknown":
            continue
        named = [p for p in people if p[2]]
        name, cred = (named[0][2], named[0][3]) if named else ((None, people[0][3]) if people else (None, None))
        key = ((name or "").split()[-1].lower() if name else None, presence)
        if key in seen:
            continue
        seen.add(key)
        out.append(Supervision(name, cred, presence, (lo, hi), text[lo:hi]))
    return out


_PROVIDER_LABEL = re.compile(r"^[ \t]*(?:provider|seen\s+by|attending|physician|rendering\s+provider|treating\s+provider|"
                             r"visit\s+provider|pcp\s+seen)[ \t]*(?:on\s+premises)?[ \t]*:[ \t]*", I | re.M)


def provider_of_visit(text: str) -> Supervision | None:
    """"Provider: Rebecca Osei, MD" heading a visit: the practitioner who saw the patient that day was in
    the office. Used only for notes where an injection was given and no supervision sentence exists."""
    for m in _PROVIDER_LABEL.finditer(text):
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end == -1 else line_end
        people = [p for p in find_people(text, m.end(), line_end) if p[3] in PROVIDER_CREDENTIALS and p[2]]
        if people:
            _, _, name, cred = people[0]
            return Supervision(name, cred, "in_office", (m.start(), line_end), text[m.start():line_end])
    return None
