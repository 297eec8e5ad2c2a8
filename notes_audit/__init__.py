"""notes-audit: does the clinical documentation support what was billed?

The Python API (see `notes_audit.api`):

    >>> import notes_audit
    >>> results = notes_audit.audit_encounter(notes=["..."], lines=[{...}])   # doctest: +SKIP
    >>> frame = notes_audit.audit_files("notes.csv", "claims.csv")             # doctest: +SKIP
    >>> evidence = notes_audit.extract_notes("notes.csv")                     # doctest: +SKIP

The names are imported on first use, so `import notes_audit` (and the command line) stays light.
"""

__version__ = "0.1.0"

_API = {
    "audit_encounter": "notes_audit.api",
    "audit_files": "notes_audit.api",
    "extract_notes": "notes_audit.api",
    "InputError": "notes_audit.errors",
    "ClaimLine": "notes_audit.read.records",
    "Note": "notes_audit.read.records",
    "RosterEntry": "notes_audit.read.records",
    "LineResult": "notes_audit.findings.model",
    "Finding": "notes_audit.findings.model",
    "NoteEvidence": "notes_audit.evidence.model",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'notes_audit' has no attribute '{name}'")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
