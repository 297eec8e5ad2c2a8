"""Input records after validation (SPEC §2). Readers produce these; everything downstream uses them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(slots=True)
class Note:
    note_id: str
    text: str
    patient_id: str | None = None
    encounter_id: str | None = None
    note_date: dt.date | None = None
    note_type: str | None = None
    author: str | None = None
    source: str | None = None  # "file:row" for messages; never note text


@dataclass(slots=True)
class ClaimLine:
    claim_id: str
    line_number: int
    code: str  # upper-case CPT/HCPCS as billed, e.g. "96372", "J3420"
    units: float
    patient_id: str
    service_date: dt.date
    modifiers: tuple[str, ...] = ()  # upper-case, order kept, e.g. ("25",) or ("59", "XU")
    dx_codes: tuple[str, ...] = ()  # normalised with a dot: "D51.0", "E53.8", "K50.90"
    encounter_id: str | None = None
    rendering_npi: str | None = None
    supervising_npi: str | None = None
    billing_npi: str | None = None
    payer: str | None = None
    source: str | None = None  # "file:row"

    @property
    def key(self) -> tuple[str, int]:
        return (self.claim_id, self.line_number)


@dataclass(slots=True)
class RosterEntry:
    npi: str
    name: str
    credential: str | None = None


@dataclass(slots=True)
class Rejected:
    """A record that could not be audited; counted in summary.json, never silently dropped."""

    kind: str  # "claim_line" | "note" | "roster"
    file: str
    row: int  # 1-based data row (header excluded) or JSONL line number
    column: str | None
    reason: str
    key: dict = field(default_factory=dict)  # e.g. {"claim_id": "c1", "line_number": "2"} when known

    def to_dict(self) -> dict:
        return {"kind": self.kind, "file": self.file, "row": self.row, "column": self.column,
                "reason": self.reason, **({"key": self.key} if self.key else {})}
