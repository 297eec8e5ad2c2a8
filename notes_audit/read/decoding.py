"""Turn input bytes into text without ever failing on an encoding (docs/input-handling.md).

UTF-8 (with or without a byte-order mark) is the contract. Files with a UTF-16/UTF-32 byte-order
mark are decoded as such, with a warning. Bytes that are not valid UTF-8 are decoded one by one as
cp1252 (latin-1 for the five bytes cp1252 leaves undefined), with a warning naming the file and the
first row where it happened: valid UTF-8 around them stays UTF-8, so a mostly-UTF-8 export with a
few Windows characters reads right. NUL characters are removed; other control characters are kept.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from notes_audit.errors import InputError

# A line longer than this is not a line-oriented text file (or it has no newlines at all);
# refusing it bounds memory on multi-GB binary files.
MAX_LINE_CHARS = 128 * 1024 * 1024
_BLOCK_BYTES = 1 << 16  # 64 KB: decoding in blocks pays off long before this; memory stays flat

_BOMS = (  # UTF-32 first: its little-endian mark starts with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BARE_CR = re.compile(r"(?<=\r)(?!\n)")  # split after a lone CR (old Mac line ends), as newline="" does
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def sniff_encoding(head: bytes) -> str:
    """The encoding named by the byte-order mark at the start of `head`, else "utf-8"."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return "utf-8"


def _byte_as_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: undefined in cp1252
        return chr(byte)


def _cp1252_for_bad_bytes(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeDecodeError)
    bad = err.object[err.start:err.end]
    return "".join(_byte_as_char(b) for b in bad), err.end


codecs.register_error("notes_audit.cp1252", _cp1252_for_bad_bytes)


def decode_utf8_or_cp1252(raw: bytes) -> tuple[str, bool]:
    """Decode `raw` as UTF-8; bytes that are not UTF-8 become cp1252 characters.

    Returns the text and whether any fallback was needed.
    """
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="notes_audit.cp1252"), True


def clean_text(text: str) -> str:
    """Remove NUL characters and replace lone surrogates (from JSON escapes) with U+FFFD."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text


@dataclass(slots=True)
class DecodedDocument:
    text: str
    encoding: str
    fallback: bool  # some bytes were not UTF-8 and were read as cp1252
    had_nul: bool


def decode_document(data: bytes, file: str) -> DecodedDocument:
    """Decode a whole small document (a `.txt` note). Raises InputError only for a broken UTF-16/32."""
    encoding = sniff_encoding(data[:4])
    if encoding in ("utf-16", "utf-32"):
        try:
            text, fallback = data.decode(encoding), False
        except UnicodeDecodeError as exc:
            raise InputError(f"cannot decode as {encoding.upper()} at byte {exc.start}", file=file) from None
    else:
        body = data[len(codecs.BOM_UTF8):] if encoding == "utf-8-sig" else data
        text, fallback = decode_utf8_or_cp1252(body)
    return DecodedDocument(clean_text(text), encoding, fallback, "\x00" in text)


def _split_lines(block):
    """Lines of a block (str or bytes) cut after each newline only, newlines kept: the other
    characters `splitlines` breaks on (form feed, U+2028 ...) belong to a field's text."""
    newline = "\n" if isinstance(block, str) else b"\n"
    parts = block.split(newline)
    for part in parts[:-1]:
        yield part + newline
    if parts[-1]:
        yield parts[-1]


@dataclass(slots=True)
class TextLines:
    """Decoded lines of a binary stream, line endings kept, NULs removed.

    Iterating yields strings (what `csv.reader` wants). `line_number` is the number of physical
    lines yielded so far; `first_fallback_line` / `first_nul_line` say where decoding needed help,
    so the table reader can name the row in its warning.
    """

    file: str
    stream: BinaryIO
    encoding: str
    line_number: int = 0
    first_fallback_line: int | None = None
    first_nul_line: int | None = None

    def __iter__(self) -> Iterator[str]:
        for line in self._raw_lines():
            # Only a CR not followed by LF splits; most CSV lines end in CRLF and need no regex.
            bare_cr = "\r" in (line[:-2] if line.endswith("\r\n") else line)
            for piece in _BARE_CR.split(line) if bare_cr else (line,):
                if not piece:
                    continue
                self.line_number += 1
                if "\x00" in piece:
                    if self.first_nul_line is None:
                        self.first_nul_line = self.line_number
                    piece = piece.replace("\x00", "")
                # No surrogate check: bytes decoded here (UTF-8, cp1252, UTF-16/32 strictly) cannot
                # yield lone surrogates; only JSON escapes can, and the JSON reader cleans those.
                yield piece

    def _raw_lines(self) -> Iterator[str]:
        if self.encoding in ("utf-16", "utf-32"):
            yield from self._wide_lines()
            return
        # Whole blocks of lines are decoded at once (per-line `readline` + decode cost more than the
        # CSV parsing); a block that is not clean UTF-8 is decoded line by line, to name the line.
        first = True
        carry = b""
        while True:
            block = self.stream.read(_BLOCK_BYTES)
            if first and block.startswith(codecs.BOM_UTF8):
                block = block[len(codecs.BOM_UTF8):]
            first = False
            data = carry + block
            cut = data.rfind(b"\n") + 1 if block else len(data)
            lines, carry = data[:cut], data[cut:]
            if len(carry) > MAX_LINE_CHARS or (len(lines) > MAX_LINE_CHARS and
                                               any(len(line) > MAX_LINE_CHARS for line in lines.split(b"\n"))):
                self._too_long()
            if lines:
                try:
                    yield from _split_lines(lines.decode("utf-8"))
                except UnicodeDecodeError:
                    yield from self._fallback_lines(lines)
            if not block:
                return

    def _fallback_lines(self, lines: bytes) -> Iterator[str]:
        done = self.line_number
        for raw in _split_lines(lines):
            text, fallback = decode_utf8_or_cp1252(raw)
            done += 1
            if fallback and self.first_fallback_line is None:
                self.first_fallback_line = done
            yield text

    def _wide_lines(self) -> Iterator[str]:
        wrapper = io.TextIOWrapper(self.stream, encoding=self.encoding, errors="strict", newline="")
        try:
            while True:
                try:
                    line = wrapper.readline(MAX_LINE_CHARS + 1)
                except UnicodeDecodeError:
                    raise InputError(f"cannot decode as {self.encoding.upper()} after line "
                                     f"{self.line_number}", file=self.file) from None
                if not line:
                    return
                if len(line) > MAX_LINE_CHARS:
                    self._too_long()
                yield line
        finally:
            if not self.stream.closed:
                wrapper.detach()  # the caller owns and closes the binary stream

    def _too_long(self) -> None:
        raise InputError(f"line {self.line_number + 1} is longer than {MAX_LINE_CHARS} characters; "
                         "not a line-oriented text file", file=self.file)
