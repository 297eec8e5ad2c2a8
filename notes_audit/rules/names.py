"""Matching a practitioner named in a note to the provider roster, by surname (SPEC §2.3, §5.1)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from notes_audit.read.records import RosterEntry

_TITLES = frozenset({"dr", "doctor", "mr", "mrs", "ms", "miss", "prof", "nurse"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Degrees are dropped only when written like degrees ("MD", "M.D.", after a comma), so that a
# surname such as "Do" or "Ma" survives in "Linh Do".
_DEGREES = frozenset({"MD", "DO", "NP", "PA", "PAC", "PA-C", "APRN", "FNP", "FNP-C", "FNPC", "RN",
                      "LPN", "LVN", "MA", "CMA", "RMA", "CCMA", "PHD", "DNP", "MPH", "FACP", "FAAFP"})


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _name_words(text: str, after_comma: bool) -> list[str]:
    words = [w for w in re.split(r"\s+", text.strip()) if w]
    while words and words[0].rstrip(".").lower() in _TITLES:
        words.pop(0)
    kept = []
    for w in words:
        bare = w.strip(".,()").replace(".", "")
        if bare.lower() in _SUFFIXES:
            continue
        if bare.upper() in _DEGREES and (after_comma or bare.isupper() or "." in w[:-1]):
            continue
        bare = re.sub(r"[^A-Za-z\-]", "", bare).strip("-")
        if len(bare) > 1:  # initials ("J.") are not surnames
            kept.append(bare.lower())
    return kept


def surname(name: str | None) -> str | None:
    """'Dr. Amanda Chen, MD' -> 'chen'; 'Chen, Amanda' -> 'chen'; 'Linh Do' -> 'do'."""
    if not name:
        return None
    parts = [p for p in _fold(name).replace("'", "").split(",") if p.strip()]
    if not parts:
        return None
    first = _name_words(parts[0], after_comma=False)
    rest = [w for p in parts[1:] for w in _name_words(p, after_comma=True)]
    if len(first) == 1 and rest:
        return first[0]  # "Chen, Amanda"
    return first[-1] if first else None


class RosterIndex:
    """The roster, indexed by surname once per run."""

    def __init__(self, entries: Iterable[RosterEntry]) -> None:
        self.entries = list(entries)
        self._by_surname: dict[str, list[RosterEntry]] = defaultdict(list)
        for entry in self.entries:
            key = surname(entry.name)
            if key:
                self._by_surname[key].append(entry)

    def __len__(self) -> int:
        return len(self.entries)

    def matches(self, name: str | None) -> list[RosterEntry]:
        key = surname(name)
        return list(self._by_surname.get(key, ())) if key else []
