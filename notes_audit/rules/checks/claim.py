"""Checks on the day's claim lines: drug and administration billed together, modifiers, codes."""

from __future__ import annotations

from notes_audit.findings.model import Finding
from notes_audit.rules.checks.base import Check, register
from notes_audit.rules.context import LineContext
from notes_audit.rules.reasons import ADMIN, ALL_KINDS, DRUG, EM_KINDS

_X_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU"})
_DISTINCT_INJECTION = frozenset({"59", "XU"})


def _mods(found: set[str]) -> str:
    return "/".join(sorted(found))


@register
class DrugLineMissing(Check):
    reason = "DRUG_LINE_MISSING"
    kinds = frozenset({ADMIN})

    def check(self, ctx: LineContext) -> list[Finding]:
        if not ctx.injections_given or ctx.day_lines_of(DRUG):
            return []
        if any(a.item.patient_supplied for a in ctx.administrations):
            return []
        drug_codes = ", ".join(ctx.policy.codes_of_kind(DRUG))
        return [self.finding(f"B12 injection given and {ctx.line.code} billed, but no drug line "
                             f"({drug_codes}) on {ctx.service_date.isoformat()} and no "
                             "patient-supplied statement", (a.ref() for a in ctx.injections_given))]


@register
class AdminLineMissing(Check):
    reason = "ADMIN_LINE_MISSING"
    kinds = frozenset({DRUG})
    needs_notes = False

    def check(self, ctx: LineContext) -> list[Finding]:
        if ctx.day_lines_of(ADMIN):
            return []
        admin_codes = ", ".join(ctx.policy.codes_of_kind(ADMIN))
        return [self.finding(f"{ctx.line.code} billed without an administration line ({admin_codes}) "
                             f"for the patient on {ctx.service_date.isoformat()}")]


@register
class CodeUnverified(Check):
    reason = "CODE_UNVERIFIED"
    kinds = frozenset({DRUG})
    needs_notes = False

    def applies(self, ctx: LineContext) -> bool:
        return ctx.kind == DRUG and not ctx.policy.drug_codes[ctx.line.code].verified

    def codes(self, policy) -> tuple[str, ...]:
        return tuple(sorted(c for c, d in policy.drug_codes.items() if not d.verified))

    def check(self, ctx: LineContext) -> list[Finding]:
        return [self.finding(f"{ctx.line.code} could not be confirmed in the official HCPCS code set; "
                             "a person must check the code before billing")]


@register
class ModifierMisused(Check):
    reason = "MODIFIER_MISUSED"
    kinds = ALL_KINDS
    needs_notes = False

    def check(self, ctx: LineContext) -> list[Finding]:
        code, mods = ctx.line.code, set(ctx.line.modifiers)
        problems = []
        if "25" in mods and ctx.kind not in EM_KINDS:
            problems.append(f"modifier 25 on {code}, which is not an E/M")
        if ctx.kind in EM_KINDS and mods & _X_MODIFIERS:
            problems.append(f"modifier {_mods(mods & _X_MODIFIERS)} on E/M {code}")
        if ctx.kind == ADMIN and mods & _DISTINCT_INJECTION and len(ctx.day_lines_of(ADMIN)) < 2:
            problems.append(f"modifier {_mods(mods & _DISTINCT_INJECTION)} on {code} without a second "
                            f"{code} line on {ctx.service_date.isoformat()}")
        return [self.finding("; ".join(problems))] if problems else []
