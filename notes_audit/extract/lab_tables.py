"""Trend tables: results laid out under a header that names the tests, one dated row per draw, or
under a header of dates, one row per test.

    B12 trend:                          B12 (pg/mL)   Hgb (g/dL)   MCV (fL)
     05/2023  212 pg/mL           03/2023     121 L         10.1 L       109 H
     01/2024  480 pg/mL           09/2023     388           12.8         96

                     02/11/2025   08/06/2024   02/02/2024
    Vitamin B12 (211-911)   >2000 H      1684 H       1122 H

The test is named once, in the header, so the reader that looks for a value after each test name
finds none; this one reads the rows below. In the second shape that reader finds the first value
only; this one reads each value under its date. A row is a line that starts with a date and names no
test; its values go to the header's tests in order (or, when the counts differ, to the column
each value stands under). Interpretation is the same as for any result (labs.interpret).
"""

from __future__ import annotations

import re

from notes_audit.extract.labs import LabReading, norm_unit, reading

I = re.IGNORECASE
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_ROW_DATE = re.compile(
    r"[ \t|*-]*(?P<date>\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}/\d{4}|\d{1,2}/\d{1,2}|\d{4}-\d{2}(?:-\d{2})?|"
    rf"{_MONTH}\s+(?:\d{{1,2}},?\s+)?'?\d{{2,4}}|\d{{1,2}}[-\s]{_MONTH}[-\s]\d{{2,4}})(?![\d/])[ \t|:,-]*", I)
_UNIT = r"pg/ml|ng/l|pmol/l|nmol/l|[uµμ]mol/l|ng/ml|g/dl|g/l|fl"
_CELL = re.compile(
    r"(?P<cmp><|>)?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d/.])"
    rf"(?:[ \t]*(?P<unit>{_UNIT})\b)?(?:[ \t]*\(?(?P<flag>LL|HH|L|H|low|high)\)?(?![\w/]))?", I)
_HEADER_UNIT = re.compile(rf"[ \t]*[\(\[][ \t]*(?P<unit>{_UNIT})[ \t]*[\)\]]", I)
# What may follow a lone test's name on its header line: "B12 trend:", "Vitamin B12 (pg/mL) -"
_LONE_HEADER_REST = re.compile(r"(?:[ \t]*(?:[\(\[][^)\]\n]{0,12}[\)\]]|trend|history|results?|levels?|values?|over\s+time|[:\-–]))+[ \t]*$", I)
_LINE_LEAD = re.compile(r"[ \t*•>-]*(?:(?:date|drawn|collected)[ \t|]+)?(?:(?:serum|vitamin|vit\.?)[ \t]+)?$", I)
_RULE_LINE = re.compile(r"[ \t]*[-=_|+ ]{3,}[ \t]*$")


def _lines(text: str, pos: int):
    """(start, end) of the lines after the one holding `pos`."""
    nl = text.find("\n", pos)
    while nl != -1:
        start = nl + 1
        nl = text.find("\n", start)
        yield start, (len(text) if nl == -1 else nl)


def trend_labs(text: str, lab_targets: list[tuple[int, int, str]]) -> list[tuple[str, int, LabReading, str]]:
    """Results of the note's trend tables as (test, start, reading, date), the reading ending where its
    value cell does. `lab_targets` are (start, end, test) of every lab test named."""
    by_line: dict[int, list[tuple[int, int, str]]] = {}
    for t in lab_targets:
        by_line.setdefault(text.rfind("\n", 0, t[0]) + 1, []).append(t)
    named_lines = set(by_line)
    out: list[tuple[str, int, LabReading, str]] = []
    for line_start, tests in by_line.items():
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end == -1 else line_end
        header = _header(text, line_start, line_end, tests)
        if header is None:
            continue
        for row_start, row_end in _lines(text, line_start):
            if _RULE_LINE.match(text, row_start, row_end) and row_end > row_start:
                continue  # "---------- -------" under the header
            date = _ROW_DATE.match(text, row_start, row_end)
            if date is None or row_start in named_lines:
                break
            out.extend(_row_labs(text, date, row_end, header))
    return out


def _header(text: str, lo: int, hi: int, tests: list[tuple[int, int, str]]):
    """The header's columns [(column, test, unit)], or None when the line is not a header: it holds no
    value, and a lone test is followed only by words like "trend:" or its unit."""
    tests = sorted(tests)
    rest = text[lo:hi]
    for s, e, _ in tests:
        rest = rest.replace(text[s:e], " " * (e - s), 1)
    if re.search(r"\d", _HEADER_UNIT.sub("", re.sub(r"[\(\[][^)\]\n]{0,12}[\)\]]", "", rest))):
        return None  # a value on the line: the usual reader has it
    if len(tests) == 1 and not (_LONE_HEADER_REST.match(text, tests[0][1], hi) and _LINE_LEAD.match(text, lo, tests[0][0])):
        return None  # "RN visit - Coumadin clinic + B12" is a title, not "B12 trend:"
    columns = []
    for s, e, test in tests:
        u = _HEADER_UNIT.match(text, e, hi)
        columns.append((s - lo, test, norm_unit(u.group("unit")) if u else None))
    return columns


def _row_labs(text: str, date: re.Match[str], row_end: int, header) -> list[tuple[str, int, LabReading, str]]:
    row_start = text.rfind("\n", 0, date.start()) + 1
    cells = [c for c in _CELL.finditer(text, date.end(), row_end)]
    if not cells:
        return []
    if len(cells) == len(header):
        pairs = list(zip(header, cells))
    elif len(header) == 1:
        pairs = [(header[0], cells[0])]
    else:  # columns that do not all hold a value: each value goes to the column it stands under
        pairs = []
        for c in cells:
            col = min(header, key=lambda h: abs(h[0] - (c.start("num") - row_start)))
            if all(p[0] is not col for p in pairs):
                pairs.append((col, c))
    out = []
    for (_, test, header_unit), c in pairs:
        end = c.end()
        while text[end - 1:end].isspace():
            end -= 1
        r = reading(test, float(c.group("num").replace(",", "")), norm_unit(c.group("unit")) or header_unit,
                    c.group("flag"), c.group("cmp"), None, end)
        if r is not None:
            out.append((test, c.start("cmp") if c.group("cmp") else c.start("num"), r, date.group("date")))
    return out


_DATE_CELL = re.compile(
    r"(?<![\w/.])(?:\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}/\d{4}|\d{4}-\d{2}(?:-\d{2})?|\d{1,2}/\d{1,2}|"
    rf"{_MONTH}\s+'?\d{{2,4}}|\d{{1,2}}[-\s]{_MONTH}[-\s]\d{{2,4}})(?![\w/])", I)
_A_DATE_FAST = re.compile(r"\d/\d|\d{4}-\d\d|\d[-\s][A-Za-z]{3}")  # a cheap test before the full date regex
_HEADER_LABEL = re.compile(r"[A-Za-z][\w&/.%-]*(?:[ ]\S+)*")  # "Ref Range & Units", "Component", "Flag"
_COLUMN_NAMES = re.compile(r"(?:[\s|:,()*&-]|\b(?:component|test|tests|analyte|lab|labs|name|result|results|ref|reference|range|"
                           r"interval|normal|units?|flag|date|dates|collected|drawn|trend|value|values|and)\b)*", I)
_AFTER_TEST_NAME = re.compile(r"(?:[ \t]*[\(\[][^)\]\n]{0,24}[\)\]])?")  # "Vitamin B12 (211-911)", "B12 (pg/mL)"


def dated_column_labs(text: str, lab_targets: list[tuple[int, int, str]]) -> list[tuple[str, int, LabReading, str]]:
    """Results of tables whose header is a row of dates and whose rows each start with a test:
    every value goes to the date it stands under (a reference-range column's numbers stand under
    no date). As (test, start of the value, reading, date)."""
    if not _A_DATE_FAST.search(text):
        return []  # no date written with digits (month names alone make no header of dates here)
    dates_on_line: dict[int, int] = {}
    for d in _DATE_CELL.finditer(text):
        line = text.rfind("\n", 0, d.start()) + 1
        dates_on_line[line] = dates_on_line.get(line, 0) + 1
    header_lines = [line for line, n in dates_on_line.items() if n >= 2]
    if not header_lines:
        return []  # no line of dates: most notes
    on_line: dict[int, list[tuple[int, int, str]]] = {}
    for t in sorted(lab_targets):
        on_line.setdefault(text.rfind("\n", 0, t[0]) + 1, []).append(t)
    # a row names one test, at its start ("Hgb 8.9  MCV 118  Plt 132" is a line of results, not a row)
    first_on_line = {line: ts[0] for line, ts in on_line.items() if len(ts) == 1 and not text[line:ts[0][0]].strip(" \t*•|-")}
    out: list[tuple[str, int, LabReading, str]] = []
    for start in sorted(header_lines):
        end = text.find("\n", start)
        line = text[start:len(text) if end == -1 else end]
        if "\t" in line or end == -1:
            continue
        header = _date_header(line, list(_DATE_CELL.finditer(line)))
        if header is None:
            continue
        for row_start, row_end in _lines(text, start):
            row = text[row_start:row_end]
            if not row.strip() or dates_on_line.get(row_start, 0) >= 2:
                break  # a blank line, or the next header of dates
            if row_start in first_on_line:
                out.extend(_dated_row(text, row_start, row_end, first_on_line[row_start], header))
            elif not _CELL.search(row):
                break
    return out


def _date_header(line: str, dates: list[re.Match[str]]) -> list[tuple[int, int, str | None]] | None:
    """Columns of a header line: its dates, and the labels between them ("Ref Range & Units")."""
    rest = _DATE_CELL.sub(lambda m: " " * len(m.group()), line)
    if re.search(r"\d", rest) or not _COLUMN_NAMES.fullmatch(rest):
        return None  # values or words on the line ("Labs (11/03 and 11/07/2026):"): not a header of dates
    columns = [(d.start(), d.end(), d.group()) for d in dates]
    columns += [(m.start(), m.end(), None) for m in _HEADER_LABEL.finditer(rest)]
    return sorted(columns)


def _dated_row(text: str, lo: int, hi: int, target: tuple[int, int, str], header) -> list[tuple[str, int, LabReading, str]]:
    after_name = _AFTER_TEST_NAME.match(text, target[1], hi).end()
    out = []
    for c in _CELL.finditer(text, after_name, hi):
        start = c.start("cmp") if c.group("cmp") else c.start("num")
        col_start, col_end = start - lo, c.end() - lo
        # the column whose span overlaps the cell most, or else the nearest
        column = min(header, key=lambda h: (-max(0, min(h[1], col_end) - max(h[0], col_start)),
                                            abs((h[0] + h[1]) / 2 - (col_start + col_end) / 2)))
        if column[2] is None or not _NOT_A_RANGE.match(text, c.end(), hi):
            continue
        end = c.end()
        while text[end - 1:end].isspace():
            end -= 1
        r = reading(target[2], float(c.group("num").replace(",", "")), norm_unit(c.group("unit")), c.group("flag"),
                    c.group("cmp"), None, end)
        if r is not None:
            out.append((target[2], start, r, column[2]))
    return out


# a value cell that does not open a range ("232 - 1245 pg/mL" is a reference range, not two values)
_NOT_A_RANGE = re.compile(r"(?![ \t]*[-–][ \t]*\d)")


# "B12 143 (Jan '24) -> 388 (Jun '24) -> 512 (drawn 5/15/25)": later values of the same test, in order
_NEXT_IN_CHAIN = re.compile(r"[ \t]*(?:\((?P<when>[^()\n]{1,30})\))?[ \t]*(?:->|-->|→|=>|⇒|>>)[ \t]*")


def chained_labs(test: str, text: str, first: LabReading, limit: int) -> list[tuple[int, LabReading, str | None]]:
    """Values that follow a result after arrows, each as (start, reading, its parenthesised date); a
    value without a unit has the first one's."""
    pos = first.end
    out = []
    while (arrow := _NEXT_IN_CHAIN.match(text, pos, limit)) and (c := _CELL.match(text, arrow.end(), limit)):
        start, r = _cell_reading(test, text, c, first)
        if r is None:
            break
        when = _NEXT_IN_CHAIN.match(text, r.end, limit)
        out.append((start, r, when.group("when") if when and when.group("when") else None))
        pos = r.end
    return out


def _cell_reading(test: str, text: str, c: re.Match, first: LabReading) -> tuple[int, LabReading | None]:
    """A value read from a cell after a first result (without a unit it has the first one's): where it
    starts, and the reading (None when implausible)."""
    end = c.end()
    while text[end - 1:end].isspace():
        end -= 1
    r = reading(test, float(c.group("num").replace(",", "")), norm_unit(c.group("unit")) or first.unit,
                c.group("flag"), c.group("cmp"), None, end)
    return (c.start("cmp") if c.group("cmp") else c.start("num")), r


# "B12 203 on therapy (pre-treatment 6/2025: 88 pg/mL, L)", "MMA 0.31 (baseline 0.89)": the value before
# treatment, written beside today's
_EARLIER_IN_ASIDE = re.compile(
    r"[ \t]*(?:[A-Za-z][\w-]*[ \t]+){0,3}?\([ \t]*(?:pre-?(?:treatment|tx|therapy|injections?|replacement)|baseline|prior|previous(?:ly)?|"
    r"was|initial(?:ly)?|at\s+(?:diagnosis|dx)|before\s+(?:treatment|therapy|injections?|replacement|b-?12))"
    r"(?P<when>[ \t]+[^():\n]{1,20}?)?[ \t]*[:=]?[ \t]*(?<![\d/.,-])(?=[<>]?\d+(?:[.,]\d+)*(?![\d/.]))", I)


def earlier_value(test: str, text: str, first: LabReading, limit: int) -> tuple[int, LabReading, str | None] | None:
    """The value before treatment in an aside after a result, as (start, reading, its date); without a
    unit it has the first one's."""
    aside = _EARLIER_IN_ASIDE.match(text, first.end, limit)
    c = aside and _CELL.match(text, aside.end(), limit)
    if not c:
        return None
    start, r = _cell_reading(test, text, c, first)
    if r is None:
        return None
    when = aside.group("when")
    return start, r, when.strip() if when else None
