"""Write a file all at once or not at all: a reader never sees half a report.

The content goes to a temporary file in the target's directory (same file system, so the final
`os.replace` is atomic), is flushed and fsynced, then replaces the target. On any exception,
KeyboardInterrupt included, the temporary file is removed and the target is left as it was.

A target that cannot be written (its directory is missing or not writable, the target is a
directory) is an unusable argument: `InputError` naming the file (exit 2), not an internal error.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from notes_audit.errors import InputError

PRIVATE_MODE = 0o600  # files holding note text: owner only
DEFAULT_MODE = 0o666  # narrowed by the umask, as for any new file


def cannot_write(path: Path, exc: OSError) -> InputError:
    """The error for an output file that cannot be created or put in place."""
    return InputError(f"cannot write the output file ({exc.strerror or type(exc).__name__})", file=str(path))


def temp_path_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")


def _create_exclusive(path: Path, private: bool) -> tuple[Path, int]:
    for _ in range(100):
        temp = temp_path_for(path)
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         PRIVATE_MODE if private else DEFAULT_MODE)
        except FileExistsError:
            continue
        return temp, fd  # O_EXCL: a new file, so its mode is ours (narrowed by the umask)
    raise FileExistsError(f"no free temporary name beside {path}")


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w", private: bool = False, *,
                  encoding: str = "utf-8", newline: str | None = None) -> Iterator[IO[Any]]:
    """Yield a file object writing to a temporary file that becomes `path` on success.

    `mode` is "w" (text; `encoding`, `newline` apply) or "wb". `private=True` creates the file
    with mode 0600 (it holds note text).
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_writer mode must be 'w' or 'wb', not {mode!r}")
    path = Path(path)
    try:
        temp, fd = _create_exclusive(path, private)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    try:
        if mode == "wb":
            handle: IO[Any] = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
    except BaseException:
        os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.replace(temp, path)
        except OSError as exc:  # e.g. the target is a directory
            raise cannot_write(path, exc) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; not every platform or file system allows it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
