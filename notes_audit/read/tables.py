"""Stream the rows of a `.csv`, `.jsonl` or `.parquet` table (SPEC §2), whatever shape it is in.

Every row comes out as a `RawRow`: its 1-based number (data row, header excluded; the line
number for JSONL), its values as text keyed by lower-cased, stripped column names, and, when
the row could not be read at all, a `problem` (the record readers reject it with that reason).
Problems that make the whole file unusable raise `InputError` (exit 2). Nothing here keeps more
than one row (one Parquet batch) in memory. Outcomes per case: docs/input-handling.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import itertools
import json
import logging
import math
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from notes_audit.errors import InputError
from notes_audit.read.decoding import TextLines, clean_text, decode_utf8_or_cp1252, sniff_encoding

log = logging.getLogger("notes_audit.read")

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet"}
# Largest CSV field: far above any real note (5 MB notes must work), low enough that an
# unclosed quote in a multi-GB file stops with a message instead of eating all memory.
CSV_FIELD_LIMIT = 128 * 1024 * 1024
PARQUET_BATCH_ROWS = 256  # rows per Parquet batch; notes can be megabytes each

Values = dict[str, str | None]


class RawRow(NamedTuple):
    number: int  # 1-based data row (header excluded), or the JSONL line number
    values: Values  # empty when `problem` is set
    problem: str | None = None  # why the row could not be read; never quotes the row's content


class Table:
    """An opened table: `columns` known before the first row; rows are streamed once.

    `columns` is None only for a file with no header and no records (an empty file).
    """

    def __init__(self, path: str, fmt: str, columns: list[str] | None, rows: Iterator[RawRow],
                 close: Callable[[], None]) -> None:
        self.path, self.format, self.columns = path, fmt, columns
        self._rows, self._close = rows, close

    def __iter__(self) -> Iterator[RawRow]:
        return self._rows

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def require(self, names: Iterable[str]) -> None:
        """Raise InputError naming the first required column the table lacks."""
        if self.columns is None:
            return  # no records, nothing to validate
        for name in names:
            if name not in self.columns:
                raise InputError(f"required column is missing{self._delimiter_hint()}",
                                 file=self.path, column=name)

    def _delimiter_hint(self) -> str:
        if self.format == "csv" and self.columns and len(self.columns) == 1:
            for sep, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
                if sep in self.columns[0]:
                    return f" (the header is one column with {label}: the file must be comma-separated)"
        return ""


def table_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"unsupported file type '{path.suffix}'; use .csv, .jsonl or .parquet",
                         file=str(path))
    return fmt


def open_table(path: str | Path, *, quiet: bool = False) -> Table:
    """Open `path` by its extension. `quiet` silences file-level warnings (for a second pass)."""
    path = Path(path)
    fmt = table_format(path)
    if not path.exists():
        raise InputError("file not found", file=str(path))
    if path.is_dir():
        raise InputError("is a directory, not a table file", file=str(path))
    opener = {"csv": _open_csv, "jsonl": _open_jsonl, "parquet": _open_parquet}[fmt]
    try:
        return opener(path, quiet)
    except PermissionError:
        raise InputError("cannot read the file: permission denied", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a table file", file=str(path)) from None


def normalise_columns(names: Iterable[Any], file: str) -> list[str]:
    """Lower-case and strip column names; a blank name becomes `_col<N>`; duplicates are fatal."""
    columns: list[str] = []
    for index, name in enumerate(names, 1):
        column = clean_text(str(name)).strip().lower() or f"_col{index}"
        if column in columns:
            raise InputError("column appears twice (names are case-insensitive)", file=file, column=column)
        columns.append(column)
    return columns


def cell_text(value: Any) -> str | None:
    """One cell as text, whatever type the file gave it; blank and NaN are missing (None)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = clean_text(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        if math.isnan(value):
            return None
        text = repr(value)
    elif isinstance(value, (int, decimal.Decimal)):
        text = str(value)
    elif isinstance(value, dt.datetime):
        midnight = value.tzinfo is None and value.time() == dt.time(0)
        text = value.date().isoformat() if midnight else value.isoformat()
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, (bytes, bytearray)):
        text = clean_text(decode_utf8_or_cp1252(bytes(value))[0])
    elif isinstance(value, (list, tuple)):  # e.g. dx_codes given as an array
        text = ";".join(t for t in (cell_text(v) for v in value) if t is not None)
    elif isinstance(value, dict):
        text = clean_text(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))
    else:
        text = clean_text(str(value))
    return text if text != "" else None


# --- CSV -------------------------------------------------------------------------------------

def _open_text(path: Path, quiet: bool) -> tuple[Any, TextLines]:
    """Open a text table as bytes, sniff its byte-order mark, and wrap it in decoded lines."""
    file = str(path)
    stream = path.open("rb")
    try:
        encoding = sniff_encoding(stream.read(4))
        stream.seek(0)
        if encoding in ("utf-16", "utf-32") and not quiet:
            log.warning("%s: decoded as %s (byte-order mark); the contract is UTF-8",
                        file, encoding.upper())
        return stream, TextLines(file, stream, encoding)
    except BaseException:
        stream.close()
        raise


def _open_csv(path: Path, quiet: bool) -> Table:
    file = str(path)
    stream, lines = _open_text(path, quiet)
    try:
        csv.field_size_limit(CSV_FIELD_LIMIT)
        reader = csv.reader(lines, strict=True)
        header = _first_nonblank(reader, file)
        if header is None:
            if not quiet:
                log.warning("%s: the file is empty (no header, no rows)", file)
            return Table(file, "csv", None, iter(()), stream.close)
        if lines.first_nul_line is not None or any(_is_control(c) for c in "".join(header)):
            raise InputError("the header holds control characters: the file is binary, or UTF-16 "
                             "without a byte-order mark, not a CSV table", file=file)
        columns = normalise_columns(header, file)
        if lines.first_fallback_line is not None and not quiet:
            log.warning("%s: bytes that are not UTF-8 in the header; read them as cp1252", file)
    except BaseException:
        stream.close()
        raise
    header_fallback = lines.first_fallback_line is not None
    rows = _csv_rows(file, reader, lines, columns, quiet=quiet, fallback_warned=header_fallback)
    return Table(file, "csv", columns, rows, stream.close)


def _is_control(char: str) -> bool:
    return ord(char) < 32 and char not in "\t\r\n" or ord(char) == 127


def _first_nonblank(reader: Any, file: str) -> list[str] | None:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return None
        except csv.Error:
            raise InputError("the header row is not valid CSV", file=file) from None
        if any(cell.strip() for cell in row):
            return row


def _csv_rows(file: str, reader: Any, lines: TextLines, columns: list[str], *, quiet: bool,
              fallback_warned: bool) -> Iterator[RawRow]:
    width, number = len(columns), 0
    warned_fallback, warned_nul = quiet or fallback_warned, quiet
    while True:
        start_line = lines.line_number + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            message = str(exc)
            if "unexpected end of data" in message:
                raise InputError(f"unclosed quote starting on line {start_line}: the rest of the file "
                                 "would be read as one field", file=file, row=number + 1) from None
            if "field larger than field limit" in message:
                raise InputError(f"a field is longer than {CSV_FIELD_LIMIT} characters (an unclosed "
                                 f"quote starting on line {start_line}?)", file=file, row=number + 1) from None
            number += 1
            yield RawRow(number, {}, "malformed quoting: text after a closing quote")
            continue
        if not any(cell.strip() for cell in fields):
            continue  # blank line, or a row of empty cells: not a record
        number += 1
        if not warned_fallback and lines.first_fallback_line is not None:
            warned_fallback = True
            log.warning("%s: bytes that are not UTF-8 (first in row %d); read them as cp1252",
                        file, number)
        if not warned_nul and lines.first_nul_line is not None:
            warned_nul = True
            log.warning("%s: NUL characters removed (first in row %d)", file, number)
        if len(fields) > width and not any(cell.strip() for cell in fields[width:]):
            fields = fields[:width]  # trailing empty cells (a trailing comma) carry nothing
        if len(fields) != width:
            yield RawRow(number, {}, f"row has {len(fields)} fields; the header has {width}")
            continue
        yield RawRow(number, {c: (v if v != "" else None) for c, v in zip(columns, fields)})


# --- JSONL -----------------------------------------------------------------------------------

def _open_jsonl(path: Path, quiet: bool) -> Table:
    file = str(path)
    stream, lines = _open_text(path, quiet)
    try:
        rows = _jsonl_rows(file, lines, quiet)
        # The columns of a JSONL file are the keys of its first readable record.
        head: list[RawRow] = []
        for row in rows:
            head.append(row)
            if row.problem is None:
                break
        first = next((r for r in head if r.problem is None), None)
        if first is None and not head and not quiet:
            log.warning("%s: the file is empty (no records)", file)
        columns = list(first.values) if first is not None else None
    except BaseException:
        stream.close()
        raise
    return Table(file, "jsonl", columns, itertools.chain(head, rows), stream.close)


def _jsonl_rows(file: str, lines: TextLines, quiet: bool) -> Iterator[RawRow]:
    warned_fallback = warned_nul = quiet
    for line in lines:
        number = lines.line_number
        if not line.strip():
            continue
        if not warned_fallback and lines.first_fallback_line is not None:
            warned_fallback = True
            log.warning("%s: bytes that are not UTF-8 (first on line %d); read them as cp1252",
                        file, lines.first_fallback_line)
        if not warned_nul and lines.first_nul_line is not None:
            warned_nul = True
            log.warning("%s: NUL characters removed (first on line %d)", file, lines.first_nul_line)
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            yield RawRow(number, {}, "line is not valid JSON")
            continue
        if not isinstance(record, dict):
            yield RawRow(number, {}, "line is not a JSON object")
            continue
        values: Values = {}
        problem = None
        for key, value in record.items():
            column = clean_text(key).strip().lower()
            if column in values:
                problem = f"key '{column}' appears twice (keys are case-insensitive)"
                break
            values[column] = cell_text(value)
        yield RawRow(number, {}, problem) if problem else RawRow(number, values)


# --- Parquet ---------------------------------------------------------------------------------

def _open_parquet(path: Path, quiet: bool) -> Table:
    import pyarrow as pa  # heavy import, only when a Parquet file is read
    import pyarrow.parquet as pq

    file = str(path)
    try:
        parquet = pq.ParquetFile(path)
        names = list(parquet.schema_arrow.names)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(f"not a readable Parquet file ({type(exc).__name__})", file=file) from None
    columns = normalise_columns(names, file)
    return Table(file, "parquet", columns, _parquet_rows(file, parquet, columns), parquet.close)


def _parquet_rows(file: str, parquet: Any, columns: list[str]) -> Iterator[RawRow]:
    import pyarrow as pa

    number = 0
    batches = parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS)
    while True:
        try:
            batch = next(batches)
            cells = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        except StopIteration:
            return
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise InputError(f"damaged Parquet data after row {number} ({type(exc).__name__})",
                             file=file, row=number + 1) from None
        for i in range(batch.num_rows):
            number += 1
            yield RawRow(number, {c: cell_text(col[i]) for c, col in zip(columns, cells)})
