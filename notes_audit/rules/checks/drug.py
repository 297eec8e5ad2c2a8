"""Checks on the injection documented that day and on the J-code line that bills its drug."""

from __future__ import annotations

import math

from notes_audit.evidence.model import Administration
from notes_audit.findings.model import Finding
from notes_audit.rules.checks.base import Check, fmt_number, register
from notes_audit.rules.context import LineContext, Located
from notes_audit.rules.reasons import ADMIN, DRUG

DRUG_OR_ADMIN = frozenset({DRUG, ADMIN})
_ONLY_DRUG = frozenset({DRUG})


def fits_code(admin: Administration, ctx: LineContext) -> bool:
    """The substance given is the billed J-code's (b12_unspecified fits any)."""
    return admin.drug == "b12_unspecified" or admin.drug in ctx.policy.drug_codes[ctx.line.code].substances


def matching_injections(ctx: LineContext) -> list[Located[Administration]]:
    """Injections given whose substance fits the billed J-code."""
    return [a for a in ctx.injections_given if fits_code(a.item, ctx)]


def dosed_injections(ctx: LineContext) -> list[Located[Administration]]:
    """The injections a J-code line's dose is read from: those that fit the code, else all given."""
    return matching_injections(ctx) or list(ctx.injections_given)


@register
class AdminNotDocumented(Check):
    reason = "ADMIN_NOT_DOCUMENTED"
    kinds = DRUG_OR_ADMIN

    def check(self, ctx: LineContext) -> list[Finding]:
        if ctx.injections_given:
            return []
        others = ctx.administrations
        if not others:
            return [self.finding("no B12 administration documented in the day's notes")]
        statuses = ", ".join(sorted({a.item.status for a in others}))
        return [self.finding(f"no B12 injection documented as given; only {statuses}",
                             (a.ref() for a in others))]


@register
class RouteNotInjectable(Check):
    reason = "ROUTE_NOT_INJECTABLE"
    kinds = DRUG_OR_ADMIN

    def check(self, ctx: LineContext) -> list[Finding]:
        bad = [a for a in ctx.injections_given if a.item.route in ctx.policy.non_injectable_routes]
        if not bad:
            return []
        routes = ", ".join(sorted({a.item.route for a in bad}))
        return [self.finding(f"route {routes} documented for the B12 given; only IM or SC is an "
                             "injection", (a.ref() for a in bad))]


@register
class DrugCodeMismatch(Check):
    reason = "DRUG_CODE_MISMATCH"
    kinds = _ONLY_DRUG

    def check(self, ctx: LineContext) -> list[Finding]:
        # SPEC §5.1: J3420 "while the drug given is" another substance, so any such injection counts.
        other = [a for a in ctx.injections_given if not fits_code(a.item, ctx)]
        if not other:
            return []
        code = ctx.policy.drug_codes[ctx.line.code]
        drugs = ", ".join(sorted({a.item.drug for a in other}))
        return [self.finding(f"{code.code} is {' or '.join(sorted(code.substances))}; the notes "
                             f"document {drugs} given", (a.ref() for a in other))]


@register
class UnitsMismatch(Check):
    reason = "UNITS_MISMATCH"
    kinds = _ONLY_DRUG

    def applies(self, ctx: LineContext) -> bool:
        # Only codes with a known unit size (J3420: 1000 mcg); none for J3425 (SPEC §5.1).
        return ctx.kind == DRUG and ctx.policy.drug_codes[ctx.line.code].mcg_per_unit is not None

    def codes(self, policy) -> tuple[str, ...]:
        return tuple(sorted(c for c, d in policy.drug_codes.items() if d.mcg_per_unit is not None))

    def check(self, ctx: LineContext) -> list[Finding]:
        dosed = [a for a in dosed_injections(ctx) if a.item.dose_mcg is not None]
        if not dosed:
            return []  # DOSE_NOT_DOCUMENTED speaks for the line
        # The largest single dose: one shot is often written twice (order and administration).
        biggest = max(dosed, key=lambda a: a.item.dose_mcg)
        mcg = round(biggest.item.dose_mcg, 6)  # 1.1 mg * 1000 is not exactly 1100
        per_unit = ctx.policy.drug_codes[ctx.line.code].mcg_per_unit
        expected = max(1, math.ceil(mcg / per_unit)) if mcg > 0 else 0
        if float(ctx.line.units) == expected:
            return []
        item = biggest.item
        written = (f"{fmt_number(item.dose_value)} mg ({fmt_number(mcg)} mcg)" if item.dose_unit == "mg"
                   else f"{fmt_number(mcg)} mcg")
        units = fmt_number(ctx.line.units)
        return [self.finding(
            f"{units} unit{'s' if float(ctx.line.units) != 1 else ''} billed; {written} documented = "
            f"{expected} unit{'s' if expected != 1 else ''}", [biggest.ref()])]


@register
class DoseNotDocumented(Check):
    reason = "DOSE_NOT_DOCUMENTED"
    kinds = _ONLY_DRUG

    def check(self, ctx: LineContext) -> list[Finding]:
        dosed = dosed_injections(ctx)
        if not dosed or any(a.item.dose_mcg is not None for a in dosed):
            return []
        return [self.finding("the B12 given is documented without a dose; units cannot be verified",
                             (a.ref() for a in dosed))]


@register
class PatientSuppliedDrug(Check):
    reason = "PATIENT_SUPPLIED_DRUG"
    kinds = _ONLY_DRUG

    def check(self, ctx: LineContext) -> list[Finding]:
        supplied = [a for a in ctx.injections_given if a.item.patient_supplied]
        if not supplied:
            return []
        return [self.finding(f"the notes say the patient supplied the drug; {ctx.line.code} is not "
                             "billable, only the administration", (a.ref() for a in supplied))]


@register
class FrequencyExceeded(Check):
    reason = "FREQUENCY_EXCEEDED"
    kinds = _ONLY_DRUG
    # Judged with the day's notes (they may document a loading phase); under NOTE_MISSING it is
    # skipped like the other checks that need the notes.

    def check(self, ctx: LineContext) -> list[Finding]:
        if not ctx.earlier_drug_lines:
            return []
        if any(n.loading_phase for n in ctx.day_notes):
            return []
        last = max(ctx.earlier_drug_lines, key=lambda ln: ln.service_date)
        days = (ctx.service_date - last.service_date).days
        others = len({ln.service_date for ln in ctx.earlier_drug_lines})
        more = f" and {others - 1} other date(s)" if others > 1 else ""
        return [self.finding(
            f"{last.code} also billed on {last.service_date.isoformat()} ({days} days earlier{more}; "
            f"policy window {ctx.policy.frequency_window_days} days); no loading phase documented")]
