import pytest

from notes_audit.errors import InputError
from notes_audit.read.records import RosterEntry
from notes_audit.read.roster import read_roster, read_roster_checked


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_spec_example_with_spaces_after_commas(tmp_path):
    path = write(tmp_path, "r.csv", b"npi, name, credential\n1234567893, Amanda  Chen, MD\n1999999984,J. Rivera,\n")
    assert read_roster(path) == [RosterEntry("1234567893", "Amanda Chen", "MD"),
                                 RosterEntry("1999999984", "J. Rivera", None)]


ROSTER_CASES = [
    ("short npi", b"123456789,A B,MD\n", "npi", "not a 10-digit NPI: '123456789'"),
    ("letters in npi", b"12345X7893,A B,MD\n", "npi", "not a 10-digit NPI: '12345X7893'"),
    ("missing npi", b",A B,MD\n", "npi", "required value is missing"),
    ("missing name", b"1234567893,,MD\n", "name", "required value is missing"),
    ("duplicate npi", b"1234567893,A B,MD\n1234567893,C D,DO\n", "npi", "duplicate NPI 1234567893 (first read in row 1)"),
    ("ragged", b"1234567893,A B,MD,extra\n", None, "row has 4 fields; the header has 3"),
]


@pytest.mark.parametrize("name, rows, column, reason", ROSTER_CASES, ids=[c[0] for c in ROSTER_CASES])
def test_bad_rows_are_rejected(tmp_path, name, rows, column, reason):
    path = write(tmp_path, "r.csv", b"npi,name,credential\n" + rows + b"1999999984,Kept Person,NP\n")
    result = read_roster_checked(path)
    assert result.entries[-1] == RosterEntry("1999999984", "Kept Person", "NP")
    assert [(r.kind, r.column, r.reason) for r in result.rejected] == [("roster", column, reason)]
    assert result.rows_read == len(result.entries) + len(result.rejected)


@pytest.mark.parametrize("header, column", [(b"npi,credential\n", "name"), (b"name,credential\n", "npi")])
def test_missing_column_is_an_input_error(tmp_path, header, column):
    with pytest.raises(InputError) as info:
        read_roster(write(tmp_path, "r.csv", header))
    assert info.value.column == column


def test_jsonl_roster_with_numeric_npi(tmp_path):
    path = write(tmp_path, "r.jsonl", b'{"npi": 1234567893, "name": "Amanda Chen", "credential": "MD"}\n{bad\n')
    result = read_roster_checked(path)
    assert result.entries == [RosterEntry("1234567893", "Amanda Chen", "MD")]
    assert [(r.row, r.reason) for r in result.rejected] == [(2, "line is not valid JSON")]
