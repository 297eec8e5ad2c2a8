"""Checks on the day's lines (SPEC §5.1): DRUG_LINE_MISSING, ADMIN_LINE_MISSING, MODIFIER_MISUSED,
EM_BUNDLED_99211, MOD25_MISSING, MOD25_NOT_SUPPORTED, G2211_NOT_PAYABLE, and E/M scope."""

from __future__ import annotations

import pytest

from rules.builders import admin, good_note, line, reasons, run


def L(code, mods=(), claim="c1", date="2025-03-02", patient="p1", units=1):
    """A line; numbered by the table helper below."""
    return dict(code=code, modifiers=tuple(mods), claim=claim, date=date, patient=patient, units=units)


def audit_table(specs, notes=None):
    lines = [line(s["code"], units=s["units"], modifiers=s["modifiers"], claim=s["claim"], number=i,
                  date=s["date"], patient=s["patient"]) for i, s in enumerate(specs, start=1)]
    results = run(lines, notes if notes is not None else [good_note()])
    return [(r.verdict, reasons(r)) for r in results]


S, NS, NR, NA = "supported", "not_supported", "needs_review", "not_applicable"


@pytest.mark.parametrize("specs, notes, expected", [
    # DRUG_LINE_MISSING: judged on the day's lines; not raised when the drug was patient-supplied
    ([L("96372")], None, [(NR, ["DRUG_LINE_MISSING"])]),
    ([L("96372")], [good_note(administrations=[admin(supplied=True)])], [(S, [])]),
    ([L("96372")], [good_note(administrations=[admin(status="ordered")])], [(NS, ["ADMIN_NOT_DOCUMENTED"])]),
    ([L("96372"), L("J3420", claim="c2")], None, [(S, []), (S, [])]),
    ([L("96372"), L("J3420", date="2025-03-03")], [good_note(), good_note("n2", date="2025-03-03")],
     [(NR, ["DRUG_LINE_MISSING"]), (NR, ["ADMIN_LINE_MISSING"])]),
    # ADMIN_LINE_MISSING: a drug line without 96372 that day (same patient, any claim)
    ([L("J3420")], None, [(NR, ["ADMIN_LINE_MISSING"])]),
    ([L("J3420"), L("96372", claim="c9")], None, [(S, []), (S, [])]),
    ([L("J3420"), L("96372", patient="p2")], None, [(NR, ["ADMIN_LINE_MISSING"]), (NS, ["NOTE_MISSING"])]),
    # MODIFIER_MISUSED
    ([L("96372", ["25"]), L("J3420")], None, [(NS, ["MODIFIER_MISUSED"]), (S, [])]),
    ([L("96372"), L("J3420", ["25"])], None, [(S, []), (NS, ["MODIFIER_MISUSED"])]),
    ([L("96372", ["59"]), L("J3420")], None, [(NS, ["MODIFIER_MISUSED"]), (S, [])]),
    ([L("96372", ["XU"]), L("J3420")], None, [(NS, ["MODIFIER_MISUSED"]), (S, [])]),
    ([L("96372", ["XS"]), L("J3420")], None, [(S, []), (S, [])]),  # only 59/XU need a second injection
    ([L("96372"), L("96372", ["59"]), L("J3420")], None, [(S, []), (S, []), (S, [])]),
    ([L("96372"), L("96372", ["XU"], claim="c2"), L("J3420")], None, [(S, []), (S, []), (S, [])]),
    ([L("96372", ["59"], units=2), L("J3420")], None, [(NS, ["MODIFIER_MISUSED"]), (S, [])]),
    ([L("96372"), L("J3420"), L("99213", ["25", "59"])], [good_note(em_separate=True)],
     [(S, []), (S, []), (NS, ["MODIFIER_MISUSED"])]),
    ([L("96372"), L("J3420"), L("99213", ["25", "XE"])], [good_note(em_separate=True)],
     [(S, []), (S, []), (NS, ["MODIFIER_MISUSED"])]),
    ([L("96372"), L("J3420"), L("99211", ["59"])], None,
     [(S, []), (S, []), (NS, ["EM_BUNDLED_99211", "MODIFIER_MISUSED"])]),
    ([L("96372"), L("J3420"), L("99213"), L("G2211", ["25"])], None,
     [(S, []), (S, []), (NS, ["MOD25_MISSING"]), (NS, ["MODIFIER_MISUSED"])]),
    # out of scope: no reasons whatever the modifiers
    ([L("85025", ["25", "59"]), L("96372"), L("J3420")], None, [(NA, []), (S, []), (S, [])]),
    ([L("99213", ["59"])], None, [(NA, [])]),
    # 99211: bundled with 96372, with or without 25; never MOD25_*
    ([L("96372"), L("J3420"), L("99211")], None, [(S, []), (S, []), (NS, ["EM_BUNDLED_99211"])]),
    ([L("96372"), L("J3420"), L("99211", ["25"])], None, [(S, []), (S, []), (NS, ["EM_BUNDLED_99211"])]),
    ([L("99211", ["25"]), L("J3420")], None, [(NA, []), (NR, ["ADMIN_LINE_MISSING"])]),
    # E/M in scope only when 96372 is among the day's lines (any claim)
    ([L("99213")], None, [(NA, [])]),
    ([L("99213", ["25"]), L("J3420")], None, [(NA, []), (NR, ["ADMIN_LINE_MISSING"])]),
    ([L("99213"), L("96372", claim="c2", date="2025-03-03")], [good_note(), good_note("n2", date="2025-03-03")],
     [(NA, []), (NR, ["DRUG_LINE_MISSING"])]),
    ([L("99201"), L("96372"), L("J3420")], None, [(NA, []), (S, []), (S, [])]),  # not an office E/M code
    # MOD25_MISSING vs MOD25_NOT_SUPPORTED
    ([L("99213"), L("96372", claim="c2"), L("J3420")], None, [(NS, ["MOD25_MISSING"]), (S, []), (S, [])]),
    ([L("99213"), L("96372"), L("J3420")], [good_note(em_separate=True)],
     [(NS, ["MOD25_MISSING"]), (S, []), (S, [])]),
    ([L("99213", ["25"]), L("96372"), L("J3420")], [good_note(em_separate=True)], [(S, []), (S, []), (S, [])]),
    ([L("99213", ["25"]), L("96372"), L("J3420")], None, [(NS, ["MOD25_NOT_SUPPORTED"]), (S, []), (S, [])]),
    ([L("99205", ["25"]), L("96372"), L("J3420")], None, [(NS, ["MOD25_NOT_SUPPORTED"]), (S, []), (S, [])]),
    ([L("99202"), L("96372"), L("J3420")], None, [(NS, ["MOD25_MISSING"]), (S, []), (S, [])]),
    ([L("99213", ["25"]), L("96372"), L("J3420")], [good_note(), good_note("n2", em_separate=True)],
     [(S, []), (S, []), (S, [])]),  # one of the day's notes is enough
    # G2211 with an E/M-25 and 96372 the same day
    ([L("99213", ["25"]), L("G2211"), L("96372"), L("J3420")], [good_note(em_separate=True)],
     [(S, []), (NS, ["G2211_NOT_PAYABLE"]), (S, []), (S, [])]),
    ([L("99213", ["25"]), L("G2211", claim="c2"), L("96372", claim="c3"), L("J3420")],
     [good_note(em_separate=True)], [(S, []), (NS, ["G2211_NOT_PAYABLE"]), (S, []), (S, [])]),
    ([L("99213"), L("G2211"), L("96372"), L("J3420")], None,
     [(NS, ["MOD25_MISSING"]), (S, []), (S, []), (S, [])]),
    ([L("99211", ["25"]), L("G2211"), L("96372"), L("J3420")], None,
     [(NS, ["EM_BUNDLED_99211"]), (NS, ["G2211_NOT_PAYABLE"]), (S, []), (S, [])]),
    ([L("99213", ["25"]), L("G2211")], [good_note(em_separate=True)], [(NA, []), (NA, [])]),
])
def test_day_lines(specs, notes, expected):
    assert audit_table(specs, notes) == expected


def test_em_messages():
    specs = [L("99213"), L("99211", ["25"]), L("G2211"), L("99214", ["25"]), L("96372"), L("J3420")]
    results = run([line(s["code"], modifiers=s["modifiers"], number=i) for i, s in enumerate(specs, 1)],
                  [good_note()])
    messages = {r.line.code: [f.message for f in r.findings] for r in results}
    assert messages["99213"] == ["99213 billed with 96372 on 2025-03-02 without modifier 25"]
    assert messages["99211"] == ["99211 billed with 96372 on 2025-03-02: not payable (modifier 25 does not change this)"]
    assert messages["G2211"] == ["G2211 billed with 99211-25, 99214-25 and 96372 on 2025-03-02"]
    assert messages["99214"] == ["modifier 25 on 99214, but the notes of 2025-03-02 show no separately "
                                 "identifiable E/M beyond the injection visit"]


def test_modifier_message_lists_every_problem():
    results = run([line("96372", modifiers=("25", "59"))], [good_note(administrations=[admin(supplied=True)])])
    (finding,) = results[0].findings
    assert finding.message == ("modifier 25 on 96372, which is not an E/M; modifier 59 on 96372 without a "
                               "second 96372 line on 2025-03-02")
    assert finding.evidence == [] and finding.source.startswith("CMS MLN1783722")


def test_drug_line_missing_cites_the_injection():
    given = admin()
    (result,) = run([line("96372")], [good_note(administrations=[given])])
    assert result.findings[0].evidence[0].span == given.span
    assert "J3420, J3425" in result.findings[0].message
