"""Same answer every time: two runs over the same input give byte-identical outputs, apart from
`generated_at` in summary.json (and not even that with SOURCE_DATE_EPOCH set).

The two entry-point runs differ in everything that may leak into an output by accident: the hash
seed (set and dict-of-set iteration order), the time zone, and the clock (they run seconds apart).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from reliability.conftest import REPO, python

DEMO = REPO / "corpora" / "demo"
OUTPUTS = ("findings.jsonl", "findings.csv", "findings.xlsx", "findings.html", "summary.json")
RUN_ENVS = ({"PYTHONHASHSEED": "1", "TZ": "UTC"}, {"PYTHONHASHSEED": "4242", "TZ": "America/New_York"})


# One fresh process per environment runs both commands (the CLI app, as the console script does).
BOTH_COMMANDS = """
import sys
from notes_audit.cli.app import app
cut = sys.argv.index("--then")
for args in (sys.argv[1:cut], sys.argv[cut + 1:]):
    app(args, prog_name="notes-audit", standalone_mode=False)
"""


def _two_runs(base: Path) -> list[tuple[Path, Path]]:
    """scan (all formats) then extract over the demo corpus, once per environment, one after the other."""
    runs = []
    for index, env in enumerate(RUN_ENVS):
        out, evidence = base / f"run{index}", base / f"evidence{index}.jsonl"
        proc = python("-c", BOTH_COMMANDS, "scan", "--notes", DEMO / "notes.csv", "--claims", DEMO / "claims.csv",
                      "--roster", DEMO / "roster.csv", "--out", out, "--then",
                      "extract", "--notes", DEMO / "notes.csv", "--out", evidence,
                      env=env, unset=("SOURCE_DATE_EPOCH",))
        assert proc.returncode == 0, proc.stderr
        runs.append((out, evidence))
    return runs


@pytest.fixture(scope="module", autouse=True)
def entry_point_runs(tmp_path_factory):
    """Started when the module starts, in the background (they take seconds to start)."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(_two_runs, tmp_path_factory.mktemp("determinism"))
    yield future
    pool.shutdown(wait=True)


def _summary_without_clock(path: Path) -> tuple[dict, str]:
    summary = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in summary.items() if k != "generated_at"}, summary["generated_at"]


def test_two_scans_give_the_same_bytes(entry_point_runs):
    (first, evidence_1), (second, evidence_2) = entry_point_runs.result()
    assert sorted(p.name for p in first.iterdir()) == sorted(OUTPUTS)
    for name in OUTPUTS[:-1]:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    (summary_1, at_1), (summary_2, at_2) = (_summary_without_clock(d / "summary.json") for d in (first, second))
    assert summary_1 == summary_2
    # The runs were seconds apart (so a clock in any output would have shown), in different time zones.
    assert at_1 != at_2
    assert evidence_1.read_bytes() == evidence_2.read_bytes()
    # The only difference in summary.json is the generated_at line.
    lines_1 = (first / "summary.json").read_text().splitlines()
    lines_2 = (second / "summary.json").read_text().splitlines()
    assert [i for i, (a, b) in enumerate(zip(lines_1, lines_2)) if a != b] == [lines_1.index(f'  "generated_at": "{at_1}",')]


def test_the_workbook_carries_no_clock(entry_point_runs):
    (first, _), _ = entry_point_runs.result()
    with zipfile.ZipFile(first / "findings.xlsx") as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("1980-01-01T00:00:00Z") == 2  # created and modified


def test_source_date_epoch_makes_every_byte_the_same(cli, tmp_path, monkeypatch):
    epoch = int(dt.datetime(2025, 3, 2, 12, 0, tzinfo=dt.UTC).timestamp())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    outs = []
    for index in range(2):
        out = tmp_path / f"run{index}"
        run = cli("scan", "--notes", DEMO / "notes.csv", "--claims", DEMO / "claims.csv", "--out", out)
        assert run.exit_code == 0, run.stderr
        outs.append(out)
    for name in OUTPUTS:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    assert json.loads((outs[0] / "summary.json").read_text())["generated_at"] == "2025-03-02T12:00:00Z"
    with zipfile.ZipFile(outs[0] / "findings.xlsx") as z:
        assert {info.date_time for info in z.infolist()} == {(2025, 3, 2, 12, 0, 0)}
        assert "2025-03-02T12:00:00Z" in z.read("docProps/core.xml").decode()
