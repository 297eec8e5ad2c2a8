"""Write findings while a scan produces them (SPEC §1 `--out`), so memory does not grow with them.

JSONL and CSV are written line by line as results arrive; the summary only needs their counts
(`ResultCounts`). XLSX and HTML need every result at the end (the workbook's filter range, the
report's encounter grouping), so when one of them is asked for (a directory `--out`, or a single
`.xlsx`/`.html` file) the results are also kept in memory, about 1-2 KB per claim line plus the texts
of the notes the HTML shows: for runs of millions of lines write `--out findings.jsonl` or `.csv`.

Files are the same bytes as `write_findings` gives for the same results, and each is atomic: the
JSONL and CSV become visible when the sink is closed, never half written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from notes_audit.findings.model import LineResult
from notes_audit.write.atomic import atomic_writer
from notes_audit.write.csv_table import FindingsCsv
from notes_audit.write.jsonl import json_line
from notes_audit.write.outputs import (FORMATS, SUMMARY_NAME, ensure_directory, output_format,
                                       summary_path_for, write_format)
from notes_audit.write.summary import ResultCounts, write_summary

STREAMED = (".jsonl", ".csv")  # formats written as results arrive
KEPT = (".xlsx", ".html")  # formats that need all results at the end


def formats_for(out: str | Path) -> tuple[str, ...]:
    """The formats `--out` asks for: one by its extension, or all of them for a directory."""
    fmt = output_format(Path(out))
    return (fmt,) if fmt is not None else FORMATS


class FindingsSink:
    """`add` each result in output order, then `close(summary)`; use as a context manager so an
    error leaves no partial file behind.

    `wants_results` says whether XLSX/HTML will be written (results are then kept);
    `wants_note_texts` whether the HTML report, which shows the notes, is among the outputs.
    """

    def __init__(self, out: str | Path, include_text: bool = True) -> None:
        self.out = Path(out)
        self.include_text = include_text
        self._single = output_format(self.out) is not None
        if self._single:
            ensure_directory(self.out.parent)
            self.targets = {fmt: self.out for fmt in formats_for(self.out)}
        else:
            ensure_directory(self.out)
            self.targets = {f: self.out / f"findings{f}" for f in formats_for(self.out)}
        self.counts = ResultCounts()
        self.kept: list[LineResult] | None = [] if any(f in self.targets for f in KEPT) else None
        self._stack = contextlib.ExitStack()
        self._jsonl: IO[str] | None = None
        self._csv: FindingsCsv | None = None
        self._open = False

    @property
    def wants_results(self) -> bool:
        return self.kept is not None

    @property
    def wants_note_texts(self) -> bool:
        return ".html" in self.targets

    def __enter__(self) -> FindingsSink:
        # Files holding evidence text are private (0600), as `write_findings` makes them.
        if ".jsonl" in self.targets:
            self._jsonl = self._stack.enter_context(
                atomic_writer(self.targets[".jsonl"], "w", private=self.include_text, newline="\n"))
        if ".csv" in self.targets:
            handle = self._stack.enter_context(
                atomic_writer(self.targets[".csv"], "w", private=self.include_text, newline=""))
            self._csv = FindingsCsv(handle, self.include_text)
        self._open = True
        return self

    def add(self, result: LineResult) -> None:
        self.counts.add(result)
        if self._jsonl is not None:
            self._jsonl.write(json_line(result.to_dict(self.include_text)))
        if self._csv is not None:
            self._csv.add(result)
        if self.kept is not None:
            self.kept.append(result)

    def close(self, summary: dict, note_texts: Mapping[str, str] | None = None) -> list[Path]:
        """Commit the streamed files, write XLSX/HTML and the summary; the paths, summary last."""
        self._stack.close()  # JSONL and CSV are complete: move them into place
        self._open = False
        for fmt, path in self.targets.items():
            if fmt in KEPT:
                write_format(fmt, self.kept or [], path, summary, self.include_text, note_texts or {})
        summary_path = summary_path_for(self.out) if self._single else self.out / SUMMARY_NAME
        return [*self.targets.values(), write_summary(summary, summary_path)]

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._open:  # an error before close(): the temporary files are removed, targets untouched
            self._stack.__exit__(exc_type, exc, tb)
            self._open = False
