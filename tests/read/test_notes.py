import datetime as dt
import json
import logging

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from notes_audit.errors import InputError
from notes_audit.read.notes import read_notes
from notes_audit.read.records import Note

SECRET = "PATIENT-SECRET-TEXT"  # must never reach a message, a log line or a rejection reason

HEADER = b"note_id,patient_id,encounter_id,note_date,note_type,author,text\n"


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def ids_and_rejects(reader):
    notes = list(reader)
    return [n.note_id for n in notes], [(r.row, r.column, r.reason) for r in reader.rejected]


def test_reads_every_field(tmp_path):
    path = write(tmp_path, "n.csv",
                 HEADER + b'n1, p1 ,e1,2025-03-02,progress,Dr A,"B12 1000 mcg IM\r\ngiven "\n')
    reader = read_notes(path)
    assert list(reader) == [Note(
        note_id="n1", text="B12 1000 mcg IM\r\ngiven ", patient_id="p1", encounter_id="e1",
        note_date=dt.date(2025, 3, 2), note_type="progress", author="Dr A", source=f"{path}:1")]
    assert (reader.rows_read, reader.rejected) == (1, [])


NOTE_CASES = [
    ("missing note_id", b",p1,,,,,text\n", [], [(1, "note_id", "required value is missing")]),
    ("missing text", b"n1,p1,,,,,\n", [], [(1, "text", "required value is missing or blank")]),
    ("blank text", b'n1,p1,,,,,"   "\n', [], [(1, "text", "required value is missing or blank")]),
    ("US date", b"n1,p1,,03/02/2025,,,text\n", [],
     [(1, "note_date", "not an ISO date (YYYY-MM-DD, optionally with a time)")]),
    ("impossible date", b"n1,p1,,2025-13-40,,,text\n", [], [(1, "note_date", "not a calendar date")]),
    ("date with time", b"n1,p1,,2025-03-02T09:30:00,,,text\n", ["n1"], []),
    ("empty date is none", b"n1,p1,,,,,text\n", ["n1"], []),
    ("duplicate note_id", b"n1,p1,,,,,a\nn2,p1,,,,,b\nn1,p1,,,,,c\n", ["n1", "n2"],
     [(3, "note_id", "duplicate note_id (first read at {path}:1)")]),
    ("duplicate after a rejected first", b"n1,p1,,bad,,,a\nn1,p1,,,,,b\n", ["n1"],
     [(1, "note_date", "not an ISO date (YYYY-MM-DD, optionally with a time)")]),
    ("ragged row", b"n1,p1,,,,,a,extra\nn2,p1,,,,,b\n", ["n2"],
     [(1, None, "row has 8 fields; the header has 7")]),
]


@pytest.mark.parametrize("name, rows, ids, rejects", NOTE_CASES, ids=[c[0] for c in NOTE_CASES])
def test_note_outcomes(tmp_path, name, rows, ids, rejects):
    path = write(tmp_path, "n.csv", HEADER + rows)
    reader = read_notes(path)
    expected = [(row, col, reason.format(path=path)) for row, col, reason in rejects]
    assert ids_and_rejects(reader) == (ids, expected)
    assert reader.rows_read == len(ids) + len(rejects)
    assert all(r.kind == "note" and r.file == str(path) for r in reader.rejected)


def test_rejected_note_carries_its_key(tmp_path):
    reader = read_notes(write(tmp_path, "n.csv", HEADER + b"n9,p1,,bad,,,text\n"))
    list(reader)
    assert reader.rejected[0].key == {"note_id": "n9"}


@pytest.mark.parametrize("with_text", [True, False])
def test_metadata_pass_matches_text_pass(tmp_path, with_text):
    data = HEADER + b"n1,p1,,2025-03-02,,,one\nn2,p1,,bad,,,two\nn3,p2,,,,,   \nn1,p1,,,,,dup\nn4,p2,e4,,,,four\n"
    reader = read_notes(write(tmp_path, "n.csv", data), with_text=with_text)
    notes = list(reader)
    assert [n.note_id for n in notes] == ["n1", "n4"]
    assert [n.text for n in notes] == (["one", "four"] if with_text else ["", ""])
    assert [(n.patient_id, n.encounter_id, n.note_date) for n in notes] == [
        ("p1", None, dt.date(2025, 3, 2)), ("p2", "e4", None)]
    assert [r.row for r in reader.rejected] == [2, 3, 4]


def test_each_iteration_is_a_fresh_pass_and_warns_once(tmp_path, caplog):
    path = write(tmp_path, "n.csv", HEADER + b"n1,p1,,,,,caf\xe9\nn1,p1,,,,,dup\n")
    reader = read_notes(path)
    with caplog.at_level(logging.WARNING, logger="notes_audit"):
        first = ids_and_rejects(reader)
        second = ids_and_rejects(reader)
    assert first == second == (["n1"], [(2, "note_id", f"duplicate note_id (first read at {path}:1)")])
    assert reader.rows_read == 2
    assert caplog.text.count("not UTF-8") == 1
    assert caplog.text.count("notes rejected") == 1


@pytest.mark.parametrize("as_dir", [False, True])
def test_one_reader_serves_a_metadata_pass_then_a_text_pass(tmp_path, caplog, as_dir):
    if as_dir:
        (tmp_path / "n1.txt").write_bytes(b"caf\xe9")
        (tmp_path / "n2.txt").write_bytes(b"")
        path = tmp_path
    else:
        path = write(tmp_path, "n.csv", HEADER + b"n1,p1,,,,,caf\xe9\nn2,p1,,,,,\n")
    reader = read_notes(path)
    with caplog.at_level(logging.WARNING, logger="notes_audit"):
        meta = [(n.note_id, n.text) for n in reader.read(with_text=False)]
        meta_rejected = list(reader.rejected)
        full = [(n.note_id, n.text) for n in reader.read()]
    assert (meta, full) == ([("n1", "")], [("n1", "café")])
    assert reader.rejected == meta_rejected and len(meta_rejected) == 1
    assert caplog.text.count("not UTF-8") == 1


def test_streams_notes_before_reaching_a_broken_end(tmp_path):
    reader = read_notes(write(tmp_path, "n.csv", HEADER + b'n1,p1,,,,,one\nn2,p1,,,,,"never closed\n'))
    it = iter(reader)
    assert next(it).note_id == "n1"
    with pytest.raises(InputError, match="unclosed quote"):
        next(it)


@pytest.mark.parametrize("name, data, column", [
    ("n.csv", b"id,text\n1,x\n", "note_id"),
    ("n.csv", b"note_id,body\n1,x\n", "text"),
    ("n.jsonl", b'{"note_id": "n1", "body": "x"}\n', "text"),
])
def test_missing_required_column_fails_at_once(tmp_path, name, data, column):
    path = write(tmp_path, name, data)
    with pytest.raises(InputError) as info:
        read_notes(path)
    assert (info.value.file, info.value.column) == (str(path), column)
    assert f"column '{column}'" in str(info.value)


@pytest.mark.parametrize("name, message", [("nope.csv", "not found"), ("notes.xlsx", "unsupported")])
def test_unusable_path(tmp_path, name, message):
    if name.endswith(".xlsx"):
        (tmp_path / name).write_bytes(b"PK")
    with pytest.raises(InputError, match=message):
        read_notes(tmp_path / name)


def test_jsonl_notes(tmp_path):
    lines = [
        json.dumps({"note_id": "n1", "text": "one", "note_date": "2025-03-02"}),
        '{"note_id": "n2", "text": ',
        json.dumps({"note_id": "n3"}),
        json.dumps({"note_id": 4, "text": "four", "Patient_ID": 77}),
    ]
    reader = read_notes(write(tmp_path, "n.jsonl", "\n".join(lines).encode() + b"\n"))
    notes = list(reader)
    assert [(n.note_id, n.patient_id) for n in notes] == [("n1", None), ("4", "77")]
    assert [(r.row, r.column, r.reason) for r in reader.rejected] == [
        (2, None, "line is not valid JSON"), (3, "text", "required value is missing or blank")]


def test_parquet_notes(tmp_path):
    path = tmp_path / "n.parquet"
    pq.write_table(pa.table({
        "NOTE_ID": ["n1", "n2"], "Text": ["one", None],
        "note_date": pa.array([dt.date(2025, 3, 2), None], pa.date32()),
    }), path)
    reader = read_notes(path)
    assert [(n.note_id, n.note_date) for n in reader] == [("n1", dt.date(2025, 3, 2))]
    assert [(r.row, r.column) for r in reader.rejected] == [(2, "text")]


# --- directory of .txt files ---------------------------------------------------------------------

def test_directory_of_txt_files(tmp_path, caplog):
    (tmp_path / "b.txt").write_bytes(b"second note\r\n")
    (tmp_path / "a.txt").write_bytes(b"caf\xe9 note")          # cp1252
    (tmp_path / "c.TXT").write_bytes("utf16 é".encode("utf-16"))
    (tmp_path / "d.txt").write_bytes(b"")                      # empty
    (tmp_path / "e.txt").write_bytes(b"\xff\xfeX")             # broken UTF-16
    (tmp_path / "readme.md").write_bytes(b"ignored")
    (tmp_path / "sub.txt").mkdir()                             # not a file
    with caplog.at_level(logging.WARNING, logger="notes_audit"):
        reader = read_notes(tmp_path)
        notes = list(reader)
    assert [(n.note_id, n.text) for n in notes] == [
        ("a", "café note"), ("b", "second note\r\n"), ("c", "utf16 é")]
    assert notes[0].source == f"{tmp_path / 'a.txt'}:1"
    assert [(r.file, r.row, r.column, r.reason) for r in reader.rejected] == [
        (str(tmp_path / "d.txt"), 1, "text", "the file is empty or blank"),
        (str(tmp_path / "e.txt"), 1, None, "cannot decode the file (broken UTF-16/UTF-32)"),
    ]
    assert reader.rows_read == 5
    assert f"{tmp_path / 'a.txt'}: bytes that are not UTF-8" in caplog.text
    assert "decoded as UTF-16" in caplog.text


def test_directory_metadata_pass(tmp_path):
    (tmp_path / "n1.txt").write_text("one")
    (tmp_path / "n2.txt").write_text(" ")
    reader = read_notes(tmp_path, with_text=False)
    assert [(n.note_id, n.text) for n in reader] == [("n1", "")]
    assert len(reader.rejected) == 1


def test_directory_case_variants_are_duplicates(tmp_path):
    (tmp_path / "n1.TXT").write_text("upper")
    (tmp_path / "n1.txt").write_text("lower")
    reader = read_notes(tmp_path)
    assert [n.text for n in reader] == ["upper"]  # sorted by name: "n1.TXT" < "n1.txt"
    assert reader.rejected[0].reason.startswith("duplicate note_id")


def test_empty_directory_warns(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="notes_audit"):
        assert list(read_notes(tmp_path)) == []
    assert "no .txt files" in caplog.text


# --- note text never leaks ---------------------------------------------------------------------

LEAK_CASES = [
    ("bad date", HEADER + f"n1,p1,,{SECRET},,,{SECRET}\n".encode()),
    ("ragged", HEADER + f"n1,p1,,,,,{SECRET},{SECRET}\n".encode()),
    ("duplicate", HEADER + f"n1,p1,,,,,{SECRET}\nn1,p1,,,,,{SECRET}\n".encode()),
    ("blank id", HEADER + f",p1,,,,,{SECRET}\n".encode()),
    ("cp1252 and NUL", HEADER + f"n1,p1,,,,,{SECRET}\xe9\x00\n".encode("latin-1")),
    ("stray quote", HEADER + f'n1,p1,,,,,"{SECRET}"{SECRET}\n'.encode()),
]


@pytest.mark.parametrize("name, data", LEAK_CASES, ids=[c[0] for c in LEAK_CASES])
def test_note_text_never_in_messages(tmp_path, caplog, name, data):
    with caplog.at_level(logging.DEBUG, logger="notes_audit"):
        reader = read_notes(write(tmp_path, "n.csv", data))
        list(reader)
    assert SECRET not in caplog.text
    assert all(SECRET not in json.dumps(r.to_dict()) for r in reader.rejected)


def test_unclosed_quote_error_does_not_quote_text(tmp_path):
    reader = read_notes(write(tmp_path, "n.csv", HEADER + f'n1,p1,,,,,"{SECRET}\n'.encode()))
    with pytest.raises(InputError) as info:
        list(reader)
    assert SECRET not in str(info.value)
