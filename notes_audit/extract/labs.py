"""Lab results: the value, unit, flag and reference range written after a lab test mention.

Units are normalised to SPEC §3's standard units and interpreted by SPEC §3: the lab's own flag wins;
without one, b12 < 200 pg/mL is deficient and 200-350 borderline; mma > 0.4 umol/L and homocysteine
> 15 umol/L are elevated. Conversions: pmol/L = pg/mL x 0.738 for B12 (Stabler, NEJM 2013); 1 umol/L =
1000 nmol/L; folate 1 ng/mL = 2.266 nmol/L; hemoglobin 1 g/dL = 10 g/L (billing-rules.md §8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from notes_audit.evidence.vocab import STD_UNIT

_GAP_WORD = (
    r"(?:levels?|lvl|values?|results?|was|were|is|are|of|at|came\s+back(?:\s+at)?|(?:before|after|prior\s+to|when|at\s+the\s+time\s+of)\s+(?:[a-z']+\s+){0,4}?(?=(?:was|were)\b)|returned(?:\s+at)?|"
    r"measured(?:\s+at)?|serum|s[ée]rique|total|plasma|now|today|recently|only|still|just|drawn|checked|acid|"
    r"previously|prior|initially|originally|then|which|and|there|last\s+(?:week|month|year)|fingerstick|poc|point[\s-]of[\s-]care|"
    r"on\s+(?:tx|treatment|therapy|replacement|injections?|shots?)|"
    r"resulted|reported|shows?|showed|demonstrated|revealed|back|came|returned|noted|found|"
    r"(?P<qual>borderline|elevated|normal|low|high|(?:slightly|mildly|markedly|very)\s+(?:low|high|elevated))|"
    r"(?:in\s+)?(?:19|20)\d\d(?![\d.,]|\s*(?:pg|ng|pmol|nmol|[uµμ]mol|mcmol|g/dl|fl)\b)|"  # "B12 found low 2023 (165)": a year, not the value
    r"\(?\s*(?:last|latest|most\s+recent|recent)\b|\((?=\s*(?:serum\s+|b-?12\s+)?(?:levels?|lvl)\b)|"
    r"(?:says|said|reads|read|(?:had\s+|has\s+)?(?:fallen|fell|dropped|risen|rose|gone\s+(?:up|down)|come\s+up|increased|decreased|improved)(?:\s+(?:from|to))?)|"
    r"(?:(?:on|from|dated)\s+)?\d{1,2}/(?:19|20)\d\d\b|(?:(?:on|from|dated)\s+)?\d{1,2}/\d{1,2}(?:/\d{2,4})?|(?:(?:on|from|dated)\s+)?\d{4}-\d{2}-\d{2}|\([^()\n]{0,25}\)|[a-z]{3}\s+\d{4})"
)
_VALUE = re.compile(
    r"(?P<gap>(?:[\s:=\-–—|.,…]*" + _GAP_WORD + r")*[\s:=\-–—|.,…_]*"  # "B12 _172_ pg/mL": a form's blank filled in
    # "low B12 (162 pg/mL, 1/2025)": an opening bracket only before a number with a lab unit
    r"(?:\(\s*(?=\d[\d.,]*\s*(?:pg|ng|pmol|nmol|[uµμ]mol|mcmol|g/dl|fl|\)|,|;|in\s|on\s|from\s)))?)"  # or "(312 in Jan)"
    r"(?P<cmp><=|>=|≤|≥|<|>|less\s+than|greater\s+than|under|above|below)?\s*"
    r"(?<![\d/])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"  # not the tail of a date ("4/2025")
    r"(?:_?\s*(?P<unit>pg/ml|ng/l|pmol/l|nmol/l|[uµμ]mol/l|mcmol/l|micromol/l|ng/ml|[uµμ]g/l|mcg/l|g/dl|g/l|fl|femtoliters?)\b)?",
    re.I,
)
# Numbers that are doses, counts or durations, not results.
_NOT_A_RESULT = re.compile(
    r"\s*(?:mcg|µg|μg|ug|mg|micrograms?|milligrams?|units?|ml\b|cc\b|x\b|times|weeks?|wks?|days?|months?|mos?\b|"
    r"years?|yrs?|y/?o\b|lbs?|kg|%|/\d|-\d{1,2}/|\s*(?:-|–|to)\s*\d)",
    re.I,
)
# A flag after the value, in brackets or in a table's next column ("| 10.4 | g/dL | L |"); "normal range
# 232-1245" is a reference range, not a flag.
_FLAG = re.compile(
    r"[ \t|]*[\(\[]?\s*(?P<flag>LL|HH|L|H|low|high|abnormal(?:\s+(?:low|high))?|critical(?:ly)?\s+(?:low|high)|"
    r"crit(?:ical)?|(?:normal|wnl|nl|N)(?!\s*(?:range|above|below|limits?|values?|is|[<>:=≤≥]|\d))|A|\*+|↓|↑)\s*[\)\]]?(?![a-z]|-\s*(?:normal|nl))",
    re.I,
)
_FLAG_IN_WORDS = re.compile(r"[\s,]*(?:which\s+(?:the\s+lab\s+)?(?:flags?|flagged|is|was)\s+(?:as\s+)?|flagged\s+(?:as\s+)?)"
                            r"(?P<flag>high|low|elevated|abnormal)\b", re.I)
_UNIT_COLUMN = re.compile(r"[ \t]*\|[ \t]*(?P<unit>pg/ml|ng/l|pmol/l|nmol/l|[uµμ]mol/l|ng/ml|g/dl|g/l|fl)\b", re.I)
_RANGE_FIRST = re.compile(r"\d[\d,.]*\s*[-–]\s*\d[\d,.]*\s*(?:pg/ml|ng/l|pmol/l|nmol/l|[uµμ]mol/l|ng/ml|g/dl|g/l|fl)?"
                          r"[ \t|]{2,}(?=(?P<value>[<>]?\s*\d))", re.I)
_RANGE = re.compile(
    r"\s*[\(\[,;]?\s*(?:ref(?:erence)?(?:\s*(?:range|interval))?|normal(?:\s+range)?|nl|rr|range)?\s*[:=]?\s*"
    r"(?P<range>[<>]?\s*\d+(?:\.\d+)?\s*(?:-|–|to)\s*\d+(?:\.\d+)?|[<>]\s*\d+(?:\.\d+)?)"
    r"\s*(?P<unit>pg/ml|ng/l|pmol/l|nmol/l|[uµμ]mol/l|ng/ml|g/dl|fl)?\s*[\)\]]?",
    re.I,
)
_QUALITATIVE = re.compile(
    r"(?P<gap>[\s:=\-–|.…]*(?:(?:was|is|were|are|came\s+back|returned|result(?:ed)?|test(?:ed)?|screen|titer|"
    r"\([^()\n]{0,25}\))[\s:=\-–|.…]*)*)"
    # a lone "+" or "-" is a result, not "IF Ab + parietal cell Ab ordered" (and) or "--" (an empty cell)
    r"(?P<res>positive|negative|pos\b|neg\b|not\s+detected|detected|non-?reactive|reactive|present|absent|\(\+\)|\(-\)|"
    r"\+(?![\d+])(?![ \t]+[A-Za-z])|(?<!-)-(?![\d-])(?![ \t]+[A-Za-z]))",
    re.I,
)
# "IF Ab -- pending", "Anti-parietal cell Ab - sent, report awaited": no result yet
_NOT_YET = re.compile(r"[^\n]{0,25}?\b(?:pending|sent|ordered|awaited|to\s+follow|in\s+process|not\s+(?:yet\s+)?(?:done|resulted|back))\b", re.I)
_QUALITATIVE_BEFORE = re.compile(r"(?P<res>positive|negative|elevated|high|low)\s+(?:for\s+)?$", re.I)
_DATE = re.compile(r"\b(?:\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4})\b", re.I)

_PLAUSIBLE = {  # (min, max) in the standard unit; outside = not this test's result
    "b12": (20, 5000), "holotc": (1, 500), "mma": (0.01, 200), "homocysteine": (1, 300),
    "folate": (0.5, 2000), "hemoglobin": (2, 25), "mcv": (40, 160),
}


@dataclass(slots=True)
class LabReading:
    value: float | None
    unit: str | None
    value_std: float | None
    unit_std: str | None
    flag: str | None
    interpretation: str | None
    reference_range: str | None
    end: int  # absolute end offset of what was read


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def norm_unit(u: str | None) -> str | None:
    if not u:
        return None
    u = u.lower().replace("µ", "u").replace("μ", "u").replace("mcmol", "umol").replace("micromol", "umol")
    u = {"ug/l": "ng/mL", "mcg/l": "ng/mL"}.get(u, u)  # 1 ug/L = 1 ng/mL
    return {"pg/ml": "pg/mL", "ng/l": "ng/L", "pmol/l": "pmol/L", "nmol/l": "nmol/L", "umol/l": "umol/L",
            "ng/ml": "ng/mL", "g/dl": "g/dL", "g/l": "g/L", "fl": "fL", "femtoliter": "fL",
            "femtoliters": "fL"}.get(u, u)


def standardise(test: str, value: float, unit: str | None) -> tuple[float | None, str | None]:
    std = STD_UNIT.get(test)
    if std is None:
        return None, None
    u = unit
    if test == "b12":
        if u in (None, "pg/mL", "ng/L"):
            return value, std
        if u == "pmol/L":
            return round(value / 0.738, 1), std
    elif test in ("mma", "homocysteine"):
        if u is None:
            u = "nmol/L" if (test == "mma" and value >= 10) else "umol/L"
        if u == "umol/L":
            return value, std
        if u == "nmol/L":
            return round(value / 1000.0, 4), std
    elif test == "folate":
        if u in (None, "ng/mL"):
            return value, std
        if u == "nmol/L":
            return round(value / 2.266, 2), std
    elif test == "hemoglobin":
        if u in (None, "g/dL"):
            return (value, std) if value < 30 or u == "g/dL" else (round(value / 10.0, 2), std)
        if u == "g/L":
            return round(value / 10.0, 2), std
    elif test == "holotc":
        if u in (None, "pmol/L"):
            return value, std
    elif test == "mcv":
        if u in (None, "fL"):
            return value, std
    return None, None


def _flag_of(raw: str | None) -> str | None:
    if not raw:
        return None
    r = raw.lower()
    if r in ("l", "ll", "low", "↓") or r.endswith("low"):
        return "low"
    if r in ("h", "hh", "high", "↑") or r.endswith("high"):
        return "high"
    if r in ("normal", "wnl", "nl", "n"):
        return "normal"
    return "abnormal"  # "*", "A", "abnormal", "critical": direction decided by the test


def interpret(test: str, value_std: float | None, flag: str | None, cmp: str | None) -> tuple[str | None, str | None]:
    """Return (flag, interpretation) per SPEC §3; `flag` in the SPEC vocabulary or None."""
    low_tests = {"b12", "holotc", "folate", "hemoglobin"}
    if flag == "abnormal":
        flag = "low" if test in low_tests else "high"
    if flag == "low":
        return flag, "deficient" if test in low_tests | {"mcv"} else "normal"
    if flag == "high":
        return flag, "elevated"
    if flag == "normal":
        return flag, "normal"
    if value_std is None:
        return None, None
    below = cmp is not None and cmp.strip().lower() in ("<", "<=", "≤", "less than", "under", "below")
    if test == "b12":
        if value_std < 200 or (below and value_std <= 200):
            return None, "deficient"
        return None, "borderline" if value_std <= 350 else "normal"
    if test == "mma":
        return None, "elevated" if value_std > 0.4 else "normal"
    if test == "homocysteine":
        return None, "elevated" if value_std > 15 else "normal"
    return None, None


def read_numeric(test: str, text: str, pos: int, limit: int) -> LabReading | None:
    """Read a numeric result starting at `pos` (just after the test name), not past `limit`."""
    window = text[pos:limit]
    m = _VALUE.match(window)
    if not m:
        return None
    ranged = _RANGE_FIRST.match(window, m.start("num"))
    if ranged:  # "Vitamin B-12   232 - 1,245 pg/mL   164 (L)": the reference range column comes first
        m = _VALUE.match(window, ranged.start("value") - 1) or m
    # A long run of words between test and number is accepted only when a lab unit confirms it
    # ("vitamin B12 which was drawn last week and came back at 196 pg/mL").
    if len(m.group("gap")) > (70 if m.group("unit") else 45):
        return None
    if _NOT_A_RESULT.match(window, m.end("num")) and not m.group("unit"):
        return None
    value = _num(m.group("num"))
    unit = norm_unit(m.group("unit"))
    end = m.end()
    flag_raw = None
    column = _UNIT_COLUMN.match(window, end) if unit is None else None
    if column:  # "| 10.4 | g/dL | L |": the unit in its own column, then the flag
        unit, end = norm_unit(column.group("unit")), column.end()
    f = _FLAG.match(window, end)
    if f and f.group("flag"):
        flag_raw, end = f.group("flag"), f.end()
    ref = None
    r = _RANGE.match(window, end)
    if r and r.end() - end < 45:
        ref = r.group("range").strip()
        if unit is None and r.group("unit"):
            unit = norm_unit(r.group("unit"))
        end = r.end()
        if flag_raw is None:
            f = _FLAG.match(window, end)
            if f and f.group("flag") and f.group("flag") not in ("N", "A"):
                flag_raw, end = f.group("flag"), f.end()
    if unit is None:
        # Lab tables: the unit may stand after the flag/range on the same row.
        # Not across a ";" or "," to the next result ("Hgb 10.8 (L), MCV 95; B12 488 pg/mL"), and only a unit
        # this test is measured in.
        tail = re.match(r"[^\n;,]{0,30}?\b(pg/ml|ng/l|pmol/l|nmol/l|[uµμ]mol/l|ng/ml|g/dl|fl)\b", window[end:], re.I)
        if tail and standardise(test, value, norm_unit(tail.group(1)))[0] is not None:
            unit = norm_unit(tail.group(1))
    if flag_raw is None:
        said = _FLAG_IN_WORDS.match(window, end)  # "1,890 pg/mL, which the lab flags as high"
        if said:
            flag_raw = said.group("flag")
    if flag_raw is None and m.group("qual"):
        flag_raw = {"elevated": "high", "borderline": None}.get(m.group("qual").split()[-1].lower(), m.group("qual").split()[-1])
    return reading(test, value, unit, flag_raw, m.group("cmp"), ref, pos + end)


def reading(test: str, value: float, unit: str | None, flag_raw: str | None, cmp: str | None,
            reference_range: str | None, end: int) -> LabReading | None:
    """A result read from the note, standardised and interpreted; None when the value is implausible for
    the test (a dose, a date or another test's number)."""
    value_std, unit_std = standardise(test, value, unit)
    lo, hi = _PLAUSIBLE.get(test, (0, float("inf")))
    if value_std is None or not (lo <= value_std <= hi):
        return None
    flag, interp = interpret(test, value_std, _flag_of(flag_raw), cmp)
    return LabReading(value, unit, value_std, unit_std, flag, interp, reference_range, end)



def read_qualitative(text: str, start: int, pos: int, limit: int) -> LabReading | None:
    """Antibody results: "IF antibody positive", "positive parietal cell Ab", "Ab: negative"."""
    if _NOT_YET.match(text, pos, limit) and not _QUALITATIVE.match(text, pos, limit):
        return None
    m = _QUALITATIVE.match(text, pos, limit)
    res = None
    end = pos
    if m and len(m.group("gap")) <= 30 and not (m.group("res") in ("+", "-") and _NOT_YET.match(text, m.end(), limit)):
        res, end = m.group("res").lower(), m.end()
    else:
        # "positive parietal cell Ab" - on the test's own line ("... POSITIVE\nIntrinsic factor Ab pending" is not)
        b = _QUALITATIVE_BEFORE.search(text, max(0, start - 20, text.rfind("\n", 0, start) + 1), start)
        if b:
            res = b.group("res").lower()
    # "POSITIVE 48.5 U (ref <20.0)", "PARIETAL CELL AB, IgG   58.3 Units (H)   ref: 0.0-20.0": the titer as written
    number = _AB_VALUE.match(text, end, limit)
    value = unit = None
    if number:
        value, unit, end = _num(number.group("num")), number.group("unit"), number.end()
        if res is None:
            res = _ab_result(text, number, limit)
    if res is None:
        return None
    positive = res in ("positive", "pos", "detected", "reactive", "present", "(+)", "+", "elevated", "high")
    flag = "positive" if positive else "negative"
    return LabReading(value, unit, None, None, flag, flag, None, end)


_AB_VALUE = re.compile(r"[ \t,:=]*(?:IgG[ \t,:=]*)?(?P<num>\d{1,4}(?:\.\d+)?)[ \t]*(?P<unit>U/mL|AU/mL|Units?|U)(?![\w/])"
                       r"(?:[ \t]*\(?(?P<flag>HH|H|L|high|low|abnormal|normal|neg(?:ative)?|pos(?:itive)?)\)?(?![\w]))?", re.I)
_AB_REFERENCE = re.compile(r"\bref(?:erence)?(?:\s+range)?\W{0,4}(?:<\s*(?P<below>\d+(?:\.\d+)?)|\d+(?:\.\d+)?\s*[-–]\s*(?P<upper>\d+(?:\.\d+)?))", re.I)


def _ab_result(text: str, number: re.Match, limit: int) -> str | None:
    """An antibody titer without a result word: its flag, else its reference range, says which."""
    flag = (number.group("flag") or "").lower()
    if flag:
        return "positive" if flag in ("h", "hh", "high", "abnormal") or flag.startswith("pos") else "negative"
    ref = _AB_REFERENCE.search(text, number.end(), min(limit, number.end() + 40))
    if ref is None:
        return None
    upper = float(ref.group("below") or ref.group("upper"))
    return "positive" if float(number.group("num")) > upper else "negative"


def find_date(text: str, start: int, end: int) -> str | None:
    m = _DATE.search(text, start, end)
    return m.group(0) if m else None
