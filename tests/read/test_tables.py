import datetime as dt
import logging

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from notes_audit.errors import InputError
from notes_audit.read import tables
from notes_audit.read.tables import RawRow, cell_text, open_table


def read_all(path, **kw):
    with open_table(path, **kw) as table:
        return table.columns, list(table)


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- CSV: outcome of every shape of input -----------------------------------------------------

CSV_CASES = [
    ("plain", b"a,b\n1,2\n",
     ["a", "b"], [RawRow(1, {"a": "1", "b": "2"})]),
    ("utf-8 BOM", b"\xef\xbb\xbfa,b\n1,2\n",
     ["a", "b"], [RawRow(1, {"a": "1", "b": "2"})]),
    ("header case and spaces", b" Note_ID ,TEXT\nn1,x\n",
     ["note_id", "text"], [RawRow(1, {"note_id": "n1", "text": "x"})]),
    ("unknown column kept", b"a,Extra Col\n1,2\n",
     ["a", "extra col"], [RawRow(1, {"a": "1", "extra col": "2"})]),
    ("blank header cell named", b"a,,c\n1,2,3\n",
     ["a", "_col2", "c"], [RawRow(1, {"a": "1", "_col2": "2", "c": "3"})]),
    ("empty cell is missing", b"a,b\n1,\n",
     ["a", "b"], [RawRow(1, {"a": "1", "b": None})]),
    ("crlf and quoted newline kept verbatim", b'a,b\r\n1,"x\r\ny"\r\n2,z\r\n',
     ["a", "b"], [RawRow(1, {"a": "1", "b": "x\r\ny"}), RawRow(2, {"a": "2", "b": "z"})]),
    ("bare CR line ends", b"a,b\r1,2\r3,4",
     ["a", "b"], [RawRow(1, {"a": "1", "b": "2"}), RawRow(2, {"a": "3", "b": "4"})]),
    ("NUL stripped", b"a,b\n1,x\x00y\n",
     ["a", "b"], [RawRow(1, {"a": "1", "b": "xy"})]),
    ("control characters kept", b"a,b\n1,x\x0c\x07y\n",
     ["a", "b"], [RawRow(1, {"a": "1", "b": "x\x0c\x07y"})]),
    ("cp1252 byte", b"a,b\n1,caf\xe9\n",
     ["a", "b"], [RawRow(1, {"a": "1", "b": "café"})]),
    ("too many fields rejected", b"a,b\n1,2,3\n4,5\n",
     ["a", "b"], [RawRow(1, {}, "row has 3 fields; the header has 2"), RawRow(2, {"a": "4", "b": "5"})]),
    ("too few fields rejected", b"a,b,c\n1,2\n",
     ["a", "b", "c"], [RawRow(1, {}, "row has 2 fields; the header has 3")]),
    ("trailing empty cells dropped", b"a,b\n1,2,,\n",
     ["a", "b"], [RawRow(1, {"a": "1", "b": "2"})]),
    ("blank lines and empty rows skipped", b"a,b\n\n1,2\n,\n  \n3,4\n",
     ["a", "b"], [RawRow(1, {"a": "1", "b": "2"}), RawRow(2, {"a": "3", "b": "4"})]),
    ("leading blank lines before header", b"\n\na,b\n1,2\n",
     ["a", "b"], [RawRow(1, {"a": "1", "b": "2"})]),
    ("text after closing quote rejected, next row read", b'a,b\n1,"x"y\n2,z\n',
     ["a", "b"], [RawRow(1, {}, "malformed quoting: text after a closing quote"), RawRow(2, {"a": "2", "b": "z"})]),
    ("doubled quote inside quotes", b'a,b\n1,"say ""hi"""\n',
     ["a", "b"], [RawRow(1, {"a": "1", "b": 'say "hi"'})]),
    ("header only", b"a,b\n",
     ["a", "b"], []),
    ("empty file", b"",
     None, []),
    ("whitespace-only file", b"\n \n",
     None, []),
    ("utf-16 with BOM", "a,b\n1,é\n".encode("utf-16"),
     ["a", "b"], [RawRow(1, {"a": "1", "b": "é"})]),
]


@pytest.mark.parametrize("name, data, columns, rows", CSV_CASES, ids=[c[0] for c in CSV_CASES])
def test_csv_outcomes(tmp_path, name, data, columns, rows):
    assert read_all(write(tmp_path, "t.csv", data)) == (columns, rows)


CSV_WARNINGS = [
    ("cp1252 byte names the row", b"a,b\n1,ok\n2,caf\xe9\n", "not UTF-8 (first in row 2)"),
    ("NUL names the row", b"a,b\n1,ok\n2,ok\n3,x\x00\n", "NUL characters removed (first in row 3)"),
    ("utf-16", "a,b\n1,2\n".encode("utf-16"), "decoded as UTF-16"),
    ("empty", b"", "the file is empty"),
    ("cp1252 in the header", b"a,caf\xe9\n1,2\n", "not UTF-8 in the header"),
]


@pytest.mark.parametrize("name, data, message", CSV_WARNINGS, ids=[c[0] for c in CSV_WARNINGS])
def test_csv_warnings(tmp_path, caplog, name, data, message):
    path = write(tmp_path, "t.csv", data)
    with caplog.at_level(logging.WARNING, logger="notes_audit"):
        read_all(path)
    assert message in caplog.text
    assert all(r.name.startswith("notes_audit.") for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="notes_audit"):
        read_all(path, quiet=True)
    assert caplog.text == ""


CSV_ERRORS = [
    ("unclosed quote", b'a,b\n1,ok\n2,"unclosed\n3,x\n', "unclosed quote starting on line 3", 2),
    ("binary garbage", bytes(range(256)) * 4, "binary", None),
    ("xlsx bytes named .csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "binary", None),
    ("parquet bytes named .csv", b"PAR1\x15\x04\x15\x00\x15\x02,\x1c\x00\n", "binary", None),
    ("utf-16 without BOM", "a,b\n1,2\n".encode("utf-16-le"), "UTF-16", None),
    ("duplicate column", b"Note_ID,note_id\n1,2\n", "appears twice", None),
    ("broken quoting in header", b'"a"x,b\n1,2\n', "header row", None),
]


@pytest.mark.parametrize("name, data, message, row", CSV_ERRORS, ids=[c[0] for c in CSV_ERRORS])
def test_csv_errors(tmp_path, name, data, message, row):
    path = write(tmp_path, "t.csv", data)
    with pytest.raises(InputError, match=message) as info:
        read_all(path)
    assert info.value.file == str(path)
    assert info.value.row == row


def test_csv_field_limit_is_an_input_error(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "CSV_FIELD_LIMIT", 100)
    path = write(tmp_path, "t.csv", b'a,b\n1,"' + b"x" * 200 + b'"\n')
    try:
        with pytest.raises(InputError, match="longer than 100 characters"):
            read_all(path)
    finally:
        monkeypatch.undo()
        read_all(write(tmp_path, "reset.csv", b"a\n1\n"))  # restore the process-wide csv limit


def test_csv_reads_a_5_mb_field(tmp_path):
    note = "B12 1000 mcg IM given. " * 230_000  # ~5.3 MB
    path = write(tmp_path, "t.csv", b'id,text\nn1,"' + note.encode() + b'"\n')
    columns, rows = read_all(path)
    assert rows == [RawRow(1, {"id": "n1", "text": note})]


def test_csv_streams_rows_before_a_later_error(tmp_path):
    path = write(tmp_path, "t.csv", b'a\n1\n2\n"unclosed\n')
    with open_table(path) as table:
        it = iter(table)
        assert next(it) == RawRow(1, {"a": "1"})
        assert next(it) == RawRow(2, {"a": "2"})
        with pytest.raises(InputError):
            next(it)


@pytest.mark.parametrize("name, message", [
    ("t.xlsx", "unsupported file type"),
    ("t", "unsupported file type"),
    ("missing.csv", "file not found"),
])
def test_open_errors(tmp_path, name, message):
    with pytest.raises(InputError, match=message):
        open_table(tmp_path / name)


def test_directory_named_like_a_table(tmp_path):
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(InputError, match="directory"):
        open_table(tmp_path / "d.csv")


@pytest.mark.parametrize("name", ["T.CSV", "t.Jsonl", "t.PARQUET"])
def test_extension_is_case_insensitive(tmp_path, name):
    path = tmp_path / name
    if name.lower().endswith("parquet"):
        pq.write_table(pa.table({"a": ["1"]}), path)
    else:
        path.write_bytes(b"a\n1\n" if name.lower().endswith("csv") else b'{"a": "1"}\n')
    assert read_all(path) == (["a"], [RawRow(1, {"a": "1"})])


@pytest.mark.parametrize("header, hint", [
    (b"note_id;text\n", "semicolons"),
    (b"note_id\ttext\n", "tabs"),
])
def test_missing_column_hints_at_the_delimiter(tmp_path, header, hint):
    with open_table(write(tmp_path, "t.csv", header)) as table:
        with pytest.raises(InputError, match=hint) as info:
            table.require(["note_id"])
    assert info.value.column == "note_id"


# --- JSONL -------------------------------------------------------------------------------------

JSONL_CASES = [
    ("plain", b'{"a": "1", "b": "x"}\n{"a": "2", "b": "y"}\n',
     ["a", "b"], [RawRow(1, {"a": "1", "b": "x"}), RawRow(2, {"a": "2", "b": "y"})]),
    ("keys lower-cased", b'{" Note_ID ": "n1"}\n',
     ["note_id"], [RawRow(1, {"note_id": "n1"})]),
    ("blank lines skipped, numbers are line numbers", b'{"a": "1"}\n\n  \n{"a": "2"}\n',
     ["a"], [RawRow(1, {"a": "1"}), RawRow(4, {"a": "2"})]),
    ("broken line rejected", b'{"a": "1"}\n{"a": \n{"a": "3"}\n',
     ["a"], [RawRow(1, {"a": "1"}), RawRow(2, {}, "line is not valid JSON"), RawRow(3, {"a": "3"})]),
    ("not an object", b'{"a": "1"}\n[1, 2]\n"text"\n',
     ["a"], [RawRow(1, {"a": "1"}), RawRow(2, {}, "line is not a JSON object"),
             RawRow(3, {}, "line is not a JSON object")]),
    ("columns from first readable record", b'oops\n{"a": "2"}\n',
     ["a"], [RawRow(1, {}, "line is not valid JSON"), RawRow(2, {"a": "2"})]),
    ("value types as text", b'{"i": 2, "f": 2.0, "g": 2.5, "n": null, "t": true, "l": ["D51.0", "E53.8"], '
                            b'"o": {"k": 1}, "e": "", "nan": NaN}\n',
     ["i", "f", "g", "n", "t", "l", "o", "e", "nan"],
     [RawRow(1, {"i": "2", "f": "2.0", "g": "2.5", "n": None, "t": "true", "l": "D51.0;E53.8",
                 "o": '{"k": 1}', "e": None, "nan": None})]),
    ("keys equal ignoring case rejected", b'{"a": "1"}\n{"A": "1", "a": "2"}\n',
     ["a"], [RawRow(1, {"a": "1"}), RawRow(2, {}, "key 'a' appears twice (keys are case-insensitive)")]),
    ("escaped NUL and lone surrogate", b'{"a": "x\\u0000y \\ud800"}\n',
     ["a"], [RawRow(1, {"a": "xy \ufffd"})]),
    ("utf-8 BOM and CRLF", b'\xef\xbb\xbf{"a": "1"}\r\n{"a": "2"}\r\n',
     ["a"], [RawRow(1, {"a": "1"}), RawRow(2, {"a": "2"})]),
    ("cp1252 byte", b'{"a": "caf\xe9"}\n',
     ["a"], [RawRow(1, {"a": "café"})]),
    ("deep nesting rejected", b"[" * 100_000 + b"\n",
     None, [RawRow(1, {}, "line is not valid JSON")]),
    ("empty file", b"",
     None, []),
    ("only broken lines", b"{\n",
     None, [RawRow(1, {}, "line is not valid JSON")]),
]


@pytest.mark.parametrize("name, data, columns, rows", JSONL_CASES, ids=[c[0] for c in JSONL_CASES])
def test_jsonl_outcomes(tmp_path, name, data, columns, rows):
    assert read_all(write(tmp_path, "t.jsonl", data)) == (columns, rows)


def test_jsonl_warns_about_cp1252_with_line(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="notes_audit"):
        read_all(write(tmp_path, "t.jsonl", b'{"a": "1"}\n{"a": "caf\xe9"}\n'))
    assert "first on line 2" in caplog.text


# --- Parquet -----------------------------------------------------------------------------------

def test_parquet_types_become_text(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({
        "Claim_ID": ["c1", "c2"],
        "line_number": pa.array([2.0, 2.5]),  # float where an integer is expected
        "units": ["1", "abc"],                # strings where a number is expected
        "count": pa.array([1, None], pa.int64()),
        "service_date": pa.array([dt.date(2025, 3, 2), None], pa.date32()),
        "ts": pa.array([dt.datetime(2025, 3, 2), dt.datetime(2025, 3, 2, 9, 30)], pa.timestamp("us")),
        "dx_codes": pa.array([["D51.0", "E53.8"], []], pa.list_(pa.string())),
        "blob": pa.array([b"caf\xe9", b"ok"], pa.binary()),
        "flag": [True, False],
    }), path)
    columns, rows = read_all(path)
    assert columns == ["claim_id", "line_number", "units", "count", "service_date", "ts", "dx_codes", "blob", "flag"]
    assert rows == [
        RawRow(1, {"claim_id": "c1", "line_number": "2.0", "units": "1", "count": "1",
                   "service_date": "2025-03-02", "ts": "2025-03-02", "dx_codes": "D51.0;E53.8",
                   "blob": "café", "flag": "true"}),
        RawRow(2, {"claim_id": "c2", "line_number": "2.5", "units": "abc", "count": None,
                   "service_date": None, "ts": "2025-03-02T09:30:00", "dx_codes": None,
                   "blob": "ok", "flag": "false"}),
    ]


def test_parquet_rows_are_numbered_across_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "PARQUET_BATCH_ROWS", 2)
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": [str(i) for i in range(5)]}), path)
    _, rows = read_all(path)
    assert [(r.number, r.values["a"]) for r in rows] == [(i + 1, str(i)) for i in range(5)]


@pytest.mark.parametrize("name, data, message", [
    ("not parquet", b"a,b\n1,2\n", "not a readable Parquet file"),
    ("empty", b"", "not a readable Parquet file"),
    ("truncated", None, "not a readable Parquet file"),
])
def test_parquet_errors(tmp_path, name, data, message):
    path = tmp_path / "t.parquet"
    if data is None:
        pq.write_table(pa.table({"a": ["1"] * 100}), path)
        path.write_bytes(path.read_bytes()[:-20])
    else:
        path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_all(path)


def test_parquet_duplicate_columns(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"Note_ID": ["1"], "note_id": ["2"]}), path)
    with pytest.raises(InputError, match="appears twice"):
        read_all(path)


# --- cells -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (None, None), ("", None), ("x\x00", "x"), (float("nan"), None), (float("inf"), "inf"),
    (3, "3"), (3.0, "3.0"), (1e20, "1e+20"), (False, "false"),
    (dt.date(2025, 1, 2), "2025-01-02"), (dt.datetime(2025, 1, 2), "2025-01-02"),
    (dt.datetime(2025, 1, 2, tzinfo=dt.UTC), "2025-01-02T00:00:00+00:00"),
    (["a", None, 1], "a;1"), ({"b": 1, "a": "é"}, '{"a": "é", "b": 1}'), (b"\xc3\xa9", "é"),
])
def test_cell_text(value, expected):
    assert cell_text(value) == expected


def test_parquet_damaged_data_is_an_input_error(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": [f"x{i}" for i in range(2000)]}), path, compression="snappy",
                   row_group_size=500)
    data = bytearray(path.read_bytes())
    data[600:2000] = b"\xff" * 1400  # inside the first row group's data pages
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged Parquet data") as info:
        read_all(path)
    assert info.value.file == str(path)
