"""Run the bench: build the workload once, then measure everything in this one process run (the
memory runs are child processes, so their peaks are their own).

Throughput stages run on one process each (pipelines built before the clock starts), and each
timing is the fastest of `runs` runs, because on a shared machine other jobs only ever add time.
The ratios compare rates measured minutes apart on the same machine, never in timed unit tests.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from notes_audit.bench import memory, pathological, stages, workload
from notes_audit.bench.machine import describe, load_average
from notes_audit.bench.report import GOALS, BenchReport, verdict
from notes_audit.bench.sources import load_sources
from notes_audit.bench.timing import best_of, peak_rss_mb, timed
from notes_audit.errors import InputError
from notes_audit.extract import Extractor

PARTS = frozenset({"baseline", "memory", "workers", "pathological"})


@dataclass(frozen=True)
class BenchConfig:
    notes: int
    mtsamples: Path
    skip: frozenset[str]
    memory_notes: tuple[int, int]
    note_sizes_mb: tuple[float, ...]
    repeats: int
    chunk_notes: int
    quick: bool = False
    runs: int = 2  # timed runs per throughput measurement; the fastest is kept

    @classmethod
    def make(cls, notes: int = 2000, quick: bool = False, mtsamples: Path = Path("../shared/data/mtsamples/"
                                                                                  "mtsamples_subset.csv"),
             skip: frozenset[str] = frozenset()) -> BenchConfig:
        unknown = skip - PARTS
        if unknown:
            raise InputError(f"--skip: unknown part {sorted(unknown)[0]!r}; parts: {', '.join(sorted(PARTS))}")
        if quick:
            return cls(min(notes, 60), mtsamples, skip, (200, 1000), (0.02, 0.04, 0.08), 5_000, 4, True, runs=1)
        return cls(notes, mtsamples, skip, (10_000, 100_000), (1, 2, 4), 100_000, 32)


def run_bench(config: BenchConfig, echo: Callable[[str], None] = lambda _: None) -> BenchReport:
    sources = load_sources(config.mtsamples)
    n = config.notes
    report = BenchReport(describe(), {
        "notes": n, "b12_share": 0.5, "target_chars": workload.TARGET_CHARS, "quick": config.quick,
        "timed_runs": config.runs,
        "description": f"{n:,} notes of about {workload.TARGET_CHARS / 1000:g} KB (half B12-related corpus notes, "
                       f"half MTSamples), 96372 + J3420 billed on every note; timings: fastest of {config.runs} run(s)"
                       + (" (quick)" if config.quick else "")})
    with tempfile.TemporaryDirectory(prefix="notes-audit-bench-") as tmp:
        folder = Path(tmp)
        all_notes, all_claims = workload.write(folder, n, sources, lambda _: True, name="all")
        texts = [w.text for w in workload.notes(n, sources)]
        pipeline, scan_all_seconds = _throughput(report, config, texts, all_notes, all_claims, folder, echo)
        _claim_driven(report, config, sources, pipeline, scan_all_seconds, folder, echo)
        if "workers" not in config.skip:
            _workers(report, config, all_notes, all_claims, folder, echo)
        if "memory" not in config.skip:
            _memory(report, config, sources, folder, echo)
        if "pathological" not in config.skip:
            _pathological(report, config, texts, echo)
    return report


def _throughput(report: BenchReport, config: BenchConfig, texts: list[str], notes: Path, claims: Path,
                folder: Path, echo: Callable[[str], None]) -> tuple[Extractor, float]:
    """Stages 1-4; returns the built pipeline and the seconds of the all-notes scan (stage 4)."""
    n = len(texts)
    runs = config.runs
    echo(f"bench: 1. tokenizer on {n} notes")
    tok = best_of(runs, lambda: stages.tokenizer(texts))
    base = None
    if "baseline" not in config.skip:
        echo("bench: 2. medspaCy baseline")
        base = best_of(runs, lambda: stages.baseline(texts))
    pipeline = Extractor()
    build = timed(lambda: pipeline.nlp)
    echo("bench: 3. Extractor")
    ext = best_of(runs, lambda: stages.extractor(texts, pipeline))
    # The same pipeline on medspaCy's tokenizer, for the record: our tokenizer is part of stage 3.
    echo("bench: 3b. Extractor on medspaCy's tokenizer")
    ext_medspacy = best_of(runs, lambda: stages.extractor(texts, Extractor(tokenizer="medspacy")))
    echo("bench: 4. scan end to end")
    scan = best_of(runs, lambda: stages.scan(notes, claims, folder / "all.jsonl", pipeline))
    rates = {"tokenizer": tok.rate(n), "baseline": base.rate(n) if base else None,
             "extractor": ext.rate(n), "extractor_medspacy_tokenizer": ext_medspacy.rate(n), "scan": scan.rate(n)}
    report.data["throughput_notes_per_s"] = {k: None if v is None else round(v, 1) for k, v in rates.items()}
    report.data["extractor_build_s"] = round(build.seconds, 2)
    report.data["scan_notes_extracted"] = scan.value
    report.add("1. spaCy blank English tokenizer", f"{rates['tokenizer']:,.0f} notes/s")
    if base is not None:
        report.add("2. baseline: `medspacy.load()` (PyRuSH, target matcher, ConText) + our target rules",
                   f"{rates['baseline']:,.1f} notes/s")
    report.add("3. notes-audit `Extractor` (its clinical regex tokenizer)", f"{rates['extractor']:,.1f} notes/s")
    report.add("3b. the same Extractor on medspaCy's tokenizer (identical evidence)",
               f"{rates['extractor_medspacy_tokenizer']:,.1f} notes/s")
    report.add("4. `scan` end to end (read, link, extract, rules, write JSONL)", f"{rates['scan']:,.1f} notes/s")
    ratios = {"3/1": rates["extractor"] / rates["tokenizer"],
              "3b/1": rates["extractor_medspacy_tokenizer"] / rates["tokenizer"]}
    if base is not None:
        ratios["3/2"] = rates["extractor"] / rates["baseline"]
        ratios["3b/2"] = rates["extractor_medspacy_tokenizer"] / rates["baseline"]
        ratios["4/2"] = rates["scan"] / rates["baseline"]
    report.data["throughput_ratios"] = {k: round(v, 3) for k, v in ratios.items()}
    if base is not None:
        report.add("ratio 3/2 (Extractor vs baseline)", f"{ratios['3/2']:.2f}x", verdict(ratios["3/2"], GOALS["vs_baseline"]))
        report.add("ratio 3b/2 (on medspaCy's tokenizer vs baseline)", f"{ratios['3b/2']:.2f}x")
    report.add("ratio 3/1 (Extractor vs tokenizer alone)", f"{ratios['3/1']:.3f}x", verdict(ratios["3/1"], GOALS["vs_tokenizer"]))
    report.add("ratio 3b/1 (on medspaCy's tokenizer vs tokenizer alone)", f"{ratios['3b/1']:.3f}x")
    if base is not None:
        report.add("ratio 4/2 (scan end to end vs baseline)", f"{ratios['4/2']:.2f}x")
    report.data["peak_rss_mb_after_throughput"] = round(peak_rss_mb(), 1)
    report.add("peak RSS of this bench process after stages 1-4 (all pipelines loaded)",
               f"{peak_rss_mb():,.0f} MB")
    return pipeline, scan.seconds


def _claim_driven(report: BenchReport, config: BenchConfig, sources, pipeline: Extractor, everything: float,
                  folder: Path, echo: Callable[[str], None]) -> None:
    """The same notes as stage 4, but only every 100th billed in scope (the rest: 99213 alone)."""
    echo("bench: claim-driven (1% of notes with in-scope lines)")
    one_notes, one_claims = workload.write(folder, config.notes, sources, lambda note: note.index % 100 == 0,
                                           name="one")
    one = best_of(config.runs, lambda: stages.scan(one_notes, one_claims, folder / "one.jsonl", pipeline))
    ratio = everything / one.seconds
    report.data["claim_driven"] = {"all_seconds": round(everything, 2), "one_percent_seconds": round(one.seconds, 2),
                                   "notes_extracted": one.value, "ratio": round(ratio, 1)}
    report.add(f"claim-driven: scan with 1% of notes billed in scope ({one.value} extracted) vs every note",
               f"{ratio:.1f}x faster ({one.seconds:.2f} s vs {everything:.1f} s)",
               verdict(ratio, GOALS["claim_driven"]))


def _workers(report: BenchReport, config: BenchConfig, notes: Path, claims: Path, folder: Path,
             echo: Callable[[str], None]) -> None:
    echo("bench: workers 1 vs 2")
    one = best_of(config.runs, lambda: stages.scan(notes, claims, folder / "w1.jsonl", None, workers=1,
                                                   chunk_notes=config.chunk_notes))
    two = best_of(config.runs, lambda: stages.scan(notes, claims, folder / "w2.jsonl", None, workers=2,
                                                   chunk_notes=config.chunk_notes))
    same = (folder / "w1.jsonl").read_bytes() == (folder / "w2.jsonl").read_bytes()
    ratio = one.seconds / two.seconds
    # CPU accounting tells a pool that wastes work from a machine whose second core is busy
    # elsewhere: the workers' CPU should match the one-process run's, the parent's stay small.
    load = load_average()
    report.data["workers"] = {"one_seconds": round(one.seconds, 2), "two_seconds": round(two.seconds, 2),
                              "ratio": round(ratio, 2), "identical_output": same,
                              "one_cpu_seconds": round(one.cpu_seconds, 2),
                              "two_parent_cpu_seconds": round(two.cpu_seconds, 2),
                              "two_workers_cpu_seconds": round(two.children_cpu_seconds, 2),
                              "load_average_1min_after": load}
    report.add("workers: scan with 2 worker processes vs 1 (pipeline start-up included)",
               f"{ratio:.2f}x ({two.seconds:.1f} s vs {one.seconds:.1f} s); output "
               f"{'byte-identical' if same else 'DIFFERENT'}; CPU: workers {two.children_cpu_seconds:.1f} s + "
               f"parent {two.cpu_seconds:.1f} s vs {one.cpu_seconds:.1f} s on one process; load average "
               f"{load}", verdict(ratio, GOALS["workers"]))


def _memory(report: BenchReport, config: BenchConfig, sources, folder: Path,
            echo: Callable[[str], None]) -> None:
    small_n, large_n = config.memory_notes
    runs = {}
    for bill_others in (False, True):
        for count in (small_n, large_n):
            echo(f"bench: memory, scan of {count:,} notes{' (every note billed)' if bill_others else ''}")
            runs[(bill_others, count)] = memory.scan_peak(folder, count, sources, bill_others=bill_others)
    notes_only = runs[(False, large_n)]["peak_rss_mb"] / runs[(False, small_n)]["peak_rss_mb"]
    billed = runs[(True, large_n)]["peak_rss_mb"] / runs[(True, small_n)]["peak_rss_mb"]
    report.data["memory"] = {"notes_only": [runs[(False, small_n)], runs[(False, large_n)]],
                             "every_note_billed": [runs[(True, small_n)], runs[(True, large_n)]],
                             "ratio_notes_only": round(notes_only, 3), "ratio_every_note_billed": round(billed, 3)}
    s, b = runs[(False, small_n)], runs[(False, large_n)]
    report.add(f"memory: peak RSS of scan, {large_n:,} vs {small_n:,} notes (1% billed in scope, JSONL out, "
               f"1 worker)", f"{notes_only:.2f}x ({b['peak_rss_mb']:,.0f} MB for {b['notes_mb']:,} MB of notes vs "
               f"{s['peak_rss_mb']:,.0f} MB)", verdict(notes_only, GOALS["memory"], higher_is_better=False))
    s, b = runs[(True, small_n)], runs[(True, large_n)]
    report.add("memory, same with a 99213 line billed for every other note (claims grow with the notes)",
               f"{billed:.2f}x ({b['peak_rss_mb']:,.0f} MB vs {s['peak_rss_mb']:,.0f} MB)", "(claims are held)")


def _pathological(report: BenchReport, config: BenchConfig, texts: list[str],
                  echo: Callable[[str], None]) -> None:
    echo("bench: pathological input")
    pipeline = Extractor()
    pipeline.nlp
    results = pathological.measure(texts, pipeline, config.note_sizes_mb, config.repeats)
    report.data["pathological"] = results
    for label, r in results.items():
        report.add(f"pathological: Extractor on one {label}", f"{r['s_per_mb']:.1f} s/MB ({r['seconds']:.2f} s)")
