"""Checks on the E/M billed the same day as the injection (modifier 25, 99211, G2211)."""

from __future__ import annotations

from notes_audit.findings.model import EvidenceRef, Finding
from notes_audit.rules.checks.base import Check, register
from notes_audit.rules.context import LineContext
from notes_audit.rules.reasons import ADDON, ADMIN, EM, EM_BUNDLED, EM_KINDS


def _admin_codes(ctx: LineContext) -> str:
    return ", ".join(sorted({ln.code for ln in ctx.day_lines_of(ADMIN)}))


@register
class EmBundled99211(Check):
    reason = "EM_BUNDLED_99211"
    kinds = frozenset({EM_BUNDLED})
    needs_notes = False

    def check(self, ctx: LineContext) -> list[Finding]:
        if not ctx.day_lines_of(ADMIN):
            return []
        note = " (modifier 25 does not change this)" if "25" in ctx.line.modifiers else ""
        return [self.finding(f"{ctx.line.code} billed with {_admin_codes(ctx)} on "
                             f"{ctx.service_date.isoformat()}: not payable{note}")]


@register
class Mod25Missing(Check):
    reason = "MOD25_MISSING"
    kinds = frozenset({EM})
    needs_notes = False

    def check(self, ctx: LineContext) -> list[Finding]:
        if "25" in ctx.line.modifiers or not ctx.day_lines_of(ADMIN):
            return []
        return [self.finding(f"{ctx.line.code} billed with {_admin_codes(ctx)} on "
                             f"{ctx.service_date.isoformat()} without modifier 25")]


@register
class Mod25NotSupported(Check):
    reason = "MOD25_NOT_SUPPORTED"
    kinds = frozenset({EM})

    def check(self, ctx: LineContext) -> list[Finding]:
        if "25" not in ctx.line.modifiers:
            return []
        if any(n.em.separately_identifiable for n in ctx.day_notes):
            return []
        # What the extractor saw and judged not separate (vitals, "tolerated well", ...), if any.
        seen = [EvidenceRef(n.note_id, tuple(e.span), e.text) for n in ctx.day_notes for e in n.em.evidence]
        return [self.finding(f"modifier 25 on {ctx.line.code}, but the notes of "
                             f"{ctx.service_date.isoformat()} show no separately identifiable E/M "
                             "beyond the injection visit", seen)]


@register
class G2211NotPayable(Check):
    reason = "G2211_NOT_PAYABLE"
    kinds = frozenset({ADDON})
    needs_notes = False

    def check(self, ctx: LineContext) -> list[Finding]:
        em_25 = [ln for ln in ctx.day_lines if ctx.kind_of(ln) in EM_KINDS and "25" in ln.modifiers]
        if not em_25 or not ctx.day_lines_of(ADMIN):
            return []
        em_codes = ", ".join(sorted({f"{ln.code}-25" for ln in em_25}))
        return [self.finding(f"{ctx.line.code} billed with {em_codes} and {_admin_codes(ctx)} on "
                             f"{ctx.service_date.isoformat()}")]
