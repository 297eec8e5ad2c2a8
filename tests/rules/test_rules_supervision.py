"""Incident-to checks (SPEC §5.1): SUPERVISION_NOT_DOCUMENTED and SUPERVISOR_NOT_BILLING."""

from __future__ import annotations

import pytest

from notes_audit.evidence.model import Person
from notes_audit.rules.checks.supervision import is_auxiliary
from notes_audit.rules.names import RosterIndex, surname
from notes_audit.rules.policy import load_policy
from rules.builders import admin, good_note, line, reasons, result_for, roster, run, sup

CHEN, PATEL, CHEN_2 = ("1111111111", "Amanda Chen", "MD"), ("2222222222", "Raj Patel", "DO"), \
    ("3333333333", "Brian Chen", "MD")


def supervision_reasons(by, supervision, date="2025-03-02", policy="medicare"):
    lines = [line("96372", date=date), line("J3420", number=2, date=date)]
    notes = [good_note(date=date, administrations=[admin(by=by)], supervision=list(supervision))]
    results = run(lines, notes, policy=policy)
    got = reasons(result_for(results, "96372"))
    assert got == reasons(result_for(results, "J3420"))
    return got


SND = ["SUPERVISION_NOT_DOCUMENTED"]


@pytest.mark.parametrize("by, supervision, date, expected", [
    (("J. Rivera", "RN"), [sup()], "2025-03-02", []),
    (("J. Rivera", "RN"), [], "2025-03-02", SND),
    (("M. Lopez", "MA"), [sup(presence="absent")], "2025-03-02", SND),     # phone only is `absent`
    (("K. Moss", "LPN"), [sup(presence="unknown")], "2025-03-02", SND),
    (("K. Moss", "LVN"), [], "2025-03-02", SND),
    (("K. Moss", "CMA"), [], "2025-03-02", SND),
    (("J. Rivera", "R.N."), [], "2025-03-02", SND),
    (("J. Rivera", "RN, BSN"), [], "2025-03-02", SND),
    (("J. Rivera", "registered nurse"), [], "2025-03-02", SND),
    (("M. Lopez", "Medical Assistant"), [], "2025-03-02", SND),
    (("M. Lopez", "CMA (AAMA)"), [], "2025-03-02", SND),
    # virtual (real-time audio and video) counts from 2020-03-01
    (("J. Rivera", "RN"), [sup(presence="virtual")], "2025-03-02", []),
    (("J. Rivera", "RN"), [sup(presence="virtual")], "2020-03-01", []),
    (("J. Rivera", "RN"), [sup(presence="virtual")], "2020-02-29", SND),
    (("J. Rivera", "RN"), [sup(presence="virtual"), sup("Raj Patel", presence="in_office")], "2020-02-29", []),
    (("J. Rivera", "RN"), [sup(presence="absent"), sup("Raj Patel", presence="in_office")], "2025-03-02", []),
    # administering person unknown, or not auxiliary staff: nothing
    (None, [], "2025-03-02", []),
    (("J. Rivera", None), [], "2025-03-02", []),
    ((None, None), [], "2025-03-02", []),
    (("Amanda Chen", "MD"), [], "2025-03-02", []),
    (("Tom Reyes", "Nurse Practitioner"), [], "2025-03-02", []),
    (("Tom Reyes", "NP"), [], "2025-03-02", []),
    (("Tom Reyes", "PA-C"), [], "2025-03-02", []),
    (("Tom Reyes", "physician assistant"), [], "2025-03-02", []),
    (("Tom Reyes", "pharmacist"), [], "2025-03-02", []),
])
def test_supervision_documented(by, supervision, date, expected):
    assert supervision_reasons(by, supervision, date) == expected


def test_commercial_does_not_accept_virtual_supervision():
    by, virtual = ("J. Rivera", "RN"), [sup(presence="virtual")]
    assert supervision_reasons(by, virtual, policy="medicare") == []
    assert supervision_reasons(by, virtual, policy="commercial") == SND


def test_supervision_only_judges_injections_given():
    notes = [good_note(administrations=[admin(status="ordered", by=("M. Lopez", "MA"))], supervision=[])]
    results = run([line("96372"), line("J3420", number=2)], notes)
    assert reasons(result_for(results, "96372")) == ["ADMIN_NOT_DOCUMENTED"]


def test_supervision_message_and_evidence():
    given, phone = admin(by=("M. Lopez", "MA")), sup(presence="absent")
    results = run([line("96372"), line("J3420", number=2)], [good_note(administrations=[given], supervision=[phone])])
    (finding,) = result_for(results, "96372").findings
    assert finding.message == ("injection given by MA; no supervising practitioner documented in the "
                               "office suite or by real-time audio and video (found: absent)")
    assert [e.span for e in finding.evidence] == [given.span, phone.span]
    early = run([line("96372", date="2019-06-01")], [good_note(date="2019-06-01", administrations=[given],
                                                               supervision=[sup(presence="virtual")])])
    assert "virtual supervision counts only from 2020-03-01" in early[0].findings[-1].message


SNB = ["SUPERVISOR_NOT_BILLING"]


@pytest.mark.parametrize("entries, supervision, rendering, billing, expected", [
    ([CHEN, PATEL], [sup("Amanda Chen")], "2222222222", None, SNB),          # one match, other NPI
    ([CHEN, PATEL], [sup("Amanda Chen")], "1111111111", None, []),
    ([CHEN, PATEL], [sup("Dr. Chen")], "2222222222", None, SNB),              # matched by surname
    (None, [sup("Amanda Chen")], "2222222222", None, []),                     # no roster
    ([], [sup("Amanda Chen")], "2222222222", None, []),
    ([CHEN, CHEN_2, PATEL], [sup("Dr. Chen")], "2222222222", None, []),        # two matches
    ([PATEL], [sup("Amanda Chen")], "2222222222", None, []),                  # no match
    ([CHEN, PATEL], [sup("Amanda Chen")], None, "2222222222", SNB),           # falls back to billing_npi
    ([CHEN, PATEL], [sup("Amanda Chen")], None, "1111111111", []),
    ([CHEN, PATEL], [sup("Amanda Chen")], "1111111111", "2222222222", []),    # rendering wins
    ([CHEN, PATEL], [sup("Amanda Chen")], None, None, []),                    # nothing to compare
    ([CHEN, PATEL], [sup("Amanda Chen", presence="virtual")], "2222222222", None, SNB),
    ([CHEN, PATEL], [sup("Amanda Chen", presence="unknown"), sup("Raj Patel")], "2222222222", None, []),
    ([CHEN, PATEL], [sup("Amanda Chen"), sup("Raj Patel")], "2222222222", None, []),
    ([CHEN, PATEL], [sup(None)], "2222222222", None, []),
])
def test_supervisor_billing(entries, supervision, rendering, billing, expected):
    lines = [line("96372", rendering=rendering, billing=billing),
             line("J3420", number=2, rendering=rendering, billing=billing)]
    results = run(lines, [good_note(supervision=supervision)],
                  roster=roster(*entries) if entries is not None else None)
    assert reasons(result_for(results, "96372")) == expected
    assert reasons(result_for(results, "J3420")) == expected


def test_absent_supervisor_is_not_matched_but_staff_alone_is_flagged():
    results = run([line("96372", rendering="2222222222")], [good_note(supervision=[sup(presence="absent")])],
                  roster=roster(CHEN, PATEL))
    assert reasons(results[0]) == ["DRUG_LINE_MISSING", "SUPERVISION_NOT_DOCUMENTED"]


def test_supervisor_message():
    results = run([line("96372", rendering="2222222222"), line("J3420", number=2, rendering="2222222222")],
                  [good_note()], roster=roster(CHEN, PATEL))
    (finding,) = results[0].findings
    assert finding.message == "supervising practitioner Amanda Chen (NPI 1111111111) is not the line's rendering NPI 2222222222"
    assert finding.source == "42 CFR 410.26(b)(5)" and len(finding.evidence) == 1


@pytest.mark.parametrize("name, expected", [
    ("Amanda Chen", "chen"), ("Dr. Amanda Chen, MD", "chen"), ("Chen, Amanda", "chen"), ("Dr Chen", "chen"),
    ("Amanda Chen M.D.", "chen"), ("Linh Do", "do"), ("Dr. Linh Do, DO", "do"), ("Mary O'Neil, RN", "oneil"),
    ("Smith-Jones, Mary", "smith-jones"), ("J. Rivera", "rivera"), ("Raj Patel Jr.", "patel"),
    ("José Núñez", "nunez"), ("", None), (None, None), ("MD", None),
])
def test_surname(name, expected):
    assert surname(name) == expected


def test_roster_index_matches_by_surname():
    index = RosterIndex(roster(CHEN, PATEL, CHEN_2))
    assert [e.npi for e in index.matches("Dr. Chen")] == ["1111111111", "3333333333"]
    assert [e.npi for e in index.matches("patel, raj")] == ["2222222222"]
    assert index.matches("Nobody") == [] and index.matches(None) == []


@pytest.mark.parametrize("credential, expected", [
    ("RN", True), ("rn", True), ("L.P.N.", True), ("MA", True), ("CMA", True), ("Nurse", True),
    ("LPN/LVN", True), ("medical assistant", True), ("MD", False), ("DO", False), ("APRN", False),
    ("FNP-C", False), ("nurse practitioner", False), ("Physician Assistant", False), (None, False),
    ("EMT", False), ("nursing student", False),
])
def test_is_auxiliary(credential, expected):
    assert is_auxiliary(Person("X", credential), load_policy("medicare").supervision) is expected
