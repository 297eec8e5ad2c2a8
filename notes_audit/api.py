"""The Python API, for notebooks, pre-bill gates and other programs.

Three functions, re-exported by the package:

- `audit_encounter(notes, lines)` -> `list[LineResult]`: one encounter held in memory (note texts and
  claim lines as dicts), e.g. a pre-bill check before a claim is sent;
- `audit_files(notes, claims)` -> `pandas.DataFrame`: the `scan` job on files, one row per finding
  (the columns of findings.csv), the run summary in `.attrs["summary"]`;
- `extract_notes(notes)` -> `pandas.DataFrame` (or the SPEC §3 records): the NLP layer alone.

The spaCy pipeline is built once per process, on first use, and shared by all three; later calls
pay only for the notes they pass. Claim lines given as dicts go through the validation of the claims
reader (SPEC §2.2): a bad value raises `InputError` naming the line and the column.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from notes_audit.audit.engine import DEFAULT_LOOKBACK_DAYS, Auditor
from notes_audit.audit.linker import as_date
from notes_audit.errors import InputError
from notes_audit.evidence.model import NoteEvidence
from notes_audit.findings.model import LineResult
from notes_audit.read import fields
from notes_audit.read.claims import claim_line
from notes_audit.read.records import ClaimLine, Note, RosterEntry
from notes_audit.read.tables import cell_text
from notes_audit.rules.policy import Policy

if TYPE_CHECKING:  # pandas is imported only by the functions that return frames
    import pandas as pd

__all__ = ["audit_encounter", "audit_files", "extract_notes", "shared_extractor"]

PathLike = Union[str, Path]
NoteInput = Union[str, Mapping[str, Any], Note]
LineInput = Union[Mapping[str, Any], ClaimLine]
RosterInput = Union[PathLike, Iterable[Union[Mapping[str, Any], RosterEntry]], None]

# Columns of the frame `extract_notes` returns: the SPEC §3 keys, one row per note.
EVIDENCE_COLUMNS = ("note_id", "patient_id", "encounter_id", "note_date", "labs", "diagnoses",
                    "administrations", "supervision", "em", "loading_phase", "unnamed_injections", "reversed_injections")

_extractor = None
_extractor_lock = threading.Lock()


def shared_extractor():
    """The process-wide `Extractor` every API call uses (its spaCy pipeline is built on first use)."""
    global _extractor
    if _extractor is None:
        with _extractor_lock:
            if _extractor is None:
                from notes_audit.extract import Extractor

                _extractor = Extractor()
    return _extractor


# --- one encounter, in memory -------------------------------------------------------------------

def audit_encounter(notes: NoteInput | Sequence[NoteInput], lines: Sequence[LineInput], *,
                    history: Sequence[NoteInput] | None = None, roster: RosterInput = None,
                    policy: str | Path | Policy = "medicare",
                    lookback_days: int = DEFAULT_LOOKBACK_DAYS) -> list[LineResult]:
    """Audit the claim lines of one encounter against its notes; one `LineResult` per line, in order.

    `notes` are the encounter's notes (the *day's notes* of every line, SPEC §5.1), given as texts,
    as dicts with `text` (and optionally `note_id`, `patient_id`, `encounter_id`, `note_date`) or as
    `Note` records; a bare text gets the id `note1`, `note2`, ... in order. `history` holds earlier
    notes of the patient that may carry deficiency evidence (a lab from months ago); a dated one
    counts when it falls within `lookback_days` of the service date, an undated one always. History
    notes never stand in for the day's notes (e.g. for DX_NOT_DOCUMENTED).

    `lines` are dicts with the claim columns of SPEC §2.2 (`claim_id`, `line_number`, `code`,
    `units`, `patient_id`, `service_date` required; `modifiers` and `dx_codes` as `"25;59"` or a
    list) or `ClaimLine` records. Linking by encounter_id or date is not applied: every note given is
    a note of every line. `roster` is a roster file, or `npi`/`name`/`credential` dicts.

    Raises `InputError` (naming the line or note and the column) for a value the claims or notes
    reader would reject.

    >>> from notes_audit import audit_encounter
    >>> results = audit_encounter(
    ...     notes=["Pernicious anemia. Cyanocobalamin 1000 mcg IM given L deltoid by Dr. Amanda Chen."],
    ...     lines=[{"claim_id": "c1", "line_number": 1, "code": "96372", "units": 1, "dx_codes": "D51.0",
    ...             "patient_id": "p1", "service_date": "2025-03-02"},
    ...            {"claim_id": "c1", "line_number": 2, "code": "J3420", "units": 2, "dx_codes": "D51.0",
    ...             "patient_id": "p1", "service_date": "2025-03-02"}])
    >>> [(r.line.code, r.verdict, [f.reason for f in r.findings]) for r in results]
    [('96372', 'supported', []), ('J3420', 'not_supported', ['UNITS_MISMATCH'])]
    """
    claim_lines = _claim_lines(lines)
    day_notes = _notes(notes, "notes")
    history_notes = _notes(history, "history", first_number=len(day_notes) + 1) if history else []
    ids = [n.note_id for n in day_notes + history_notes]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate is not None:
        raise InputError(f"note_id '{fields.shown(duplicate)}' is given twice", column="note_id")
    evidence = list(shared_extractor().extract_many(day_notes + history_notes))
    auditor = Auditor(policy, _roster(roster), lookback_days)
    return auditor.audit(claim_lines, _EncounterNotes(evidence[:len(day_notes)], evidence[len(day_notes):]))


class _EncounterNotes:
    """The notes of a pre-bill call: the given notes are every line's day's notes; the history is
    them plus the dated history notes inside the lookback window (and the undated ones)."""

    def __init__(self, day: list[NoteEvidence], history: list[NoteEvidence]) -> None:
        self.day = day
        self.history_notes = history

    def for_line(self, line: ClaimLine) -> list[NoteEvidence]:
        return list(self.day)

    def history(self, patient_id: str, day: dt.date, lookback_days: int) -> list[NoteEvidence]:
        start = day - dt.timedelta(days=lookback_days)
        earlier = [n for n in self.history_notes
                   if (d := as_date(n.note_date)) is None or start <= d <= day]
        return earlier + list(self.day)


def _claim_lines(lines: Sequence[LineInput]) -> list[ClaimLine]:
    if isinstance(lines, (Mapping, ClaimLine, str)):
        raise TypeError("lines must be a list of dicts or ClaimLine records, not a single one")
    out: list[ClaimLine] = []
    seen: dict[tuple[str, int], int] = {}
    for number, item in enumerate(lines, 1):
        if isinstance(item, ClaimLine):
            line = item
        elif isinstance(item, Mapping):
            try:
                line = claim_line(_values(item), f"lines[{number - 1}]")
            except fields.FieldProblem as problem:
                raise InputError(f"claim line {number}: {_reason(problem)}", column=problem.column) from None
        else:
            raise TypeError(f"claim line {number} is a {type(item).__name__}, not a dict or ClaimLine")
        first = seen.setdefault(line.key, number)
        if first != number:
            raise InputError(f"claim line {number}: duplicate line: claim {line.claim_id} line "
                             f"{line.line_number} is also line {first}", column="line_number")
        out.append(line)
    return out


def _notes(notes: NoteInput | Sequence[NoteInput] | None, what: str, first_number: int = 1) -> list[Note]:
    if notes is None:
        return []
    if isinstance(notes, (str, Mapping, Note)):
        notes = [notes]
    out = []
    for number, item in enumerate(notes, first_number):
        default_id = f"note{number}"
        if isinstance(item, Note):
            note = item
        elif isinstance(item, str):
            note = Note(note_id=default_id, text=item)
        elif isinstance(item, Mapping):
            note = _note_from_dict(item, default_id, f"{what} note {number - first_number + 1}")
        else:
            raise TypeError(f"{what} note {number - first_number + 1} is a {type(item).__name__}, "
                            "not a text, a dict or a Note")
        if not note.text or not note.text.strip():
            raise InputError(f"{what} note {number - first_number + 1}: the text is missing or blank",
                             column="text")
        out.append(note)
    return out


def _note_from_dict(item: Mapping[str, Any], default_id: str, where: str) -> Note:
    values = _values(item)
    text = item.get("text", item.get("TEXT"))
    if text is not None and not isinstance(text, str):
        raise InputError(f"{where}: the text is a {type(text).__name__}, not a string", column="text")
    try:  # like the notes reader, messages never quote note values
        date_text = fields.optional(values, "note_date")
        return Note(
            note_id=fields.optional(values, "note_id") or default_id, text=text or "",
            patient_id=fields.optional(values, "patient_id"),
            encounter_id=fields.optional(values, "encounter_id"),
            note_date=fields.iso_date(date_text, "note_date", allow_time=True) if date_text else None,
            note_type=fields.optional(values, "note_type"), author=fields.optional(values, "author"),
            source=where)
    except fields.FieldProblem as problem:
        raise InputError(f"{where}: {problem.reason}", column=problem.column) from None


def _roster(roster: RosterInput) -> list[RosterEntry] | None:
    if roster is None:
        return None
    if isinstance(roster, (str, Path)):
        from notes_audit.read.roster import read_roster

        return read_roster(roster)
    entries = []
    for number, item in enumerate(roster, 1):
        if isinstance(item, RosterEntry):
            entries.append(item)
            continue
        if not isinstance(item, Mapping):
            raise TypeError(f"roster entry {number} is a {type(item).__name__}, not a dict or RosterEntry")
        values = _values(item)
        try:
            entries.append(RosterEntry(npi=fields.npi(fields.required(values, "npi"), "npi"),
                                       name=" ".join(fields.required(values, "name").split()),
                                       credential=fields.optional(values, "credential")))
        except fields.FieldProblem as problem:
            raise InputError(f"roster entry {number}: {_reason(problem)}", column=problem.column) from None
    return entries


def _values(item: Mapping[str, Any]) -> dict[str, str | None]:
    """A record as the readers see a row: lower-cased column names, every value as text."""
    return {str(k).strip().lower(): cell_text(v) for k, v in item.items()}


def _reason(problem: fields.FieldProblem) -> str:
    return f"{problem.reason}: '{fields.shown(problem.value)}'" if problem.value is not None else problem.reason


# --- files -> DataFrame ---------------------------------------------------------------------------

def audit_files(notes: PathLike, claims: PathLike, roster: PathLike | None = None,
                policy: str | Path | Policy = "medicare", lookback_days: int = DEFAULT_LOOKBACK_DAYS, *,
                include_text: bool = True, workers: int = 1) -> pd.DataFrame:
    """Run the `scan` job on files and return the findings table as a DataFrame.

    One row per finding, with the columns of findings.csv (SPEC §4; a supported or not_applicable
    line gets one row with an empty `reason`); `include_text=False` drops `evidence_text` (note
    text). The run summary (the content of summary.json: lines and notes read, rejected with why,
    counts by verdict and reason, policy) is in `frame.attrs["summary"]`. Files are read as by
    `notes-audit scan` (.csv, .jsonl, .parquet; notes may be a folder of .txt); unusable input
    raises `InputError`. `workers > 1` extracts the notes on that many processes when there are
    enough of them (as `scan --workers`); the default uses this process's shared pipeline.

    >>> from notes_audit import audit_files
    >>> df = audit_files("corpora/demo/notes.csv", "corpora/demo/claims.csv", "corpora/demo/roster.csv")
    >>> df.groupby("verdict").claim_id.count()           # doctest: +SKIP
    >>> df[df.reason == "UNITS_MISMATCH"][["claim_id", "line_number", "message"]]  # doctest: +SKIP
    >>> df.attrs["summary"]["lines"]["read"]
    152
    """
    import pandas as pd

    from notes_audit.scan import run_scan, summary_of
    from notes_audit.write.csv_table import columns, finding_rows

    inputs = {"notes": notes, "claims": claims, "roster": roster,
              "policy": policy if isinstance(policy, (str, Path)) else policy.name}
    result = run_scan(Path(notes), Path(claims), Path(roster) if roster is not None else None, policy,
                      lookback_days, extractor=shared_extractor(), workers=workers)
    frame = pd.DataFrame(finding_rows(result.results, include_text), columns=list(columns(include_text)))
    frame["line_number"] = frame["line_number"].astype("int64")
    frame["units"] = frame["units"].astype("float64")
    frame.attrs["summary"] = summary_of(result, inputs)
    return frame


def extract_notes(notes: PathLike | NoteInput | Sequence[NoteInput], *, as_frame: bool = True,
                  include_text: bool = True) -> pd.DataFrame | list[dict[str, Any]]:
    """Run the NLP layer alone: one SPEC §3 evidence record per note.

    `notes` is a notes file or folder of .txt (as for `notes-audit extract`; rejected rows are
    skipped, as there), or texts / dicts / `Note`s as for `audit_encounter`. With `as_frame` (the
    default) a DataFrame with one row per note and the SPEC §3 keys as columns (`labs`, `diagnoses`,
    ... hold lists of dicts: `frame.explode("labs")` gives one row per lab); otherwise the list of
    records. `include_text=False` leaves the `text` of every fact out.

    >>> from notes_audit import extract_notes
    >>> ev = extract_notes(["B12 182 pg/mL (L). Cyanocobalamin 1000 mcg IM given."], as_frame=False)
    >>> [(lab["test"], lab["interpretation"]) for lab in ev[0]["labs"]]
    [('b12', 'deficient')]
    """
    if isinstance(notes, Path) or (isinstance(notes, str) and _looks_like_path(notes)):
        from notes_audit.read.notes import read_notes

        source: Iterable[Note] = read_notes(notes)
    else:
        source = _notes(notes, "notes")
    records = [ev.to_dict(include_text=include_text) for ev in shared_extractor().extract_many(source)]
    if not as_frame:
        return records
    import pandas as pd

    extra = [k for r in records[:1] for k in r if k not in EVIDENCE_COLUMNS]
    return pd.DataFrame(records, columns=list(EVIDENCE_COLUMNS) + extra)


_PATH_SUFFIXES = (".csv", ".jsonl", ".parquet")


def _looks_like_path(text: str) -> bool:
    """A one-line string ending in a table extension, or naming an existing file or folder, is a
    path (a missing file then raises InputError); anything else is note text."""
    if "\n" in text or len(text) > 4096:
        return False
    if text.strip().lower().endswith(_PATH_SUFFIXES):
        return True
    try:
        return Path(text).exists()
    except OSError:
        return False
