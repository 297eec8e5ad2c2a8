import io

import pytest

from notes_audit.errors import InputError
from notes_audit.read import decoding
from notes_audit.read.decoding import TextLines, clean_text, decode_document, decode_utf8_or_cp1252, sniff_encoding


@pytest.mark.parametrize("head, expected", [
    (b"note_id", "utf-8"),
    (b"\xef\xbb\xbfnote", "utf-8-sig"),
    (b"\xff\xfen\x00", "utf-16"),
    (b"\xfe\xff\x00n", "utf-16"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"", "utf-8"),
])
def test_sniff_encoding(head, expected):
    assert sniff_encoding(head) == expected


@pytest.mark.parametrize("raw, text, fallback", [
    (b"caf\xc3\xa9", "café", False),
    (b"caf\xe9", "café", True),                      # cp1252 e-acute
    (b"\x93quoted\x94", "\u201cquoted\u201d", True),  # cp1252 curly quotes
    (b"\x81", "\x81", True),                          # undefined in cp1252: latin-1
    (b"\xc3\xa9 and \xe9", "é and é", True),          # valid UTF-8 kept beside a bad byte
    (b"\xc3", "Ã", True),                             # truncated UTF-8 sequence
])
def test_decode_utf8_or_cp1252(raw, text, fallback):
    assert decode_utf8_or_cp1252(raw) == (text, fallback)


@pytest.mark.parametrize("text, expected", [
    ("a\x00b", "ab"),
    ("tab\tform\x0cfeed\x07", "tab\tform\x0cfeed\x07"),  # other control characters kept
    ("lone \ud800 surrogate", "lone \ufffd surrogate"),
    ("plain", "plain"),
])
def test_clean_text(text, expected):
    assert clean_text(text) == expected


@pytest.mark.parametrize("data, text, encoding, fallback, had_nul", [
    (b"B12 1000 mcg IM", "B12 1000 mcg IM", "utf-8", False, False),
    (b"\xef\xbb\xbfB12\r\nok", "B12\r\nok", "utf-8-sig", False, False),
    ("B12 é".encode("utf-16"), "B12 é", "utf-16", False, False),
    (b"caf\xe9\x00", "café", "utf-8", True, True),
])
def test_decode_document(data, text, encoding, fallback, had_nul):
    doc = decode_document(data, "n.txt")
    assert (doc.text, doc.encoding, doc.fallback, doc.had_nul) == (text, encoding, fallback, had_nul)


def test_decode_document_broken_utf16_is_an_input_error():
    with pytest.raises(InputError, match="n.txt"):
        decode_document(b"\xff\xfea\x00b", "n.txt")  # odd number of bytes


@pytest.mark.parametrize("data, lines, fallback_line, nul_line", [
    (b"a\nb\n", ["a\n", "b\n"], None, None),
    (b"a\r\nb", ["a\r\n", "b"], None, None),
    (b"a\rb\rc", ["a\r", "b\r", "c"], None, None),           # old Mac line ends
    (b"\xef\xbb\xbfa\nb\n", ["a\n", "b\n"], None, None),     # BOM dropped
    (b"a\nb\xe9\nc\x00d\n", ["a\n", "bé\n", "cd\n"], 2, 3),
    ("a\nb\n".encode("utf-16"), ["a\n", "b\n"], None, None),
])
def test_text_lines(data, lines, fallback_line, nul_line):
    encoding = sniff_encoding(data[:4])
    source = TextLines("t.csv", io.BytesIO(data), encoding)
    assert list(source) == lines
    assert (source.first_fallback_line, source.first_nul_line) == (fallback_line, nul_line)


@pytest.mark.parametrize("data", [
    b"ok\n" + b"x" * 50 + b"\n",
    ("ok\n" + "x" * 50 + "\n").encode("utf-16"),
])
def test_text_lines_refuses_a_line_over_the_limit(monkeypatch, data):
    monkeypatch.setattr(decoding, "MAX_LINE_CHARS", 20)
    source = TextLines("t.csv", io.BytesIO(data), sniff_encoding(data[:4]))
    with pytest.raises(InputError, match="longer than 20"):
        list(source)


def test_text_lines_broken_utf16_is_an_input_error():
    data = "a\n".encode("utf-16") + b"\x00\xd8\n\x00"  # lone high surrogate
    with pytest.raises(InputError, match="UTF-16"):
        list(TextLines("t.csv", io.BytesIO(data), "utf-16"))
