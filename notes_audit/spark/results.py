"""Finding rows back into `LineResult`s, so the Spark engine's output goes through the same writers
(JSONL, CSV, XLSX, HTML, summary) as the local engine's."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from notes_audit.findings.model import EvidenceRef, Finding, LineResult
from notes_audit.read.records import ClaimLine


def line_result(line: ClaimLine, record: Mapping[str, Any]) -> LineResult:
    """The result whose `to_dict()` is `record` (a SPEC §4 object), for the line it was made from."""
    findings = [Finding(reason=f["reason"], severity=f["severity"], message=f["message"], rule=f["rule"],
                        source=f["source"],
                        evidence=[EvidenceRef(e["note_id"], (int(e["span"][0]), int(e["span"][1])), e.get("text", ""))
                                  for e in f["evidence"]])
                for f in record["findings"]]
    return LineResult(line, list(record["note_ids"]), record["verdict"], findings)


def result_of_row(row: Mapping[str, Any], lines: Sequence[ClaimLine]) -> LineResult:
    """A finding row of a run whose claims were validated on the driver (`input_index` = position)."""
    if row["rejected"] is not None or row["finding_json"] is None:
        raise AssertionError(f"a validated line was rejected on Spark: input_index {row['input_index']}")
    line = lines[int(row["input_index"])]
    record = json.loads(row["finding_json"])
    if (record["claim_id"], record["line_number"]) != line.key:
        raise AssertionError(f"finding row {row['input_index']} does not belong to its line")
    return line_result(line, record)
