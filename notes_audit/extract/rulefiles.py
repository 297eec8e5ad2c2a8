"""Load the rule files shipped inside the package (importlib.resources), validated on load."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from notes_audit.errors import InputError

_PACKAGE = "notes_audit.extract.resources"


@lru_cache(maxsize=None)
def load_yaml(name: str) -> dict[str, Any]:
    with resources.files(_PACKAGE).joinpath(name).open("r", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise InputError("rule file is not a mapping", file=name)
    return data


def compile_pattern(rule: dict[str, Any], where: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """Compile a rule's regex (or its literal as a phrase); a bad regex names the file and rule."""
    pattern = rule.get("pattern") or r"\b" + r"\s+".join(map(re.escape, rule["literal"].split())) + r"\b"
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise InputError(f"bad regex in rule {rule.get('literal')!r}: {exc}", file=where) from exc


_ESCAPE = re.compile(r"\\.")
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]")  # "(?-i:PA)", "(?i)"


def case_free(pattern: str) -> bool:
    """Does `pattern`, compiled with IGNORECASE, match what it matches compiled without it on the
    same-length lower-cased text? Yes when no letter outside its escapes (\\b, \\S...) is upper case and
    no inline flag sets the case again ("(?-i:PA)"). Python's `re` is several times faster without
    IGNORECASE. (Unicode case folding differs in a few corners: ſ, ı, İ, the Kelvin sign.)"""
    bare = _ESCAPE.sub("", pattern).replace("(?P<", "(?<").replace("(?P=", "(?=")  # named groups
    return bare == bare.lower() and not _INLINE_FLAGS.search(bare)


def compile_lowered(pattern: str) -> re.Pattern[str] | None:
    """`pattern` compiled for the lower-cased text (see `case_free`), or None when it must see the case."""
    return re.compile(pattern) if case_free(pattern) else None


def lower_same_length(text: str) -> str:
    """`text.lower()`, keeping characters whose lower case is longer (İ) so offsets still index `text`."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
