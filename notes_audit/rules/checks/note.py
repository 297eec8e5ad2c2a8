"""NOTE_MISSING: is there any note to audit the line against?"""

from __future__ import annotations

from notes_audit.findings.model import Finding
from notes_audit.rules.checks.base import Check, register
from notes_audit.rules.context import LineContext
from notes_audit.rules.reasons import ALL_KINDS


@register
class NoteMissing(Check):
    reason = "NOTE_MISSING"
    kinds = ALL_KINDS
    needs_notes = False

    def check(self, ctx: LineContext) -> list[Finding]:
        if ctx.day_notes:
            return []
        ln = ctx.line
        day = f"patient {ln.patient_id} on {ln.service_date.isoformat()}"
        where = f"encounter {ln.encounter_id} or for {day}" if ln.encounter_id else day
        return [self.finding(f"no note for {where}")]
