"""The main job: read claims and notes, extract evidence for the notes the claim lines need, audit
every line, and hand the results to the writers. Claim-driven: notes no in-scope line needs are
counted but never run through the NLP."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from notes_audit.audit.engine import audit_lines
from notes_audit.audit.linker import needed_note_ids
from notes_audit.evidence.model import NoteEvidence
from notes_audit.extract import Extractor
from notes_audit.findings.model import LineResult
from notes_audit.read.claims import read_claims
from notes_audit.read.notes import read_notes
from notes_audit.read.records import Rejected, RosterEntry
from notes_audit.read.roster import read_roster
from notes_audit.rules.policy import load_policy

log = logging.getLogger("notes_audit.scan")


@dataclass
class ScanResult:
    results: list[LineResult]
    policy: object
    lines_read: int
    lines_rejected: list[Rejected]
    notes_read: int
    notes_extracted: int
    notes_rejected: list[Rejected]
    note_texts: dict[str, str] = field(default_factory=dict)
    evidence: list[NoteEvidence] = field(default_factory=list)


def _meta(ev_like) -> NoteEvidence:
    return NoteEvidence(note_id=ev_like.note_id, patient_id=ev_like.patient_id, encounter_id=ev_like.encounter_id,
                        note_date=ev_like.note_date.isoformat() if ev_like.note_date else None)


def run_scan(notes: Path, claims: Path, roster: Path | None = None, policy: str = "medicare",
             lookback_days: int = 365, keep_texts: bool = False,
             progress: Callable[[Iterable], Iterable] | None = None,
             extractor: Extractor | None = None) -> ScanResult:
    pol = load_policy(policy)
    claims_read = read_claims(claims)
    roster_entries: list[RosterEntry] | None = read_roster(roster) if roster else None

    # Pass 1: metadata only, to decide which notes the in-scope lines need.
    reader = read_notes(notes)
    metas = [_meta(n) for n in reader.read(with_text=False)]
    notes_read, notes_rejected = reader.rows_read, list(reader.rejected)
    needed = needed_note_ids(claims_read.lines, metas, lookback_days, pol)

    # Pass 2 (same reader, so file warnings are given once): texts of the needed notes only, through the NLP.
    extractor = extractor or Extractor()
    wanted = (n for n in reader.read() if n.note_id in needed)
    evidence: list[NoteEvidence] = []
    texts: dict[str, str] = {}
    stream = extractor.extract_many(_keep_text(wanted, texts) if keep_texts else wanted)
    if progress is not None:
        stream = progress(stream, len(needed))
    for ev in stream:
        evidence.append(ev)
    by_id = {e.note_id: e for e in evidence}
    # Notes not run through the NLP still link (as empty evidence) so a line is never told its note is missing.
    all_evidence = [by_id.get(m.note_id, m) for m in metas]
    results = audit_lines(claims_read.lines, all_evidence, roster_entries, pol, lookback_days)
    log.info("scan: %d lines audited, %d notes read, %d extracted", len(results), len(metas), len(evidence))
    return ScanResult(results, pol, claims_read.rows_read, claims_read.rejected, notes_read,
                      len(evidence), notes_rejected, texts, evidence)


def summary_of(result: ScanResult, inputs: dict | None = None, generated_at: str | None = None) -> dict:
    from notes_audit.write.summary import build_summary

    return build_summary(results=result.results, lines_read=result.lines_read, lines_rejected=result.lines_rejected,
                         notes_read=result.notes_read, notes_audited=result.notes_extracted,
                         notes_rejected=result.notes_rejected, policy_name=result.policy.name,
                         policy_version=result.policy.version, generated_at=generated_at, inputs=inputs)


def _keep_text(notes, texts: dict[str, str]):
    for n in notes:
        texts[n.note_id] = n.text
        yield n
