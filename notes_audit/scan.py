"""The main job: read claims and notes, extract evidence for the notes the claim lines need, audit
every line, and hand each result to the writers as it is judged.

Memory follows the claims, not the notes file:

1. the claim lines are read once and kept (about 0.8 KB per line);
2. pass 1 streams the notes' metadata and keeps a light reference only for notes that can link to
   some line (`ClaimPlan`); from those, `needed_note_ids` picks the notes in-scope lines will read;
3. pass 2 streams the notes again and sends only the needed ones through the NLP, on one process
   or several (`--workers`); their evidence is kept, every other note is counted and dropped;
4. lines are audited in input order and each result goes straight to the writers
   (`write.stream.FindingsSink`); the summary counts accumulate.

So a notes file ten times larger costs reading time, not memory, unless the claims need its notes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notes_audit.audit.engine import Auditor
from notes_audit.audit.linker import needed_note_ids
from notes_audit.evidence.model import NoteEvidence
from notes_audit.extract import Extractor
from notes_audit.findings.model import LineResult
from notes_audit.parallel.chunks import CHUNK_NOTES
from notes_audit.parallel.extract import extraction, workers_for
from notes_audit.parallel.plan import ClaimPlan, evidence_index
from notes_audit.read.claims import read_claims
from notes_audit.read.notes import read_notes
from notes_audit.read.records import Note, Rejected, RosterEntry
from notes_audit.read.roster import read_roster_checked
from notes_audit.rules.policy import Policy, load_policy
from notes_audit.write.summary import ResultCounts

log = logging.getLogger("notes_audit.scan")

Progress = Callable[[Iterable, int], Iterable]


@dataclass
class PreparedScan:
    """Inputs read and evidence extracted; `iter_results()` audits the lines in input order.

    The Spark engine fills the same shape, so the writers and the summary do not care which
    engine ran.
    """

    policy: Policy
    lines_read: int
    lines_rejected: list[Rejected]
    notes_read: int
    notes_rejected: list[Rejected]
    notes_extracted: int
    iter_results: Callable[[], Iterator[LineResult]]
    note_texts: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, NoteEvidence] = field(default_factory=dict)
    workers_used: int = 1
    engine: str = "local"
    roster_read: int | None = None  # rows of the roster file; None without one
    roster_rejected: list[Rejected] = field(default_factory=list)


@dataclass
class ScanResult:
    """A whole scan held in memory (the Python API and `evaluate`; small inputs)."""

    results: list[LineResult]
    policy: Policy
    lines_read: int
    lines_rejected: list[Rejected]
    notes_read: int
    notes_extracted: int
    notes_rejected: list[Rejected]
    note_texts: dict[str, str] = field(default_factory=dict)
    evidence: list[NoteEvidence] = field(default_factory=list)
    workers_used: int = 1
    roster_read: int | None = None
    roster_rejected: list[Rejected] = field(default_factory=list)


def prepare_scan(notes: Path, claims: Path, roster: Path | None = None, policy: str | Path | Policy = "medicare",
                 lookback_days: int = 365, keep_texts: bool = False, progress: Progress | None = None,
                 extractor: Extractor | None = None, workers: int = 1,
                 chunk_notes: int = CHUNK_NOTES) -> PreparedScan:
    """Read the inputs and extract the needed notes. `keep_texts` keeps the texts of the extracted
    notes (the HTML report shows them); `workers > 1` extracts on that many processes when there
    are enough notes to share."""
    pol = load_policy(policy)
    claims_read = read_claims(claims)
    roster_read = read_roster_checked(roster) if roster else None
    roster_entries: list[RosterEntry] | None = roster_read.entries if roster_read else None
    auditor = Auditor(pol, roster_entries, lookback_days)  # refuses a negative lookback before any work
    lines = claims_read.lines

    # Pass 1: metadata only; keep references to the notes some line can link to.
    reader = read_notes(notes)
    candidates = ClaimPlan(lines, pol, lookback_days).candidates(reader.read(with_text=False))
    notes_read, notes_rejected = reader.rows_read, list(reader.rejected)
    needed = needed_note_ids(lines, candidates, lookback_days, pol)

    # Pass 2 (same reader, so file warnings are given once): the needed notes through the NLP.
    evidence: dict[str, NoteEvidence] = {}
    texts: dict[str, str] = {}
    n_workers = workers_for(len(needed), workers, chunk_notes)
    with extraction(n_workers, extractor, chunk_notes) as extract:  # before the progress bar's thread
        wanted: Iterable[Note] = _needed_notes(reader.read(), needed)
        if keep_texts:
            wanted = _keep_text(wanted, texts)
        stream: Iterable[NoteEvidence] = extract(wanted)
        if progress is not None:
            stream = progress(stream, len(needed))
        for ev in stream:
            evidence[ev.note_id] = ev

    index = evidence_index(candidates, evidence)
    log.info("scan: %d lines, %d notes read, %d linkable, %d extracted on %d process(es)",
             len(lines), notes_read, len(candidates), len(evidence), n_workers)
    return PreparedScan(pol, claims_read.rows_read, claims_read.rejected, notes_read, notes_rejected,
                        len(evidence), lambda: auditor.iter_audit(lines, index), texts, evidence, n_workers,
                        roster_read=roster_read.rows_read if roster_read else None,
                        roster_rejected=list(roster_read.rejected) if roster_read else [])


def run_scan(notes: Path, claims: Path, roster: Path | None = None, policy: str | Path | Policy = "medicare",
             lookback_days: int = 365, keep_texts: bool = False, progress: Progress | None = None,
             extractor: Extractor | None = None, workers: int = 1,
             chunk_notes: int = CHUNK_NOTES) -> ScanResult:
    """The scan with every result in memory (see `write_scan` for the streaming form)."""
    prepared = prepare_scan(notes, claims, roster, policy, lookback_days, keep_texts, progress, extractor,
                            workers, chunk_notes)
    return ScanResult(list(prepared.iter_results()), prepared.policy, prepared.lines_read,
                      prepared.lines_rejected, prepared.notes_read, prepared.notes_extracted,
                      prepared.notes_rejected, prepared.note_texts, list(prepared.evidence.values()),
                      prepared.workers_used, prepared.roster_read, prepared.roster_rejected)


def write_scan(prepared: PreparedScan, out: Path, include_text: bool = True,
               inputs: Mapping[str, Any] | None = None) -> tuple[list[Path], dict, ResultCounts]:
    """Audit the lines and write each result as it comes; the paths written, the summary and the
    counts (for `--fail-on`)."""
    from notes_audit.write.stream import FindingsSink

    with FindingsSink(out, include_text) as sink:
        for result in prepared.iter_results():
            sink.add(result)
        summary = summary_of(prepared, inputs, counts=sink.counts)
        paths = sink.close(summary, prepared.note_texts)
    return paths, summary, sink.counts


def summary_of(result: ScanResult | PreparedScan, inputs: Mapping[str, Any] | None = None,
               generated_at: str | None = None, counts: ResultCounts | None = None) -> dict:
    from notes_audit.write.summary import build_summary

    results = result.results if isinstance(result, ScanResult) else None
    return build_summary(results=results, counts=counts, lines_read=result.lines_read,
                         lines_rejected=result.lines_rejected, notes_read=result.notes_read,
                         notes_audited=result.notes_extracted, notes_rejected=result.notes_rejected,
                         policy_name=result.policy.name, policy_version=result.policy.version,
                         generated_at=generated_at, inputs=inputs, roster_read=result.roster_read,
                         roster_rejected=result.roster_rejected)


def _needed_notes(notes: Iterator[Note], needed: set[str]) -> Iterator[Note]:
    """The needed notes, in input order; reading stops once the last one is found (the counts
    came from pass 1), and does not start when none is needed."""
    left = len(needed)
    if not left:
        return
    for n in notes:
        if n.note_id in needed:
            yield n
            left -= 1
            if not left:
                return


def _keep_text(notes: Iterable[Note], texts: dict[str, str]) -> Iterator[Note]:
    for n in notes:
        texts[n.note_id] = n.text
        yield n
