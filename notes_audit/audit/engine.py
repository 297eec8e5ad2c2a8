"""The audit engine: claim lines + note evidence + policy -> one `LineResult` per line (SPEC §4).

Indexes are built once per run (notes by encounter and by patient/date, drug lines by patient),
so a line costs a few dictionary lookups and its own checks, not a scan of all notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from notes_audit.audit.linker import DrugLineIndex, FixedNotes, NoteIndex, group_day_lines, in_scope
from notes_audit.errors import InputError
from notes_audit.evidence.model import NoteEvidence
from notes_audit.findings.model import Finding, LineResult, verdict_of
from notes_audit.read.records import ClaimLine, RosterEntry
from notes_audit.rules.context import LineContext
from notes_audit.rules.names import RosterIndex
from notes_audit.rules.policy import Policy, load_policy
from notes_audit.rules.reasons import DRUG, LINE_KINDS
from notes_audit.rules.registry import build_checks

DEFAULT_LOOKBACK_DAYS = 365


class Auditor:
    """A policy's checks, ready to run; `audit` applies them to lines linked through `notes`."""

    def __init__(self, policy: Policy | str = "medicare", roster: Iterable[RosterEntry] | None = None,
                 lookback_days: int = DEFAULT_LOOKBACK_DAYS) -> None:
        if lookback_days < 0:
            raise InputError(f"--lookback-days must be 0 or more, not {lookback_days}")
        self.policy = load_policy(policy)
        self.checks = build_checks(self.policy)
        # Checks by line kind, once: a line only asks the checks that can speak about its kind.
        self._checks_by_kind = {kind: [c for c in self.checks if kind in c.kinds] for kind in LINE_KINDS}
        self.roster = RosterIndex(roster) if roster is not None else None
        self.lookback_days = lookback_days

    def audit(self, lines: Iterable[ClaimLine], notes: NoteIndex[NoteEvidence] | FixedNotes[NoteEvidence]
              ) -> list[LineResult]:
        return list(self.iter_audit(lines, notes))

    def iter_audit(self, lines: Iterable[ClaimLine], notes: NoteIndex[NoteEvidence] | FixedNotes[NoteEvidence]
                   ) -> Iterator[LineResult]:
        """One result per line, in input order, as each is judged: a scan writes them as they come
        instead of holding every result (the indexes over the lines are built first)."""
        lines = lines if isinstance(lines, list) else list(lines)
        days = group_day_lines(lines)
        drug_lines = DrugLineIndex(ln for ln in lines if self.policy.kind_of(ln.code) == DRUG)
        for ln in lines:
            yield self._audit_line(ln, days[(ln.patient_id, ln.service_date)], notes, drug_lines)

    def _audit_line(self, line: ClaimLine, day_lines: Sequence[ClaimLine], notes, drug_lines) -> LineResult:
        day_notes = notes.for_line(line)
        note_ids = [n.note_id for n in day_notes]
        kind = self.policy.kind_of(line.code)
        if not in_scope(kind, day_lines, self.policy):
            return LineResult(line, note_ids, verdict_of([], in_scope=False), [])

        ctx = LineContext(
            line=line, kind=kind, policy=self.policy, day_lines=day_lines, day_notes=day_notes,
            earlier_drug_lines=(drug_lines.earlier(line.patient_id, line.service_date,
                                                   self.policy.frequency_window_days)
                                if kind == DRUG else ()),
            roster=self.roster, lookback_days=self.lookback_days,
        )
        to_run = [c for c in self._checks_by_kind[kind] if (day_notes or not c.needs_notes) and c.applies(ctx)]
        if any(c.uses_history for c in to_run):
            ctx.history = notes.history(line.patient_id, line.service_date, self.lookback_days)
        findings: list[Finding] = []
        for check in to_run:
            findings.extend(check.check(ctx))
        return LineResult(line, note_ids, verdict_of(findings, in_scope=True), findings)


def audit_lines(lines: Iterable[ClaimLine], evidence: Iterable[NoteEvidence],
                roster: Iterable[RosterEntry] | None = None, policy: Policy | str = "medicare",
                lookback_days: int = DEFAULT_LOOKBACK_DAYS) -> list[LineResult]:
    """Audit claim lines against note evidence; results in input order, deterministic."""
    return Auditor(policy, roster, lookback_days).audit(lines, NoteIndex(evidence))


def audit_encounter(note_evidence: NoteEvidence | Iterable[NoteEvidence], lines: Iterable[ClaimLine],
                    roster: Iterable[RosterEntry] | None = None,
                    policy: Policy | str = "medicare") -> list[LineResult]:
    """Pre-bill: audit the lines of one encounter against its note(s), whatever their ids say.

    The given notes are the day's notes of every line and the only history consulted.
    """
    notes = [note_evidence] if isinstance(note_evidence, NoteEvidence) else list(note_evidence)
    return Auditor(policy, roster).audit(lines, FixedNotes(notes))
