"""The fixed vocabulary of the rules layer: SPEC §5 reason codes, severities and line kinds.

A policy may add reasons but never redefine these; other tools key on the exact names.
"""

from __future__ import annotations

# SPEC §5 table order: the stable order in which checks run and findings are listed.
SPEC_REASONS: tuple[str, ...] = (
    "NOTE_MISSING",
    "DX_NOT_ON_CLAIM",
    "DX_NOT_DOCUMENTED",
    "DX_UNCERTAIN",
    "DX_SPECIFICITY",
    "NO_DEFICIENCY_EVIDENCE",
    "FREQUENCY_EXCEEDED",
    "ADMIN_NOT_DOCUMENTED",
    "ROUTE_NOT_INJECTABLE",
    "DRUG_CODE_MISMATCH",
    "UNITS_MISMATCH",
    "DOSE_NOT_DOCUMENTED",
    "PATIENT_SUPPLIED_DRUG",
    "DRUG_LINE_MISSING",
    "ADMIN_LINE_MISSING",
    "CODE_UNVERIFIED",
    "EM_BUNDLED_99211",
    "MOD25_MISSING",
    "MOD25_NOT_SUPPORTED",
    "MODIFIER_MISUSED",
    "G2211_NOT_PAYABLE",
    "SUPERVISION_NOT_DOCUMENTED",
    "SUPERVISOR_NOT_BILLING",
)

SEVERITIES = ("error", "warning")

# Kinds of in-scope line; the policy's `scope` says which codes belong to each.
DRUG = "drug"  # J3420, J3425: the B12 drug itself
ADMIN = "admin"  # 96372: the injection
EM = "em"  # 99202-99205, 99212-99215: E/M that modifier 25 can separate
EM_BUNDLED = "em_bundled"  # 99211: never payable with 96372
ADDON = "addon"  # G2211
LINE_KINDS = (DRUG, ADMIN, EM, EM_BUNDLED, ADDON)
ALL_KINDS = frozenset(LINE_KINDS)
EM_KINDS = frozenset({EM, EM_BUNDLED})
# Kinds in scope only when the administration code is among the day's lines (SPEC §5.1).
DEPENDENT_KINDS = frozenset({EM, EM_BUNDLED, ADDON})
