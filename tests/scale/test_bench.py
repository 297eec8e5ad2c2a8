"""`notes-audit bench`: the workload it builds, and a quick run that produces every measurement.
No ratio is asserted here (timings in unit tests are noise); the numbers are in the README."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from notes_audit.bench import workload
from notes_audit.bench.runner import BenchConfig
from notes_audit.bench.sources import load_sources
from notes_audit.errors import InputError

MTSAMPLES = Path("../shared/data/mtsamples/mtsamples_subset.csv")


@pytest.fixture(scope="module")
def sources():
    return load_sources(MTSAMPLES)


def test_sources_split_b12_from_other(sources):
    assert len(sources.b12) >= 200 and len(sources.other) >= 200
    assert not any("b12" in t.lower() or "cobalamin" in t.lower() for t in sources.other)


@pytest.mark.parametrize("n, b12_every", [(50, 2), (300, 100)])
def test_notes_are_about_2kb_distinct_and_mixed(sources, n, b12_every):
    notes = list(workload.notes(n, sources, b12_every))
    sizes = [len(w.text) for w in notes]
    assert min(sizes) >= 0.9 * workload.TARGET_CHARS and max(sizes) <= workload.TARGET_CHARS
    assert len({w.text for w in notes}) == n
    assert sum(w.b12 for w in notes) == len(range(0, n, b12_every))
    assert list(workload.notes(n, sources, b12_every)) == notes  # seeded: the same workload every run


@pytest.mark.parametrize("in_scope, bill_others, codes", [
    (True, True, ["96372", "J3420"]),
    (False, True, ["99213"]),
    (False, False, []),
])
def test_claims_follow_the_scope(sources, tmp_path, in_scope, bill_others, codes):
    _, claims = workload.write(tmp_path, 3, sources, lambda _: in_scope, bill_others=bill_others)
    rows = claims.read_text(encoding="utf-8").splitlines()[1:]
    assert sorted({r.split(",")[2] for r in rows}) == sorted(codes)


def test_unknown_skip_part_is_refused():
    with pytest.raises(InputError, match="--skip"):
        BenchConfig.make(skip=frozenset({"everything"}))


@pytest.mark.slow
def test_quick_bench_measures_everything(tmp_path):
    out = tmp_path / "bench.json"
    run = subprocess.run([sys.executable, "-m", "notes_audit", "bench", "--quick", "--json", str(out)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "| measure | result | goal |" in run.stdout
    report = json.loads(out.read_text())
    machine, results = report["machine"], report["results"]
    assert machine["cores"] >= 1 and machine["cpu_model"]
    rates = results["throughput_notes_per_s"]
    assert all(rates[k] > 0 for k in ("tokenizer", "baseline", "extractor", "scan"))
    assert set(results["throughput_ratios"]) == {"3/1", "3/2", "4/2", "3b/1", "3b/2"}
    assert results["claim_driven"]["notes_extracted"] == 1  # 60 notes, every 100th billed in scope
    assert results["workers"]["identical_output"] is True
    memory = results["memory"]
    assert [r["notes"] for r in memory["notes_only"]] == [200, 1000]
    assert all(r["peak_rss_mb"] > 50 for r in memory["notes_only"] + memory["every_note_billed"])
    assert len(results["pathological"]) == 4 and all(r["s_per_mb"] > 0 for r in results["pathological"].values())
