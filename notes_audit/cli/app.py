"""The `notes-audit` command line (SPEC §1). Exit codes: 0 done, 2 unusable input or arguments,
3 `--fail-on` tripped, 1 an internal error."""

from __future__ import annotations

import enum
import logging
import sys
from pathlib import Path
from typing import Optional

import typer

from notes_audit.errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Audit billed claim lines against the clinical notes that should support them.")


class FailOn(str, enum.Enum):
    not_supported = "not_supported"
    needs_review = "needs_review"


def _fail(message: str, code: int) -> None:
    typer.echo(f"notes-audit: error: {message}", err=True)
    raise typer.Exit(code)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="notes-audit: %(levelname)s: %(message)s")


def _progress(description: str):
    """A rich progress bar on stderr when it is a terminal; silent otherwise (stdout stays clean)."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import track

    def wrap(iterable, total):
        return track(iterable, total=total, description=description, console=Console(stderr=True), transient=True)

    return wrap


class Engine(str, enum.Enum):
    local = "local"
    spark = "spark"


@app.command()
def scan(
    notes: Optional[Path] = typer.Option(None, help="Notes file (.csv/.jsonl/.parquet) or a directory of .txt."),
    claims: Optional[Path] = typer.Option(None, help="Claim lines file (.csv/.jsonl/.parquet)."),
    roster: Optional[Path] = typer.Option(None, help="Provider roster (npi, name, credential)."),
    policy: str = typer.Option("medicare", help="Policy name (medicare, commercial) or a path to a policy YAML."),
    lookback_days: int = typer.Option(365, min=0, help="How far back earlier notes are searched for deficiency evidence."),
    out: Path = typer.Option(Path("out"), help="Output: .jsonl/.csv/.xlsx/.html file, or a directory for all of them."),
    fail_on: Optional[FailOn] = typer.Option(None, help="Exit 3 when any line has this verdict or worse."),
    no_text: bool = typer.Option(False, "--no-text", help="Write spans only: no note text or evidence snippets."),
    workers: Optional[int] = typer.Option(None, min=1, help="Processes for extraction (default: all cores)."),
    engine: Engine = typer.Option(Engine.local, help="local: this machine; spark: PySpark (local[*], needs the "
                                                     "'spark' extra)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress counts (never note text)."),
) -> None:
    """Audit claim lines against the notes; write findings. No arguments: the shipped demo corpus."""
    _setup_logging(verbose)
    from notes_audit.findings.model import VERDICT_RANK
    from notes_audit.parallel import available_cores
    from notes_audit.scan import prepare_scan, write_scan
    from notes_audit.write.stream import formats_for

    try:
        if notes is None and claims is None:
            from notes_audit.demo import demo_dir

            d = demo_dir()
            notes, claims = d / "notes.csv", d / "claims.csv"
            if roster is None and (d / "roster.csv").is_file():
                roster = d / "roster.csv"
        elif notes is None or claims is None:
            raise InputError("scan needs both --notes and --claims (or neither, for the demo corpus)")
        # Only the HTML report shows whole notes; keep texts only when it will be written.
        keep_texts = ".html" in formats_for(out) and not no_text
        if engine is Engine.spark:
            from notes_audit.spark.scan import prepare_spark_scan

            prepared = prepare_spark_scan(notes, claims, roster, policy, lookback_days, keep_texts=keep_texts,
                                          cores=workers)
        else:
            prepared = prepare_scan(notes, claims, roster, policy, lookback_days, keep_texts=keep_texts,
                                    progress=_progress("Extracting notes"),
                                    workers=workers or available_cores())
        inputs = {"notes": notes, "claims": claims, "roster": roster, "policy": policy}
        paths, _, counts = write_scan(prepared, out, include_text=not no_text, inputs=inputs)
    except InputError as exc:
        _fail(str(exc), 2)
    for p in paths:
        typer.echo(str(p), err=True)
    if fail_on is not None:
        threshold = VERDICT_RANK[fail_on.value]
        if any(VERDICT_RANK[v] >= threshold for v, n in counts.verdicts.items() if n):
            raise typer.Exit(3)


@app.command()
def bench(
    notes: int = typer.Option(2000, min=10, help="Notes in the throughput workload."),
    quick: bool = typer.Option(False, "--quick", help="A small run (for tests): fewer notes, smaller sizes."),
    mtsamples: Path = typer.Option(Path("../shared/data/mtsamples/mtsamples_subset.csv"),
                                   help="Non-B12 notes (MTSamples subset CSV with a `text` column)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the measurements as JSON."),
    skip: list[str] = typer.Option([], "--skip", help="Skip a part: baseline, memory, workers, pathological."),
) -> None:
    """Measure throughput, claim-driven savings, memory, workers and pathological input (one run)."""
    from notes_audit.bench.runner import BenchConfig, run_bench

    try:
        config = BenchConfig.make(notes=notes, quick=quick, mtsamples=mtsamples, skip=frozenset(skip))
        report = run_bench(config, echo=lambda line: typer.echo(line, err=True))
    except InputError as exc:
        _fail(str(exc), 2)
    typer.echo(report.table())
    if json_out is not None:
        report.write_json(json_out)


@app.command()
def extract(
    notes: Path = typer.Option(..., help="Notes file (.csv/.jsonl/.parquet) or a directory of .txt."),
    out: Optional[Path] = typer.Option(None, help="Evidence JSONL path; stdout when omitted."),
    no_text: bool = typer.Option(False, "--no-text", help="Spans only, no note text."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Run only the NLP layer: one SPEC §3 evidence record per note (JSONL)."""
    _setup_logging(verbose)
    from notes_audit.extract import Extractor
    from notes_audit.read.notes import read_notes
    from notes_audit.write.jsonl import write_jsonl

    try:
        reader = read_notes(notes)
        records = (ev.to_dict(include_text=not no_text) for ev in Extractor().extract_many(reader))
        write_jsonl(records, out, private=not no_text)
        for r in reader.rejected:
            logging.getLogger("notes_audit.extract").warning("note rejected: %s row %s: %s", r.file, r.row, r.reason)
    except InputError as exc:
        _fail(str(exc), 2)


@app.command()
def evaluate(
    gold: Path = typer.Option(..., help="An annotated corpus: corpora/extraction/<split> or an audit folder with gold.csv."),
    policy: str = typer.Option("medicare", help="Policy for audit corpora."),
    lookback_days: int = typer.Option(365, min=0, help="Lookback for audit corpora (as for scan)."),
    errors: bool = typer.Option(False, "--errors", help="Also list every disagreement with the gold."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as one JSON object (machine-readable)."),
) -> None:
    """Score extraction (P/R/F1 per fact type) or audit (verdict accuracy, confusion, per-reason P/R/F1)."""
    from notes_audit.evaluate.report import evaluate_path

    try:
        typer.echo(evaluate_path(gold, policy, errors, as_json=as_json, lookback_days=lookback_days))
    except InputError as exc:
        _fail(str(exc), 2)


def _mount_rules() -> None:
    from notes_audit.cli.rules_cmd import rules_app

    app.add_typer(rules_app, name="rules", help="The reason codes of a policy: list them, or explain one.")


_mount_rules()


def main() -> None:
    try:
        app()
    except InputError as exc:  # raised outside a command body (e.g. while parsing a policy)
        typer.echo(f"notes-audit: error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("notes-audit: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: one line, no traceback, no data
        typer.echo(f"notes-audit: internal error ({type(exc).__name__}); rerun with NOTES_AUDIT_DEBUG=1 for details",
                   err=True)
        import os

        if os.environ.get("NOTES_AUDIT_DEBUG"):
            raise
        sys.exit(1)


if __name__ == "__main__":
    main()
