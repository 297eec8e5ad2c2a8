"""The Spark engine gives the findings of the local engine, line for line.

- the demo corpus through `audit_dataframes` (Spark reads the CSVs itself) and through
  `scan --engine spark` (the CLI path: same files, byte for byte);
- a small table of linking and validation edge cases (a note without patient_id linked by
  encounter, history notes, duplicate and invalid lines, duplicate note ids, a note for a patient
  nobody billed).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notes_audit.cli.app import app
from notes_audit.scan import prepare_scan, run_scan, write_scan
from notes_audit.spark.frames import audit_dataframes
from notes_audit.spark.scan import prepare_spark_scan

from .conftest import read_csv

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "corpora" / "demo"


def local_records(notes: Path, claims: Path, roster: Path | None = None) -> list[dict]:
    return [r.to_dict() for r in run_scan(notes, claims, roster, workers=1).results]


def spark_rows(spark, notes: Path, claims: Path, roster: Path | None = None) -> list[dict]:
    roster_df = read_csv(spark, roster) if roster else None
    frame = audit_dataframes(read_csv(spark, notes), read_csv(spark, claims), roster_df)
    return [r.asDict() for r in frame.orderBy("input_index").collect()]


def test_demo_corpus_dataframes_match_local(spark):
    expected = local_records(DEMO / "notes.csv", DEMO / "claims.csv", DEMO / "roster.csv")
    rows = spark_rows(spark, DEMO / "notes.csv", DEMO / "claims.csv", DEMO / "roster.csv")
    assert [r["rejected"] for r in rows] == [None] * len(expected)
    got = [json.loads(r["finding_json"]) for r in rows]
    assert got == expected
    # The flattened columns agree with the JSON they sit beside.
    assert [(r["claim_id"], r["line_number"], r["verdict"], r["reasons"]) for r in rows] == \
        [(e["claim_id"], e["line_number"], e["verdict"], [f["reason"] for f in e["findings"]]) for e in expected]


def test_demo_corpus_cli_engine_spark_writes_the_same_files(spark, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    files = {"notes": DEMO / "notes.csv", "claims": DEMO / "claims.csv", "roster": DEMO / "roster.csv"}
    local = prepare_scan(*files.values(), keep_texts=True, workers=1)
    write_scan(local, tmp_path / "local", inputs={**files, "policy": "medicare"})  # what the CLI records
    # The CLI path (the session fixture is the active session the command reuses).
    result = CliRunner().invoke(app, ["scan", "--engine", "spark", "--notes", str(files["notes"]),
                                      "--claims", str(files["claims"]), "--roster", str(files["roster"]),
                                      "--out", str(tmp_path / "spark")])
    assert result.exit_code == 0, result.output
    for name in ("findings.jsonl", "findings.csv", "findings.html", "summary.json"):
        assert (tmp_path / "spark" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    assert spark.sparkContext._jsc is not None  # the command left the caller's session running


NOTE = ("Pernicious anemia. Cyanocobalamin 1000 mcg IM given L deltoid by Jane Doe, RN. "
        "Dr. Amanda Chen present in office.")
HISTORY = "Lab result: Vitamin B12 150 pg/mL (L). Start monthly B12 injections."
OTHER = "Follow-up for hypertension. BP 128/80. Continue lisinopril."

# (note_id, patient_id, encounter_id, note_date, text)
EDGE_NOTES = [
    ("n1", "p1", "e1", "2025-03-02", NOTE),
    ("n2", "", "e2", "2025-03-09", NOTE),            # no patient: linked through the encounter
    ("n3", "p1", "", "2024-12-01", HISTORY),         # history of p1 (lookback)
    ("n4", "p3", "", "2025-03-02", NOTE),            # p3 billed only an out-of-scope code
    ("n1", "p1", "e1", "2025-03-02", OTHER),         # repeated id: the first one wins
    ("n5", "p1", "", "2025-03-02", OTHER),           # same day, no encounter: shadowed by e1
    ("n6", "p4", "e6", "2025-13-01", NOTE),          # unreadable date: rejected
    ("n7", "p9", "e7", "2025-03-02", NOTE),          # nobody billed p9
    ("n8", "p2", "e9", "2025-03-09", HISTORY),       # p2's other encounter the same day
]
# claim_id, line_number, code, units, modifiers, dx_codes, patient_id, service_date, encounter_id
EDGE_CLAIMS = [
    ("c1", "1", "96372", "1", "", "D51.0", "p1", "2025-03-02", "e1"),
    ("c1", "2", "J3420", "2", "", "D51.0", "p1", "2025-03-02", "e1"),
    ("c1", "2.0", "J3420", "1", "", "D51.0", "p1", "2025-03-02", "e1"),  # duplicate line: rejected
    ("c2", "1", "96372", "1", "", "E53.8", "p2", "2025-03-09", "e2"),
    ("c2", "2", "J3420", "1", "", "E53.8", "p2", "2025-03-09", "e2"),
    ("c3", "1", "85025", "1", "", "", "p3", "2025-03-02", ""),
    ("c4", "1", "J3420", "1,000", "", "D51.0", "p1", "2025-03-02", "e1"),  # ambiguous units: rejected
    ("c4", "1", "J3420", "1", "", "D51.0", "p1", "2025-03-02", "e1"),      # valid after a rejected twin
    ("c5", "1", "99213", "1", "25", "E11.9", "p1", "2025-03-02", "e1"),
    ("c6", "1", "96372", "1", "", "D51.0", "p5", "2025-04-01", ""),        # no note at all
]


def write_csv(path: Path, header: str, rows) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header.split(","))
        writer.writerows(rows)
    return path


def test_edge_cases_match_local(spark, tmp_path):
    notes = write_csv(tmp_path / "notes.csv", "note_id,patient_id,encounter_id,note_date,text", EDGE_NOTES)
    claims = write_csv(tmp_path / "claims.csv",
                       "claim_id,line_number,code,units,modifiers,dx_codes,patient_id,service_date,encounter_id",
                       EDGE_CLAIMS)
    local = run_scan(notes, claims, workers=1)
    rows = spark_rows(spark, notes, claims)
    audited = [json.loads(r["finding_json"]) for r in rows if r["rejected"] is None]
    assert audited == [r.to_dict() for r in local.results]
    rejected_positions = [i for i, r in enumerate(rows) if r["rejected"] is not None]
    assert rejected_positions == [r.row - 1 for r in local.lines_rejected]  # same rows, in order
    assert [rows[i]["claim_id"] for i in rejected_positions] == ["c1", "c4"]
    # The linking the table is about: encounter-linked orphan note, history, out-of-scope note ids.
    by_key = {(r["claim_id"], r["line_number"]): r for r in audited}
    assert by_key[("c2", 1)]["note_ids"] == ["n2"]
    assert by_key[("c3", 1)]["note_ids"] == ["n4"] and by_key[("c3", 1)]["verdict"] == "not_applicable"
    assert [f["reason"] for f in by_key[("c6", 1)]["findings"]][:1] == ["NOTE_MISSING"]


def test_prepare_spark_scan_counts_match_local(spark, tmp_path):
    notes = write_csv(tmp_path / "notes.csv", "note_id,patient_id,encounter_id,note_date,text", EDGE_NOTES)
    claims = write_csv(tmp_path / "claims.csv",
                       "claim_id,line_number,code,units,modifiers,dx_codes,patient_id,service_date,encounter_id",
                       EDGE_CLAIMS)
    local = prepare_scan(notes, claims, workers=1)
    remote = prepare_spark_scan(notes, claims, spark=spark)
    assert [r.to_dict() for r in remote.iter_results()] == [r.to_dict() for r in local.iter_results()]
    for field in ("lines_read", "notes_read", "notes_extracted"):
        assert getattr(remote, field) == getattr(local, field), field
    assert [r.to_dict() for r in remote.notes_rejected] == [r.to_dict() for r in local.notes_rejected]
