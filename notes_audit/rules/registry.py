"""Reason code -> check, built from a policy: the enabled reasons, in a stable order.

The order is SPEC §5's table order, then reasons a policy adds in the order the file lists them,
so findings on a line always come out in the same order.
"""

from __future__ import annotations

from notes_audit.rules.checks import CHECK_CLASSES, Check
from notes_audit.rules.policy import Policy, load_policy
from notes_audit.rules.reasons import SPEC_REASONS


def reason_order(policy: Policy) -> list[str]:
    """Every reason of the policy (enabled or not), SPEC ones first."""
    extra = [code for code in policy.reasons if code not in SPEC_REASONS]
    return [code for code in SPEC_REASONS if code in policy.reasons] + extra


def check_for(reason: str, policy: Policy) -> Check:
    """The check object of one reason under `policy`, enabled or not (for `rules explain`)."""
    return CHECK_CLASSES[reason](policy.reasons[reason])


def build_checks(policy: Policy | str = "medicare") -> list[Check]:
    """One check per enabled reason of the policy."""
    policy = load_policy(policy)
    return [check_for(code, policy) for code in reason_order(policy) if policy.reasons[code].enabled]
