"""Claim-driven work: the notes a scan keeps (`ClaimPlan.may_link`) are enough to link every line
exactly as linking over all notes does."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notes_audit.audit.linker import NoteIndex, group_day_lines, in_scope, needed_note_ids
from notes_audit.parallel.plan import ClaimPlan, NoteRef
from notes_audit.read.records import ClaimLine, Note
from notes_audit.rules.policy import load_policy
from notes_audit.rules.registry import build_checks

POLICY = load_policy("medicare")
DAY = dt.date(2025, 3, 2)


def line(code: str, patient: str = "p1", day: dt.date = DAY, encounter: str | None = None) -> ClaimLine:
    return ClaimLine("c1", 1, code, 1.0, patient, day, encounter_id=encounter)


def note(patient: str | None = "p1", day: dt.date | None = DAY, encounter: str | None = None,
         note_id: str = "n") -> Note:
    return Note(note_id, "", patient_id=patient, encounter_id=encounter, note_date=day)


@pytest.mark.parametrize("lines, candidate, expected", [
    ([line("96372", encounter="e1")], note(patient=None, day=None, encounter="e1"), True),   # by encounter
    ([line("96372")], note(), True),                                                       # patient + day
    ([line("85025")], note(), True),                               # out of scope: still linked (note_ids)
    ([line("96372")], note(patient="p2"), False),                                          # other patient
    ([line("96372")], note(patient=None), False),                  # no patient, no encounter: links nowhere
    ([line("96372")], note(day=None), False),                                              # undated
    ([line("96372")], note(day=DAY - dt.timedelta(days=365)), True),                       # lookback edge
    ([line("96372")], note(day=DAY - dt.timedelta(days=366)), False),                      # beyond lookback
    ([line("96372")], note(day=DAY + dt.timedelta(days=1)), False),                        # after the line
    ([line("85025")], note(day=DAY - dt.timedelta(days=10)), False),       # no in-scope line reads history
    ([line("99213")], note(day=DAY - dt.timedelta(days=10)), False),      # E/M without 96372: out of scope
    ([line("99213"), line("96372", day=DAY + dt.timedelta(days=5))], note(day=DAY), True),  # history of the later 96372
])
def test_may_link(lines, candidate, expected):
    assert ClaimPlan(lines, POLICY, 365).may_link(candidate) is expected


HISTORY_KINDS = frozenset().union(*(c.kinds for c in build_checks(POLICY) if c.uses_history))
days = st.integers(0, 40).map(lambda d: DAY + dt.timedelta(days=d))
notes_strategy = st.lists(st.tuples(st.sampled_from(["p1", "p2", None]), st.sampled_from(["e1", "e2", "e3", None]),
                                    st.one_of(st.none(), days)), max_size=25)
lines_strategy = st.lists(st.tuples(st.sampled_from(["96372", "J3420", "99213", "99211", "85025"]),
                                    st.sampled_from(["p1", "p2"]), days, st.sampled_from(["e1", "e2", "e4", None])),
                          min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(notes_strategy, lines_strategy, st.sampled_from([0, 7, 365]))
def test_linking_over_kept_notes_equals_linking_over_all(raw_notes, raw_lines, lookback):
    notes = [Note(f"n{i}", "", patient_id=p, encounter_id=e, note_date=d) for i, (p, e, d) in enumerate(raw_notes)]
    lines = [ClaimLine("c", i + 1, code, 1.0, p, d, encounter_id=e) for i, (code, p, d, e) in enumerate(raw_lines)]
    kept = ClaimPlan(lines, POLICY, lookback).candidates(notes)
    full, small = NoteIndex([NoteRef.of(n) for n in notes]), NoteIndex(kept)
    day_lines = group_day_lines(lines)
    for ln in lines:
        assert [n.note_id for n in small.for_line(ln)] == [n.note_id for n in full.for_line(ln)]
        kind = POLICY.kind_of(ln.code)
        if kind in HISTORY_KINDS and in_scope(kind, day_lines[(ln.patient_id, ln.service_date)], POLICY):
            assert ([n.note_id for n in small.history(ln.patient_id, ln.service_date, lookback)]
                    == [n.note_id for n in full.history(ln.patient_id, ln.service_date, lookback)])
    assert needed_note_ids(lines, kept, lookback, POLICY) == needed_note_ids(lines, notes, lookback, POLICY)
