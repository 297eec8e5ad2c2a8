import json
import subprocess
import sys
from pathlib import Path

import pytest

NOTES = ("note_id,patient_id,encounter_id,note_date,text\n"
         'n1,p1,e1,2025-03-02,"Pernicious anemia. Cyanocobalamin 1000 mcg IM given L deltoid by Jane Doe, RN. '
         'Dr. Amanda Chen present in office."\n')
CLAIMS = ("claim_id,line_number,code,units,modifiers,dx_codes,patient_id,service_date,encounter_id\n"
          "c1,1,96372,1,,D51.0,p1,2025-03-02,e1\n"
          "c1,2,J3420,2,,D51.0,p1,2025-03-02,e1\n")


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "notes_audit", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    (tmp_path / "notes.csv").write_text(NOTES, encoding="utf-8")
    (tmp_path / "claims.csv").write_text(CLAIMS, encoding="utf-8")
    return tmp_path


def test_scan_writes_findings_and_summary(inputs):
    out = inputs / "findings.jsonl"
    r = run("scan", "--notes", str(inputs / "notes.csv"), "--claims", str(inputs / "claims.csv"), "--out", str(out))
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [(x["code"], x["verdict"]) for x in lines] == [("96372", "supported"), ("J3420", "not_supported")]
    assert [f["reason"] for f in lines[1]["findings"]] == ["UNITS_MISMATCH"]
    summary = json.loads((inputs / "findings.jsonl.summary.json").read_text())
    assert summary["lines"]["read"] == summary["lines"]["out"] + summary["lines"]["rejected"]


@pytest.mark.parametrize("fail_on, code", [("not_supported", 3), ("needs_review", 3)])
def test_fail_on_gates(inputs, fail_on, code):
    r = run("scan", "--notes", str(inputs / "notes.csv"), "--claims", str(inputs / "claims.csv"),
            "--out", str(inputs / "f.csv"), "--fail-on", fail_on)
    assert r.returncode == code, r.stderr


@pytest.mark.parametrize("bad_claims, needle", [
    ("claim_id,line_number,units,patient_id,service_date\nc1,1,1,p1,2025-03-02\n", "code"),
])
def test_missing_column_exits_2_naming_it(inputs, bad_claims, needle):
    (inputs / "claims.csv").write_text(bad_claims, encoding="utf-8")
    r = run("scan", "--notes", str(inputs / "notes.csv"), "--claims", str(inputs / "claims.csv"), "--out", str(inputs / "o"))
    assert r.returncode == 2
    assert needle in r.stderr and "claims.csv" in r.stderr
    assert "Traceback" not in r.stderr


def test_extract_to_stdout(inputs):
    r = run("extract", "--notes", str(inputs / "notes.csv"))
    assert r.returncode == 0, r.stderr
    (ev,) = [json.loads(x) for x in r.stdout.splitlines()]
    assert ev["note_id"] == "n1" and ev["administrations"][0]["status"] == "given"


def test_missing_notes_file_exits_2(tmp_path):
    r = run("extract", "--notes", str(tmp_path / "nope.csv"))
    assert r.returncode == 2 and "nope.csv" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("args", [("rules", "list"), ("rules", "explain", "UNITS_MISMATCH")])
def test_rules_commands(args):
    r = run(*args)
    assert r.returncode == 0, r.stderr
    assert "UNITS_MISMATCH" in r.stdout
