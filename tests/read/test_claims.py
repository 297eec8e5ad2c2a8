import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notes_audit.errors import InputError
from notes_audit.read.claims import read_claims
from notes_audit.read.records import ClaimLine

COLUMNS = ["claim_id", "line_number", "code", "units", "patient_id", "service_date", "modifiers",
           "dx_codes", "encounter_id", "rendering_npi", "supervising_npi", "billing_npi", "payer"]
GOOD = {"claim_id": "c1", "line_number": "1", "code": "96372", "units": "1", "patient_id": "p1",
        "service_date": "2025-03-02", "modifiers": "", "dx_codes": "D51.0", "encounter_id": "",
        "rendering_npi": "", "supervising_npi": "", "billing_npi": "", "payer": ""}


def csv_bytes(*rows: dict, columns=COLUMNS) -> bytes:
    def cell(value: str) -> str:
        return f'"{value}"' if any(c in value for c in ',"\n') else value
    lines = [",".join(columns)] + [",".join(cell(row.get(c, "")) for c in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_full_line_is_normalised(tmp_path):
    row = {**GOOD, "line_number": "2.0", "code": "j3420", "units": "1", "modifiers": " 59 ; xu,",
           "dx_codes": "d510;K5090", "encounter_id": " e1 ", "rendering_npi": "1234567893",
           "supervising_npi": "1234567893.0", "billing_npi": "1999999984", "payer": "Medicare Part B"}
    path = write(tmp_path, "c.csv", csv_bytes(row))
    result = read_claims(path)
    assert result.lines == [ClaimLine(
        claim_id="c1", line_number=2, code="J3420", units=1.0, patient_id="p1",
        service_date=dt.date(2025, 3, 2), modifiers=("59", "XU"), dx_codes=("D51.0", "K50.90"),
        encounter_id="e1", rendering_npi="1234567893", supervising_npi="1234567893",
        billing_npi="1999999984", payer="Medicare Part B", source=f"{path}:1")]
    assert (result.rows_read, result.rejected) == (1, [])


def test_unknown_but_well_formed_code_is_kept(tmp_path):
    result = read_claims(write(tmp_path, "c.csv", csv_bytes({**GOOD, "code": "85025"})))
    assert [l.code for l in result.lines] == ["85025"]


REJECT_CASES = [
    ("claim_id", "", "required value is missing"),
    ("line_number", "", "required value is missing"),
    ("line_number", "2.5", "not a whole number: '2.5'"),
    ("line_number", "0", "must be 1 or more: '0'"),
    ("line_number", "one", "not a whole number: 'one'"),
    ("code", "J342O", "not a CPT code (5 digits, or 4 digits and F/T/U) or a HCPCS code (a letter A-V and 4 digits): 'J342O'"),
    ("code", "96372-25", "not a CPT code (5 digits, or 4 digits and F/T/U) or a HCPCS code (a letter A-V and 4 digits): '96372-25'"),
    ("units", "", "required value is missing"),
    ("units", "1,000", "not a plain number (a comma is ambiguous: thousands separator or decimal comma): '1,000'"),
    ("units", "-1", "negative: '-1'"),
    ("units", "abc", "not a number: 'abc'"),
    ("patient_id", "  ", "required value is missing"),
    ("service_date", "03/02/2025", "not an ISO date (YYYY-MM-DD): '03/02/2025'"),
    ("service_date", "2025-13-40", "not a calendar date: '2025-13-40'"),
    ("service_date", "2025-03-02T10:00:00", "not an ISO date (YYYY-MM-DD): '2025-03-02T10:00:00'"),
    ("modifiers", "25 59", "a modifier is not 2 letters or digits: '25 59'"),
    ("modifiers", "2", "a modifier is not 2 letters or digits: '2'"),
    ("dx_codes", "D51..0", "not an ICD-10-CM code: 'D51..0'"),
    ("rendering_npi", "123456789", "not a 10-digit NPI: '123456789'"),
    ("supervising_npi", "12345678901", "not a 10-digit NPI: '12345678901'"),
    ("billing_npi", "ABCDEFGHIJ", "not a 10-digit NPI: 'ABCDEFGHIJ'"),
]


@pytest.mark.parametrize("column, value, reason", REJECT_CASES,
                         ids=[f"{c}={v!r}" for c, v, _ in REJECT_CASES])
def test_bad_values_reject_the_line(tmp_path, column, value, reason):
    bad = {**GOOD, column: value}
    path = write(tmp_path, "c.csv", csv_bytes(bad, {**GOOD, "line_number": "9"}))
    result = read_claims(path)
    assert result.rows_read == 2
    assert [l.line_number for l in result.lines] == [9]
    [rejected] = result.rejected
    assert (rejected.kind, rejected.file, rejected.row, rejected.column, rejected.reason) == (
        "claim_line", str(path), 1, column, reason)
    assert rejected.key == {k: bad[k].strip() for k in ("claim_id", "line_number") if bad[k].strip()}


def test_first_problem_in_column_order_is_reported(tmp_path):
    result = read_claims(write(tmp_path, "c.csv", csv_bytes({**GOOD, "units": "x", "service_date": "bad"})))
    assert result.rejected[0].column == "units"


def test_duplicate_claim_line_rejects_the_later_rows(tmp_path):
    rows = [GOOD, {**GOOD, "code": "J3420"}, {**GOOD, "line_number": "1.0"}, {**GOOD, "claim_id": "c2"}]
    result = read_claims(write(tmp_path, "c.csv", csv_bytes(*rows)))
    assert [(l.claim_id, l.line_number, l.code) for l in result.lines] == [("c1", 1, "96372"), ("c2", 1, "96372")]
    assert [(r.row, r.column, r.reason) for r in result.rejected] == [
        (2, "line_number", "duplicate line: claim c1 line 1 first read in row 1"),
        (3, "line_number", "duplicate line: claim c1 line 1 first read in row 1"),
    ]


@pytest.mark.parametrize("missing", ["claim_id", "line_number", "code", "units", "patient_id", "service_date"])
def test_missing_required_column_is_an_input_error(tmp_path, missing):
    columns = [c for c in COLUMNS if c != missing]
    path = write(tmp_path, "c.csv", csv_bytes(GOOD, columns=columns))
    with pytest.raises(InputError) as info:
        read_claims(path)
    assert (info.value.file, info.value.column) == (str(path), missing)


@pytest.mark.parametrize("optional", ["modifiers", "dx_codes", "encounter_id", "rendering_npi", "payer"])
def test_optional_columns_may_be_absent(tmp_path, optional):
    columns = [c for c in COLUMNS if c != optional]
    assert len(read_claims(write(tmp_path, "c.csv", csv_bytes(GOOD, columns=columns))).lines) == 1


def test_unknown_columns_and_header_case(tmp_path):
    data = b"Claim_ID,LINE_NUMBER,Code,Units,Patient_ID,Service_Date,Place_Of_Service\nc1,1,96372,1,p1,2025-03-02,11\n"
    assert len(read_claims(write(tmp_path, "c.csv", data)).lines) == 1


def test_unreadable_rows_are_rejected_with_their_row(tmp_path):
    data = csv_bytes(GOOD) + b"c1,2,J3420\nc1,3,J3420,1,p1,2025-03-02,,,,,,,,extra\n"
    result = read_claims(write(tmp_path, "c.csv", data))
    assert [(r.row, r.column, r.reason, r.key) for r in result.rejected] == [
        (2, None, "row has 3 fields; the header has 13", {}),
        (3, None, "row has 14 fields; the header has 13", {}),
    ]


def test_jsonl_claims_with_a_broken_line(tmp_path):
    lines = [json.dumps({**GOOD, "line_number": 1, "units": 1, "dx_codes": ["D51.0", "e538"]}),
             "{broken",
             json.dumps({**GOOD, "line_number": 2.0, "units": 2.5}),
             json.dumps({**GOOD, "line_number": 3, "units": True})]
    result = read_claims(write(tmp_path, "c.jsonl", "\n".join(lines).encode()))
    assert [(l.line_number, l.units, l.dx_codes) for l in result.lines] == [
        (1, 1.0, ("D51.0", "E53.8")), (2, 2.5, ("D51.0",))]
    assert [(r.row, r.column, r.reason) for r in result.rejected] == [
        (2, None, "line is not valid JSON"), (4, "units", "not a number: 'true'")]


def test_parquet_with_wrong_column_types(tmp_path):
    path = tmp_path / "c.parquet"
    pq.write_table(pa.table({
        "claim_id": ["c1", "c1", "c1"],
        "line_number": pa.array([1.0, 2.5, 3.0]),  # float
        "code": ["96372", "J3420", "J3420"],
        "units": ["1", "1", "two"],                 # strings
        "patient_id": pa.array([101, 101, 101]),    # integers
        "service_date": pa.array([dt.date(2025, 3, 2)] * 3, pa.date32()),
        "rendering_npi": pa.array([1234567893, None, None], pa.int64()),
    }), path)
    result = read_claims(path)
    assert [(l.line_number, l.patient_id, l.rendering_npi) for l in result.lines] == [(1, "101", "1234567893")]
    assert [(r.row, r.column) for r in result.rejected] == [(2, "line_number"), (3, "units")]


def test_empty_and_header_only_files_give_no_lines(tmp_path):
    for data in (b"", csv_bytes()):
        result = read_claims(write(tmp_path, "c.csv", data))
        assert (result.lines, result.rejected, result.rows_read) == ([], [], 0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=400))
def test_any_bytes_give_lines_or_rejections_or_input_error(tmp_path, body):
    path = write(tmp_path, "c.csv", csv_bytes() + body)
    try:
        result = read_claims(path)
    except InputError as exc:
        assert exc.file == str(path)
        return
    assert result.rows_read == len(result.lines) + len(result.rejected)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.dictionaries(st.sampled_from(COLUMNS), st.text(max_size=12)), max_size=6))
def test_any_cell_values_keep_the_count(tmp_path, values):
    rows = [{**GOOD, **v} for v in values]
    path = write(tmp_path, "c.jsonl", "\n".join(json.dumps(r) for r in rows).encode())
    result = read_claims(path)
    assert result.rows_read == len(rows) == len(result.lines) + len(result.rejected)
