"""Where `scan --out P` writes (SPEC §1): the format follows the extension (.jsonl, .csv, .xlsx,
.html, case-insensitive); any other path is a directory, created if missing, that gets
findings.jsonl, findings.csv, findings.xlsx, findings.html and summary.json. Beside a single
output file the summary goes to `<file>.summary.json` (e.g. `report.csv.summary.json`).

Every file is written atomically. Files that can hold note text (findings with evidence text,
the HTML report) are created 0600, whichever writer produced them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from notes_audit.errors import InputError
from notes_audit.findings.model import LineResult
from notes_audit.write.atomic import PRIVATE_MODE, cannot_write
from notes_audit.write.csv_table import finding_rows, write_findings_csv
from notes_audit.write.jsonl import write_findings_jsonl
from notes_audit.write.summary import write_summary

FORMATS = (".jsonl", ".csv", ".xlsx", ".html")
SUMMARY_NAME = "summary.json"


def output_format(out: Path) -> str | None:
    """The single-file format `out` asks for, or None when `out` is a directory."""
    suffix = out.suffix.lower()
    return suffix if suffix in FORMATS else None


def summary_path_for(out: Path) -> Path:
    return out.with_name(out.name + ".summary.json")


def write_findings(results: Sequence[LineResult], out: str | Path, summary: dict,
                   include_text: bool = True, note_texts: Mapping[str, str] | None = None) -> list[Path]:
    """Write the findings of a scan to `out`; returns the paths written, summary last."""
    out = Path(out)
    results = results if isinstance(results, Sequence) else list(results)  # read once per format
    texts = note_texts or {}
    fmt = output_format(out)
    if fmt is not None:
        ensure_directory(out.parent)
        write_format(fmt, results, out, summary, include_text, texts)
        return [out, write_summary(summary, summary_path_for(out))]
    ensure_directory(out)
    written = []
    for fmt in FORMATS:
        path = out / f"findings{fmt}"
        write_format(fmt, results, path, summary, include_text, texts)
        written.append(path)
    written.append(write_summary(summary, out / SUMMARY_NAME))
    return written


def ensure_directory(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise InputError("the output path exists and is not a directory", file=str(directory))
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the output directory ({type(exc).__name__})",
                         file=str(directory)) from None


def write_format(fmt: str, results: Sequence[LineResult], path: Path, summary: dict,
                 include_text: bool, note_texts: Mapping[str, str]) -> None:
    """Write the findings in one of FORMATS to `path` (atomically)."""
    if fmt == ".jsonl":
        write_findings_jsonl(results, path, include_text)
    elif fmt == ".csv":
        write_findings_csv(results, path, include_text)
    elif fmt == ".xlsx":
        from notes_audit.write.xlsx import write_xlsx  # openpyxl: imported only when needed

        rows = finding_rows(results, include_text)
        _staged(path, include_text, lambda staged: write_xlsx(rows, staged, summary))
    elif fmt == ".html":
        from notes_audit.write.html import write_html  # jinja2: imported only when needed

        # The report is built around the notes themselves: always private.
        _staged(path, True,
                lambda staged: write_html(list(results), note_texts, summary, staged, include_text))
    else:  # pragma: no cover - output_format only returns FORMATS
        raise ValueError(fmt)


def _staged(path: Path, private: bool, write: Callable[[Path], None]) -> None:
    """Run another module's writer into a private (0700) staging directory beside `path`, fix the
    file's mode, then move it into place: atomic and 0600 whatever that writer does."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    except OSError as exc:
        raise cannot_write(path, exc) from None
    try:
        staged = staging / path.name
        write(staged)
        if private:
            os.chmod(staged, PRIVATE_MODE)
        try:
            os.replace(staged, path)
        except OSError as exc:  # e.g. the target is a directory
            raise cannot_write(path, exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
