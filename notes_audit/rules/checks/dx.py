"""Diagnosis and medical-necessity checks: is the injection for a covered, documented condition?"""

from __future__ import annotations

import datetime as dt

from notes_audit.evidence.model import Diagnosis, Lab
from notes_audit.evidence.vocab import STATUS_CONCEPTS
from notes_audit.findings.model import Finding
from notes_audit.rules.checks.base import Check, fmt_number, register
from notes_audit.rules.context import LineContext, Located
from notes_audit.rules.policy import LabCriterion
from notes_audit.rules.reasons import ADMIN, DRUG

DRUG_OR_ADMIN = frozenset({DRUG, ADMIN})
# Diagnoses that name the deficiency without showing it (SPEC §5.1: "alone is not evidence").
_DEFICIENCY_NAMES = frozenset({"b12_deficiency", "b12_deficiency_anemia"})


def _label(concept: str) -> str:
    return concept.replace("_", " ")


def _documents(dx: Diagnosis) -> bool:
    """Affirmed, or historical for the three `_status` concepts (a past operation stays true)."""
    return dx.status == "affirmed" or (dx.status == "historical" and dx.concept in STATUS_CONCEPTS)


def dx_documentation(ctx: LineContext) -> tuple[str, frozenset[str], list[Located[Diagnosis]]]:
    """How the line's covered codes are documented in the day's notes.

    Returns ("documented" | "uncertain" | "missing", the concepts that would document the codes,
    the day's mentions of those concepts).
    """
    needed = frozenset().union(*(ctx.policy.concepts_for(dx) for dx in ctx.covered_dx))
    mentions = [d for d in ctx.diagnoses if d.item.concept in needed]
    if any(_documents(d.item) for d in mentions):
        return "documented", needed, mentions
    if mentions and all(d.item.status == "uncertain" for d in mentions):
        return "uncertain", needed, mentions
    return "missing", needed, mentions


@register
class DxNotOnClaim(Check):
    reason = "DX_NOT_ON_CLAIM"
    kinds = DRUG_OR_ADMIN
    needs_notes = False

    def check(self, ctx: LineContext) -> list[Finding]:
        if ctx.covered_dx:
            return []
        if not ctx.line.dx_codes:
            return [self.finding("the line carries no diagnosis code")]
        codes = ", ".join(ctx.line.dx_codes)
        return [self.finding(f"none of the line's diagnosis codes ({codes}) is a covered indication "
                             f"in policy {ctx.policy.name}")]


@register
class DxNotDocumented(Check):
    reason = "DX_NOT_DOCUMENTED"
    kinds = DRUG_OR_ADMIN

    def check(self, ctx: LineContext) -> list[Finding]:
        if not ctx.covered_dx:
            return []  # DX_NOT_ON_CLAIM speaks for the line
        state, needed, mentions = dx_documentation(ctx)
        if state != "missing":
            return []
        found = (f"mentioned only as {', '.join(sorted({d.item.status for d in mentions}))}"
                 if mentions else "not mentioned")
        return [self.finding(
            f"{', '.join(ctx.covered_dx)} billed; {' or '.join(sorted(map(_label, needed)))} "
            f"not affirmed in the day's notes ({found})", (d.ref() for d in mentions))]


@register
class DxUncertain(Check):
    reason = "DX_UNCERTAIN"
    kinds = DRUG_OR_ADMIN

    def check(self, ctx: LineContext) -> list[Finding]:
        if not ctx.covered_dx:
            return []
        state, _needed, mentions = dx_documentation(ctx)
        if state != "uncertain":
            return []
        concepts = " and ".join(sorted({_label(d.item.concept) for d in mentions}))
        return [self.finding(
            f"{', '.join(ctx.covered_dx)} billed; {concepts} documented only as uncertain "
            "(probable, suspected or rule-out)", (d.ref() for d in mentions))]


@register
class DxSpecificity(Check):
    reason = "DX_SPECIFICITY"
    kinds = DRUG_OR_ADMIN

    def check(self, ctx: LineContext) -> list[Finding]:
        parts, refs = [], []
        for rule in ctx.policy.specificity:
            billed = [dx for dx in ctx.line.dx_codes if rule.matches(dx)]
            if not billed:
                continue
            documented = [d for d in ctx.diagnoses
                          if d.item.status == "affirmed" and d.item.concept in rule.documented]
            if documented:
                concepts = " and ".join(sorted({_label(d.item.concept) for d in documented}))
                parts.append(f"{', '.join(billed)} billed while {concepts} is documented: "
                             f"{rule.suggest} fits better")
                refs.extend(d.ref() for d in documented)
        return [self.finding("; ".join(parts), refs)] if parts else []


def _matches(lab: Lab, criterion: LabCriterion) -> bool:
    return lab.test == criterion.test and lab.interpretation == criterion.interpretation


def _describe(lab: Lab) -> str:
    value = lab.value_std if lab.value_std is not None else lab.value
    unit = lab.unit_std if lab.value_std is not None else lab.unit
    amount = f" {fmt_number(value)}{' ' + unit if unit else ''}" if value is not None else ""
    return f"{lab.test}{amount} {lab.interpretation or 'uninterpreted'}"


@register
class NoDeficiencyEvidence(Check):
    reason = "NO_DEFICIENCY_EVIDENCE"
    kinds = DRUG_OR_ADMIN
    uses_history = True

    def check(self, ctx: LineContext) -> list[Finding]:
        rules = ctx.policy.deficiency
        notes = ctx.evidence_notes
        labs = [Located(n.note_id, lab) for n in notes for lab in n.labs if lab.status in rules.statuses]
        if any(_matches(lab.item, c) for lab in labs for c in rules.labs):
            return []
        for pair in rules.lab_pairs:
            # The two labs may sit in different notes of the history (SPEC §5.1).
            if (any(_matches(lab.item, pair.lab) for lab in labs)
                    and any(_matches(lab.item, c) for lab in labs for c in pair.with_any)):
                return []
        dxs = [Located(n.note_id, d) for n in notes for d in n.diagnoses if d.status in rules.statuses]
        if any(d.item.concept in rules.causal_concepts for d in dxs):
            return []

        tests = {c.test for c in rules.labs} | {c.test for p in rules.lab_pairs
                                                for c in (p.lab, *p.with_any)}
        seen_labs = [lab for lab in labs if lab.item.test in tests]
        seen_names = [d for d in dxs if d.item.concept in _DEFICIENCY_NAMES]
        start = ctx.service_date - dt.timedelta(days=ctx.lookback_days)
        found = [_describe(lab.item) for lab in seen_labs]
        found += [f"{_label(c)} diagnosis (not evidence alone)"
                  for c in sorted({d.item.concept for d in seen_names})]
        message = (f"no deficient B12, borderline B12 with elevated MMA or homocysteine, positive "
                   f"antibody or causal condition in {len(notes)} note(s) from {start.isoformat()} "
                   f"to {ctx.service_date.isoformat()}")
        if found:
            message += f"; found: {', '.join(found)}"
        return [self.finding(message, [x.ref() for x in seen_labs] + [d.ref() for d in seen_names])]
