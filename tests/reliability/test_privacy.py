"""Data and privacy: note text never reaches a log or an error message, files holding it are 0600,
`--no-text` writes spans only, nothing goes on the network, and outputs appear whole or not at all.

A canary string is put in the note text; the tests look for it everywhere it must not be.
"""

from __future__ import annotations

import concurrent.futures
import csv
import json
import logging
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reliability.conftest import REPO
from reliability.inputs import (
    CANARY, CLAIM_COLUMNS, CLAIMS, NOTE_COLUMNS, NOTES, csv_bytes, csv_text, jsonl_bytes, with_values,
)

# Notes whose text carries the canary: two audited notes (the canary inside evidence spans: the
# diagnosis, the administration, the supervision), and bad rows of every kind around them.
CANARY_NOTE_1 = (f"Assessment: pernicious anemia ({CANARY}). Cyanocobalamin 1000 mcg IM given left deltoid "
                 f"{CANARY} by Jane Doe, RN. Dr. Amanda Chen present in office {CANARY}.")
CANARY_NOTE_2 = f"Vitamin B12 182 pg/mL (L) {CANARY}. Assessment: B12 deficiency anemia {CANARY}. " \
                f"Cyanocobalamin 1000 mcg IM given right deltoid by Dr. Priya Patel {CANARY}."
CANARY_NOTES = [
    {**NOTES[0], "text": CANARY_NOTE_1},
    {**NOTES[1], "text": CANARY_NOTE_2},
    {"note_id": "n3", "patient_id": "p3", "encounter_id": "", "note_date": "03/02/2025", "text": CANARY},  # bad date
    {"note_id": "n1", "patient_id": "p1", "encounter_id": "e1", "note_date": "2025-03-02", "text": CANARY},  # duplicate
    {"note_id": "n4", "patient_id": "p4", "encounter_id": "", "note_date": "2025-13-40", "text": f"x {CANARY}"},
]


def canary_notes_csv() -> bytes:
    text = csv_text(CANARY_NOTES, NOTE_COLUMNS)
    text += f'n5,p5,,2025-03-02,"{CANARY}",{CANARY}\n'  # ragged: an extra field
    text += f'n6,p6,,2025-03-02,"{CANARY}"{CANARY}\n'  # text after the closing quote
    text += f"n7,p7,2025-03-02,{CANARY}\n"  # a field missing
    return text.encode()


def canary_notes_jsonl() -> bytes:
    return jsonl_bytes([*CANARY_NOTES, f'{{"note_id": "n8", "text": "{CANARY}', f'["{CANARY}"]',
                        {"note_id": "n9", "text": CANARY, "Text": CANARY}])


def canary_claims_csv() -> bytes:
    # Two units billed for 1000 mcg: UNITS_MISMATCH cites the administration, whose text holds the
    # canary. A rejected line beside them: its reason quotes the bad value (claim data, not note text).
    claims = with_values(with_values(CLAIMS, 1, units="2"), 3, units="2")
    return csv_bytes([*claims, {**CLAIMS[0], "line_number": "9", "units": "1,000"}], CLAIM_COLUMNS)


@pytest.fixture
def canary_inputs(tmp_path) -> dict[str, Path]:
    files = {
        "notes.csv": canary_notes_csv(),
        "notes.jsonl": canary_notes_jsonl(),
        "claims.csv": canary_claims_csv(),
        "unclosed.csv": (csv_text(CANARY_NOTES[:1], NOTE_COLUMNS) + f'n2,p2,e2,2025-03-02,"{CANARY}\n{CANARY}\n').encode(),
        "utf16-broken.csv": csv_bytes(CANARY_NOTES[:2], NOTE_COLUMNS, encoding="utf-16") + b"\x00",
    }
    directory = tmp_path / "in"
    directory.mkdir()
    for name, data in files.items():
        (directory / name).write_bytes(data)
    return {name: directory / name for name in files}


@pytest.fixture
def all_loggers_at_debug():
    """Root and every logger already created at DEBUG (medspaCy's and spaCy's too); restored after."""
    manager = logging.root.manager
    saved = {name: lg.level for name, lg in manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    saved_root = logging.root.level
    for name in saved:
        logging.getLogger(name).setLevel(logging.DEBUG)
    logging.root.setLevel(logging.DEBUG)
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)
    logging.root.setLevel(saved_root)


def _runs(inputs: dict[str, Path], out: Path) -> list[tuple[list, int]]:
    """(arguments, expected exit code): every command over every canary input."""
    return [
        (["scan", "-v", "--notes", inputs["notes.csv"], "--claims", inputs["claims.csv"], "--out", out / "a"], 0),
        (["scan", "-v", "--notes", inputs["notes.jsonl"], "--claims", inputs["claims.csv"], "--out", out / "b"], 0),
        (["extract", "-v", "--notes", inputs["notes.csv"], "--out", out / "c.jsonl"], 0),
        (["extract", "-v", "--notes", inputs["notes.jsonl"], "--out", out / "d.jsonl"], 0),
        (["extract", "-v", "--notes", inputs["unclosed.csv"], "--out", out / "e.jsonl"], 2),
        (["scan", "-v", "--notes", inputs["unclosed.csv"], "--claims", inputs["claims.csv"], "--out", out / "f"], 2),
        (["scan", "-v", "--notes", inputs["utf16-broken.csv"], "--claims", inputs["claims.csv"], "--out", out / "g"], 2),
    ]


def test_logs_and_errors_never_hold_note_text(cli, canary_inputs, tmp_path, caplog, capfd, all_loggers_at_debug):
    from loguru import logger

    loguru_messages: list[str] = []
    sink = logger.add(lambda m: loguru_messages.append(str(m)), level="DEBUG")
    caplog.set_level(logging.DEBUG)
    try:
        runs = [(args, code, cli(*args)) for args, code in _runs(canary_inputs, tmp_path / "out")]
    finally:
        logger.remove(sink)
    for args, code, run in runs:
        assert run.exception is None and run.exit_code == code, (args, run.stderr)
        assert CANARY not in run.stderr, args
    captured = capfd.readouterr()
    assert any("rejected" in r.getMessage() for r in caplog.records)  # the bad rows were logged about
    for record in caplog.records:
        assert CANARY not in record.getMessage(), (record.name, record.levelname)
        assert CANARY.lower() not in record.getMessage().lower()
    assert not [m for m in loguru_messages if CANARY.lower() in m.lower()]
    assert CANARY.lower() not in (captured.out + captured.err).lower()


def test_summary_reasons_never_quote_note_text(cli, canary_inputs, tmp_path):
    for notes in ("notes.csv", "notes.jsonl"):
        out = tmp_path / f"out-{notes.replace('.', '-')}"
        run = cli("scan", "--notes", canary_inputs[notes], "--claims", canary_inputs["claims.csv"], "--out", out)
        assert run.exit_code == 0, run.stderr
        summary = (out / "summary.json").read_text(encoding="utf-8")
        assert json.loads(summary)["notes"]["rejected"] >= 5
        assert "1,000" in summary  # a claim line's bad value is quoted, so the auditor can find it
        assert CANARY.lower() not in summary.lower()


# The real entry point at DEBUG: logging configured at DEBUG before the CLI runs, loguru's default
# sink (stderr, DEBUG) left in place, every byte of stdout and stderr of the process checked.
DEBUG_MAIN = """
import logging, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
from notes_audit.cli.app import main
sys.argv = ["notes-audit", *sys.argv[1:]]
main()
"""


def test_entry_point_at_debug_never_logs_note_text(canary_inputs, tmp_path):
    args = ["scan", "-v", "--notes", canary_inputs["notes.csv"], "--claims", canary_inputs["claims.csv"],
            "--out", tmp_path / "out"]
    proc = subprocess.run([sys.executable, "-c", DEBUG_MAIN, *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "INFO:notes_audit.scan" in proc.stderr and "rejected" in proc.stderr  # logging was on
    assert CANARY.lower() not in (proc.stdout + proc.stderr).lower()


# --- files holding note text are 0600; --no-text writes spans only -------------------------------

FORMATS = ("findings.jsonl", "findings.csv", "findings.xlsx", "findings.html")


def _contents(path: Path) -> str:
    """A file's text; for the XLSX, the text of every part of the zip."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(name).decode("utf-8") for name in z.namelist())
    return path.read_text(encoding="utf-8")


@pytest.fixture
def umask_zero():
    """Umask 0: a file is private only because the writer asked for it."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_files_with_note_text_are_0600_and_no_text_writes_spans_only(cli, canary_inputs, tmp_path, umask_zero):
    notes, claims = canary_inputs["notes.csv"], canary_inputs["claims.csv"]
    with_text, without = tmp_path / "text", tmp_path / "no-text"
    assert cli("scan", "--notes", notes, "--claims", claims, "--out", with_text).exit_code == 0
    assert cli("scan", "--notes", notes, "--claims", claims, "--out", without, "--no-text").exit_code == 0
    assert cli("extract", "--notes", notes, "--out", tmp_path / "ev.jsonl").exit_code == 0
    assert cli("extract", "--notes", notes, "--out", tmp_path / "ev-no-text.jsonl", "--no-text").exit_code == 0

    for name in FORMATS:
        assert CANARY in _contents(with_text / name), f"{name}: the canary should be in the evidence"  # control
        assert stat.S_IMODE((with_text / name).stat().st_mode) == 0o600, name
        assert CANARY not in _contents(without / name), name
    assert CANARY in (tmp_path / "ev.jsonl").read_text()
    assert stat.S_IMODE((tmp_path / "ev.jsonl").stat().st_mode) == 0o600
    assert CANARY not in (tmp_path / "ev-no-text.jsonl").read_text()
    for directory in (with_text, without):
        assert CANARY not in (directory / "summary.json").read_text()

    # Spans only: every piece of evidence keeps its span and loses its text.
    findings = [json.loads(x) for x in (without / "findings.jsonl").read_text().splitlines()]
    evidence = [e for f in findings for x in f["findings"] for e in x["evidence"]]
    assert evidence and all("span" in e and "text" not in e for e in evidence)
    records = [json.loads(x) for x in (tmp_path / "ev-no-text.jsonl").read_text().splitlines()]
    items = [i for r in records for k in ("labs", "diagnoses", "administrations", "supervision") for i in r[k]]
    assert items and all("span" in i and "text" not in i for i in items)
    assert "evidence_text" not in (without / "findings.csv").read_text().splitlines()[0]


# Found here: names, lot numbers and problems are copied from the note into the evidence, and the
# name of the person who gave the injection into the SUPERVISION_NOT_DOCUMENTED message, and
# `--no-text` keeps them. A canary shaped like a name shows it. The evidence model and the rule
# messages now keep neither (see notes_audit/evidence/model.py _COPIED_FROM_NOTE).
NAME_CANARY = "Zebracanary"


def test_no_text_keeps_no_name_copied_from_the_note(cli, tmp_path):
    note = (f"Assessment: pernicious anemia. Cyanocobalamin 1000 mcg IM given left deltoid, lot {NAME_CANARY}7, "
            f"by Zoe {NAME_CANARY}, RN. Supervising: Dr. Amy {NAME_CANARY} present in office.")
    (tmp_path / "notes.csv").write_bytes(csv_bytes([{**NOTES[0], "text": note}], NOTE_COLUMNS))
    (tmp_path / "claims.csv").write_bytes(csv_bytes(CLAIMS[:2], CLAIM_COLUMNS))
    (tmp_path / "no-sup.csv").write_bytes(csv_bytes([{**NOTES[0], "text": note.split(" Supervising")[0]}],
                                                    NOTE_COLUMNS))
    assert cli("extract", "--notes", tmp_path / "notes.csv", "--out", tmp_path / "ev.jsonl", "--no-text").exit_code == 0
    assert cli("scan", "--notes", tmp_path / "no-sup.csv", "--claims", tmp_path / "claims.csv", "--out",
               tmp_path / "out", "--no-text").exit_code == 0
    leaks = [name for name in ["ev.jsonl", *(f"out/{f}" for f in FORMATS)]
             if NAME_CANARY.lower() in _contents(tmp_path / name).lower()]
    assert leaks == []


# --- no network at run time ----------------------------------------------------------------------

def test_scan_of_the_demo_corpus_opens_no_socket(monkeypatch, tmp_path):
    attempts: list[str] = []

    def refuse(name):
        def blocked(*args, **kwargs):
            attempts.append(name)
            raise OSError(f"network access in a test: socket.{name}")
        return blocked

    real_socket = socket.socket

    class NoNetSocket(real_socket):
        def __init__(self, family=-1, *args, **kwargs):
            if family in (-1, socket.AF_INET, socket.AF_INET6):
                refuse("socket")()
            super().__init__(family, *args, **kwargs)

    monkeypatch.setattr(socket, "socket", NoNetSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse(name))
    from notes_audit.cli.app import app

    # A fresh pipeline (not the session's), built while the network is blocked.
    result = CliRunner().invoke(app, ["scan", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert attempts == []
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["lines"]["out"] > 100 and summary["notes"]["audited"] > 50


# --- atomic outputs: SIGKILL midway --------------------------------------------------------------

KILL_LINES = 5_000
KILL_PHASES = {  # phase being written when the run is killed: final names complete by then
    ".jsonl": [],  # JSONL and CSV are streamed while the lines are audited (atomic_writer)
    ".xlsx": ["findings.csv", "findings.jsonl"],  # XLSX and HTML are staged at the end (same for HTML)
}


def _many_lines_claims(path: Path) -> None:
    # Two lines (96372 + J3420) per patient and day, no note for them: NOTE_MISSING, no NLP.
    rows = [{**CLAIMS[i % 2], "claim_id": f"k{i // 2}", "patient_id": f"q{i // 2}", "encounter_id": ""}
            for i in range(KILL_LINES)]
    path.write_bytes(csv_bytes(rows, CLAIM_COLUMNS))


def _temp_entries(directory: Path, prefix: str) -> list[Path]:
    try:
        return [p for p in directory.iterdir() if p.name.startswith(prefix) and p.name.endswith(".tmp")]
    except FileNotFoundError:
        return []


def _streamed_temp_has_data(out: Path, prefix: str) -> bool:
    return any(p.is_file() and p.stat().st_size > 64_000 for p in _temp_entries(out, prefix))


def _kill_when(args: list, reached, timeout: float = 150) -> int:
    """Start `python -m notes_audit ARGS`, SIGKILL it once `reached()` is true; its return code."""
    proc = subprocess.Popen([sys.executable, "-m", "notes_audit", *map(str, args)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while not reached():
            if proc.poll() is not None or time.monotonic() > deadline:
                return proc.returncode if proc.returncode is not None else -1
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    return proc.returncode


def _kill_scan(phase: str, base: Path) -> tuple[int, Path]:
    notes, claims, out = base / "notes.csv", base / "claims.csv", base / "out"
    notes.write_bytes(csv_bytes(NOTES, NOTE_COLUMNS))
    _many_lines_claims(claims)
    if phase in (".jsonl", ".csv"):  # streamed while the lines are audited: wait until a good part is on disk
        reached = lambda: _streamed_temp_has_data(out, f".findings{phase}.")  # noqa: E731
    else:  # XLSX and HTML are written at the end, each in a staging directory
        reached = lambda: bool(_temp_entries(out, f".findings{phase}."))  # noqa: E731
    return _kill_when(["scan", "--notes", notes, "--claims", claims, "--out", out], reached), out


@pytest.fixture(scope="module", autouse=True)
def killed_runs(tmp_path_factory):
    """Start the kill scenarios when the module starts, in the background, one process at a time
    (each takes seconds to start): they overlap with the in-process tests above."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    jobs = {phase: pool.submit(_kill_scan, phase, tmp_path_factory.mktemp("kill")) for phase in KILL_PHASES}
    yield jobs
    pool.shutdown(wait=True)


def _check_whole_or_absent(out: Path, expected_lines: int) -> list[str]:
    """Every final name holds a complete file or does not exist; returns the names present."""
    present = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert set(present) <= {*FORMATS, "summary.json"}, present
    if "findings.jsonl" in present:
        lines = (out / "findings.jsonl").read_text().splitlines()
        assert len(lines) == expected_lines and all(json.loads(x)["claim_id"] for x in lines)
    if "findings.csv" in present:
        with (out / "findings.csv").open(newline="") as f:
            rows = list(csv.DictReader(f))
        assert len({(r["claim_id"], r["line_number"]) for r in rows}) == expected_lines
    if "findings.xlsx" in present:
        with zipfile.ZipFile(out / "findings.xlsx") as z:
            assert z.testzip() is None  # every part there, every CRC right
            sheet = z.read("xl/worksheets/sheet1.xml").decode()
        assert sheet.endswith("</worksheet>") and sheet.count("<row ") >= expected_lines + 1
    if "findings.html" in present:
        assert (out / "findings.html").read_text().rstrip().endswith("</html>")
    if "summary.json" in present:
        assert json.loads((out / "summary.json").read_text())["lines"]["read"] == expected_lines
    # What a kill leaves behind is hidden and private: temp files 0600, staging directories 0700.
    for leftover in (p for p in out.iterdir() if p.name.startswith(".")):
        mode = stat.S_IMODE(leftover.stat().st_mode)
        assert mode == (0o700 if leftover.is_dir() else 0o600), (leftover.name, oct(mode))
    return present


@pytest.mark.parametrize("phase", list(KILL_PHASES))
def test_a_scan_killed_midway_leaves_no_half_written_file(phase, killed_runs):
    code, out = killed_runs[phase].result()
    assert code == -signal.SIGKILL, "the run ended before the phase to interrupt"
    present = _check_whole_or_absent(out, KILL_LINES)  # whatever is there is whole
    # Killed midway: the file being written is not there (only its temporary), nor the summary (last).
    assert f"findings{phase}" not in present and "summary.json" not in present, present
    assert _temp_entries(out, f".findings{phase}.")
    assert set(KILL_PHASES[phase]) <= set(present), present  # written before: complete and in place
