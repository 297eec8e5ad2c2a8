"""Read clinical notes (SPEC §2.1) from a table or a directory of `.txt` files, streaming.

`read_notes(path)` checks the file and its columns at once (InputError, exit 2) and returns a
`NotesReader`; each iteration is a fresh streaming pass. `read_notes(path, with_text=False)`
yields the same notes with `text == ""`, so a scanner can pick the notes that need NLP before
any text is kept in memory. Both passes accept and reject exactly the same records.
Messages and rejection reasons never quote note text, or any value of a notes file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from notes_audit.errors import InputError
from notes_audit.read import fields
from notes_audit.read.decoding import DecodedDocument, decode_document
from notes_audit.read.records import Note, Rejected
from notes_audit.read.tables import Values, open_table, table_format

log = logging.getLogger("notes_audit.read")

REQUIRED = ("note_id", "text")


class NotesReader:
    """Iterate to get `Note`s. After a pass, `rows_read` counts the records met and `rejected`
    holds those that could not be used; `rows_read == notes yielded + len(rejected)`."""

    def __init__(self, path: Path, with_text: bool = True) -> None:
        self.path, self.with_text = path, with_text
        self.rejected: list[Rejected] = []
        self.rows_read = 0
        self._passes = 0

    def __iter__(self) -> Iterator[Note]:
        return self.read()

    def read(self, with_text: bool | None = None) -> Iterator[Note]:
        """One streaming pass; `with_text=False` gives `text == ""` whatever the reader's default,
        so one reader can serve a metadata pass then a text pass and warn only once."""
        keep_text = self.with_text if with_text is None else with_text
        self.rejected, self.rows_read = [], 0
        quiet = self._passes > 0  # file-level warnings once, not once per pass
        self._passes += 1
        if self.path.is_dir():
            records = self._from_directory(quiet, keep_text)
        else:
            records = self._from_table(quiet, keep_text)
        first_seen: dict[str, str] = {}  # note_id -> "file:row" where it was first read
        for record in records:
            self.rows_read += 1
            note, column, reason = record.note, record.column, record.reason
            if note is not None:
                first = first_seen.setdefault(note.note_id, f"{record.file}:{record.number}")
                if first == f"{record.file}:{record.number}":
                    yield note
                    continue
                column, reason = "note_id", f"duplicate note_id (first read at {first})"
            self.rejected.append(Rejected("note", record.file, record.number, column, reason or "",
                                          {"note_id": record.note_id} if record.note_id else {}))
        if self.rejected and not quiet:
            log.warning("%s: %d of %d notes rejected (reasons in the summary)",
                        self.path, len(self.rejected), self.rows_read)

    def _from_table(self, quiet: bool, keep_text: bool) -> Iterator[_Record]:
        file = str(self.path)
        with open_table(self.path, quiet=quiet) as table:
            table.require(REQUIRED)
            for row in table:
                if row.problem is not None:
                    yield _Record(file, row.number, None, None, row.problem, None)
                    continue
                note_id = fields.optional(row.values, "note_id")
                try:
                    note = _note(row.values, f"{file}:{row.number}", keep_text)
                except fields.FieldProblem as problem:  # never the value: it may be note text
                    yield _Record(file, row.number, None, problem.column, problem.reason, note_id)
                    continue
                yield _Record(file, row.number, note, None, None, note_id)

    def _from_directory(self, quiet: bool, keep_text: bool) -> Iterator[_Record]:
        files = _txt_files(self.path)
        if not files and not quiet:
            log.warning("%s: no .txt files in the directory", self.path)
        for path in files:
            file, note_id = str(path), path.stem
            try:
                document = decode_document(path.read_bytes(), file)
            except InputError:
                yield _Record(file, 1, None, None, "cannot decode the file (broken UTF-16/UTF-32)", note_id)
                continue
            except OSError as exc:
                yield _Record(file, 1, None, None, f"cannot read the file ({type(exc).__name__})", note_id)
                continue
            if not quiet:
                _warn_decoding(file, document)
            if not document.text.strip():
                yield _Record(file, 1, None, "text", "the file is empty or blank", note_id)
                continue
            text = document.text if keep_text else ""
            yield _Record(file, 1, Note(note_id=note_id, text=text, source=f"{file}:1"), None, None, note_id)


def _note(values: Values, source: str, keep_text: bool) -> Note:
    note_id = fields.required(values, "note_id")
    text = values.get("text")
    if text is None or not text.strip():
        raise fields.FieldProblem("text", "required value is missing or blank")
    date_text = fields.optional(values, "note_date")
    return Note(
        note_id=note_id, text=text if keep_text else "",
        patient_id=fields.optional(values, "patient_id"),
        encounter_id=fields.optional(values, "encounter_id"),
        note_date=fields.iso_date(date_text, "note_date", allow_time=True) if date_text else None,
        note_type=fields.optional(values, "note_type"),
        author=fields.optional(values, "author"),
        source=source,
    )


class _Record(NamedTuple):
    """One record met while reading: a note, or why there is none."""

    file: str
    number: int
    note: Note | None
    column: str | None
    reason: str | None
    note_id: str | None


def _warn_decoding(file: str, document: DecodedDocument) -> None:
    if document.encoding in ("utf-16", "utf-32"):
        log.warning("%s: decoded as %s (byte-order mark); the contract is UTF-8", file, document.encoding.upper())
    if document.fallback:
        log.warning("%s: bytes that are not UTF-8; read them as cp1252", file)
    if document.had_nul:
        log.warning("%s: NUL characters removed", file)


def _txt_files(directory: Path) -> list[Path]:
    try:
        return sorted((p for p in directory.iterdir() if p.suffix.lower() == ".txt" and p.is_file()),
                      key=lambda p: p.name)
    except OSError as exc:
        raise InputError(f"cannot list the directory ({type(exc).__name__})", file=str(directory)) from None


def read_notes(path: str | Path, *, with_text: bool = True) -> NotesReader:
    """Check `path` now (missing file, unsupported type, missing column: InputError) and return a
    reader whose every iteration streams the notes again."""
    path = Path(path)
    if not path.exists():
        raise InputError("file or directory not found", file=str(path))
    if path.is_dir():
        _txt_files(path)  # fails now if unreadable
    else:
        table_format(path)
        with open_table(path, quiet=True) as table:
            table.require(REQUIRED)
    return NotesReader(path, with_text)
