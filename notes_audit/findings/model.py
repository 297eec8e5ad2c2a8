"""Findings: the output of `scan`, one `LineResult` per claim line (SPEC §4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from notes_audit.read.records import ClaimLine

VERDICTS = ("supported", "needs_review", "not_supported", "not_applicable")
# Order of badness for --fail-on: a verdict "or worse" trips the gate.
VERDICT_RANK = {"not_applicable": 0, "supported": 0, "needs_review": 1, "not_supported": 2}


@dataclass(slots=True)
class EvidenceRef:
    note_id: str
    span: tuple[int, int]
    text: str

    def to_dict(self, include_text: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {"note_id": self.note_id, "span": list(self.span)}
        if include_text:
            d["text"] = self.text
        return d


@dataclass(slots=True)
class Finding:
    reason: str
    severity: str  # "error" | "warning"
    message: str
    rule: str
    source: str
    evidence: list[EvidenceRef] = field(default_factory=list)

    def to_dict(self, include_text: bool = True) -> dict[str, Any]:
        return {"reason": self.reason, "severity": self.severity, "message": self.message,
                "rule": self.rule, "source": self.source,
                "evidence": [e.to_dict(include_text) for e in self.evidence]}


def verdict_of(findings: list[Finding], in_scope: bool) -> str:
    if not in_scope:
        return "not_applicable"
    if any(f.severity == "error" for f in findings):
        return "not_supported"
    if findings:
        return "needs_review"
    return "supported"


@dataclass(slots=True)
class LineResult:
    line: ClaimLine
    note_ids: list[str]
    verdict: str
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self, include_text: bool = True) -> dict[str, Any]:
        ln = self.line
        units: Any = int(ln.units) if float(ln.units).is_integer() else ln.units
        return {
            "claim_id": ln.claim_id, "line_number": ln.line_number, "code": ln.code,
            "modifiers": list(ln.modifiers), "units": units, "patient_id": ln.patient_id,
            "service_date": ln.service_date.isoformat(), "note_ids": list(self.note_ids),
            "verdict": self.verdict,
            "findings": [f.to_dict(include_text) for f in self.findings],
        }
