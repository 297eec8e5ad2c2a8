"""Errors that end a run with exit code 2: unusable input or arguments (SPEC §1)."""

from __future__ import annotations


class InputError(Exception):
    """Unusable input. The message names the file, and the row/line and column when known."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        self.file, self.row, self.column = file, row, column
        where = ", ".join(p for p in (
            f"file {file}" if file else "",
            f"row {row}" if row is not None else "",
            f"column '{column}'" if column else "",
        ) if p)
        super().__init__(f"{where}: {message}" if where else message)
