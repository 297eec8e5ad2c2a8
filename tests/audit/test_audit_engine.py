"""The engine: scope and verdicts (SPEC §4, §5), NOTE_MISSING with claim-only checks, order and
determinism, the pre-bill entry point, and policy differences end to end."""

from __future__ import annotations

import datetime as dt
import json
import random
import time

import pytest
from rules.builders import admin, dx, good_note, lab, line, note, reasons, result_for, run, sup, supported_day

from notes_audit.audit.engine import Auditor, audit_encounter, audit_lines
from notes_audit.errors import InputError
from notes_audit.evidence.model import NoteEvidence
from notes_audit.rules.policy import load_policy


def test_a_supported_visit():
    results = run(supported_day(), [good_note()])
    assert [(r.verdict, r.findings, r.note_ids) for r in results] == [("supported", [], ["n1"])] * 2


@pytest.mark.parametrize("code, modifiers", [("85025", ()), ("85025", ("25", "59")), ("J3490", ()),
                                             ("99201", ("25",)), ("36415", ("XU",))])
def test_unknown_code_is_not_applicable_with_no_reasons(code, modifiers):
    results = run([line(code, modifiers=modifiers), *supported_day()], [good_note()])
    assert (results[0].verdict, results[0].findings) == ("not_applicable", [])


def test_not_applicable_even_without_notes():
    (result,) = run([line("85025", modifiers=("25",))], [])
    assert (result.verdict, result.findings, result.note_ids) == ("not_applicable", [], [])


@pytest.mark.parametrize("codes, dx_codes, expected", [
    # NOTE_MISSING: note checks are skipped, checks on the claim alone still run
    (["96372", "J3420"], ("D51.0",), {"96372": ["NOTE_MISSING"], "J3420": ["NOTE_MISSING"]}),
    (["96372", "J3420"], ("R53.83",), {"96372": ["NOTE_MISSING", "DX_NOT_ON_CLAIM"],
                                       "J3420": ["NOTE_MISSING", "DX_NOT_ON_CLAIM"]}),
    (["J3425"], ("D51.0",), {"J3425": ["NOTE_MISSING", "ADMIN_LINE_MISSING", "CODE_UNVERIFIED"]}),
    (["96372", "99213"], ("D51.0",), {"96372": ["NOTE_MISSING"], "99213": ["NOTE_MISSING", "MOD25_MISSING"]}),
    (["96372", "99211"], ("D51.0",), {"96372": ["NOTE_MISSING"], "99211": ["NOTE_MISSING", "EM_BUNDLED_99211"]}),
])
def test_note_missing_keeps_claim_only_checks(codes, dx_codes, expected):
    lines = [line(c, number=i, dx_codes=dx_codes) for i, c in enumerate(codes, 1)]
    results = run(lines, [note("elsewhere", date="2025-03-05")])
    assert {r.line.code: reasons(r) for r in results} == expected
    assert all(r.verdict == "not_supported" and r.note_ids == [] for r in results)


def test_note_missing_keeps_modifier_checks_but_skips_frequency():
    lines = [line("96372", modifiers=("25",), claim="c2", date="2025-02-20"), line("J3420", claim="c2", number=2,
                                                                                    date="2025-02-20"),
             line("96372", modifiers=("25",)), line("J3420", number=2), line("99213", modifiers=("25",), number=3)]
    results = run(lines, [good_note("old", date="2025-02-20")])
    today = {r.line.code: reasons(r) for r in results if r.line.service_date == dt.date(2025, 3, 2)}
    # FREQUENCY_EXCEEDED and MOD25_NOT_SUPPORTED need the day's notes
    assert today == {"96372": ["NOTE_MISSING", "MODIFIER_MISUSED"], "J3420": ["NOTE_MISSING"],
                     "99213": ["NOTE_MISSING"]}


def test_note_missing_message_and_evidence():
    (result,) = run([line("96372", encounter="E1")], [])
    (finding,) = result.findings
    assert finding.message == "no note for encounter E1 or for patient p1 on 2025-03-02"
    assert (finding.severity, finding.rule, finding.evidence) == ("error", "note.missing", [])


@pytest.mark.parametrize("note_fields, dx_codes, verdict", [
    ({}, ("D51.0",), "supported"),
    ({}, ("D51.9",), "needs_review"),                                         # a warning only
    ({"administrations": [admin(dose=None)]}, ("D51.0",), "needs_review"),
    ({"administrations": [admin(dose=None)]}, ("R53.83",), "not_supported"),  # warning + error
])
def test_verdicts(note_fields, dx_codes, verdict):
    results = run(supported_day(dx_codes=dx_codes), [good_note(**note_fields)])
    assert result_for(results, "J3420").verdict == verdict


def test_findings_come_in_spec_order_with_policy_fields():
    notes = [good_note(diagnoses=[dx("pernicious_anemia", "uncertain")], labs=[],
                       administrations=[admin(drug="methylcobalamin", route="SL", supplied=True, by=("A", "MA"))],
                       supervision=[sup(presence="absent")])]
    results = run([line("96372", modifiers=("25",)), line("J3420", units=3, number=2, modifiers=("25",))], notes)
    j = result_for(results, "J3420")
    assert reasons(j) == ["DX_UNCERTAIN", "NO_DEFICIENCY_EVIDENCE", "ROUTE_NOT_INJECTABLE", "DRUG_CODE_MISMATCH",
                          "UNITS_MISMATCH", "PATIENT_SUPPLIED_DRUG", "MODIFIER_MISUSED", "SUPERVISION_NOT_DOCUMENTED"]
    policy = load_policy("medicare")
    for f in j.findings:
        spec = policy.reasons[f.reason]
        assert (f.severity, f.rule, f.source) == (spec.severity, spec.rule, spec.source) and f.message
    assert all(e.note_id == "n1" for f in j.findings for e in f.evidence)


def test_results_are_in_input_order_and_deterministic():
    lines = [line("J3420", claim="c2", units=2), line("85025", claim="c9"), line("96372", claim="c1"),
             line("99213", claim="c3", modifiers=("25",)), line("96372", claim="c4", patient="p2")]
    notes = [good_note(), good_note("n2", patient_id="p2", diagnoses=[])]
    first = [r.to_dict() for r in audit_lines(lines, notes)]
    assert [(d["claim_id"], d["code"]) for d in first] == [(ln.claim_id, ln.code) for ln in lines]
    again = [r.to_dict() for r in audit_lines(lines, list(notes))]
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)


def test_audit_encounter_links_the_given_note_whatever_its_ids():
    pre_bill = good_note(note_id="draft", date=None)
    pre_bill.patient_id = None
    lines = [line("96372", encounter="E-new"), line("J3420", number=2, units=2, encounter="E-new")]
    results = audit_encounter(pre_bill, lines)
    assert [r.note_ids for r in results] == [["draft"], ["draft"]]
    assert [reasons(r) for r in results] == [[], ["UNITS_MISMATCH"]]
    assert reasons(audit_encounter([], lines)[0]) == ["NOTE_MISSING"]


def test_audit_encounter_uses_its_notes_as_history():
    day = good_note("visit", labs=[], diagnoses=[dx("b12_deficiency")])
    older = note("old", date="2024-12-01", labs=[lab("b12", "deficient")])
    lines = supported_day(dx_codes=("E53.8",))
    assert [reasons(r) for r in audit_encounter([day], lines)] == [["NO_DEFICIENCY_EVIDENCE"]] * 2
    assert [reasons(r) for r in audit_encounter([day, older], lines)] == [[], []]


def test_negative_lookback_is_an_input_error():
    with pytest.raises(InputError, match="--lookback-days"):
        Auditor(lookback_days=-1)


def _visit(policy, date="2025-03-02", supervision=None, dx_codes=("D51.0",), codes=("96372", "J3420"), **fields):
    notes = [good_note(date=date, supervision=supervision or [sup()], **fields),
             good_note("prev", date="2025-02-01")]
    lines = [line(c, number=i, dx_codes=dx_codes, date=date) for i, c in enumerate(codes, 1)]
    lines.append(line("J3420", claim="prev", date="2025-02-01"))
    lines.append(line("96372", claim="prev", number=2, date="2025-02-01"))
    return {r.line.code: (r.verdict, reasons(r)) for r in run(lines, notes, policy=policy) if r.line.claim_id == "c1"}


@pytest.mark.parametrize("case, medicare, commercial", [
    # virtual supervision: accepted by medicare from 2020-03-01, never by commercial
    (dict(supervision=[sup(presence="virtual")], codes=("96372",)),
     {"96372": ("needs_review", ["DRUG_LINE_MISSING"])},
     {"96372": ("not_supported", ["DRUG_LINE_MISSING", "SUPERVISION_NOT_DOCUMENTED"])}),
    # frequency window: 29 days apart passes medicare's 28, fails commercial's 30
    (dict(date="2025-03-02", codes=("J3420", "96372")),
     {"J3420": ("supported", []), "96372": ("supported", [])},
     {"J3420": ("needs_review", ["FREQUENCY_EXCEEDED"]), "96372": ("supported", [])}),
    # broader covered list
    (dict(dx_codes=("K91.1",), diagnoses=[dx("gastrectomy_status", "historical")], codes=("96372",),
          administrations=[admin(supplied=True)]),
     {"96372": ("not_supported", ["DX_NOT_ON_CLAIM"])}, {"96372": ("supported", [])}),
    # severities: 99211 and G2211 are warnings for commercial, dose is an error
    (dict(codes=("96372", "J3420", "99211")),
     {"96372": ("supported", []), "J3420": ("supported", []), "99211": ("not_supported", ["EM_BUNDLED_99211"])},
     {"96372": ("supported", []), "J3420": ("needs_review", ["FREQUENCY_EXCEEDED"]),
      "99211": ("needs_review", ["EM_BUNDLED_99211"])}),
    (dict(codes=("J3420", "96372"), administrations=[admin(dose=None)], date="2025-03-10"),
     {"J3420": ("needs_review", ["DOSE_NOT_DOCUMENTED"]), "96372": ("supported", [])},
     {"J3420": ("not_supported", ["DOSE_NOT_DOCUMENTED"]), "96372": ("supported", [])}),
])
def test_commercial_differs_from_medicare(case, medicare, commercial):
    assert _visit("medicare", **case) == medicare
    assert _visit("commercial", **case) == commercial


def test_same_case_agrees_where_policies_agree():
    case = dict(dx_codes=("R53.83",), codes=("96372", "J3420"), date="2025-03-10")
    assert _visit("medicare", **case) == _visit("commercial", **case)


def test_scales_to_many_lines_by_indexing():
    rng = random.Random(7)
    n_patients, lines, notes = 4000, [], []
    start = dt.date(2024, 1, 1)
    for p in range(n_patients):
        for visit in range(5):
            day = start + dt.timedelta(days=30 * visit + rng.randint(0, 5))
            nid = f"n{p}_{visit}"
            notes.append(NoteEvidence(nid, f"p{p}", None, day.isoformat(), good_note().labs,
                                      good_note().diagnoses, [admin()], [sup()]))
            lines += [line("96372", claim=f"c{p}_{visit}", patient=f"p{p}", date=day.isoformat()),
                      line("J3420", claim=f"c{p}_{visit}", number=2, patient=f"p{p}", date=day.isoformat())]
    started = time.perf_counter()
    results = audit_lines(lines, notes)
    elapsed = time.perf_counter() - started
    assert len(results) == len(lines) == 40_000
    assert {r.verdict for r in results} <= {"supported", "needs_review"}
    assert elapsed < 20, f"{elapsed:.1f}s for 40k lines"


def test_evidence_read_back_from_spec_json():
    """The engine works on evidence as `extract` writes it (SPEC §3 JSON)."""
    record = {
        "note_id": "n1", "patient_id": "p1", "encounter_id": "e1", "note_date": "2025-03-02",
        "labs": [{"test": "b12", "value": 182.0, "unit": "pg/mL", "value_std": 182.0, "unit_std": "pg/mL",
                  "flag": "low", "interpretation": "deficient", "status": "affirmed", "span": [120, 145],
                  "text": "Vitamin B12 182 pg/mL (L)"}],
        "diagnoses": [{"concept": "pernicious_anemia", "icd10": "D51.0", "status": "affirmed",
                       "section": "assessment_plan", "span": [300, 317], "text": "pernicious anemia"}],
        "administrations": [{"drug": "cyanocobalamin", "dose_value": 1000, "dose_unit": "mcg", "route": "IM",
                             "site": "left deltoid", "status": "given",
                             "administered_by": {"name": "J. Rivera", "credential": "RN"},
                             "patient_supplied": False, "span": [400, 470], "text": "x" * 70}],
        "supervision": [{"name": "Amanda Chen", "credential": "MD", "presence": "in_office",
                         "span": [480, 540], "text": "y" * 60}],
        "em": {"separately_identifiable": False, "problems": [], "evidence": []},
    }
    evidence = NoteEvidence.from_dict(json.loads(json.dumps(record)))
    lines = [line("96372", encounter="e1"), line("J3420", number=2, units=2, encounter="e1")]
    results = audit_lines(lines, [evidence])
    assert results[0].to_dict()["verdict"] == "supported"
    out = results[1].to_dict()
    assert out["verdict"] == "not_supported" and out["note_ids"] == ["n1"]
    assert out["findings"] == [{"reason": "UNITS_MISMATCH", "severity": "error",
                                "message": "2 units billed; 1000 mcg documented = 1 unit",
                                "rule": "drug.units",
                                "source": "HCPCS J3420 descriptor; CMS Claims Processing Manual ch.17",
                                "evidence": [{"note_id": "n1", "span": [400, 470], "text": "x" * 70}]}]
