import datetime as dt

import pytest

from notes_audit.read import fields
from notes_audit.read.fields import FieldProblem


def problem(call, *args, **kw) -> tuple[str, str, str | None]:
    with pytest.raises(FieldProblem) as info:
        call(*args, **kw)
    return info.value.column, info.value.reason, info.value.value


@pytest.mark.parametrize("values, column, expected", [
    ({"a": " x "}, "a", "x"),
    ({"a": "x"}, "a", "x"),
])
def test_required_strips(values, column, expected):
    assert fields.required(values, column) == expected


@pytest.mark.parametrize("values", [{}, {"a": None}, {"a": "   "}])
def test_required_missing(values):
    assert problem(fields.required, values, "a") == ("a", "required value is missing", None)


@pytest.mark.parametrize("value, allow_time, expected", [
    ("2025-03-02", False, dt.date(2025, 3, 2)),
    ("2024-02-29", False, dt.date(2024, 2, 29)),
    ("2025-03-02", True, dt.date(2025, 3, 2)),
    ("2025-03-02T09:30:00", True, dt.date(2025, 3, 2)),
    ("2025-03-02 09:30", True, dt.date(2025, 3, 2)),
    ("2025-03-02T23:30:00.123Z", True, dt.date(2025, 3, 2)),
    ("2025-03-02T23:30:00-05:00", True, dt.date(2025, 3, 2)),
])
def test_iso_date_accepts(value, allow_time, expected):
    assert fields.iso_date(value, "d", allow_time=allow_time) == expected


@pytest.mark.parametrize("value, allow_time, reason", [
    ("03/02/2025", False, "not an ISO date (YYYY-MM-DD)"),
    ("2025-3-2", False, "not an ISO date (YYYY-MM-DD)"),
    ("20250302", False, "not an ISO date (YYYY-MM-DD)"),
    ("2025-03-02T09:30", False, "not an ISO date (YYYY-MM-DD)"),  # claims: date only
    ("2025-13-40", False, "not a calendar date"),
    ("2023-02-29", False, "not a calendar date"),
    ("２０２５-03-02", False, "not an ISO date (YYYY-MM-DD)"),  # full-width digits
    ("March 2, 2025", True, "not an ISO date (YYYY-MM-DD, optionally with a time)"),
    ("2025-02-30T10:00", True, "not a calendar date"),
])
def test_iso_date_rejects(value, allow_time, reason):
    assert problem(fields.iso_date, value, "d", allow_time=allow_time) == ("d", reason, value)


@pytest.mark.parametrize("value, expected", [("1", 1), ("2.0", 2), ("02", 2), ("7.", 7), ("12.000", 12)])
def test_whole_number_accepts(value, expected):
    assert fields.whole_number(value, "line_number") == expected


@pytest.mark.parametrize("value, reason", [
    ("2.5", "not a whole number"), ("-1", "not a whole number"), ("abc", "not a whole number"),
    ("1e2", "not a whole number"), ("0", "must be 1 or more"), ("0.0", "must be 1 or more"),
    ("", "not a whole number"),
])
def test_whole_number_rejects(value, reason):
    assert problem(fields.whole_number, value, "line_number") == ("line_number", reason, value)


@pytest.mark.parametrize("value, expected", [
    ("1", 1.0), ("0", 0.0), ("1.5", 1.5), (".5", 0.5), ("+2", 2.0), ("10.0", 10.0),
])
def test_units_accepts(value, expected):
    assert fields.units(value) == expected


@pytest.mark.parametrize("value, reason", [
    ("-1", "negative"),
    ("1,000", "not a plain number (a comma is ambiguous: thousands separator or decimal comma)"),
    ("1,5", "not a plain number (a comma is ambiguous: thousands separator or decimal comma)"),
    ("abc", "not a number"), ("1e3", "not a number"), ("nan", "not a number"), ("inf", "not a number"),
    ("1 000", "not a number"),
])
def test_units_rejects(value, reason):
    assert problem(fields.units, value) == ("units", reason, value)


@pytest.mark.parametrize("value, expected", [
    ("96372", "96372"), ("j3420", "J3420"), ("J3425", "J3425"), ("0001F", "0001F"), ("0503t", "0503T"),
    ("0042U", "0042U"), ("G2211", "G2211"), ("85025", "85025"), ("99211", "99211"),
])
def test_procedure_code_accepts(value, expected):
    assert fields.procedure_code(value) == expected


@pytest.mark.parametrize("value", ["J342O", "9637", "963721", "W1234", "96372-25", "J 3420", "1234X", "JJ342"])
def test_procedure_code_rejects(value):
    column, reason, shown = problem(fields.procedure_code, value)
    assert (column, shown) == ("code", value) and reason.startswith("not a CPT code")


@pytest.mark.parametrize("value, expected", [
    (None, ()), ("", ()), ("25", ("25",)), ("25;", ("25",)), ("59;xu", ("59", "XU")),
    (" 59 , XU ", ("59", "XU")), (";;25,,", ("25",)), ("25;25", ("25", "25")),
])
def test_modifiers_accepts(value, expected):
    assert fields.modifiers(value) == expected


@pytest.mark.parametrize("value, bad", [("25 59", "25 59"), ("2", "2"), ("255", "255"), ("25;X-", "X-")])
def test_modifiers_rejects(value, bad):
    assert problem(fields.modifiers, value) == ("modifiers", "a modifier is not 2 letters or digits", bad)


@pytest.mark.parametrize("value, expected", [
    (None, ()), ("d510", ("D51.0",)), ("K5090", ("K50.90",)), ("D51.0;E53.8", ("D51.0", "E53.8")),
    ("G63", ("G63",)), ("z98.84, Z90.3", ("Z98.84", "Z90.3")), ("M1A0110", ("M1A.0110",)),
    ("S72001A", ("S72.001A",)), (";D51.0;", ("D51.0",)),
])
def test_dx_codes_accepts(value, expected):
    assert fields.dx_codes(value) == expected


@pytest.mark.parametrize("value, bad", [
    ("D51..0", "D51..0"), ("D51.", "D51."), ("51.0", "51.0"), ("D5", "D5"), ("D51.00000", "D51.00000"),
    ("D510;E53 8", "E53 8"), ("D5100000", "D5100000"), ("1D51", "1D51"),
])
def test_dx_codes_rejects(value, bad):
    assert problem(fields.dx_codes, value) == ("dx_codes", "not an ICD-10-CM code", bad)


@pytest.mark.parametrize("value, expected", [("1234567893", "1234567893"), ("1234567893.0", "1234567893")])
def test_npi_accepts(value, expected):
    assert fields.npi(value, "rendering_npi") == expected


@pytest.mark.parametrize("value", ["123456789", "12345678901", "12345X7893", "1234567893.5", "NPI1234567"])
def test_npi_rejects(value):
    assert problem(fields.npi, value, "billing_npi") == ("billing_npi", "not a 10-digit NPI", value)


@pytest.mark.parametrize("value, expected", [
    ("short", "short"), ("a\nb\x00", "a?b?"), ("x" * 50, "x" * 39 + "…"),
])
def test_shown(value, expected):
    assert fields.shown(value) == expected
