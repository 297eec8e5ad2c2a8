"""Bad input, tried systematically (docs/input-handling.md, "End-to-end matrix").

Every case feeds one spoiled file to the real commands (`extract` for notes, `scan` for notes and
for claim lines) and checks the outcome written in the table: processed, processed with a
warning, records rejected with a reason in summary.json, or exit 2 with a message naming the file
(and the row and column when there is one). Never a traceback, never exit 1, and always
records in = records out + records rejected.

The matrix runs in-process (typer's CliRunner, one shared NLP pipeline); one case of each way to
exit 2, and one exit-0 case with a warning, also run through the real console entry point,
`python -m notes_audit`, in a fresh process.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pytest

from reliability.conftest import entry_point
from reliability.inputs import (
    CLAIM_COLUMNS, CLAIMS, NOTE_COLUMNS, NOTES, big_note_text, csv_bytes, csv_text, garbage, jsonl_bytes,
    parquet_bytes, tiny_notes_csv, with_values,
)

PROCESSED, WARNING, REJECTED, EXIT2 = "processed", "warning", "rejected", "exit 2"


@dataclass(frozen=True)
class Case:
    id: str
    target: str  # "notes" or "claims": the file that is spoiled; the other one is the valid default
    name: str  # file name (its extension picks the format); a directory when `data` is a dict
    data: object  # bytes, a zero-argument callable giving bytes, or {file name: bytes} for a directory
    outcome: str
    records: int = 0  # records in the file: rows (CSV, Parquet), non-blank lines (JSONL), .txt files
    rejected: tuple[tuple[int, str | None, str], ...] = ()  # (row, column, reason fragment)
    warning: str | None = None  # fragment of the warning logged
    message: tuple[str, ...] = ()  # exit 2: fragments of the message besides the file name
    only: str | None = None  # run with this command only (default: extract and scan for notes, scan for claims)
    audited: int | None = None  # scan: notes run through the NLP, when the case is about that

    def payload(self):
        return self.data() if callable(self.data) else self.data


def _notes_csv(**kw) -> bytes:
    return csv_bytes(NOTES, NOTE_COLUMNS, **kw)


def _claims_csv(**kw) -> bytes:
    return csv_bytes(CLAIMS, CLAIM_COLUMNS, **kw)


def _replace_line(text: str, index: int, new: str) -> bytes:
    lines = text.splitlines(keepends=True)
    lines[index] = new
    return "".join(lines).encode()


def _append_to_line(text: str, index: int, suffix: str) -> bytes:
    lines = text.splitlines(keepends=True)
    lines[index] = lines[index].rstrip("\n") + suffix + "\n"
    return "".join(lines).encode()


NOTES_CSV = csv_text(NOTES, NOTE_COLUMNS)
CLAIMS_CSV = csv_text(CLAIMS, CLAIM_COLUMNS)
FIVE_MB = 5 * 1024 * 1024
MANY = 100_000
CP1252_TEXT = NOTES[0]["text"] + " Ménière’s history; café."

NOTE_CASES = [
    Case("notes: valid", "notes", "notes.csv", _notes_csv(), PROCESSED, 2),
    Case("notes: row with an extra field", "notes", "notes.csv", _append_to_line(NOTES_CSV, 2, ",EXTRA"),
         REJECTED, 2, ((2, None, "row has 6 fields; the header has 5"),)),
    Case("notes: row with a field missing", "notes", "notes.csv",
         _replace_line(NOTES_CSV, 1, 'n1,p1,2025-03-02,"' + NOTES[0]["text"] + '"\n'),
         REJECTED, 2, ((1, None, "row has 4 fields; the header has 5"),)),
    Case("notes: text after a closing quote", "notes", "notes.csv",
         _replace_line(NOTES_CSV, 1, 'n1,p1,e1,2025-03-02,"B12 given"late\n'),
         REJECTED, 2, ((1, None, "malformed quoting"),)),
    Case("notes: unclosed quote", "notes", "notes.csv",
         _replace_line(NOTES_CSV, 2, 'n2,p2,e2,2025-03-02,"Vitamin B12 182 pg/mL (L).\nno closing quote\n'),
         EXIT2, message=("row 2", "unclosed quote starting on line 3")),
    Case("notes: header only", "notes", "notes.csv", (",".join(NOTE_COLUMNS) + "\n").encode(), PROCESSED, 0),
    Case("notes: empty file", "notes", "notes.csv", b"", WARNING, 0, warning="the file is empty"),
    Case("notes: duplicate note_id", "notes", "notes.csv",
         csv_bytes([*NOTES, {**NOTES[0], "text": "Second copy of n1."}], NOTE_COLUMNS),
         REJECTED, 3, ((3, "note_id", "duplicate note_id (first read at"),)),
    Case("notes: latin-1 / cp1252 bytes", "notes", "notes.csv",
         csv_bytes(with_values(NOTES, 0, text=CP1252_TEXT), NOTE_COLUMNS, encoding="cp1252"),
         WARNING, 2, warning="bytes that are not UTF-8 (first in row 1); read them as cp1252"),
    Case("notes: UTF-16 with a byte-order mark", "notes", "notes.csv", _notes_csv(encoding="utf-16"),
         WARNING, 2, warning="decoded as UTF-16"),
    Case("notes: UTF-16 broken (odd byte count)", "notes", "notes.csv", _notes_csv(encoding="utf-16") + b"\x00",
         EXIT2, message=("cannot decode as UTF-16",)),
    Case("notes: UTF-8 byte-order mark", "notes", "notes.csv", b"\xef\xbb\xbf" + _notes_csv(), PROCESSED, 2),
    Case("notes: NUL bytes in a note", "notes", "notes.csv",
         csv_bytes(with_values(NOTES, 1, text="Vitamin B12\x00 182 pg/mL\x00 (L)."), NOTE_COLUMNS),
         WARNING, 2, warning="NUL characters removed (first in row 2)"),
    Case("notes: other control characters in a note", "notes", "notes.csv",
         csv_bytes(with_values(NOTES, 0, text=NOTES[0]["text"] + "\x0c\x07\x1b\x7f\x0b end"), NOTE_COLUMNS),
         PROCESSED, 2),
    Case("notes: binary garbage", "notes", "notes.csv", garbage(), EXIT2, message=("the header holds control characters",)),
    Case("notes: a Parquet file named .csv", "notes", "notes.csv",
         lambda: parquet_bytes({c: [n[c] for n in NOTES] for c in NOTE_COLUMNS}),
         EXIT2, message=("the header holds control characters",)),
    Case("notes: not Parquet, named .parquet", "notes", "notes.parquet", _notes_csv(),
         EXIT2, message=("not a readable Parquet file",)),
    Case("notes: required column missing", "notes", "notes.csv",
         csv_bytes(NOTES, NOTE_COLUMNS[:-1]), EXIT2, message=("column 'text'", "required column is missing")),
    Case("notes: semicolon-separated", "notes", "notes.csv",
         NOTES_CSV.replace(",", ";").encode(), EXIT2, message=("column 'note_id'", "must be comma-separated")),
    Case("notes: blank text", "notes", "notes.csv", csv_bytes(with_values(NOTES, 1, text="  \n "), NOTE_COLUMNS),
         REJECTED, 2, ((2, "text", "required value is missing or blank"),)),
    # scan only: it reads, extracts (~10 s), audits and writes it; `extract` would repeat the same NLP.
    Case("notes: a 5 MB note", "notes", "notes.csv",
         lambda: csv_bytes(with_values(NOTES, 0, text=big_note_text(FIVE_MB)), NOTE_COLUMNS), PROCESSED, 2,
         only="scan", audited=2),
    # scan only: the claims need 2 of them, the rest are read, counted and skipped (claim-driven);
    # extracting 100,000 notes is a throughput question (`notes-audit bench`), ~15 s here.
    Case("notes: 100,000 tiny notes", "notes", "notes.csv", lambda: tiny_notes_csv(MANY), PROCESSED, MANY,
         only="scan", audited=2),
    Case("notes: note_date 2025-13-40", "notes", "notes.csv",
         csv_bytes(with_values(NOTES, 0, note_date="2025-13-40"), NOTE_COLUMNS),
         REJECTED, 2, ((1, "note_date", "not a calendar date"),)),
    Case("notes: note_date 03/02/2025", "notes", "notes.csv",
         csv_bytes(with_values(NOTES, 1, note_date="03/02/2025"), NOTE_COLUMNS),
         REJECTED, 2, ((2, "note_date", "not an ISO date"),)),
    Case("notes: note_date with a time", "notes", "notes.csv",
         csv_bytes(with_values(NOTES, 1, note_date="2025-03-02T09:30:00Z"), NOTE_COLUMNS), PROCESSED, 2),
    Case("notes: JSONL with one broken line", "notes", "notes.jsonl",
         jsonl_bytes([NOTES[0], '{"note_id": "n9", "text": "cut off', NOTES[1]]),
         REJECTED, 3, ((2, None, "line is not valid JSON"),)),
    Case("notes: JSONL line that is not an object", "notes", "notes.jsonl",
         jsonl_bytes([NOTES[0], "[1, 2]", NOTES[1]]), REJECTED, 3, ((2, None, "line is not a JSON object"),)),
    Case("notes: JSONL lone surrogate escape", "notes", "notes.jsonl",
         jsonl_bytes([NOTES[0], json.dumps({**NOTES[1], "text": NOTES[1]["text"] + " \ud800"})]), PROCESSED, 2),
    Case("notes: JSONL numbers and nulls", "notes", "notes.jsonl",
         jsonl_bytes([{**NOTES[0], "note_id": 1, "encounter_id": "e1"}, {**NOTES[1], "note_date": None}]),
         PROCESSED, 2),
    Case("notes: Parquet with integer ids and timestamp dates", "notes", "notes.parquet",
         lambda: parquet_bytes({"note_id": [1, 2], "patient_id": ["p1", "p2"], "encounter_id": ["e1", "e2"],
                                "note_date": pa.array([1740873600, 1740873600], pa.timestamp("s")),
                                "text": [n["text"] for n in NOTES]}),
         PROCESSED, 2),
    Case("notes: Parquet with integer note_date (wrong type)", "notes", "notes.parquet",
         lambda: parquet_bytes({"note_id": ["n1", "n2"], "patient_id": ["p1", "p2"], "encounter_id": ["e1", "e2"],
                                "note_date": [20250302, 20250302], "text": [n["text"] for n in NOTES]}),
         REJECTED, 2, ((1, "note_date", "not an ISO date"), (2, "note_date", "not an ISO date"))),
    Case("notes: Parquet with integer text (wrong type)", "notes", "notes.parquet",
         lambda: parquet_bytes({"note_id": ["n1", "n2"], "patient_id": ["p1", "p2"], "encounter_id": ["e1", "e2"],
                                "note_date": ["2025-03-02"] * 2, "text": [12, None]}),
         REJECTED, 2, ((2, "text", "required value is missing or blank"),)),
    Case("notes: directory of .txt (UTF-16, cp1252, empty)", "notes", "notes", {
        "n1.txt": NOTES[0]["text"].encode("utf-16"), "n2.txt": CP1252_TEXT.encode("cp1252"), "n3.txt": b"",
        "readme.md": b"not a note"},
         REJECTED, 3, ((1, "text", "the file is empty or blank"),), warning="read them as cp1252"),
]

CLAIM_CASES = [
    Case("claims: valid", "claims", "claims.csv", _claims_csv(), PROCESSED, 4),
    Case("claims: row with an extra field", "claims", "claims.csv", _append_to_line(CLAIMS_CSV, 2, ",EXTRA"),
         REJECTED, 4, ((2, None, "row has 14 fields; the header has 13"),)),
    Case("claims: row with fields missing", "claims", "claims.csv",
         _replace_line(CLAIMS_CSV, 3, "c2,1,96372,1,D51.9,p2,2025-03-02\n"),
         REJECTED, 4, ((3, None, "row has 7 fields; the header has 13"),)),
    Case("claims: trailing comma", "claims", "claims.csv", _append_to_line(CLAIMS_CSV, 1, ","), PROCESSED, 4),
    Case("claims: unclosed quote", "claims", "claims.csv",
         _replace_line(CLAIMS_CSV, 3, 'c2,1,96372,1,,"D51.9,p2,2025-03-02,e2,,,,Medicare\n'),
         EXIT2, message=("row 3", "unclosed quote starting on line 4")),
    Case("claims: header only", "claims", "claims.csv", (",".join(CLAIM_COLUMNS) + "\n").encode(), PROCESSED, 0),
    Case("claims: empty file", "claims", "claims.csv", b"", WARNING, 0, warning="the file is empty"),
    Case("claims: duplicate (claim_id, line_number)", "claims", "claims.csv",
         csv_bytes([*CLAIMS, {**CLAIMS[1], "code": "J3425"}, {**CLAIMS[0], "line_number": "1.0"}], CLAIM_COLUMNS),
         REJECTED, 6, ((5, "line_number", "duplicate line: claim c1 line 2 first read in row 2"),
                       (6, "line_number", "duplicate line: claim c1 line 1 first read in row 1"))),
    Case("claims: latin-1 / cp1252 bytes", "claims", "claims.csv",
         csv_bytes(with_values(CLAIMS, 2, payer="Société Générale"), CLAIM_COLUMNS, encoding="latin-1"),
         WARNING, 4, warning="bytes that are not UTF-8 (first in row 3)"),
    Case("claims: UTF-16 with a byte-order mark", "claims", "claims.csv", _claims_csv(encoding="utf-16"),
         WARNING, 4, warning="decoded as UTF-16"),
    Case("claims: UTF-8 byte-order mark", "claims", "claims.csv", b"\xef\xbb\xbf" + _claims_csv(), PROCESSED, 4),
    Case("claims: NUL bytes", "claims", "claims.csv",
         csv_bytes(with_values(CLAIMS, 1, payer="Medi\x00care", code="J34\x0020"), CLAIM_COLUMNS),
         WARNING, 4, warning="NUL characters removed (first in row 2)"),
    Case("claims: other control characters", "claims", "claims.csv",
         csv_bytes(with_values(CLAIMS, 0, payer="Medi\x07care\x0c\x1b"), CLAIM_COLUMNS), PROCESSED, 4),
    Case("claims: control character in a code", "claims", "claims.csv",
         csv_bytes(with_values(CLAIMS, 0, code="963\x0772"), CLAIM_COLUMNS),
         REJECTED, 4, ((1, "code", "not a CPT code (5 digits, or 4 digits and F/T/U) or a HCPCS code "
                                   "(a letter A-V and 4 digits): '963?72'"),)),
    Case("claims: binary garbage", "claims", "claims.csv", garbage(seed=11), EXIT2,
         message=("the header holds control characters",)),
    Case("claims: required column missing", "claims", "claims.csv", csv_bytes(CLAIMS, CLAIM_COLUMNS[:7]),
         EXIT2, message=("column 'service_date'", "required column is missing")),
    Case("claims: invalid code J342O", "claims", "claims.csv",
         csv_bytes(with_values(CLAIMS, 1, code="J342O"), CLAIM_COLUMNS),
         REJECTED, 4, ((2, "code", "'J342O'"),)),
    Case("claims: malformed ICD-10 D51..0", "claims", "claims.csv",
         csv_bytes(with_values(CLAIMS, 2, dx_codes="D51..0"), CLAIM_COLUMNS),
         REJECTED, 4, ((3, "dx_codes", "not an ICD-10-CM code: 'D51..0'"),)),
    Case("claims: service_date 2025-13-40", "claims", "claims.csv",
         csv_bytes(with_values(CLAIMS, 0, service_date="2025-13-40"), CLAIM_COLUMNS),
         REJECTED, 4, ((1, "service_date", "not a calendar date: '2025-13-40'"),)),
    Case("claims: service_date 03/02/2025", "claims", "claims.csv",
         csv_bytes(with_values(CLAIMS, 3, service_date="03/02/2025"), CLAIM_COLUMNS),
         REJECTED, 4, ((4, "service_date", "not an ISO date (YYYY-MM-DD): '03/02/2025'"),)),
    Case("claims: units 1,000", "claims", "claims.csv", csv_bytes(with_values(CLAIMS, 1, units="1,000"), CLAIM_COLUMNS),
         REJECTED, 4, ((2, "units", "a comma is ambiguous"),)),
    Case("claims: units -1", "claims", "claims.csv", csv_bytes(with_values(CLAIMS, 1, units="-1"), CLAIM_COLUMNS),
         REJECTED, 4, ((2, "units", "negative: '-1'"),)),
    Case("claims: units abc", "claims", "claims.csv", csv_bytes(with_values(CLAIMS, 3, units="abc"), CLAIM_COLUMNS),
         REJECTED, 4, ((4, "units", "not a number: 'abc'"),)),
    # str.upper() would turn these into valid-looking values ("SS", "ST", "I1234"): rejected as written.
    Case("claims: modifier with a non-ASCII letter (ß, ﬆ)", "claims", "claims.csv",
         csv_bytes(with_values(with_values(CLAIMS, 0, modifiers="ß"), 2, modifiers="59;ﬆ"), CLAIM_COLUMNS),
         REJECTED, 4, ((1, "modifiers", "a modifier is not 2 letters or digits: 'ß'"),
                       (3, "modifiers", "a modifier is not 2 letters or digits: 'ﬆ'"))),
    Case("claims: code with a dotless i (ı1234)", "claims", "claims.csv",
         csv_bytes(with_values(CLAIMS, 3, code="ı1234"), CLAIM_COLUMNS), REJECTED, 4, ((4, "code", "'ı1234'"),)),
    Case("claims: line_number of 5,000 digits", "claims", "claims.csv",
         csv_bytes(with_values(CLAIMS, 1, line_number="1" * 5000), CLAIM_COLUMNS),
         REJECTED, 4, ((2, "line_number", "too large (more than 18 digits)"),)),
    Case("claims: line_number 2 with 5,000 leading zeros", "claims", "claims.csv",
         csv_bytes(with_values(CLAIMS, 1, line_number="0" * 5000 + "2"), CLAIM_COLUMNS), PROCESSED, 4),
    Case("claims: empty modifiers", "claims", "claims.csv",
         csv_bytes(with_values(with_values(CLAIMS, 0, modifiers=";"), 1, modifiers=" , ;"), CLAIM_COLUMNS),
         PROCESSED, 4),
    Case("claims: JSONL with one broken line", "claims", "claims.jsonl",
         jsonl_bytes([CLAIMS[0], CLAIMS[1], '{"claim_id": "c2", "line_number": 1,', CLAIMS[2], CLAIMS[3]]),
         REJECTED, 5, ((3, None, "line is not valid JSON"),)),
    Case("claims: Parquet with numbers as strings and date32 dates", "claims", "claims.parquet",
         lambda: parquet_bytes({**{c: [r[c] for r in CLAIMS] for c in CLAIM_COLUMNS},
                                "line_number": [1.0, 2.0, 1.0, 2.0],
                                "service_date": pa.array([20149] * 4, pa.date32())}),
         PROCESSED, 4),
    Case("claims: Parquet with a float line_number 2.5 (wrong type)", "claims", "claims.parquet",
         lambda: parquet_bytes({**{c: [r[c] for r in CLAIMS] for c in CLAIM_COLUMNS},
                                "line_number": [1.0, 2.0, 1.0, 2.5]}),
         REJECTED, 4, ((4, "line_number", "not a whole number: '2.5'"),)),
    Case("claims: Parquet with integer service_date (wrong type)", "claims", "claims.parquet",
         lambda: parquet_bytes({**{c: [r[c] for r in CLAIMS] for c in CLAIM_COLUMNS},
                                "service_date": [20250302] * 4}),
         REJECTED, 4, tuple((row, "service_date", "not an ISO date") for row in range(1, 5))),
]

CASES = NOTE_CASES + CLAIM_CASES


def materialise(case: Case, directory: Path) -> Path:
    """Write the spoiled file and the valid other input; returns the spoiled path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / case.name
    payload = case.payload()
    if isinstance(payload, dict):
        path.mkdir()
        for name, data in payload.items():
            (path / name).write_bytes(data)
    else:
        path.write_bytes(payload)
    if case.target == "notes":
        (directory / "claims.csv").write_bytes(_claims_csv())
    else:
        (directory / "notes.csv").write_bytes(_notes_csv())
    return path


def inputs_of(case: Case, directory: Path) -> tuple[Path, Path]:
    spoiled = materialise(case, directory)
    if case.target == "notes":
        return spoiled, directory / "claims.csv"
    return directory / "notes.csv", spoiled


def commands(case: Case) -> list[str]:
    if case.only:
        return [case.only]
    return ["extract", "scan"] if case.target == "notes" else ["scan"]


MATRIX = [pytest.param(case, command, id=f"{command} | {case.id}") for case in CASES for command in commands(case)]


def _assert_rejections(rejected: list[dict], case: Case, file: Path) -> None:
    got = [(r["row"], r["column"], r["reason"]) for r in rejected]
    assert len(got) == len(case.rejected), got
    for (row, column, reason), (want_row, want_column, fragment) in zip(got, case.rejected):
        assert (row, column) == (want_row, want_column), got
        assert fragment in reason, got
    for r in rejected:
        assert r["file"].startswith(str(file)), r  # a .txt directory names the file inside it


@pytest.mark.parametrize("case, command", MATRIX)
def test_bad_input_matrix(case: Case, command: str, cli, tmp_path, caplog):
    notes, claims = inputs_of(case, tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    caplog.set_level(logging.WARNING)
    if command == "extract":
        run = cli("extract", "--notes", notes, "--out", out / "evidence.jsonl")
    else:
        run = cli("scan", "--notes", notes, "--claims", claims, "--out", out / "findings.jsonl")
    assert run.exception is None, f"internal error: {run.exception!r}"
    spoiled = notes if case.target == "notes" else claims
    assert "Traceback" not in run.stderr + caplog.text

    if case.outcome == EXIT2:
        assert run.exit_code == 2, run.stderr
        assert run.stderr.startswith("notes-audit: error: ") and f"file {spoiled}" in run.stderr, run.stderr
        for fragment in case.message:
            assert fragment in run.stderr, run.stderr
        assert list(out.iterdir()) == [], "exit 2 must leave no output"
        return

    assert run.exit_code == 0, run.stderr
    if case.warning is not None:
        assert case.warning in caplog.text
        assert str(spoiled) in caplog.text
    elif case.outcome == PROCESSED:
        read_warnings = [r for r in caplog.records if r.name == "notes_audit.read"]
        assert read_warnings == [], [r.getMessage() for r in read_warnings]

    if command == "extract":
        records = [json.loads(line) for line in (out / "evidence.jsonl").read_text(encoding="utf-8").splitlines()]
        logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("note rejected:")]
        assert len(records) + len(logged) == case.records
        assert len(logged) == len(case.rejected), logged
        for message, (row, _column, fragment) in zip(logged, case.rejected):
            assert f" row {row}: " in message and fragment in message, message
        assert len({r["note_id"] for r in records}) == len(records)
        return

    summary = json.loads((out / "findings.jsonl.summary.json").read_text(encoding="utf-8"))
    findings = (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    lines, notes_ = summary["lines"], summary["notes"]
    # records in = records out + records rejected, for both inputs
    assert lines["read"] == lines["out"] + lines["rejected"] == lines["out"] + len(lines["rejected_records"])
    assert lines["out"] == len(findings)
    assert notes_["read"] == notes_["audited"] + notes_["skipped"] + notes_["rejected"]
    assert notes_["rejected"] == len(notes_["rejected_records"])
    mine, other = (notes_, lines) if case.target == "notes" else (lines, notes_)
    assert mine["read"] == case.records
    assert other["rejected"] == 0 and other["read"] == (2 if case.target == "claims" else 4)
    _assert_rejections(mine["rejected_records"], case, spoiled)
    assert sum(mine["rejected_by_column"].values()) == mine["rejected"]
    if case.audited is not None:
        assert notes_["audited"] == case.audited


def test_extract_to_stdout_keeps_stdout_machine_readable(cli, tmp_path, caplog):
    """Warnings and rejections go to the log (stderr), never into the JSONL on stdout."""
    notes = tmp_path / "notes.csv"
    notes.write_bytes(csv_bytes([*with_values(NOTES, 0, text=CP1252_TEXT), {**NOTES[1], "note_date": "2025-13-40"}],
                                NOTE_COLUMNS, encoding="cp1252"))
    caplog.set_level(logging.WARNING)
    run = cli("extract", "--notes", notes)
    assert run.exit_code == 0 and run.exception is None, run.stderr
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["note_id"] for r in records] == ["n1", "n2"]  # the third row (a bad date) is rejected
    assert "not UTF-8" in caplog.text and "note rejected:" in caplog.text


# --out that cannot be written is an unusable argument: exit 2 naming the path, no temporary file left.
# (setup: what to create under tmp_path first; "d/" a directory, "f" a file)
OUTPUT_CASES = [
    ("scan: --out FILE.jsonl is a directory", ["d/out.jsonl/"], "scan", "out.jsonl", "out.jsonl",
     "cannot write the output file (Is a directory)"),
    ("scan: --out DIR whose findings.csv is a directory", ["d/out/findings.csv/"], "scan", "out", "out/findings.csv",
     "cannot write the output file (Is a directory)"),
    ("scan: --out DIR whose findings.html is a directory", ["d/out/findings.html/"], "scan", "out",
     "out/findings.html", "cannot write the output file (Is a directory)"),
    ("scan: --out under a file", ["f/plain"], "scan", "plain/out.jsonl", "plain",
     "the output path exists and is not a directory"),
    ("extract: --out FILE.jsonl is a directory", ["d/ev.jsonl/"], "extract", "ev.jsonl", "ev.jsonl",
     "cannot write the output file (Is a directory)"),
    ("extract: --out in a missing directory", [], "extract", "missing/ev.jsonl", "missing/ev.jsonl",
     "cannot write the output file (No such file or directory)"),
]


@pytest.mark.parametrize("setup, command, out, named, fragment", [pytest.param(*c[1:], id=c[0]) for c in OUTPUT_CASES])
def test_unusable_output_path_exits_2(setup, command, out, named, fragment, cli, tmp_path):
    notes, claims = tmp_path / "notes.csv", tmp_path / "claims.csv"
    notes.write_bytes(_notes_csv())
    claims.write_bytes(_claims_csv())
    work = tmp_path / "work"
    work.mkdir()
    for item in setup:
        kind, name = item.split("/", 1)
        (work / name).mkdir(parents=True) if kind == "d" else (work / name).write_text("x")
    args = ["--notes", notes, "--out", work / out] + (["--claims", claims] if command == "scan" else [])
    run = cli(command, *args)
    assert run.exception is None, f"internal error: {run.exception!r}"
    assert run.exit_code == 2, run.stderr
    assert run.stderr.startswith(f"notes-audit: error: file {work / named}: {fragment}"), run.stderr
    leftovers = [p for p in work.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


# docs/input-handling.md promises roster rejections in summary.json (`roster.rejected_records`).
def test_roster_rejections_are_in_the_summary(cli, tmp_path):
    (tmp_path / "notes.csv").write_bytes(_notes_csv())
    (tmp_path / "claims.csv").write_bytes(_claims_csv())
    (tmp_path / "roster.csv").write_text("npi,name,credential\n1234567893,Amanda Chen,MD\n12345,Bad Npi,MD\n")
    run = cli("scan", "--notes", tmp_path / "notes.csv", "--claims", tmp_path / "claims.csv",
              "--roster", tmp_path / "roster.csv", "--out", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    roster = json.loads((tmp_path / "out" / "summary.json").read_text())["roster"]
    assert (roster["read"], roster["used"], roster["rejected"]) == (2, 1, 1)
    assert roster["rejected_records"][0]["column"] == "npi"


# Through the real console entry point (a fresh process each, ~3 s to start): one case of each way
# to exit 2 (every exit-2 case also runs in-process above), and an exit-0 case with a warning.
ENTRY_POINT = [
    ("extract", "notes: unclosed quote"),
    ("scan", "claims: unclosed quote"),
    ("scan", "notes: UTF-16 broken (odd byte count)"),
    ("extract", "notes: binary garbage"),
    ("extract", "notes: not Parquet, named .parquet"),
    ("scan", "claims: required column missing"),
    ("scan", "notes: latin-1 / cp1252 bytes"),
]
_BY_ID = {case.id: case for case in CASES}
ENTRY_EXIT2 = [pytest.param(_BY_ID[i], cmd, id=f"{cmd} | {i}") for cmd, i in ENTRY_POINT if _BY_ID[i].outcome == EXIT2]
ENTRY_OK = [pytest.param(_BY_ID[i], cmd, id=f"{cmd} | {i}") for cmd, i in ENTRY_POINT if _BY_ID[i].outcome != EXIT2]


@pytest.fixture(scope="module", autouse=True)
def entry_point_runs(tmp_path_factory):
    """Start every entry-point run when the module starts, one process at a time in the background,
    so they overlap with the in-process matrix; the entry-point tests collect the results."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    jobs = {}
    for param in ENTRY_EXIT2 + ENTRY_OK:
        case, command = param.values
        base = tmp_path_factory.mktemp("entry")
        notes, claims = inputs_of(case, base / "in")
        out = base / "out"
        out.mkdir()
        args = (["extract", "--notes", notes, "--out", out / "evidence.jsonl"] if command == "extract" else
                ["scan", "--notes", notes, "--claims", claims, "--out", out / "findings.jsonl"])
        jobs[param.id] = (pool.submit(entry_point, *args), notes if case.target == "notes" else claims, out)
    yield {key: (future, spoiled, out) for key, (future, spoiled, out) in jobs.items()}
    pool.shutdown(wait=True)


def _entry_result(runs, request):
    future, spoiled, out = runs[request.node.callspec.id]
    return future.result(), spoiled, out


@pytest.mark.parametrize("case, command", ENTRY_EXIT2)
def test_unusable_input_exits_2_through_the_entry_point(case, command, entry_point_runs, request):
    proc, spoiled, out = _entry_result(entry_point_runs, request)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    *warnings, message = proc.stderr.strip().splitlines()
    assert all(w.startswith("notes-audit: WARNING: ") for w in warnings), proc.stderr
    assert message.startswith(f"notes-audit: error: file {spoiled}"), proc.stderr
    for fragment in case.message:
        assert fragment in message
    assert proc.stdout == ""
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("case, command", ENTRY_OK)
def test_bad_records_exit_0_through_the_entry_point(case, command, entry_point_runs, request):
    proc, spoiled, out = _entry_result(entry_point_runs, request)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    if case.warning:
        assert case.warning in proc.stderr and str(spoiled) in proc.stderr
    summary = json.loads((out / "findings.jsonl.summary.json").read_text())
    lines, notes = summary["lines"], summary["notes"]
    assert lines["read"] == lines["out"] + lines["rejected"]
    assert notes["read"] == notes["audited"] + notes["skipped"] + notes["rejected"]
    mine = notes if case.target == "notes" else lines
    assert (mine["read"], mine["rejected"]) == (case.records, len(case.rejected))
