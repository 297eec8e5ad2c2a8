"""Linking (SPEC §2.2, §5.1): a line's notes, the day's lines, the history window, and the notes a
scan must run NLP on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from rules.builders import line, note

from notes_audit.audit.linker import DrugLineIndex, NoteIndex, as_date, group_day_lines, in_scope, needed_note_ids
from notes_audit.read.records import Note
from notes_audit.rules.policy import load_policy


@dataclass
class Meta:
    note_id: str
    patient_id: str | None
    encounter_id: str | None
    note_date: str | dt.date | None


NOTES = [
    Meta("enc1", "p1", "e1", "2025-03-01"),      # encounter note dated the day before
    Meta("day_a", "p1", None, "2025-03-02"),
    Meta("day_b", "p1", "e2", "2025-03-02"),
    Meta("other_pt", "p2", None, "2025-03-02"),
    Meta("enc9_p2", "p2", "e9", "2025-03-02"),
    Meta("old", "p1", None, "2024-03-02"),
    Meta("older", "p1", None, "2024-03-01"),
    Meta("undated", "p1", None, None),
    Meta("bad_date", "p1", None, "03/02/2025"),
]


@pytest.mark.parametrize("encounter, patient, expected", [
    ("e1", "p1", ["enc1"]),                       # same encounter, whatever the date
    ("e2", "p1", ["day_b"]),
    (None, "p1", ["day_a", "day_b"]),            # the patient's notes of the date
    (None, "p2", ["other_pt", "enc9_p2"]),
    ("e404", "p1", ["day_a"]),                    # no note has the encounter: undated-encounter notes of the day
    ("e9", "p1", ["day_a"]),                      # e9 belongs to another patient
    (None, "p3", []),
])
def test_notes_for_a_line(encounter, patient, expected):
    index = NoteIndex(NOTES)
    got = index.for_line(line("96372", encounter=encounter, patient=patient))
    assert [n.note_id for n in got] == expected


@pytest.mark.parametrize("day, lookback, expected", [
    ("2025-03-02", 365, ["old", "enc1", "day_a", "day_b"]),  # inclusive on both ends, oldest first
    ("2025-03-02", 366, ["older", "old", "enc1", "day_a", "day_b"]),
    ("2025-03-02", 0, ["day_a", "day_b"]),
    ("2025-03-01", 10, ["enc1"]),
    ("2023-01-01", 365, []),
])
def test_history_window(day, lookback, expected):
    got = NoteIndex(NOTES).history("p1", dt.date.fromisoformat(day), lookback)
    assert [n.note_id for n in got] == expected


def test_index_accepts_note_records_and_counts_a_note_once():
    notes = [Note("a", "text", "p1", None, dt.date(2025, 3, 2)), Note("a", "dup", "p1", None, dt.date(2025, 3, 2))]
    index = NoteIndex(notes)
    assert len(index.notes) == 1 and [n.note_id for n in index.for_line(line("96372"))] == ["a"]


@pytest.mark.parametrize("value, expected", [
    ("2025-03-02", dt.date(2025, 3, 2)), (dt.date(2025, 3, 2), dt.date(2025, 3, 2)),
    (dt.datetime(2025, 3, 2, 10, 5), dt.date(2025, 3, 2)), ("2025-03-02T10:00:00", dt.date(2025, 3, 2)),
    (None, None), ("", None), ("03/02/2025", None),
])
def test_as_date(value, expected):
    assert as_date(value) == expected


def test_day_lines_group_across_claims():
    lines = [line("96372", claim="c1"), line("J3420", claim="c2"), line("J3420", claim="c3", patient="p2"),
             line("99213", claim="c4", date="2025-03-03")]
    days = group_day_lines(lines)
    assert [ln.claim_id for ln in days[("p1", dt.date(2025, 3, 2))]] == ["c1", "c2"]
    assert len(days) == 3


@pytest.mark.parametrize("window, expected", [
    (28, ["2025-02-03", "2025-03-01"]),          # 1 to 27 days before
    (29, ["2025-02-02", "2025-02-03", "2025-03-01"]),
    (2, ["2025-03-01"]), (1, []),
    (40, ["2025-01-25", "2025-02-02", "2025-02-03", "2025-03-01"]),
])
def test_earlier_drug_lines(window, expected):
    index = DrugLineIndex([line("J3420", date=d) for d in ("2025-03-01", "2025-01-25", "2025-02-03", "2025-03-02",
                                                             "2025-03-05", "2025-02-02")])
    got = [ln.service_date.isoformat() for ln in index.earlier("p1", dt.date(2025, 3, 2), window)]
    assert got == expected


@pytest.mark.parametrize("codes, code, expected", [
    (["96372"], "96372", True), (["J3420"], "J3420", True), (["99213"], "99213", False),
    (["99213", "96372"], "99213", True), (["99211", "J3420"], "99211", False), (["G2211", "96372"], "G2211", True),
    (["85025", "96372"], "85025", False),
])
def test_in_scope(codes, code, expected):
    policy = load_policy("medicare")
    day = [line(c, number=i) for i, c in enumerate(codes)]
    assert in_scope(policy.kind_of(code), day, policy) is expected


def test_needed_note_ids():
    notes = [note("inj", date="2025-03-02"), note("hist", date="2024-10-01"), note("ancient", date="2020-01-01"),
             note("em_only", patient_id="p2", date="2025-03-02"), note("lab_only", patient_id="p3", date="2025-03-02"),
             note("p2_hist", patient_id="p2", date="2025-01-01"), note("p4_hist", patient_id="p4", date="2025-01-01"),
             note("em_enc", encounter_id="E7", date="2025-03-02")]
    lines = [line("96372"), line("J3420", number=2),
             line("99213", number=3, encounter="E7"),          # in scope: its own encounter note is needed
             line("99213", patient="p2"),                       # no 96372 that day: not applicable
             line("85025", patient="p3"),                       # out of scope
             line("96372", patient="p4", date="2025-02-01")]    # no note that day: no history needed either
    assert needed_note_ids(lines, notes) == {"inj", "hist", "em_enc"}
    assert needed_note_ids(lines, notes, lookback_days=10) == {"inj", "em_enc"}
    # E/M lines read no history; a 96372 without a note of its own reads none either
    em_day = [line("99213", encounter="E7"), line("96372", number=2, encounter="E8")]
    assert needed_note_ids(em_day, [note("em_enc", encounter_id="E7"), note("hist", date="2024-10-01")]) == {"em_enc"}


def test_needed_note_ids_skip_history_when_no_check_reads_it(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("extends: medicare\nname: p\nreasons: {NO_DEFICIENCY_EVIDENCE: {enabled: false}}\n")
    notes = [note("inj"), note("hist", date="2024-10-01")]
    assert needed_note_ids([line("96372")], notes, policy=str(path)) == {"inj"}
    assert needed_note_ids([line("96372")], notes) == {"inj", "hist"}
