"""The registry: exactly one check per SPEC reason, built from the policy, in a stable order;
a policy can add a reason whose check is registered, and cannot name one that is not."""

from __future__ import annotations

from typing import ClassVar

import pytest

from notes_audit.errors import InputError
from notes_audit.rules.checks import CHECK_CLASSES, Check, register
from notes_audit.rules.context import LineContext
from notes_audit.rules.policy import load_policy
from notes_audit.rules.reasons import ADMIN, ALL_KINDS, SPEC_REASONS
from notes_audit.rules.registry import build_checks, reason_order
from rules.builders import good_note, line, reasons, run, supported_day


def test_exactly_one_check_class_per_spec_reason():
    assert set(CHECK_CLASSES) == set(SPEC_REASONS)
    assert len(set(CHECK_CLASSES.values())) == len(SPEC_REASONS)
    for code, cls in CHECK_CLASSES.items():
        assert cls.reason == code and cls.kinds <= ALL_KINDS and cls.check is not Check.check


@pytest.mark.parametrize("policy", ["medicare", "commercial"])
def test_build_checks_follows_the_spec_order(policy):
    checks = build_checks(policy)
    assert [c.spec.code for c in checks] == list(SPEC_REASONS)
    assert all(c.spec is load_policy(policy).reasons[c.spec.code] for c in checks)


def test_checks_store_their_policy_entry_only():
    check = build_checks("commercial")[SPEC_REASONS.index("EM_BUNDLED_99211")]
    assert check.spec.severity == "warning" and vars(check) == {"spec": check.spec}


def test_disabled_reasons_are_not_built(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("extends: medicare\nname: p\nreasons:\n  DX_SPECIFICITY: {enabled: false}\n"
                    "  CODE_UNVERIFIED: {enabled: false}\n")
    codes = [c.spec.code for c in build_checks(load_policy(path))]
    assert "DX_SPECIFICITY" not in codes and "CODE_UNVERIFIED" not in codes and len(codes) == len(SPEC_REASONS) - 2
    results = run(supported_day(dx_codes=("D51.9",)), [good_note()], policy=load_policy(path))
    assert [reasons(r) for r in results] == [[], []]  # D51.9 with pernicious anemia no longer flagged


def test_register_rejects_bad_classes():
    class NoReason(Check):
        kinds = frozenset({ADMIN})

    with pytest.raises(TypeError):
        register(NoReason)

    class BadKinds(Check):
        reason = "SOMETHING_NEW"
        kinds = frozenset({"surgery"})

    with pytest.raises(TypeError):
        register(BadKinds)

    class Duplicate(Check):
        reason = "UNITS_MISMATCH"
        kinds = frozenset({ADMIN})

    with pytest.raises(ValueError, match="already has a check"):
        register(Duplicate)
    assert "SOMETHING_NEW" not in CHECK_CLASSES


@pytest.fixture
def lot_number_check():
    @register
    class LotNotDocumented(Check):
        """A payer-specific addition: the vial's lot number must be recorded."""

        reason: ClassVar[str] = "LOT_NOT_DOCUMENTED"
        kinds = frozenset({ADMIN})

        def check(self, ctx: LineContext):
            missing = [a for a in ctx.injections_given if not a.item.lot]
            return [self.finding("no lot number for the B12 given", [a.ref() for a in missing])] if missing else []

    yield LotNotDocumented
    del CHECK_CLASSES["LOT_NOT_DOCUMENTED"]


def test_a_policy_may_add_a_registered_reason(tmp_path, lot_number_check):
    path = tmp_path / "lots.yaml"
    path.write_text("extends: medicare\nname: lots\nreasons:\n  LOT_NOT_DOCUMENTED:\n    severity: warning\n"
                    "    rule: admin.lot\n    source: Clinic policy 12\n    meaning: The lot number is missing.\n")
    policy = load_policy(path)
    assert reason_order(policy)[-1] == "LOT_NOT_DOCUMENTED"
    assert [c.spec.code for c in build_checks(policy)][-1] == "LOT_NOT_DOCUMENTED"
    results = run([line("96372"), line("J3420", number=2)], [good_note()], policy=policy)
    assert [reasons(r) for r in results] == [["LOT_NOT_DOCUMENTED"], []]
    assert results[0].verdict == "needs_review" and results[0].findings[0].source == "Clinic policy 12"


def test_a_policy_cannot_name_an_unregistered_reason(tmp_path):
    path = tmp_path / "lots.yaml"
    path.write_text("extends: medicare\nname: lots\nreasons:\n  LOT_NOT_DOCUMENTED:\n    severity: warning\n"
                    "    rule: admin.lot\n    source: Clinic policy 12\n    meaning: The lot number is missing.\n")
    with pytest.raises(InputError, match="key 'reasons.LOT_NOT_DOCUMENTED': unknown reason code"):
        load_policy(path)
