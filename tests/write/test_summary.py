import json

import pytest

from notes_audit import __version__
from notes_audit.read.records import Rejected
from notes_audit.write import summary as summary_module
from notes_audit.write.summary import build_summary, default_timestamp, summary_json, write_summary

LINE_REJECT = Rejected("claim_line", "c.csv", 4, "units", "not a number: 'abc'", {"claim_id": "c9"})
NOTE_REJECT = Rejected("note", "n.csv", 2, "note_date", "not an ISO date (YYYY-MM-DD)", {"note_id": "n9"})


def summary_of(results, **overrides):
    kwargs = dict(results=results, lines_read=len(results) + 1, lines_rejected=[LINE_REJECT],
                  notes_read=5, notes_audited=3, notes_rejected=[NOTE_REJECT],
                  policy_name="medicare", policy_version="2025.1", generated_at="2025-06-01T00:00:00Z")
    return build_summary(**{**kwargs, **overrides})


def test_contents(results):
    s = summary_of(results, inputs={"notes": "n.csv", "claims": "c.csv", "roster": None})
    assert list(s) == ["tool", "tool_version", "policy", "generated_at", "inputs", "notes", "lines",
                       "by_verdict", "by_reason"]
    assert s["tool_version"] == __version__
    assert s["policy"] == {"name": "medicare", "version": "2025.1"}
    assert s["inputs"] == {"notes": "n.csv", "claims": "c.csv", "roster": None}
    assert s["notes"] == {"read": 5, "audited": 3, "skipped": 1, "rejected": 1,
                          "rejected_by_column": {"note_date": 1}, "rejected_records": [NOTE_REJECT.to_dict()]}
    assert s["lines"] == {"read": 4, "out": 3, "rejected": 1, "rejected_by_column": {"units": 1},
                          "rejected_records": [LINE_REJECT.to_dict()]}
    assert s["by_verdict"] == {"supported": 1, "needs_review": 0, "not_supported": 1, "not_applicable": 1}
    assert s["by_reason"] == {"NO_DEFICIENCY_EVIDENCE": 1, "UNITS_MISMATCH": 1}


def test_roster_section(results):
    reject = Rejected("roster", "r.csv", 1, "npi", "not a 10-digit NPI: '1'")
    s = summary_of(results, roster_read=3, roster_rejected=[reject])
    assert s["roster"] == {"read": 3, "used": 2, "rejected": 1, "rejected_by_column": {"npi": 1},
                           "rejected_records": [reject.to_dict()]}


@pytest.mark.parametrize("overrides, message", [
    ({"lines_read": 3}, "lines in"),         # 3 != 3 out + 1 rejected
    ({"lines_read": 5}, "lines in"),
    ({"notes_read": 3}, "notes read"),       # 3 < 3 audited + 1 rejected
])
def test_counts_must_add_up(results, overrides, message):
    with pytest.raises(AssertionError, match=message):
        summary_of(results, **overrides)


def test_unknown_verdict_is_a_bug(results):
    results[0].verdict = "fine"
    with pytest.raises(AssertionError, match="verdicts"):
        summary_of(results)


def test_rejected_listing_is_capped_but_counts_are_complete(results, monkeypatch):
    monkeypatch.setattr(summary_module, "MAX_LISTED", 2)
    rejects = [Rejected("claim_line", "c.csv", i, None, "row has 3 fields; the header has 6") for i in range(5)]
    s = summary_of(results, lines_read=len(results) + 5, lines_rejected=rejects)
    assert s["lines"]["rejected"] == 5
    assert s["lines"]["rejected_by_column"] == {"(row)": 5}
    assert len(s["lines"]["rejected_records"]) == 2 and s["lines"]["rejected_not_listed"] == 3


@pytest.mark.parametrize("epoch, expected", [("0", "1970-01-01T00:00:00Z"), ("1740873600", "2025-03-02T00:00:00Z")])
def test_source_date_epoch(monkeypatch, epoch, expected):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert default_timestamp() == expected


def test_generated_at_is_the_only_difference_between_runs(results, tmp_path):
    a = summary_of(results, generated_at=None)
    b = summary_of(results, generated_at=None)
    a["generated_at"] = b["generated_at"] = "x"
    write_summary(a, tmp_path / "a.json")
    write_summary(b, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_summary_json_is_valid_and_keeps_key_order(results):
    text = summary_json(summary_of(results))
    assert text.endswith("}\n") and list(json.loads(text)) == list(summary_of(results))
