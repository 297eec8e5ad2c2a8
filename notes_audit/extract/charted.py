"""Drug mentions read against the note's dates: administration grids, dated doses, addenda.

Administration grids are MAR rows, injection logs and series trackers, one dated row per dose:

    Dose   Date/Time          Action      Dose        Route  Site          By
    3/5    11/07/2025 10:40   Given       1,000 mcg   IM     L deltoid     M. Abernathy, RN
    4/5    11/10/2025 10:51   Given       1,000 mcg   IM     R deltoid     T. Rosales, LPN
    5/5    11/12/2025 09:00   Scheduled   1,000 mcg   IM

A grid charts one drug, named in its rows or in the order just above them. A row dated the visit's day
is today's event (given, held or refused); an older row is an earlier dose (historical); a scheduled
row is a plan. The visit's day is the date the note labels as its own (DOS, visit or encounter date),
else a row that says "today", else the latest row with an outcome when the note speaks of today.
Rows are read from the note's text; nothing here depends on column order. A dose charted as given
but dated before the visit ("started ... on 5/9 (first dose given in our office)" in a letter of 5/12)
is an earlier dose, and an addendum that takes a charted dose back makes it held or no event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from notes_audit.evidence.model import Person
from notes_audit.extract import administrations as adm
from notes_audit.extract.people import find_people

I = re.IGNORECASE
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_DATE = re.compile(
    # m/d[/y], m-d-y, m.d.y (a dotted date needs its year: "1.5 mL" is no date)
    r"(?<![\d/.-])(?:(?P<m>\d{1,2})(?P<sep>[/-]|\.(?=\d{1,2}\.\d))(?P<d>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})|"
    r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?P<md>\d{1,2}),?\s+(?P<my>\d{4})|"
    r"(?P<dd>\d{1,2})\s+(?P<dmon>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?P<dy>\d{4}))(?![\d/]|\.\d)", I)
# The note's own date, labelled: "DOS: 11/10/2025", "Visit date 11/10/25", "Encounter Date: 2025-11-10".
_VISIT_DATE_LABEL = re.compile(
    r"\b(?:date\s+of\s+(?:service|visit|encounter|discharge)|discharge\s+date|discharged(?:\s+on)?|d\.?o\.?s\.?|(?:visit|encounter|service|svc|appt\.?|appointment|admin(?:istration)?|"
    r"injection)\s+date|date\s+seen|seen\s+on|(?:visit|encounter|appt\.?|appointment)\s*:|(?:visit|encounter)\s*,?(?=\s*\d{1,2}[/-]\d))\s*[:#]?\s*", I)
_GENERIC_DATE_LABEL = re.compile(r"(?:^|\n|[ ]{2,}|\t)[ \t]*date(?:/time)?\s*[:#]?\s*", I)
_BIRTH_LABEL = re.compile(r"\b(?:dob|d\.o\.b\.?|born|birth\s*date|date\s+of\s+birth)\W{0,3}$", I)
# "Today's admin comments (11/10):", "Today 09/02/2025:", "03/10/26 (today)", "Comment 03/10/26 (B. Sousa LPN): today's dose"
_TODAY_DATE = re.compile(r"\btoday(?:'s)?(?:\s+(?:date|admin\w*|visit|dose|comments?|encounter|injection|note)){0,2}\s*[:(]?\s*(?=\d)|"
                         r"\b\d[\d/.-]{2,9}\s*\(?\s*(?:today|this\s+visit)\b|"
                         r"^[ \t]*(?:comment|note|entry|addendum|admin\w*)\s+\d[\d/.-]{2,9}\b[^\n\d]{0,40}\btoday\b", I | re.M)
_NOT_THE_VISIT_LINE = re.compile(r"\b(?:fax|faxed|print(?:ed)?|page|pg|received|sent|run\s+date|report\s+date|dob)\b", I)
_DATE_LINE = re.compile(r"^[ \t]*(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|"
                        r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\s+\d{4}|\d{1,2}/\d{1,2}/\d{2,4})(?:[ \t]+\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?)?[ \t]*$", I | re.M)
_SPEAKS_OF_TODAY = re.compile(r"\btoday\b|\btolerated\b|\bthis\s+visit\b|\bnow\b", I)

# What became of the dose in a row. Initials with a time ("10:51 TR") are a MAR cell of a dose given.
_ACTIONS: list[tuple[str, re.Pattern[str]]] = [
    ("declined", re.compile(r"\b(?:refused|declined|pt\s+refusal|patient\s+refused)\b", I)),
    ("held", re.compile(r"\bnot\s+(?:given|administered|done)\b|\bheld\b|\bhold\b|\bmissed\b|\bno[\s-]?show\b|\bomitted\b|"
                        r"\bcancel+ed\b|\bskipped\b|\bdeferred\b|\bnot\s+due\b|\bout\s+of\s+stock\b", I)),
    ("ordered", re.compile(r"\border(?:ed)?\b|\bprescribed\b|\bverbal\s+order\b", I)),
    ("planned", re.compile(r"\bscheduled\b|\bdue\b|\bpending\b|\bplanned\b|\bnext\b|\bto\s+be\s+given\b|\bupcoming\b|\bbooked\b", I)),
    ("given", re.compile(r"\bgiven\b|\badministered\b|\badmin'?d\b|\bdone\b|\bcompleted?\b|\bcharted\b|\bdocumented\b|✓|✔|☑|"
                         r"\[\s*[xX]\s*\]|\bself[- ]administered\b|(?-i:\b\d{1,2}:?\d{2}\s+(?!AM\b|PM\b)[A-Z]{2,3}\b)", I)),
]
_PER_VOLUME = re.compile(r"\s*/\s*[a-z]", I)
_ROW_MIN = 2  # a grid has at least two dated rows
_GAP_LINES = 2  # header or comment lines a grid may hold between its rows
_DRUG_REACH = 900  # how far above its first row a grid's drug may be named


@dataclass(slots=True)
class Row:
    start: int
    end: int
    day: date | None
    action: str
    explicit: bool  # the row says what became of the dose (else: a dated dose in a log, given)


def _to_date(m: re.Match[str], default_year: int | None) -> date | None:
    try:
        if m.group("iy"):
            return date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        if m.group("mon"):
            return date(int(m.group("my")), _MONTHS.index(m.group("mon")[:3].lower()) + 1, int(m.group("md")))
        if m.group("dmon"):
            return date(int(m.group("dy")), _MONTHS.index(m.group("dmon")[:3].lower()) + 1, int(m.group("dd")))
        y = m.group("y")
        year = (int(y) + 2000 if len(y) == 2 else int(y)) if y else default_year
        if year is None:
            return None
        return date(year, int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None


def _default_year(text: str) -> int | None:
    """The year of the note's first full date that is no birth date."""
    for m in _DATE.finditer(text):
        if _BIRTH_LABEL.search(text, max(0, m.start() - 20), m.start()):
            continue  # "DOB 1/9/1941"
        if m.group("y") or m.group("iy") or m.group("my") or m.group("dy"):
            d = _to_date(m, None)
            if d:
                return d.year
    return None


def visit_date(text: str, default_year: int | None = None) -> date | None:
    """The note's own date when it labels one: DOS/visit/encounter date anywhere, else a "Date:" line
    at the top, else a date written as today's."""
    default_year = _default_year(text) if default_year is None else default_year
    for rx, limit in ((_VISIT_DATE_LABEL, len(text)), (_GENERIC_DATE_LABEL, 400), (_TODAY_DATE, len(text))):
        for label in rx.finditer(text, 0, limit):
            m = _DATE.match(text, label.end()) if rx is not _TODAY_DATE else _DATE.search(text, label.start(), max(label.end(), label.start() + 12) + 12)
            if m:
                d = _to_date(m, default_year)
                if d:
                    return d
    # A header's date ("TELEPHONE ENCOUNTER    03/04/2025 2:41 PM"), or a letter's date line: not a birth date.
    first_line_end = text.find("\n")
    first_line = text[:len(text) if first_line_end == -1 else first_line_end]
    if not _NOT_THE_VISIT_LINE.search(first_line):  # a fax or print stamp is not the visit's date
        for m in _DATE.finditer(first_line):
            if not _BIRTH_LABEL.search(text, max(0, m.start() - 20), m.start()):
                return _to_date(m, default_year)
    # "Nguyen & Associates Family Medicine\nNURSE NOTE - 09/09/2025 13:35 - by C. Baptiste, LPN": a title
    # line with the note's kind and its date, among the first lines
    for line in text[:300].split("\n")[1:4]:
        if _NOTE_TITLE.search(line) and not _NOT_THE_VISIT_LINE.search(line):
            for m in _DATE.finditer(line):
                if not _BIRTH_LABEL.search(line, max(0, m.start() - 20), m.start()):
                    return _to_date(m, default_year)
    for m in _DATE_LINE.finditer(text, 0, 600):
        return _to_date(_DATE.search(text, m.start(), m.end()), default_year)
    return None


_NOTE_TITLE = re.compile(r"\b(?:note|visit|encounter|consult(?:ation)?|progress|telephone|injection|procedure|nurse|nursing|"
                         r"follow[\s-]?up|office)\b", I)


def _action(line: str) -> str | None:
    for status, rx in _ACTIONS:
        if rx.search(line):
            return status
    return None


_SIGNATURE_LINE = re.compile(r"\b(?:signed|reviewed|co-?signed|authenticated|dictated|transcribed|printed|faxed)\b", I)
_CELL_GAP = re.compile(r"\S(?:\t|[ ]{2,}|\s*\|\s*)\S")
_LEADING_INDEX = re.compile(r"[ \t|]*(?:#?\d{1,2}(?:\s*(?:/|of)\s*\d{1,2})?[.)]?[ \t|]+)?$")


def _tabular(text: str, lo: int, hi: int, date_at: int) -> bool:
    """A grid row, not a sentence that has a date: its cells are set apart by tabs, pipes or runs of
    spaces, or it starts with its date (a log entry: "10/13/25 - 1000 mcg IM LD  TR")."""
    return bool(_CELL_GAP.search(text, lo, hi) or _LEADING_INDEX.match(text[lo:date_at]))


_NOT_A_ROW_DATE = re.compile(r"\b(?:exp(?:iry|ires|iration)?|bud|use\s+by|opened|dob)\b\W*$", I)


def find_rows(text: str, lowered: str, default_year: int | None) -> list[list[Row]]:
    """Runs of dated lines that chart doses: each has a date and an outcome, or a date and a dose."""
    grids: list[list[Row]] = []
    run: list[Row] = []
    gap = 0
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl == -1 else nl
        row = None
        # an expiry ("lot 7719B exp 05/27") or a vial's opening is no row's date
        dates = [d for d in _DATE.finditer(text, pos, end) if not _NOT_A_ROW_DATE.search(text, max(pos, d.start() - 14), d.start())
                 ] if end - pos <= 200 else []
        # "1/5  11/03/2025 09:10  Given": the dose's number in a series looks like a date; a year says which is
        m = next((d for d in dates if d.group("y") or d.group("iy") or d.group("my") or d.group("dy")), dates[0] if dates else None)
        if m and _tabular(text, pos, end, m.start()) and not _SIGNATURE_LINE.search(text, pos, end):
            line = text[pos:end]
            action = _action(line[:m.start() - pos] + " " + line[m.end() - pos:])
            # an amount not per volume ("1000 mcg", not "1000 mcg/mL" or a lab's "98 mg/dL")
            has_dose = any(not _PER_VOLUME.match(text, d.end()) for d in adm._DOSE.finditer(lowered, pos, end))
            day = _to_date(m, default_year)
            if (action or has_dose) and day is not None:
                row = Row(pos, end, day, action or "given", action is not None)
        if row:
            run.append(row)
            gap = 0
        elif run:
            gap += 1
            if gap > _GAP_LINES or not text[pos:end].strip():
                if _is_grid(text, run):
                    grids.append(run)
                run, gap = [], 0
        if nl == -1:
            break
        pos = nl + 1
    if _is_grid(text, run):
        grids.append(run)
    return grids


def _is_grid(text: str, run: list[Row]) -> bool:
    """Two dated rows or more; or one table row that starts with its outcome or date and names no drug
    ("Given  04/03/25 1022  1,000 mcg  Left Deltoid  KL" under its order), which counts only when its date
    is the visit's (see _grid_mentions). A dated sentence ("12/30/25 nurse visit. B12 1000 mcg given") is none."""
    if len(run) >= _ROW_MIN:
        return True
    row = run[0] if len(run) == 1 else None
    if row is None:
        return False
    if _under_column_header(text, row):
        return True  # "Date  Time  Medication  Dose  Route  Site  Lot  Init" over the day's one row
    return bool(row.explicit and row.action == "given" and _ROW_LEAD.match(text, row.start, row.end)
                and not adm._DRUG_WORD.search(text, row.start, row.end))


_COLUMN_NAME = re.compile(r"\b(?:date|time|sched\w*|medication|drug|dose|route|rte|site|lot|init\w*|by|action|given\s+by|exp\w*)\b", I)


def _under_column_header(text: str, row: Row) -> bool:
    """Is the row right under a line of column names (at least four of date, time, medication, dose, route, ...)?
    A rule line of dashes may stand between them."""
    lo = text.rfind("\n", 0, max(0, row.start - 1)) + 1
    line = text[lo:max(lo, row.start - 1)]
    if re.fullmatch(r"[ \t|+=_-]{3,}", line) and lo > 0:
        lo2 = text.rfind("\n", 0, lo - 1) + 1
        line = text[lo2:lo - 1]
    return len(set(m.group().lower() for m in _COLUMN_NAME.finditer(line))) >= 4


_ROW_LEAD = re.compile(r"[ \t|]*(?:given|administered|done|completed|\d{1,2}/\d{1,2})\b", I)


def _grid_drug(text: str, lowered: str, grid: list[Row], mentions: list[adm.Mention]
               ) -> tuple[str | None, list[adm.Mention], adm.Mention | None]:
    """The drug a grid charts, the mention above it that heads it (named in one of its rows, else the
    last B12 mention shortly above it with no other medication named between), and that mention."""
    inside = [m for m in mentions if grid[0].start <= m.start < grid[-1].end]
    if inside:
        named = [m.drug for m in inside if m.drug != "b12_unspecified"]
        return (named[0] if named else inside[0].drug), [], None
    above = [m for m in mentions if grid[0].start - _DRUG_REACH <= m.start < grid[0].start]
    if not above:
        return None, [], None
    last = above[-1]
    if adm.other_drug_named(lowered, last.end, grid[0].start):
        return None, [], None
    lo, hi = _line(text, last.start)
    # Only a drug line just over the grid (its title, the order) heads it; a dose charted further up
    # ("B12 1000 mcg IM L deltoid - JR RN" above a log of earlier doses) is an event of its own.
    heading = [m for m in above if lo <= m.start < hi] if text.count("\n", hi, grid[0].start) <= 3 else []
    named = [m.drug for m in heading if m.drug != "b12_unspecified"]
    return (named[0] if named else last.drug), heading, last


def _line(text: str, pos: int) -> tuple[int, int]:
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    return lo, len(text) if hi == -1 else hi


def _unhead(text: str, lowered: str, head: adm.Mention) -> None:
    """The rows speak for the events a grid's heading drug line read from them ("Hydroxocobalamin 1 mg
    IM doses:" is not given because its rows say given): the heading keeps only a status its own line
    states ("Order: cyanocobalamin ... monthly")."""
    lo, hi = _line(text, head.start)
    status = head.attrs.get("status")
    if status is not None and status not in adm.cues_in(text, lo, hi, lowered):
        head.attrs["status"] = None


_NOT_AN_EVENT_DATE = re.compile(r"\b(?:exp(?:ires?|iration|\.)?|lot|dob|born|due|next|dose|#|until|by|before|resulted|drawn|collected|level|filled|dispensed|pharmacy|"
                                r"opened|punctured|reconstituted|mfg|manufactured|bud|discard(?:ed)?(?:\s+after)?|beyond\s+use|"
                                r"b-?12|mma|folate|hgb|labs?)\W{0,3}(?:date\W{0,3})?$|"
                                # "(filled at Walgreens 7/30)": where and when the vial was filled
                                r"\b(?:filled|dispensed|picked\s+up|purchased|bought)\s+(?:at|by|from)\s+[\w'&.-]+(?:\s+[\w'&.-]+)?\W{0,3}$", I)
_CLAUSE_BREAK = re.compile(r"[;.\n]")
_DATE_SPAN = re.compile(r"\(\s*\d{1,2}/\d{1,2}(?:/\d{2,4})?(?:\s*(?:-|–|to|,|and)\s*\d{1,2}/\d{1,2}(?:/\d{2,4})?)+\s*\)")
_TODAY_IN_CLAUSE = re.compile(r"\btoday\b|\bthis\s+(?:visit|morning|am)\b", I)
_LAB_RESULT_BEFORE = re.compile(r"(?:pg/ml|ng/l|ng/ml|[uµ]mol/l|nmol/l|pmol/l|g/dl|g/l|fl)\b\W{0,6}(?:\(?\s*[lh]\s*\)?\W{0,3})?$|"
                                r"\(\s*[lh]\s*\)\W{0,3}$", I)
_CLAUSE_END = re.compile(r"\s*(?:[.;,)\n]|$)")
_EVENT_DATE_BEFORE = re.compile(r"\b(?:on|from|since|started|began|received|given|administered|got|had|last)\s+$", I)


def _past_dated(text: str, m: adm.Mention, today: date, default_year: int | None) -> bool:
    """Is a mention read as given today dated before the visit in its own clause ("He started
    cyanocobalamin ... on 5/9 (first dose given in our office)" in a letter of 5/12)?"""
    s0, s1 = m.sentence
    lo = max(s0, m.start - 100)
    hi = min(s1, m.end + 120)
    for brk in _CLAUSE_BREAK.finditer(text, lo, m.start):
        if not text[brk.end():brk.end() + 1].isdigit() and text[brk.start()] != "." or text[brk.start() - 1:brk.start()].isalpha():
            lo = brk.end()
    brk = _CLAUSE_BREAK.search(text, m.end, hi)
    while brk and text[brk.start()] == "." and text[brk.end():brk.end() + 1].isdigit():
        brk = _CLAUSE_BREAK.search(text, brk.end(), hi)  # "1.5 mL" is no clause end
    hi = brk.start() if brk else hi
    if _TODAY_IN_CLAUSE.search(text, lo, hi):
        return False
    for r in _DATE_SPAN.finditer(text, lo, hi):
        # "daily x 7 days (4/29-5/5)", "weekly x4 (3/5, 3/12, 3/19, 3/26)": a course whose last dose is dated
        # before the visit
        last = list(_DATE.finditer(text, r.start(), r.end()))[-1]
        day = _to_date(last, default_year)
        if day is not None and day < today:
            return True
    for d in _DATE.finditer(text, lo, hi):
        if _NOT_AN_EVENT_DATE.search(text, max(0, d.start() - 25), d.start()):
            continue
        if _LAB_RESULT_BEFORE.search(text, max(0, d.start() - 25), d.start()):
            continue  # "B12 150 pg/mL (L) 8/14/25): cyanocobalamin ... given": the result's date
        if not (_EVENT_DATE_BEFORE.search(text, max(0, d.start() - 20), d.start())
                or (d.start() > m.end and _CLAUSE_END.match(text, d.end()))):
            continue  # the event's own date ("started 5/2", "given R deltoid 04/07/2025."), not an order's or a dose's number
        day = _to_date(d, default_year)
        if day is not None and day < today:
            return True
    return False


# (after the stamp a flowsheet puts on each entry: "05/21/24 11:37  ** ADDENDUM / CORRECTION **")
ADDENDUM = re.compile(r"^[ \t*#=-]*(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?[ \t]+\d{1,2}:?\d{2}[ \t]+[ \t*#=-]*)?(?:addendum|late\s+entry|correction|amended)\b", I | re.M)
REVERSAL = re.compile(r"\b(?:was|were)?\s*not\s+(?:given|administered|done|injected)\b|\bcharted\s+in\s+error\b|"
                       r"\b(?:entry|note|documentation|charting)\s+(?:above\s+)?(?:was\s+)?(?:made\s+)?in\s+error\b|"
                       r"\bdocumented\s+in\s+error\b|\bdisregard\b", I)


# "[Interval history copied from note of 05/12/2025] ... [end of copied text]", "*** COPY FORWARDED FROM
# 12/10/2024 ***", "(copied from previous nurse visit 04/09/2024)": text brought over from an earlier note.
_COPIED_START = re.compile(r"\b(?:copied|cop(?:y|ied)[\s-]+forward(?:ed)?|carried\s+forward|copied\s+fwd)\b[^\n]{0,60}?"
                           r"(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{4}-\d\d-\d\d|\b(?:previous|prior|last|earlier)\b)", I)
_COPIED_END = re.compile(r"\bend\s+(?:of\s+)?cop(?:ied|y)(?:[\s-]+forward(?:ed)?)?\b", I)


def copied_regions(text: str) -> list[tuple[int, int]]:
    """Spans of text a note copied from an earlier one: from the marker to its end marker, else to the
    next blank line (a marker in the middle of a line covers that line's rest)."""
    out = []
    for m in _COPIED_START.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        end = _COPIED_END.search(text, m.end())
        blank = text.find("\n\n", m.end())
        stop = end.start() if end and (blank == -1 or end.start() < blank + 400) else (blank if blank != -1 else len(text))
        out.append((line_start, stop))
    return out


def copied_doses_to_history(text: str, mentions: list[adm.Mention]) -> None:
    """A dose reported given inside copied text ("B12 1000 mcg IM given R deltoid today, tolerated well")
    was given at the visit it was copied from."""
    regions = copied_regions(text)
    for m in mentions:
        if m.attrs.get("status") == "given" and any(a <= m.start < b for a, b in regions):
            m.attrs["status"] = "historical"


_ANOTHER_FIELD_BEFORE = re.compile(r"\b(?:supervis\w*|physician|provider|site|lot|expir\w*|time|route|date|name|signature|"
                                   r"location|vitals?|bp|weight|allerg\w*)\b[\w\s-]{0,14}$", I)


_FIELD_CORRECTED = re.compile(r"\b(?:site|route|lot|time|date|location|supervis\w*|provider|physician|side|arm|deltoid)\b[^.\n]{0,20}?"
                              r"\b(?:was|is|should\s+(?:be|read|have\s+been)|reads)\b|\bno\s+other\s+changes\b", I)


def _retract(mentions: list[adm.Mention], lo: int, hi: int, status: str | None) -> None:
    """The doses charted as given in text[lo:hi] were not: they take `status` (None: no event at all)."""
    for m in mentions:
        if lo <= m.start < hi and m.attrs.get("status") == "given":
            m.attrs["status"] = status


def addendum_reversals(text: str, lowered: str, mentions: list[adm.Mention]) -> None:
    """An addendum that takes back a charted dose ("Correction to above - injection was NOT given ... hold
    today's dose"): what the note charted before it was not given. When the addendum charts another
    drug given instead, the earlier entry was an error and is no event; otherwise it was held (or
    declined, as the addendum says)."""
    for head in ADDENDUM.finditer(text):
        rev = REVERSAL.search(text, head.start())
        if (rev is None or _ANOTHER_FIELD_BEFORE.search(text, max(head.start(), rev.start() - 40), rev.start())
                or _FIELD_CORRECTED.search(text, head.start(), rev.start())):
            # "Original supervising-physician entry was made in error", "Correction: injection site was RIGHT
            # deltoid, not left. ... charted in error from prior visit template. No other changes.": another field
            continue
        given_after = any(m.start > head.start() and m.attrs.get("status") == "given" for m in mentions)
        nl = text.find("\n\n", rev.end())
        cues = adm.cues_in(text, head.start(), len(text) if nl == -1 else nl, lowered)
        status = None if given_after else ("declined" if "declined" in cues else "held")
        _retract(mentions, 0, head.start(), status)
        return


# "06/03 09:32  ^ above entry CHARTED IN ERROR -- documented on wrong patient": a row voiding the row above it
_VOIDS_ABOVE = re.compile(r"(?:\^|\b(?:above|previous|prior|preceding)\b)[^\n]{0,30}?\b(?:charted|entered|documented|recorded)\s+"
                          r"(?:in\s+error|on\s+(?:the\s+)?wrong\s+(?:patient|pt|chart))", I)


def voided_rows(text: str, lowered: str, mentions: list[adm.Mention]) -> None:
    """A line that voids the entry above it, naming no drug of its own: the dose charted on the two
    lines above was never given, and is no event."""
    if " in error" not in lowered and "wrong" not in lowered:
        return  # most notes: nothing voided (two substring tests, not a scan of every position)
    for void in _VOIDS_ABOVE.finditer(text):
        line = text.rfind("\n", 0, void.start()) + 1
        if adm.DRUG_NAME.search(text, line, void.start()):
            continue  # "hydroxocobalamin charted in error above": that line's own correction
        above = line
        for _ in range(2):  # the row above, or two when a wrapped row spills onto a second line
            above = text.rfind("\n", 0, max(above - 1, 0)) + 1 if above else 0
        _retract(mentions, above, line, None)


# "Medication not administered: Yes / Reason: Patient refused" under a template whose boilerplate says
# "injection given ... tolerated the procedure well"
_NOT_ADMINISTERED_FIELD = re.compile(r"\bnot\s+(?:administered|given)\s*[:|?]\s*(?:yes|y|\[\s*[x✓✔]\s*\]|☒|■)(?=\W)", I)


def not_administered_fields(text: str, lowered: str, mentions: list[adm.Mention]) -> None:
    """A template's "not administered: Yes" takes back the dose its boilerplate charts above it."""
    if "not administered" not in lowered and "not given" not in lowered:
        return
    for field in _NOT_ADMINISTERED_FIELD.finditer(text):
        if adm.other_drug_named(lowered, text.rfind("\n", 0, field.start()) + 1, field.end()):
            continue
        status = "declined" if "declined" in adm.cues_in(text, field.end(), field.end() + 160, lowered) else "held"
        _retract(mentions, field.start() - 799, field.start(), status)


# "Correction 10/02 11:26: Dose charted as 1 mL in error. ... 0.5 mL of hydroxocobalamin 1000 mcg/mL (= 500
# mcg) was given", "Route charted incorrectly. Cyanocobalamin 1,000 mcg was given INTRAMUSCULAR"
_CORRECTS = re.compile(r"\b(?:correct(?:ion|ed)|amend(?:ed|ment)|(?:charted|entered|documented|recorded)\s+(?:incorrectly|in\s+error))\b", I)


# "Correction to dose above: dose administered was 1000 mcg (1 mL of 1000 mcg/mL), not 100 mcg.",
# "Dose: 5 mg (5 mL?) -- correction: 1 mL = 1 mg."
_DOSE_CORRECTED = re.compile(r"\b(?:correct\w*|amend\w*)\b[^.\n]{0,40}?\bdose\b[^.\n]{0,40}?\b(?:was|is|should\s+(?:be|read)|reads)\b\s*:?|"
                             r"\b(?:correction|corrected|amended|amendment)\s*:(?=\s*\d)", I)


def corrected_doses(text: str, lowered: str, mentions: list[adm.Mention]) -> None:
    """A dose given, on a line that corrects the charting: its dose, route and site are the ones to keep.
    A correction naming no drug ("dose administered was 1000 mcg, not 100 mcg") sets the dose of the
    doses given before it."""
    if "correct" not in lowered and "amend" not in lowered and " in error" not in lowered:
        return  # most notes correct nothing (substring tests, not a scan of every position)
    for fix in _DOSE_CORRECTED.finditer(text):
        end = text.find("\n", fix.end())
        dose = adm.dose_near(lowered, fix.end(), len(text) if end == -1 else end)
        if dose is not None and not adm.DRUG_NAME.search(text, fix.start(), fix.end()):
            for m in mentions:
                if m.start < fix.start() and m.attrs.get("status") == "given":
                    m.attrs["dose"] = dose
    for m in mentions:
        if m.attrs.get("status") == "given":
            line = text.rfind("\n", 0, m.start) + 1
            end = text.find("\n", m.end)
            if _CORRECTS.search(text, line, len(text) if end == -1 else end):
                m.attrs["corrects"] = True


def dated_mentions(text: str, lowered: str, mentions: list[adm.Mention], note_date: date | None = None
                   ) -> list[adm.Mention]:
    """The note's drug mentions read against its dates: a dose charted as given but dated before the
    visit is an earlier dose, and the note's administration grids add their rows' events. The visit is
    the date the note labels; a grid's rows are also read against `note_date` (its record's date) when
    the text labels none. (A date beside a dose is not read against the record's date: "filled at
    Walgreens 8/1/25", "exp 05/27" would turn today's dose into an earlier one.)"""
    if not mentions:
        return mentions  # no drug named: nothing dated to read, and no grid has a drug to chart
    default_year = _default_year(text)
    today = visit_date(text, default_year)
    if today is not None:
        _past_dated_to_history(text, lowered, mentions, today, default_year)
    elif note_date is not None:
        today, default_year = note_date, default_year or note_date.year
    return _grid_mentions(text, lowered, mentions, today, default_year)


def _past_dated_to_history(text: str, lowered: str, mentions: list[adm.Mention], today: date,
                           default_year: int | None) -> None:
    """A dose charted as given but dated before the visit is an earlier one; the lines after it may
    report today's ("... on 12/30, 1/27, 2/24. Final dose given today 3/31, L deltoid.")."""
    for m in list(mentions):
        if m.attrs.get("status") == "given" and _past_dated(text, m, today, default_year):
            m.attrs["status"] = "historical"
            todays = adm.todays_dose_after(text, m, lowered)
            if todays is not None:
                if todays.attrs.get("site") is not None and todays.attrs.get("site") == m.attrs.get("site"):
                    m.attrs.pop("site")  # read from today's sentence: today's site
                mentions.append(todays)


_SAYS_TODAY = re.compile(r"\btoday\b|\bthis\s+visit\b", I)


def _grid_mentions(text: str, lowered: str, mentions: list[adm.Mention], today: date | None,
                   default_year: int | None) -> list[adm.Mention]:
    """Mentions for a note's administration grids. Mentions already found inside a grid's rows take
    the row's status (a "Given" on a row dated last month is an earlier dose)."""
    grids = find_rows(text, lowered, default_year)
    if not grids:
        return mentions
    out = list(mentions)
    for grid in grids:
        drug, heading, source = _grid_drug(text, lowered, grid, mentions)
        if drug is None:
            continue
        day = today if today is not None else _grid_day(text, grid)
        if len(grid) == 1:
            # one charted row counts on the visit's own date; with no date of its own, a record's one row
            # under its column names is the day it records
            if today is None and _under_column_header(text, grid[0]):
                day = grid[0].day
            elif today is None or grid[0].day != today:
                continue
        for head in heading:
            _unhead(text, lowered, head)
        rows_naming_b12 = [adm.DRUG_NAME.search(text, row.start, row.end) is not None for row in grid]
        for row, names_b12 in zip(grid, rows_naming_b12):
            if not names_b12 and (any(rows_naming_b12) or adm.other_drug_named(lowered, row.start, row.end)):
                continue  # "07/14/2025 13:06 | ondansetron 4 mg ODT | ... | Not Given": another medication's row
            status = _row_status(row, day)
            inside = [m for m in out if row.start <= m.start < row.end]
            # A row's outcome word, or its date against the visit's, outranks what the words around a
            # mention in it said; a row that says nothing but its date and dose settles mentions that had no status.
            if status is not None and (row.explicit or status == "historical"
                                       or all(m.attrs.get("status") is None for m in inside)):
                for m in inside:
                    m.attrs["status"] = status
            if inside or status is None:
                continue
            m = _row_mention(text, lowered, row, drug, status)
            if source is not None and source.attrs.get("status") in (None, "ordered", "planned"):
                # "cyanocobalamin injection 1,000 mcg / Route: Intramuscular" over "Given 04/03/25 1022 Left Deltoid":
                # the order line says what the row does not
                for key in ("dose", "route"):
                    if m.attrs.get(key) is None and source.attrs.get(key) is not None:
                        m.attrs[key] = source.attrs[key]
            out.append(m)
    return out


def _grid_day(text: str, grid: list[Row]) -> date | None:
    """With no date of its own in the note: the row that says "today", else the one date of all the
    rows, else the latest row with an outcome when the note speaks of today."""
    flagged = [r for r in grid if _SAYS_TODAY.search(text, r.start, r.end)]
    if flagged:
        return flagged[-1].day
    days = {r.day for r in grid}
    if len(grid) > 1 and len(days) == 1:
        return days.pop()  # every row on one date: that day's administration record, not a log of past doses
    outcomes = [r.day for r in grid if r.action in ("given", "held", "declined") and r.day]
    if outcomes and (_SPEAKS_OF_TODAY.search(text, 0, grid[0].start) or _SPEAKS_OF_TODAY.search(text, grid[-1].end)):
        return max(outcomes)
    return None


def _row_status(row: Row, day: date | None) -> str | None:
    """A row's event on the visit's `day`; with no visit day known, a log of doses given is a history."""
    if day is None:
        return {"given": "historical", "planned": "planned"}.get(row.action)
    if row.action == "planned":
        return "planned" if row.day >= day else None
    if row.action == "ordered":
        return "ordered" if row.day == day else None
    if row.day == day:
        return row.action
    if row.day < day and row.action == "given":
        return "historical"
    return None  # an earlier dose held or refused is no administration at all; a later one is not yet


def _row_mention(text: str, lowered: str, row: Row, drug: str, status: str) -> adm.Mention:
    attrs: dict = {"status": status}
    d = adm._dose(lowered, row.start, row.end, row.start)
    if d:
        attrs["dose"] = d[2]
    r = adm._route(lowered, row.start, row.end, row.start)
    if r:
        attrs["route"] = r[2]
    if status == "given":
        s = adm._site(text, row.start, row.end, row.start)
        if s:
            attrs["site"] = s[2]
        people = find_people(text, row.start, row.end)
        if people:
            attrs["administered_by"] = Person(people[0][2], people[0][3])
    return adm.Mention(drug, row.start, row.end, (row.start, row.end), (row.start, row.end), "administration_grid", attrs)
