"""The shape of a check, and the table of check classes by reason code.

A check is small and pure: it reads a `LineContext` and returns findings for one reason. Its
constructor only stores the policy's entry for that reason (severity, rule id, source), so the
same class serves every policy. `register` adds a class to `CHECK_CLASSES`; a policy may use any
registered reason, including ones a plugin registers beyond SPEC §5.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

from notes_audit.findings.model import EvidenceRef, Finding
from notes_audit.rules.context import LineContext
from notes_audit.rules.policy import Policy, ReasonSpec
from notes_audit.rules.reasons import ALL_KINDS, LINE_KINDS

CHECK_CLASSES: dict[str, type[Check]] = {}


class Check:
    reason: ClassVar[str]
    kinds: ClassVar[frozenset[str]]  # line kinds the reason is judged on
    needs_notes: ClassVar[bool] = True  # False: judged on the claim alone, runs under NOTE_MISSING
    uses_history: ClassVar[bool] = False  # True: reads the patient's earlier notes (lookback)

    def __init__(self, spec: ReasonSpec) -> None:
        self.spec = spec

    def applies(self, ctx: LineContext) -> bool:
        return ctx.kind in self.kinds

    def codes(self, policy: Policy) -> tuple[str, ...]:
        """The billed codes this check can speak about under `policy` (for `rules list`)."""
        return tuple(c for kind in LINE_KINDS if kind in self.kinds for c in policy.codes_of_kind(kind))

    def check(self, ctx: LineContext) -> list[Finding]:
        raise NotImplementedError

    def finding(self, message: str, evidence: Iterable[EvidenceRef] = ()) -> Finding:
        return Finding(reason=self.spec.code, severity=self.spec.severity, message=message,
                       rule=self.spec.rule, source=self.spec.source, evidence=_unique(evidence))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reason={self.spec.code!r}, severity={self.spec.severity!r})"


def register(cls: type[Check]) -> type[Check]:
    """Class decorator: make `cls` the check for `cls.reason`. One class per reason."""
    reason = getattr(cls, "reason", None)
    if not isinstance(reason, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", reason):
        raise TypeError(f"{cls.__name__}.reason must be an upper-case reason code")
    if not cls.kinds or not cls.kinds <= ALL_KINDS:
        raise TypeError(f"{cls.__name__}.kinds must be a non-empty subset of {sorted(ALL_KINDS)}")
    if reason in CHECK_CLASSES and CHECK_CLASSES[reason] is not cls:
        raise ValueError(f"reason {reason} already has a check: {CHECK_CLASSES[reason].__name__}")
    CHECK_CLASSES[reason] = cls
    return cls


def _unique(refs: Iterable[EvidenceRef]) -> list[EvidenceRef]:
    seen: set[tuple[str, tuple[int, int]]] = set()
    out = []
    for ref in refs:
        key = (ref.note_id, tuple(ref.span))
        if key not in seen:
            seen.add(key)
            out.append(ref)
    return out


def fmt_number(x: float) -> str:
    """1000.0 -> '1000', 1.5 -> '1.5': numbers in messages as a person writes them."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
