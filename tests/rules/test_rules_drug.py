"""Injection and drug-line checks (SPEC §5.1): ADMIN_NOT_DOCUMENTED, ROUTE_NOT_INJECTABLE,
DRUG_CODE_MISMATCH, UNITS_MISMATCH, DOSE_NOT_DOCUMENTED, PATIENT_SUPPLIED_DRUG, CODE_UNVERIFIED,
FREQUENCY_EXCEEDED."""

from __future__ import annotations

import pytest

from notes_audit.evidence.model import EvidenceSpan, NoteEvidence
from rules.builders import admin, good_note, line, note, reasons, result_for, run, supported_day


def day_reasons(administrations, drug_code="J3420", units=1, **note_fields):
    lines = [line("96372", number=1), line(drug_code, units=units, number=2)]
    results = run(lines, [good_note(administrations=list(administrations), **note_fields)])
    return reasons(result_for(results, "96372")), reasons(result_for(results, drug_code))


@pytest.mark.parametrize("administrations, expected_96372, expected_drug", [
    ([admin()], [], []),
    # ADMIN_NOT_DOCUMENTED speaks for the line; the drug checks look only at injections given
    ([], ["ADMIN_NOT_DOCUMENTED"], ["ADMIN_NOT_DOCUMENTED"]),
    ([admin(status="ordered")], ["ADMIN_NOT_DOCUMENTED"], ["ADMIN_NOT_DOCUMENTED"]),
    ([admin(status="planned", route="PO", dose=None)], ["ADMIN_NOT_DOCUMENTED"], ["ADMIN_NOT_DOCUMENTED"]),
    ([admin(status="declined")], ["ADMIN_NOT_DOCUMENTED"], ["ADMIN_NOT_DOCUMENTED"]),
    ([admin(status="held")], ["ADMIN_NOT_DOCUMENTED"], ["ADMIN_NOT_DOCUMENTED"]),
    ([admin(status="historical", drug="methylcobalamin", supplied=True)],
     ["ADMIN_NOT_DOCUMENTED"], ["ADMIN_NOT_DOCUMENTED"]),
    ([admin(status="ordered"), admin()], [], []),
    # ROUTE_NOT_INJECTABLE: IV, PO, SL, nasal; a missing route raises nothing
    ([admin(route="SC")], [], []),
    ([admin(route=None)], [], []),
    ([admin(route="SL")], ["ROUTE_NOT_INJECTABLE"], ["ROUTE_NOT_INJECTABLE"]),
    ([admin(route="PO")], ["ROUTE_NOT_INJECTABLE"], ["ROUTE_NOT_INJECTABLE"]),
    ([admin(route="nasal")], ["ROUTE_NOT_INJECTABLE"], ["ROUTE_NOT_INJECTABLE"]),
    ([admin(route="IV")], ["ROUTE_NOT_INJECTABLE"], ["ROUTE_NOT_INJECTABLE"]),
    ([admin(route="SL", status="ordered")], ["ADMIN_NOT_DOCUMENTED"], ["ADMIN_NOT_DOCUMENTED"]),
    # DRUG_CODE_MISMATCH: J3420 is cyanocobalamin only; b12_unspecified matches either
    ([admin(drug="methylcobalamin")], [], ["DRUG_CODE_MISMATCH"]),
    ([admin(drug="hydroxocobalamin")], [], ["DRUG_CODE_MISMATCH"]),
    ([admin(drug="b12_unspecified")], [], []),
    # PATIENT_SUPPLIED_DRUG: the drug line is not billable; the administration is
    ([admin(supplied=True)], [], ["PATIENT_SUPPLIED_DRUG"]),
    # DOSE_NOT_DOCUMENTED replaces the unit check
    ([admin(dose=None)], [], ["DOSE_NOT_DOCUMENTED"]),
])
def test_injection_checks_on_96372_and_j3420(administrations, expected_96372, expected_drug):
    assert day_reasons(administrations) == (expected_96372, expected_drug)


@pytest.mark.parametrize("drug, dose, unit, units, expected", [
    ("cyanocobalamin", 1000, "mcg", 1, []),
    ("cyanocobalamin", 1000, "mcg", 2, ["UNITS_MISMATCH"]),
    ("cyanocobalamin", 100, "mcg", 1, []),          # up to 1000 mcg is one unit
    ("cyanocobalamin", 100, "mcg", 2, ["UNITS_MISMATCH"]),
    ("cyanocobalamin", 1500, "mcg", 2, []),         # a started 1000 mcg is a unit
    ("cyanocobalamin", 1500, "mcg", 1, ["UNITS_MISMATCH"]),
    ("cyanocobalamin", 2000, "mcg", 2, []),
    ("cyanocobalamin", 2, "mg", 2, []),             # mg converted
    ("cyanocobalamin", 2, "mg", 1, ["UNITS_MISMATCH"]),
    ("cyanocobalamin", 1, "mg", 1, []),
    ("cyanocobalamin", 1.1, "mg", 2, []),           # 1100.0000000000002 mcg must not become 3
    ("cyanocobalamin", 0.5, "mg", 1, []),
    ("cyanocobalamin", None, None, 1, ["DOSE_NOT_DOCUMENTED"]),
    ("cyanocobalamin", None, None, 3, ["DOSE_NOT_DOCUMENTED"]),
    ("b12_unspecified", 1000, "mcg", 2, ["UNITS_MISMATCH"]),
])
def test_j3420_units(drug, dose, unit, units, expected):
    assert day_reasons([admin(drug=drug, dose=dose, unit=unit)], units=units)[1] == expected


@pytest.mark.parametrize("drug, dose, units, expected", [
    # J3425: always CODE_UNVERIFIED, and no unit check whatever the dose
    ("hydroxocobalamin", 1000, 1, ["CODE_UNVERIFIED"]),
    ("hydroxocobalamin", 5000, 1, ["CODE_UNVERIFIED"]),
    ("hydroxocobalamin", 100, 10, ["CODE_UNVERIFIED"]),
    ("b12_unspecified", 1000, 1, ["CODE_UNVERIFIED"]),
    ("cyanocobalamin", 1000, 1, ["DRUG_CODE_MISMATCH", "CODE_UNVERIFIED"]),
    ("methylcobalamin", 1000, 1, ["DRUG_CODE_MISMATCH", "CODE_UNVERIFIED"]),
    ("hydroxocobalamin", None, 1, ["DOSE_NOT_DOCUMENTED", "CODE_UNVERIFIED"]),
])
def test_j3425(drug, dose, units, expected):
    assert day_reasons([admin(drug=drug, dose=dose)], drug_code="J3425", units=units)[1] == expected


def test_units_message_has_the_numbers_and_the_span():
    given = admin(dose=1000)
    results = run([line("96372"), line("J3420", units=2, number=2)], [good_note(administrations=[given])])
    (finding,) = result_for(results, "J3420").findings
    assert finding.message == "2 units billed; 1000 mcg documented = 1 unit"
    assert finding.rule == "drug.units" and finding.source.startswith("HCPCS J3420 descriptor")
    assert [(e.note_id, e.span, e.text) for e in finding.evidence] == [("n1", given.span, given.text)]


def test_units_message_in_mg():
    results = run([line("96372"), line("J3420", units=1, number=2)],
                  [good_note(administrations=[admin(dose=2, unit="mg")])])
    assert result_for(results, "J3420").findings[0].message == "1 unit billed; 2 mg (2000 mcg) documented = 2 units"


def test_one_shot_written_twice_is_one_dose():
    twice = [admin(dose=1000), admin(dose=1000)]
    assert day_reasons(twice, units=1) == ([], [])
    assert day_reasons(twice, units=2)[1] == ["UNITS_MISMATCH"]


def test_units_read_from_the_injection_that_fits_the_code():
    # Cyanocobalamin 1000 mcg and hydroxocobalamin 3000 mcg given: the hydroxocobalamin is a
    # mismatch for J3420, but the units (1) are right for the cyanocobalamin.
    both = [admin(dose=1000), admin(drug="hydroxocobalamin", dose=3000)]
    assert day_reasons(both, units=1)[1] == ["DRUG_CODE_MISMATCH"]
    assert day_reasons(both, units=3)[1] == ["DRUG_CODE_MISMATCH", "UNITS_MISMATCH"]


def test_drug_code_mismatch_cites_the_other_substance_only():
    cyano, hydroxo = admin(), admin(drug="hydroxocobalamin")
    results = run([line("96372"), line("J3420", number=2)], [good_note(administrations=[cyano, hydroxo])])
    (finding,) = result_for(results, "J3420").findings
    assert finding.message == "J3420 is cyanocobalamin; the notes document hydroxocobalamin given"
    assert [e.span for e in finding.evidence] == [hydroxo.span]


@pytest.mark.parametrize("earlier_date, earlier_code, loading_today, loading_earlier, patient, expected", [
    ("2025-02-03", "J3420", False, False, "p1", ["FREQUENCY_EXCEEDED"]),  # 27 days earlier
    ("2025-02-02", "J3420", False, False, "p1", []),                      # 28 days earlier
    ("2025-03-01", "J3420", False, False, "p1", ["FREQUENCY_EXCEEDED"]),  # 1 day earlier
    ("2025-02-03", "J3425", False, False, "p1", ["FREQUENCY_EXCEEDED"]),  # any J-code counts
    ("2025-02-03", "96372", False, False, "p1", []),                      # not a drug line
    ("2025-02-03", "J3420", True, False, "p1", []),                       # loading phase documented today
    ("2025-02-03", "J3420", False, True, "p1", ["FREQUENCY_EXCEEDED"]),   # only in the earlier note
    ("2025-02-03", "J3420", False, False, "p2", []),                      # another patient
    ("2025-03-09", "J3420", False, False, "p1", []),                      # later lines do not count
])
def test_frequency(earlier_date, earlier_code, loading_today, loading_earlier, patient, expected):
    lines = [line("96372", claim="c0", date=earlier_date, patient=patient),
             line(earlier_code, claim="c0", number=2, date=earlier_date, patient=patient),
             line("96372", claim="c1"), line("J3420", claim="c1", number=2)]
    notes = [good_note("n0", date=earlier_date, patient_id=patient, loading=loading_earlier),
             good_note("n1", loading=loading_today)]
    results = run(lines, notes)
    today = [r for r in results if r.line.claim_id == "c1" and r.line.code == "J3420"][0]
    assert reasons(today) == expected


def test_frequency_message_and_same_day_lines():
    lines = [line("J3420", claim="c0", date="2025-02-20"), line("J3420", claim="c0", number=2, date="2025-02-10"),
             line("96372", claim="c1"), line("J3420", claim="c1", number=2), line("J3420", claim="c2")]
    results = run(lines, [good_note("n1"), note("a", date="2025-02-20"), note("b", date="2025-02-10")])
    today = [r for r in results if r.line.service_date.isoformat() == "2025-03-02" and r.line.code == "J3420"]
    for r in today:  # two J-code lines the same day are not "earlier"
        (finding,) = r.findings
        assert finding.message == ("J3420 also billed on 2025-02-20 (10 days earlier and 1 other date(s); "
                                   "policy window 28 days); no loading phase documented")
        assert finding.evidence == [] and finding.severity == "warning"


def test_drug_findings_cite_the_injection():
    given = admin(route="SL")
    results = run([line("96372"), line("J3420", number=2)], [good_note(administrations=[given])])
    (finding,) = result_for(results, "96372").findings
    assert finding.message.startswith("route SL documented")
    assert finding.evidence[0].span == given.span


def test_admin_not_documented_lists_what_was_found():
    ordered = admin(status="ordered")
    results = run([line("96372"), line("J3420", number=2)], [good_note(administrations=[ordered])])
    (finding,) = result_for(results, "J3420").findings
    assert finding.message == "no B12 injection documented as given; only ordered"
    assert [e.span for e in finding.evidence] == [ordered.span]
    results = run([line("96372"), line("J3420", number=2)], [good_note(administrations=[])])
    assert result_for(results, "J3420").findings[0].evidence == []


def _nurse_note(note_id: str, reports: list[str]) -> NoteEvidence:
    n = good_note(note_id, administrations=[])
    n.unnamed_injections = [EvidenceSpan((0, len(r)), r) for r in reports]
    return n


@pytest.mark.parametrize("order_status, reports, expected", [
    # the provider's note orders today's dose; the nurse's note says only "Injection given as ordered"
    ("ordered", ["Injection given as ordered, R deltoid IM 3:50pm."], []),
    ("planned", ["Injection given as ordered, R deltoid IM 3:50pm."], []),
    # nothing reported given, or the order was refused: still no injection given
    ("ordered", [], ["ADMIN_NOT_DOCUMENTED"]),
    ("declined", ["Injection given as ordered, R deltoid IM 3:50pm."], ["ADMIN_NOT_DOCUMENTED"]),
])
def test_an_order_given_in_another_note_of_the_day(order_status, reports, expected):
    provider = good_note("n1", administrations=[admin(status=order_status, by=None)])
    results = run(supported_day(), [provider, _nurse_note("n2", reports)])
    assert reasons(result_for(results, "J3420")) == expected
    assert reasons(result_for(results, "96372")) == expected


def test_an_unnamed_injection_alone_is_no_b12_given():
    # the note that reports it names no drug, and no other note of the day orders one
    results = run(supported_day(), [_nurse_note("n1", ["Injection given, R deltoid IM."])])
    assert reasons(result_for(results, "J3420")) == ["ADMIN_NOT_DOCUMENTED"]


@pytest.mark.parametrize("reversal_date, expected", [
    # an addendum filed as its own note reverses the dose charted in the encounter's other note
    ("2025-03-03", ["ADMIN_NOT_DOCUMENTED"]),
    ("2025-03-02", ["ADMIN_NOT_DOCUMENTED"]),
    # a note dated before the charted dose reverses nothing of it
    ("2025-03-01", []),
])
def test_an_addendum_note_reverses_the_charted_dose(reversal_date, expected):
    addendum = good_note("n2", administrations=[], encounter_id="e1", date=reversal_date)
    addendum.reversed_injections = [EvidenceSpan((0, 40), "The injection documented above was NOT given")]
    results = run(supported_day(encounter="e1"), [good_note("n1", encounter_id="e1"), addendum])
    assert reasons(result_for(results, "J3420")) == expected
