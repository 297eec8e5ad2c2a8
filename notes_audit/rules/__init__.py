"""The rules layer: a policy (data), one check per reason code, and what a check sees of a line."""

from notes_audit.rules.checks import CHECK_CLASSES, Check, register
from notes_audit.rules.context import LineContext, Located
from notes_audit.rules.policy import DEFAULT_POLICY, Policy, ReasonSpec, available_policies, load_policy
from notes_audit.rules.reasons import SPEC_REASONS
from notes_audit.rules.registry import build_checks

__all__ = ["CHECK_CLASSES", "Check", "DEFAULT_POLICY", "LineContext", "Located", "Policy", "ReasonSpec",
           "SPEC_REASONS", "available_policies", "build_checks", "load_policy", "register"]
