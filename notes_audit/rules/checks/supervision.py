"""Incident-to checks: who gave the injection, who supervised it, and who bills it."""

from __future__ import annotations

import re
from functools import lru_cache

from notes_audit.evidence.model import Person
from notes_audit.findings.model import Finding
from notes_audit.rules.checks.base import Check, register
from notes_audit.rules.context import LineContext
from notes_audit.rules.policy import SupervisionRules, normalise_credential
from notes_audit.rules.reasons import ADMIN, DRUG

DRUG_OR_ADMIN = frozenset({DRUG, ADMIN})
COUNTED_PRESENCE = frozenset({"in_office", "virtual"})


def is_auxiliary(person: Person | None, rules: SupervisionRules) -> bool:
    """True for RN/LPN/MA-type staff; False for practitioners and for an unknown credential."""
    if person is None or not person.credential:
        return False  # nobody documented: nothing can be said (SPEC §5.1)
    return _auxiliary_credential(person.credential, rules)


@lru_cache(maxsize=1024)
def _auxiliary_credential(text: str, rules: SupervisionRules) -> bool:
    chunks = [c for c in re.split(r"[,/;()]+", text) if c.strip()]
    tokens = {normalise_credential(t) for t in re.split(r"[,/;()\s]+", text) if t.strip()}
    whole = {normalise_credential(text)} | {normalise_credential(c) for c in chunks}
    # "Nurse practitioner" and "PA-C" are practitioners, whatever words they share with staff titles.
    if (whole | tokens) & rules.practitioner_credentials:
        return False
    if (whole | tokens) & rules.auxiliary_credentials:
        return True
    lower = text.lower()
    return any(re.search(rf"\b{re.escape(title)}\b", lower) for title in rules.auxiliary_titles)


def _who(person: Person) -> str:
    # The credential only: a message must not copy a name out of the note (it survives --no-text);
    # the evidence span shows who it was.
    return person.credential or "staff"


@register
class SupervisionNotDocumented(Check):
    reason = "SUPERVISION_NOT_DOCUMENTED"
    kinds = DRUG_OR_ADMIN

    def check(self, ctx: LineContext) -> list[Finding]:
        rules = ctx.policy.supervision
        by_staff = [a for a in ctx.injections_given if is_auxiliary(a.item.administered_by, rules)]
        if not by_staff:
            return []
        virtual_ok = ctx.policy.virtual_counts_on(ctx.service_date)
        present = [s for s in ctx.supervision if s.item.presence == "in_office"
                   or (s.item.presence == "virtual" and virtual_ok)]
        if present:
            return []
        staff = "; ".join(sorted({_who(a.item.administered_by) for a in by_staff}))
        wanted = "in the office suite" + (" or by real-time audio and video" if virtual_ok else "")
        message = f"injection given by {staff}; no supervising practitioner documented {wanted}"
        found = sorted({s.item.presence for s in ctx.supervision})
        if "virtual" in found and not virtual_ok:
            vf = rules.virtual_from
            message += (f" (virtual supervision counts only from {vf.isoformat()})" if vf
                        else " (this policy does not accept virtual supervision)")
        elif found:
            message += f" (found: {', '.join(found)})"
        return [self.finding(message, [a.ref() for a in by_staff] + [s.ref() for s in ctx.supervision])]


@register
class SupervisorNotBilling(Check):
    reason = "SUPERVISOR_NOT_BILLING"
    kinds = DRUG_OR_ADMIN

    def check(self, ctx: LineContext) -> list[Finding]:
        if not ctx.roster:
            return []
        ln = ctx.line
        npi, which = (ln.rendering_npi, "rendering") if ln.rendering_npi else (ln.billing_npi, "billing")
        if not npi:
            return []  # the claim names nobody to compare with
        matched = []
        for sup in ctx.supervision:
            if sup.item.presence not in COUNTED_PRESENCE:
                continue
            entries = ctx.roster.matches(sup.item.name)
            if len(entries) == 1:  # no match or several: nothing can be said (SPEC §5.1)
                matched.append((sup, entries[0]))
        if not matched or any(entry.npi.strip() == npi.strip() for _sup, entry in matched):
            return []
        names = "; ".join(sorted({f"{entry.name} (NPI {entry.npi})" for _sup, entry in matched}))
        return [self.finding(f"supervising practitioner {names} is not the line's {which} NPI {npi}",
                             (sup.ref() for sup, _entry in matched))]
