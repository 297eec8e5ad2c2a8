"""Validate and normalise single input values (SPEC §2). Never guesses: a value that does not
have the contract's form raises `FieldProblem`, and the record readers reject the record."""

from __future__ import annotations

import datetime as dt
import math
import re

from notes_audit.read.tables import Values

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# A note_date may carry a time ("2025-03-02T09:30:00Z", "2025-03-02 09:30"): EHR exports do;
# the date is taken as written, without time-zone conversion.
_ISO_DATETIME = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?", re.ASCII)
_WHOLE = re.compile(r"[0-9]+(?:\.0*)?", re.ASCII)  # "2" and "2.0" (spreadsheets write floats)
_PLAIN_NUMBER = re.compile(r"\+?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_CODE = re.compile(r"[0-9]{5}|[0-9]{4}[FTU]|[A-V][0-9]{4}", re.ASCII)
_MODIFIER = re.compile(r"[A-Z0-9]{2}", re.ASCII)
_DX_DOTTED = re.compile(r"[A-Z][0-9][0-9A-Z]\.[0-9A-Z]{1,4}", re.ASCII)
_DX_PLAIN = re.compile(r"[A-Z][0-9][0-9A-Z](?:[0-9A-Z]{1,4})?", re.ASCII)
_NPI = re.compile(r"([0-9]{10})(?:\.0+)?", re.ASCII)  # "1234567893.0": a spreadsheet float
_LIST_SEPARATORS = re.compile(r"[;,]")
MAX_WHOLE_DIGITS = 18  # a line number fits a signed 64-bit integer (Parquet, Spark)


class FieldProblem(Exception):
    """A value without the contract's form. `value` is the offending text, for messages that may
    quote it (claims and roster); note readers never quote values."""

    def __init__(self, column: str, reason: str, value: str | None = None) -> None:
        super().__init__(reason)
        self.column, self.reason, self.value = column, reason, value


def shown(value: str, limit: int = 40) -> str:
    """A value fit for a message: control characters replaced, long values cut."""
    text = "".join("?" if ord(c) < 32 or ord(c) == 127 else c for c in value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def required(values: Values, column: str) -> str:
    value = optional(values, column)
    if value is None:
        raise FieldProblem(column, "required value is missing")
    return value


def optional(values: Values, column: str) -> str | None:
    value = values.get(column)
    if value is None:
        return None
    return value.strip() or None


def iso_date(value: str, column: str, *, allow_time: bool = False) -> dt.date:
    match = (_ISO_DATETIME if allow_time else _ISO_DATE).fullmatch(value)
    if match is None:
        expected = "an ISO date (YYYY-MM-DD)" if not allow_time else "an ISO date (YYYY-MM-DD, optionally with a time)"
        raise FieldProblem(column, f"not {expected}", value)
    try:
        return dt.date.fromisoformat(match.group(1) if allow_time else value)
    except ValueError:
        raise FieldProblem(column, "not a calendar date", value) from None


def whole_number(value: str, column: str) -> int:
    """An integer >= 1; "2.0" is 2, "2.5" is not a line number."""
    if _WHOLE.fullmatch(value) is None:
        raise FieldProblem(column, "not a whole number", value)
    digits = value.split(".")[0].lstrip("0")
    if len(digits) > MAX_WHOLE_DIGITS:  # int() refuses over 4300 digits; int64 columns hold 18
        raise FieldProblem(column, f"too large (more than {MAX_WHOLE_DIGITS} digits)", value)
    number = int(digits or "0")
    if number < 1:
        raise FieldProblem(column, "must be 1 or more", value)
    return number


def units(value: str, column: str = "units") -> float:
    """A plain decimal number >= 0. "1,000" is refused: thousands separator or decimal comma?"""
    if value.startswith("-") and _PLAIN_NUMBER.fullmatch(value[1:]):
        raise FieldProblem(column, "negative", value)
    if "," in value and _PLAIN_NUMBER.fullmatch(value.replace(",", "")):
        raise FieldProblem(column, "not a plain number (a comma is ambiguous: thousands separator or "
                                   "decimal comma)", value)
    if _PLAIN_NUMBER.fullmatch(value) is None:
        raise FieldProblem(column, "not a number", value)
    number = float(value)
    if not math.isfinite(number):
        raise FieldProblem(column, "not a finite number", value)
    return number


def ascii_upper(value: str) -> str:
    """Upper-case ASCII text only: `str.upper` turns some non-ASCII letters into ASCII ones ("ß" ->
    "SS", "ﬆ" -> "ST", "ı" -> "I"), which would make a garbage value look like a valid code."""
    return value.upper() if value.isascii() else value


def procedure_code(value: str, column: str = "code") -> str:
    code = ascii_upper(value)
    if _CODE.fullmatch(code) is None:
        raise FieldProblem(column, "not a CPT code (5 digits, or 4 digits and F/T/U) or a HCPCS code "
                                   "(a letter A-V and 4 digits)", value)
    return code


def modifiers(value: str | None, column: str = "modifiers") -> tuple[str, ...]:
    pieces = _pieces(value)
    for piece in pieces:
        if _MODIFIER.fullmatch(piece) is None:
            raise FieldProblem(column, "a modifier is not 2 letters or digits", piece)
    return tuple(pieces)


def dx_codes(value: str | None, column: str = "dx_codes") -> tuple[str, ...]:
    """ICD-10-CM codes with the dot after the category: "d510" -> "D51.0", "K5090" -> "K50.90"."""
    codes = []
    for piece in _pieces(value):
        if _DX_DOTTED.fullmatch(piece):
            codes.append(piece)
        elif _DX_PLAIN.fullmatch(piece):
            codes.append(piece if len(piece) == 3 else f"{piece[:3]}.{piece[3:]}")
        else:
            raise FieldProblem(column, "not an ICD-10-CM code", piece)
    return tuple(codes)


def npi(value: str, column: str) -> str:
    match = _NPI.fullmatch(value)
    if match is None:
        raise FieldProblem(column, "not a 10-digit NPI", value)
    return match.group(1)


def optional_npi(values: Values, column: str) -> str | None:
    value = optional(values, column)
    return None if value is None else npi(value, column)


def _pieces(value: str | None) -> list[str]:
    """Split a `;`/`,` list, upper-case (ASCII only), drop empty pieces."""
    if value is None:
        return []
    return [ascii_upper(p.strip()) for p in _LIST_SEPARATORS.split(value) if p.strip()]
