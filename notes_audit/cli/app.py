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
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress counts (never note text)."),
) -> None:
    """Audit claim lines against the notes; write findings. No arguments: the shipped demo corpus."""
    _setup_logging(verbose)
    from notes_audit.findings.model import VERDICT_RANK
    from notes_audit.scan import run_scan, summary_of
    from notes_audit.write.outputs import write_findings

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
        wants_html = out.suffix.lower() not in (".jsonl", ".csv", ".xlsx")
        result = run_scan(notes, claims, roster, policy, lookback_days, keep_texts=wants_html and not no_text,
                          progress=_progress("Extracting notes"))
        summary = summary_of(result, {"notes": notes, "claims": claims, "roster": roster, "policy": policy})
        paths = write_findings(result.results, out, summary, include_text=not no_text, note_texts=result.note_texts)
    except InputError as exc:
        _fail(str(exc), 2)
    for p in paths:
        typer.echo(str(p), err=True)
    if fail_on is not None:
        threshold = VERDICT_RANK[fail_on.value]
        if any(VERDICT_RANK[r.verdict] >= threshold for r in result.results):
            raise typer.Exit(3)


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
    errors: bool = typer.Option(False, "--errors", help="Also list every disagreement with the gold."),
) -> None:
    """Score extraction (P/R/F1 per fact type) or audit (verdict accuracy, per-reason F1) against gold."""
    from notes_audit.evaluate.report import evaluate_path

    try:
        typer.echo(evaluate_path(gold, policy, errors))
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
