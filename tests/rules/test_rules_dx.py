"""Diagnosis checks (SPEC §5.1): DX_NOT_ON_CLAIM, DX_NOT_DOCUMENTED, DX_UNCERTAIN, DX_SPECIFICITY,
NO_DEFICIENCY_EVIDENCE. Each row changes one thing in a visit that otherwise passes."""

from __future__ import annotations

import pytest

from rules.builders import dx, good_note, lab, note, reasons, result_for, run, supported_day

B12_LOW = lab("b12", "deficient", value=150, unit="pg/mL")


def j3420_reasons(dx_codes, diagnoses, labs=(B12_LOW,), history=(), **kwargs):
    notes = [good_note(diagnoses=list(diagnoses), labs=list(labs)), *history]
    results = run(supported_day(dx_codes=dx_codes), notes, **kwargs)
    j, admin = result_for(results, "J3420"), result_for(results, "96372")
    assert reasons(j) == reasons(admin), "96372 and J3420 are judged alike on diagnoses"
    return reasons(j)


@pytest.mark.parametrize("dx_codes, diagnoses, expected", [
    # DX_NOT_ON_CLAIM: no covered code on the line; nothing else about diagnoses is judged
    (("D51.0",), [dx("pernicious_anemia")], []),
    (("R53.83",), [dx("pernicious_anemia")], ["DX_NOT_ON_CLAIM"]),
    (("R53.83",), [], ["DX_NOT_ON_CLAIM"]),
    ((), [dx("pernicious_anemia")], ["DX_NOT_ON_CLAIM"]),
    (("Z79.84", "E11.9"), [dx("metformin_long_term")], ["DX_NOT_ON_CLAIM"]),
    (("Z00.00",), [dx("pernicious_anemia")], ["DX_NOT_ON_CLAIM"]),
    (("R53.83", "D51.0"), [dx("pernicious_anemia")], []),
    # DX_NOT_DOCUMENTED: absent, negated, family, hypothetical
    (("D51.0",), [], ["DX_NOT_DOCUMENTED"]),
    (("D51.0",), [dx("pernicious_anemia", "negated")], ["DX_NOT_DOCUMENTED"]),
    (("D51.0",), [dx("pernicious_anemia", "family")], ["DX_NOT_DOCUMENTED"]),
    (("D51.0",), [dx("pernicious_anemia", "hypothetical")], ["DX_NOT_DOCUMENTED"]),
    (("D51.0",), [dx("b12_deficiency_anemia")], ["DX_NOT_DOCUMENTED"]),  # D51.0 needs pernicious anemia
    # historical counts only for the three _status concepts
    (("D51.0",), [dx("pernicious_anemia", "historical")], ["DX_NOT_DOCUMENTED"]),
    (("Z90.3",), [dx("gastrectomy_status", "historical")], []),
    (("Z98.84",), [dx("bariatric_surgery_status", "historical")], []),
    (("Z90.49",), [dx("intestinal_resection_status", "historical")], []),
    (("Z90.3",), [dx("gastrectomy_status", "family")], ["DX_NOT_DOCUMENTED"]),
    # DX_UNCERTAIN replaces DX_NOT_DOCUMENTED when the only mentions are uncertain
    (("D51.0",), [dx("pernicious_anemia", "uncertain")], ["DX_UNCERTAIN"]),
    (("E53.8",), [dx("b12_deficiency", "uncertain"), dx("pernicious_anemia", "uncertain")], ["DX_UNCERTAIN"]),
    (("D51.0",), [dx("pernicious_anemia", "uncertain"), dx("pernicious_anemia", "negated")],
     ["DX_NOT_DOCUMENTED"]),
    (("D51.0",), [dx("pernicious_anemia", "uncertain"), dx("pernicious_anemia")], []),
    # an uncertain mention of an unrelated concept does not make D51.0 uncertain
    (("D51.0",), [dx("celiac_disease", "uncertain")], ["DX_NOT_DOCUMENTED"]),
    # one of several covered codes documented is enough
    (("D51.0", "K90.0"), [dx("celiac_disease")], []),
    # code -> concept table (SPEC §5.1)
    (("D51.9",), [dx("b12_deficiency_anemia")], []),
    (("D51.3",), [dx("b12_deficiency_anemia")], []),
    (("E53.8",), [dx("b12_deficiency")], []),
    (("D53.1",), [dx("megaloblastic_anemia")], []),
    (("B70.0",), [dx("fish_tapeworm")], []),
    (("K29.40",), [dx("atrophic_gastritis")], []),
    (("K29.41",), [dx("atrophic_gastritis")], []),
    (("K50.90",), [dx("crohns_disease")], []),
    (("K90.0",), [dx("celiac_disease")], []),
    (("K90.0",), [dx("malabsorption")], ["DX_NOT_DOCUMENTED"]),
    (("K90.9",), [dx("malabsorption")], []),
    (("K90.9",), [dx("celiac_disease")], []),
    (("K91.2",), [dx("malabsorption")], []),
    (("G32.0",), [dx("subacute_combined_degeneration")], []),
    (("G63",), [dx("neuropathy")], []),
    (("G63",), [dx("macrocytic_anemia")], ["DX_NOT_DOCUMENTED"]),
    # DX_SPECIFICITY (warning): a more specific code is documented
    (("D51.9",), [dx("pernicious_anemia")], ["DX_SPECIFICITY"]),
    (("D51.8",), [dx("pernicious_anemia")], ["DX_SPECIFICITY"]),
    (("E53.8",), [dx("b12_deficiency_anemia")], ["DX_SPECIFICITY"]),
    (("E53.8",), [dx("pernicious_anemia")], ["DX_SPECIFICITY"]),
    (("E53.8",), [dx("b12_deficiency_anemia", "negated"), dx("b12_deficiency")], []),
    (("D51.0",), [dx("pernicious_anemia"), dx("b12_deficiency_anemia")], []),
])
def test_diagnosis_reasons(dx_codes, diagnoses, expected):
    assert j3420_reasons(dx_codes, diagnoses) == expected


@pytest.mark.parametrize("dx_codes, diagnoses, labs, expected", [
    # b12_deficiency / b12_deficiency_anemia alone are not evidence
    (("E53.8",), [dx("b12_deficiency")], [], ["NO_DEFICIENCY_EVIDENCE"]),
    (("D51.9",), [dx("b12_deficiency_anemia")], [], ["NO_DEFICIENCY_EVIDENCE"]),
    (("E53.8",), [dx("b12_deficiency")], [lab("b12", "deficient")], []),
    (("E53.8",), [dx("b12_deficiency")], [lab("b12", "deficient", "historical")], []),
    (("E53.8",), [dx("b12_deficiency")], [lab("b12", "deficient", "hypothetical")], ["NO_DEFICIENCY_EVIDENCE"]),
    (("E53.8",), [dx("b12_deficiency")], [lab("b12", "deficient", "family")], ["NO_DEFICIENCY_EVIDENCE"]),
    (("E53.8",), [dx("b12_deficiency")], [lab("b12", "normal")], ["NO_DEFICIENCY_EVIDENCE"]),
    (("E53.8",), [dx("b12_deficiency")], [lab("b12", "borderline")], ["NO_DEFICIENCY_EVIDENCE"]),
    (("E53.8",), [dx("b12_deficiency")], [lab("b12", "borderline"), lab("mma", "elevated")], []),
    (("E53.8",), [dx("b12_deficiency")], [lab("b12", "borderline"), lab("homocysteine", "elevated")], []),
    (("E53.8",), [dx("b12_deficiency")], [lab("b12", "borderline"), lab("mma", "normal")],
     ["NO_DEFICIENCY_EVIDENCE"]),
    (("E53.8",), [dx("b12_deficiency")], [lab("mma", "elevated")], []),
    (("E53.8",), [dx("b12_deficiency")], [lab("homocysteine", "elevated")], ["NO_DEFICIENCY_EVIDENCE"]),
    (("E53.8",), [dx("b12_deficiency")], [lab("intrinsic_factor_ab", "positive")], []),
    (("E53.8",), [dx("b12_deficiency")], [lab("parietal_cell_ab", "positive")], []),
    (("E53.8",), [dx("b12_deficiency")], [lab("parietal_cell_ab", "negative")], ["NO_DEFICIENCY_EVIDENCE"]),
    (("E53.8",), [dx("b12_deficiency")], [lab("folate", "deficient")], ["NO_DEFICIENCY_EVIDENCE"]),
    # causal concepts, affirmed or historical
    (("E53.8",), [dx("b12_deficiency"), dx("crohns_disease")], [], []),
    (("E53.8",), [dx("b12_deficiency"), dx("gastrectomy_status", "historical")], [], []),
    # historical pernicious anemia is evidence, but only an affirmed one asks for D51.0
    (("E53.8",), [dx("b12_deficiency"), dx("pernicious_anemia", "historical")], [], []),
    (("E53.8",), [dx("b12_deficiency"), dx("celiac_disease", "family")], [], ["NO_DEFICIENCY_EVIDENCE"]),
    (("E53.8",), [dx("b12_deficiency"), dx("atrophic_gastritis", "uncertain")], [], ["NO_DEFICIENCY_EVIDENCE"]),
    (("E53.8",), [dx("b12_deficiency"), dx("metformin_long_term")], [], ["NO_DEFICIENCY_EVIDENCE"]),
    (("E53.8",), [dx("b12_deficiency"), dx("neuropathy")], [], ["NO_DEFICIENCY_EVIDENCE"]),
    (("E53.8",), [dx("b12_deficiency"), dx("subacute_combined_degeneration")], [], []),
])
def test_deficiency_evidence_in_the_days_note(dx_codes, diagnoses, labs, expected):
    assert j3420_reasons(dx_codes, diagnoses, labs=labs) == expected


@pytest.mark.parametrize("history, lookback, expected", [
    # deficiency evidence only in an earlier note: inside the lookback counts, outside does not
    ([note("h1", date="2024-08-14", labs=[lab("b12", "deficient")])], 365, []),
    ([note("h1", date="2024-03-02", labs=[lab("b12", "deficient")])], 365, []),  # exactly 365 days
    ([note("h1", date="2024-03-01", labs=[lab("b12", "deficient")])], 365, ["NO_DEFICIENCY_EVIDENCE"]),
    ([note("h1", date="2023-01-10", labs=[lab("b12", "deficient")])], 365, ["NO_DEFICIENCY_EVIDENCE"]),
    ([note("h1", date="2024-08-14", labs=[lab("b12", "deficient")])], 100, ["NO_DEFICIENCY_EVIDENCE"]),
    ([note("h1", date="2023-01-10", labs=[lab("b12", "deficient")])], 1000, []),
    ([note("h1", date="2024-08-14", diagnoses=[dx("bariatric_surgery_status", "historical")])], 365, []),
    # borderline B12 and elevated MMA from two different notes of the history
    ([note("h1", date="2024-11-02", labs=[lab("b12", "borderline")]),
      note("h2", date="2024-12-20", labs=[lab("mma", "elevated")])], 365, []),
    ([note("h1", date="2024-11-02", labs=[lab("b12", "borderline")])], 365, ["NO_DEFICIENCY_EVIDENCE"]),
    ([note("h1", date="2023-11-02", labs=[lab("b12", "borderline")]),
      note("h2", date="2024-12-20", labs=[lab("mma", "elevated"), ])], 365, []),  # MMA alone suffices
    ([note("h1", date="2023-11-02", labs=[lab("b12", "borderline")]),
      note("h2", date="2024-12-20", labs=[lab("homocysteine", "elevated")])], 365, ["NO_DEFICIENCY_EVIDENCE"]),
    # another patient's note, or a note dated after the service, is not history
    ([note("h1", patient_id="p2", date="2024-08-14", labs=[lab("b12", "deficient")])], 365,
     ["NO_DEFICIENCY_EVIDENCE"]),
    ([note("h1", date="2025-03-09", labs=[lab("b12", "deficient")])], 365, ["NO_DEFICIENCY_EVIDENCE"]),
    ([note("h1", date=None, labs=[lab("b12", "deficient")])], 365, ["NO_DEFICIENCY_EVIDENCE"]),
])
def test_deficiency_evidence_in_the_history(history, lookback, expected):
    got = j3420_reasons(("E53.8",), [dx("b12_deficiency")], labs=[], history=history, lookback_days=lookback)
    assert got == expected


def test_borderline_in_history_and_mma_on_the_day():
    history = [note("h1", date="2024-10-01", labs=[lab("b12", "borderline")])]
    assert j3420_reasons(("E53.8",), [dx("b12_deficiency")], labs=[lab("homocysteine", "elevated")],
                         history=history) == []


def test_no_deficiency_message_names_window_and_what_was_found():
    results = run(supported_day(dx_codes=("E53.8",)),
                  [good_note(diagnoses=[dx("b12_deficiency")], labs=[lab("b12", "borderline", value=310, unit="pg/mL")])])
    (finding,) = result_for(results, "J3420").findings
    assert finding.reason == "NO_DEFICIENCY_EVIDENCE" and finding.severity == "error"
    assert "2024-03-02 to 2025-03-02" in finding.message
    assert "b12 310 pg/mL borderline" in finding.message
    assert "b12 deficiency diagnosis (not evidence alone)" in finding.message
    assert {ref.note_id for ref in finding.evidence} == {"n1"} and len(finding.evidence) == 2


def test_dx_findings_carry_the_mentions_they_used():
    mention = dx("pernicious_anemia", "family")
    results = run(supported_day(), [good_note(diagnoses=[mention])])
    (finding,) = result_for(results, "96372").findings
    assert finding.reason == "DX_NOT_DOCUMENTED"
    assert "D51.0 billed" in finding.message and "family" in finding.message
    assert [(e.note_id, e.span, e.text) for e in finding.evidence] == [("n1", mention.span, mention.text)]
    assert finding.rule == "dx.documented" and finding.source.startswith("ICD-10-CM")


def test_dx_not_on_claim_is_about_an_absence():
    results = run(supported_day(dx_codes=("R53.83",)), [good_note()])
    (finding,) = result_for(results, "J3420").findings
    assert finding.evidence == [] and "R53.83" in finding.message


def test_specificity_message_suggests_the_code():
    results = run(supported_day(dx_codes=("D51.9",)), [good_note()])
    (finding,) = result_for(results, "J3420").findings
    assert finding.severity == "warning" and "D51.0" in finding.message
    assert result_for(results, "J3420").verdict == "needs_review"
