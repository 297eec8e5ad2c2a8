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
# "Dr. Raman in the infusion suite", "in the GI suite throughout": where a supervisor is present
_CARE_AREA = r"in\s+(?:the\s+)?(?:infusion|injection|procedure|treatment|gi|endoscopy|oncology|dialysis)\s+(?:suite|unit|center|centre|room|area|clinic)\b"
_CUE = re.compile(
    r"\b(?:supervis\w*|incident[\s-]+to|co-?sign\w*|on[\s-]?site\b|in[\s-]office\b|in\s+(?:the\s+)?(?:office|clinic|suite|building|bldg|practice|consultory|consulting\s+room|exam\s+room|treatment\s+room)\b|"
    + _CARE_AREA + r"|"
    r"physically\s+present|present\s+(?:in|on|at|during|for|throughout)\b|was\s+present\b|"
    r"(?:md|do|np|pa|pa-c|fnp|aprn|dnp|provider|physician|doctor|dr\.?[ \t]+[a-z'-]+)[ \t]+(?:is[ \t]+)?present(?=\s*(?:[.,;)\n]|$))|immediately\s+available|"
    r"available\s+(?:by|via|for|in|on)\b|not\s+available\b|unavailable\b|audio|video\b|telehealth\b|virtual(?:ly)?\b|"
    r"by\s+(?:tele)?phone\b|phone\s+only\b|off[\s-]?site\b|out\s+of\s+(?:the\s+)?(?:office|clinic|building)\b|out\s+today\b|no\s+(?:other\s+)?(?:provider|physician|doctor|md|practitioner)\b|"
    r"(?:provider|physician|doctor|md|supervisor)\s+(?:present|on\s+premises|here|available)\b|present\s*:|on\s+premises|in\s+(?:the\s+)?ofc\b|on\s+(?:the\s+)?(?:floor|unit)\b|"
    r"in\s+(?:(?:the|his|her|their)\s+)?(?:consulting\s+)?rooms\b|next\s+door\b|during\s+(?:the\s+)?administration\b)")
_PROVIDER_WORD = re.compile(r"supervis\w*|\bprovider\b|\bphysician\b|\bpractitioner\b|\bdoctor\b|\bDr\b|\bMD\b|\bNP\b|\bDO\b|\bPA\b|"
                            r"\b(?:[FA]NP|AGNP|DNP|APRN|ARNP|CRNP|ACNP|WHNP|PMHNP|CNM|DPM|MBBS)\b|\bPA-C\b|\bNP-C\b", I)
_VIRTUAL = re.compile(r"audio[\s-]*(?:and|&|/|-|\+)?\s*video|\bvideo\b|telehealth|telemedicine|tele-?video|\bvirtual(?:ly)?\b|\bzoom\b|doxy|"
                      r"real[\s-]time\s+(?:two[\s-]way\s+)?(?:audio|video|interactive)|two[\s-]way\s+(?:audio|video)", I)
_STRONG_VIRTUAL = re.compile(r"video|real[\s-]time|two[\s-]way|zoom|doxy", I)
_PHONE = re.compile(r"\bby\s+(?:tele)?phone|\bphone\s+only|\bvia\s+(?:tele)?phone|\btelephon\w*|\baudio[\s-]only|\bphone\b|\bcell\b|\bpager\b|\btext\b", I)
_ABSENT = re.compile(r"\bnot\s+(?:physically\s+)?(?:in|available|present|on[\s-]?site|onsite)\b|\bout\s+(?:this\s+(?:week|wk)|today|sick|on\s+leave|of\s+town)\b|\boff[\s-]?site\b|\bout\s+of\s+(?:the\s+)?(?:office|clinic)|"
                     r"\bunavailable\b|\baway\b|\bno\s+(?:other\s+)?(?:provider|physician|doctor|md|practitioner|supervising)\b|\babsent\b|"
                     r"\bleft\s+(?:the\s+)?(?:office|clinic|building|for)|\bat\s+(?:the\s+)?hospital\b|\bnot\s+in\s+(?:the\s+)?(?:office|clinic|building)|"
                     r"\bwas\s+not\s+(?:present|available|on\s+site)", I)
_IN_OFFICE = re.compile(r"\b" + _CARE_AREA + r"|"
                        r"\bpresent\b|\bpremises\b|\bon\s+(?:the\s+)?(?:floor|unit)\b|\bin\s+(?:the\s+)?ofc\b|\bon[\s-]?site\b|\bonsite\b|\bin[\s-]office\b|\bin\s+(?:the\s+)?(?:office|clinic|suite|building|bldg|practice|consultory|consulting\s+room|exam\s+room|treatment\s+room)\b|"
                        r"\bin[\s-]house\b|\bphysically\b|\bimmediately\s+available\b|\bdown\s+the\s+hall|\bin\s+clinic\b|\bon\s+the\s+premises\b|"
                        # "consulting in rooms next door" (UK, South Africa), "in TMC during administration"
                        r"\b(?:in|from)\s+(?:(?:the|his|her|their)\s+)?(?:consulting\s+)?rooms\b|\bnext\s+door\b|"
                        r"\b(?:during|at\s+(?:the\s+)?time\s+of)\s+(?:the\s+)?(?:administration|injection|procedure)\b", I)


_COVERING = re.compile(r"[^.;,\n]{0,20}?\b(?:covering|supervis\w*|is\s+(?:in|on)\b|in\s+(?:the\s+)?(?:clinic|office|building))", I)
_NO_SUPERVISOR_FIELD = re.compile(r"\bsupervis\w*(?:\s+(?:physician|provider|md|practitioner))?\s*:\s*(?:n/?a|none|not\s+applicable)\b|"
                                  # "Supervising provider on site: ____________": a field left blank
                                  r"\bsupervis\w*(?:\s+[\w/-]+){0,3}\s*[:?]\s*_{2,}[ \t]*(?:\n|$)", I)
# A patient's level of help (therapy and nursing notes), not a practitioner supervising
_FUNCTIONAL = re.compile(r"\b(?:supervision|supervised)\s+(?:for|with|during)\s+(?:[\w/-]+\s+){0,2}?(?:mobility|ambulation|ambulating|walking|gait|"
                         r"transfers?|adls?|iadls?|bathing|showering|shower|dressing|grooming|toileting|stairs|meals|eating|feeding|meds|"
                         r"medications?|med\s+management|cooking|exercises?|hep)\b|"
                         r"\b(?:stand-?by|sba|contact\s+guard|set-?up|distant|close|modified\s+independent|mod\s+i)\s+(?:assist\s+)?(?:and\s+|/\s*)?supervision\b|"
                         r"\bsupervision\s+(?:level|only\s+for)\b|\b(?:24/7|24-hour|24\s+hour|constant)\s+supervision\b", I)
_LABELLED_PROVIDER = re.compile(r"\b(?i:provider|physician|doctor|supervisor|attending)[ \t]+(?i:(?:in|on)[ \t]+(?:the[ \t]+)?(?:office|clinic|site|premises|building|suite)|on[ \t-]?site|present)[ \t]*:[ \t]*"
                                r"(?P<name>[A-Z][a-zA-Z'’-]+(?:[ \t][A-Z][a-zA-Z'’-]+)?)(?![ \t]*,?[ \t]*(?:MD|DO|NP|PA|RN)\b)")
_POSSESSIVE = re.compile(r"['’]s$")
_NEXT_ITEM = re.compile(r"\n[ \t]*\d{1,2}[.)][ \t]")
# "under Dr Beaumont's supervision": the one whose supervision it is (not "Dr. Gupta's office")
_HIS_SUPERVISION = re.compile(r"\s+(?:(?:direct|general|personal|immediate)\s+)?(?:supervision|direction|oversight)\b", I)


def _without_possessive(p):
    return (*p[:2], _POSSESSIVE.sub("", p[2]) if p[2] else p[2], *p[3:])
_FAILED = re.compile(r"\bfail\w*|\battempted\b|\bunable\b|\bcould\s*n[o']t\b|\boutage\b|\bdropped\b|\bdisconnect\w*|"
                     r"\b(?:link|connection|video|camera|internet|wi-?fi)\s+(?:was\s+|is\s+|went\s+)?down\b|\bnot\s+working\b", I)


# "Provider on site? ( ) Yes (•) No": a ticked answer to a presence question.
_TICKED = r"(?:\(\s*[•●xX✓✔]\s*\)|\[\s*[xX✓✔]\s*\]|☒|☑)\s*"
_PRESENCE_QUESTION = re.compile(r"\b(?:on[\s-]?site|onsite|present|in\s+(?:the\s+)?(?:office|clinic|building|suite))\b[^\n]{0,25}?"
                                r"(?P<answer>" + _TICKED + r"(?:yes|no)\b)", I)


# "Supervision type: [ ] In suite  [ ] Video  [X] Telephone": an option not ticked says nothing.
_UNTICKED_OPTION = re.compile(r"(?:\[\s*\]|☐|\(\s*\))[ \t]*[^\[\]☐☒☑()\n]{0,40}")
# "Working remotely (telehealth schedule), available by phone": the supervising link is the phone.
_WEAK_VIRTUAL = re.compile(r"telehealth|telemedicine|\bvirtual(?:ly)?\b|\bremote(?:ly)?\b", I)


_ASIDE = re.compile(r"\([^()\n]*\)")


def presence_of(text: str, lo: int, hi: int) -> str:
    seg = _UNTICKED_OPTION.sub(lambda m: " " * len(m.group()), text[lo:hi])
    question = _PRESENCE_QUESTION.search(seg)
    if question:
        return "absent" if question.group("answer").lower().rstrip().endswith("no") else "in_office"
    virtual = _VIRTUAL.search(seg)
    if virtual and "(" in seg:
        outside_asides = _ASIDE.sub(lambda m: " " * len(m.group()), seg)
        if (not _VIRTUAL.search(outside_asides) and _IN_OFFICE.search(outside_asides)
                and not _PHONE.search(outside_asides) and not _ABSENT.search(outside_asides)):
            return "in_office"  # "who is in clinic this afternoon (seeing in-person pts after her telehealth block)"
    if virtual and not re.search(r"audio[\s-]only|phone\s+only", seg, I):
        if _FAILED.search(seg):
            return "absent"  # a video link that failed supervises nothing
        if not (_WEAK_VIRTUAL.fullmatch(virtual.group()) and not _STRONG_VIRTUAL.search(seg) and _PHONE.search(seg)):
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
        if not _PROVIDER_WORD.search(text, s0, s1) or _NO_SUPERVISOR_FIELD.search(text, s0, s1):
            continue  # "Supervising physician: N/A"
        if _FUNCTIONAL.search(text, s0, s1) and not _CUE.search(_FUNCTIONAL.sub(" ", lowered[s0:s1])):
            continue  # "supervision for community mobility": how much help the patient needs
        lo, hi = s0, s1
        # "Dr. Gupta's office agreed by phone": an office or an order, not the person supervising
        people = [_without_possessive(p) for p in find_people(text, lo, hi) if p[3] in PROVIDER_CREDENTIALS
                  and (not _POSSESSIVE.search(p[2] or "") or _HIS_SUPERVISION.match(text, p[1]))]
        has_presence = presence_of(text, lo, hi) != "unknown"
        # Template lines: "Supervising provider: Dr. Chen" then "Location: in office" on the next line.
        # (Not for the author's own words, "under my supervision": the next line is another matter.)
        if (k + 1 < len(sentences) and (not any(p[2] for p in people) or not has_presence)
                and not _FIRST_PERSON.search(lowered, s0, s1)
                and not text[s1:sentences[k + 1][0]].strip() and text.count("\n", s1, sentences[k + 1][0]) <= 1):
            n0, n1 = sentences[k + 1]
            line_end = text.find("\n", n0)
            n1 = max(n1, len(text) if line_end == -1 else line_end)  # "Provider on site? ( ) Yes (•) No" is one field
            if n1 - n0 < 160:
                more = [p for p in find_people(text, n0, n1) if p[3] in PROVIDER_CREDENTIALS]
                named_more = any(p[2] for p in more)
                if (named_more and not any(p[2] for p in people)) or (not has_presence and presence_of(text, n0, n1) != "unknown"):
                    hi = n1
                    people = people + more if named_more else people
        for c0, c1, clause_people in _clauses(text, lo, hi, people):
            if c1 - c0 > 300 and clause_people:
                # A dictated run-on: judge presence near the practitioner, not a whole paragraph away.
                c0, c1 = max(c0, clause_people[0][0] - 150), min(c1, clause_people[-1][1] + 150)
            presence = presence_of(text, c0, c1)
            if not clause_people:
                # "Provider in office: Whitcomb": a surname written alone after a presence label
                label = _LABELLED_PROVIDER.search(text, c0, c1)
                if label:
                    clause_people = [(label.start("name"), label.end("name"), label.group("name"), None)]
            if not clause_people and not re.search(r"supervis|no\s+(?:other\s+)?(?:provider|physician|doctor|md|practitioner)", text[c0:c1], I):
                continue
            if not clause_people and presence == "unknown":
                continue
            named = [p for p in clause_people if p[2]]
            # "Dr. O out today, Dr. Lutz covering by phone": the one covering or supervising is the supervisor
            named.sort(key=lambda p: not _COVERING.match(text, p[1], min(c1, p[1] + 30)))
            if len(named) > 1:
                # ... and where that one is comes from the words after their name, up to the next person's
                after = [p[0] for p in named[1:] if p[0] > named[0][0]]
                nxt = min(after) if after else c1
                own = presence_of(text, named[0][0], nxt)
                if own == "unknown" and not [p for p in named[1:] if p[0] < named[0][0]]:
                    own = presence_of(text, c0, nxt)  # "Supervising provider on site: Dr. V (covering for Dr. G, who is out)"
                presence = own if own != "unknown" else presence
            name, cred = (named[0][2], named[0][3]) if named else ((None, clause_people[0][3]) if clause_people else (None, None))
            key = (name.split()[-1].lower() if name else None, presence)
            if key in seen:
                continue
            seen.add(key)
            out.append(Supervision(name, cred, presence, (lo, hi), text[lo:hi]))
    # "No MD on site" beside a named supervisor on video is that supervisor's whereabouts, not another person.
    return [s for s in out if s.name] or out


# "Provider: B. Olmedo-Haas, PA-C   Supervising physician: J. Wexler, MD": the physician a PA or NP
# practises under (state scope-of-practice), named in the header, not the supervisor of an injection.
_PRACTITIONERS_OWN_SUPERVISOR = re.compile(
    r"\b(?:provider|clinician|author|seen\s+by|rendering)\s*:?\s*[^\n]{0,60}?\b(?:PA-?C|NP|FNP(?:-[BC]+)?|APRN|DNP|PA)\b"
    r"[^\n]{0,80}?\bsupervising\s+(?:ed\s+|er\s+|attending\s+)?(?:physician|md|doctor)", I)


# "Co-signed: Rachel Odum, NP 06/14/2025 04:02 PM": a signature added later says nothing of supervision.
_COSIGNED = re.compile(r"\bco-?sign", I)
_SUPERVISING = re.compile(r"supervis|covering", I)


def _surname_of(s: Supervision) -> str:
    return s.name.replace(",", " ").split()[-1].lower()


def settle(found: list[Supervision]) -> list[Supervision]:
    """The note's supervision once every source has spoken. (A note without an injection keeps what it
    says: the day's injection may be charted in another note of the same encounter.)"""
    found = [s for s in found if not _PRACTITIONERS_OWN_SUPERVISOR.search(s.text or "")
             and not (s.presence == "unknown" and _COSIGNED.search(s.text or "") and not _SUPERVISING.search(s.text or ""))]
    # "joined via Teams video at 09:15" then "Video froze/dropped at 09:21 ... remained on the phone": a
    # link that failed leaves the phone
    lost = {_surname_of(s) for s in found if s.presence == "absent" and s.name and _FAILED.search(s.text or "")}
    found = [s for s in found if not (s.presence == "virtual" and s.name and _surname_of(s) in lost)]
    # A header's "Supervising MD: X" (whereabouts unknown) adds nothing once the note says who was where.
    if any(s.presence != "unknown" for s in found):
        found = [s for s in found if s.presence != "unknown"]
    return found


_CLAUSE_BREAK = re.compile(r"\s[-–—]\s|;|\bbut\b|\bwhile\b|\bhowever\b|\bwhereas\b|[ \t]{3,}", I)  # wide gaps part template fields


def _clauses(text: str, lo: int, hi: int, people: list) -> list[tuple[int, int, list]]:
    """One sentence may name two practitioners ("Dr. Okafor out of the office - Dr. Chen is supervising
    in clinic today"): with two or more, each clause is judged on its own."""
    if len([p for p in people if p[2]]) < 2:  # an unnamed "Supervising MD:" label is not a second person
        return [(lo, hi, people)]
    cuts = [lo, *(m.start() for m in _CLAUSE_BREAK.finditer(text, lo, hi)), hi]
    out = []
    for a, b in zip(cuts, cuts[1:]):
        inside = [p for p in people if a <= p[0] < b]
        if inside:
            out.append((a, b, inside))
    return out or [(lo, hi, people)]


# The note's author supervising in person: "with me in the office", "I was present in the clinic".
_FIRST_PERSON = re.compile(r"\b(?:with\s+(?:me|myself)\s+(?:physically\s+)?(?:present\s+)?(?:in\s+(?:the\s+)?(?:office|clinic|suite|building)|present)|"
                           r"i\s+was\s+(?:physically\s+)?(?:present|here|in\s+(?:the\s+|our\s+)?(?:office|clinic|suite|building)|on[\s-]?site)|"
                           r"i(?:\s+am|'m)\s+(?:physically\s+)?(?:present|in\s+(?:the\s+|our\s+)?(?:office|clinic|suite|building)|on[\s-]?site)|"
                           r"under\s+my\s+(?:direct\s+)?supervision|i\s+(?:directly\s+)?(?:supervised|observed|watched|monitored))\b")
_AUTHOR = re.compile(r"\b(?:this\s+is\s+)?(?P<who>dr\.?\s+[a-z][\w'’-]+)\s+dictating|"
                     r"(?:signed|electronically\s+signed|dictated)\s*(?:by)?\s*:?\s*(?P<who2>[^\n]{3,60})", I)


_NOT_AUTHOR = re.compile(r"refer|pcp|primary\s+care|ordering|cc\s*:|copy|consult(?:ed|ing)?\s+(?:with|by)", I)


def in_first_person(s: Supervision) -> bool:
    """Is this the author's own supervision ("under my supervision")? Its practitioner is the author."""
    return bool(_FIRST_PERSON.search(s.text.lower()))


# "Video visit - pt at home, I'm in clinic": where the author sits for a video visit, not a supervisor
_THE_AUTHORS_LOCATION = re.compile(r"\bi(?:\s+am|'m)\b")
_REMOTE_VISIT = re.compile(r"\bat\s+home\b|\bvideo\b|telehealth|telemedicine|\bvirtual\b|doxy|zoom", I)


def _first_person_supervision(text: str, lowered: str) -> re.Match[str] | None:
    for m in _FIRST_PERSON.finditer(lowered):
        line_end = text.find("\n", m.end())
        line = text[text.rfind("\n", 0, m.start()) + 1:len(text) if line_end == -1 else line_end]
        if not (_THE_AUTHORS_LOCATION.match(lowered, m.start()) and _REMOTE_VISIT.search(line)):
            return m
    return None


def author_supervision(text: str, lowered: str) -> Supervision | None:
    m = _first_person_supervision(text, lowered)
    if m is None:
        return None
    name = cred = None
    a = _AUTHOR.search(text)
    spans = [(a.start("who") if a.group("who") else a.start("who2"), a.end())] if a else []
    # An attestation signs its own paragraph ("I was present ... -- Thomas Albright, MD"): the signer after
    # the words first, then a name before them; else the note's signature, else its heading.
    para_start = text.rfind("\n\n", 0, m.start()) + 1
    para_end = text.find("\n\n", m.end())
    after_end = len(text) if para_end == -1 else para_end
    item = _NEXT_ITEM.search(text, m.end(), after_end)  # "4. Colon cancer screening - ... (Dr. Kowalczyk)": another matter
    spans[:0] = [(m.end(), item.start() if item else after_end), (para_start, m.start())]
    if para_end != -1:  # the signature below the attestation's paragraph ("-- Nadia Ferrante, MD")
        spans.append((para_end, min(len(text), para_end + 300)))
    spans.append((0, min(len(text), 400)))
    for lo, hi in spans:
        people = [p for p in find_people(text, lo, hi) if p[3] in PROVIDER_CREDENTIALS and p[2]
                  and not _NOT_AUTHOR.search(text[text.rfind("\n", 0, p[0]) + 1:p[0]])]
        if people:
            name, cred = people[0][2], people[0][3]
            break
    # "I was present by real-time audio-video throughout": the author's own words say how.
    said = presence_of(text, m.start(), min(len(text), m.end() + 100, _clause_end(text, m.end())))
    return Supervision(name, cred, said if said != "unknown" else "in_office", m.span(), text[m.start():m.end()])


def _clause_end(text: str, pos: int) -> int:
    ends = [i for i in (text.find(c, pos) for c in ".;\n") if i != -1]
    return min(ends) if ends else len(text)


_PROVIDER_LABEL = re.compile(r"^[ \t]*(?:provider|seen\s+by|attending|physician|surgeon|[a-z]*ologist|rendering\s+provider|treating\s+provider|"
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


# "Discussed with Dr. Petrov by phone, who agrees.", "NP notified by phone, new order received: hold":
# a practitioner consulted about the plan, not one supervising a dose
_CONSULTED = re.compile(r"\b(?:discuss\w*|d/w|spoke|spoken|talked|reviewed|notified|informed|messaged|called|consulted|per)\b", I)


def consulted_by_phone(s: Supervision) -> bool:
    """A phone call about the plan, in words that neither say who supervises nor that they were away."""
    text = s.text or ""
    return (s.presence == "absent" and bool(_CONSULTED.search(text)) and bool(_PHONE.search(text))
            and not _ABSENT.search(text) and not _SUPERVISING.search(text))
