"""Trend tables: results laid out under a header that names the tests, one dated row per draw.

    B12 trend:                          B12 (pg/mL)   Hgb (g/dL)   MCV (fL)
     05/2023  212 pg/mL           03/2023     121 L         10.1 L       109 H
     01/2024  480 pg/mL           09/2023     388           12.8         96

The test is named once, in the header, so the reader that looks for a value after each test name
finds none; this one reads the rows below. A row is a line that starts with a date and names no
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
