"""Where the shipped demo corpus lives (SPEC §1: `scan` with no arguments audits `corpora/demo/`)."""

from __future__ import annotations

from pathlib import Path

import notes_audit


def demo_dir() -> Path:
    """`./corpora/demo` when run from a checkout, else the one beside the installed package."""
    for base in (Path.cwd(), Path(notes_audit.__file__).resolve().parents[1]):
        d = base / "corpora" / "demo"
        if (d / "claims.csv").is_file():
            return d
    from notes_audit.errors import InputError

    raise InputError("the demo corpus corpora/demo/ was not found; pass --notes and --claims", file="corpora/demo")
