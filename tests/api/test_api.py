"""The Python API (notes_audit.api): pre-bill audit of one encounter, files -> DataFrame, extraction."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

import notes_audit
from notes_audit.api import shared_extractor
from notes_audit.errors import InputError
from notes_audit.read.records import ClaimLine, Note, RosterEntry
from notes_audit.write.csv_table import COLUMNS, write_findings_csv

PA_RN_CHEN = ("Pernicious anemia. Cyanocobalamin 1000 mcg IM given L deltoid by Jane Doe, RN. "
              "Dr. Amanda Chen present in office.")
DEF_BY_MD = "B12 deficiency. Cyanocobalamin 1000 mcg IM given L deltoid by Dr. Amanda Chen."
LOW_B12 = "Lab result: Vitamin B12 150 pg/mL (L)."
RN_ALONE = ("Pernicious anemia. Cyanocobalamin 1000 mcg IM given L deltoid by Jane Doe, RN. "
            "No physician on site.")
DECLINED = "Pernicious anemia. Patient declined the B12 injection today."

CHEN, OKAFOR = "1205291648", "1798805473"
ROSTER = [{"npi": CHEN, "name": "Amanda Chen", "credential": "MD"},
          {"npi": OKAFOR, "name": "Marcus Okafor", "credential": "MD"}]


def line(code, units=1, n=None, dx="D51.0", **extra):
    base = {"claim_id": "c1", "line_number": n or {"96372": 1}.get(code, 2), "code": code, "units": units,
            "dx_codes": dx, "patient_id": "p1", "service_date": "2025-03-02"}
    return {**base, **extra}


def outcome(results):
    return [(r.line.code, r.verdict, [f.reason for f in r.findings]) for r in results]


# --- audit_encounter ----------------------------------------------------------------------------

@pytest.mark.parametrize("notes, lines, kwargs, expected", [
    pytest.param([PA_RN_CHEN], [line("96372"), line("J3420")], {},
                 [("96372", "supported", []), ("J3420", "supported", [])], id="supported"),
    pytest.param(PA_RN_CHEN, [line("96372"), line("J3420", units=2)], {},
                 [("96372", "supported", []), ("J3420", "not_supported", ["UNITS_MISMATCH"])],
                 id="one-text-units-mismatch"),
    pytest.param([{"note_id": "n7", "text": RN_ALONE}], [line("96372")], {},
                 [("96372", "not_supported", ["DRUG_LINE_MISSING", "SUPERVISION_NOT_DOCUMENTED"])],
                 id="dict-note-rn-unsupervised"),
    pytest.param([DECLINED], [line("96372"), line("J3420")], {},
                 [("96372", "not_supported", ["ADMIN_NOT_DOCUMENTED"]),
                  ("J3420", "not_supported", ["ADMIN_NOT_DOCUMENTED"])], id="declined"),
    pytest.param([PA_RN_CHEN], [line("96372", rendering_npi=OKAFOR), line("J3420", rendering_npi=OKAFOR)],
                 {"roster": ROSTER},
                 [("96372", "not_supported", ["SUPERVISOR_NOT_BILLING"]),
                  ("J3420", "not_supported", ["SUPERVISOR_NOT_BILLING"])], id="roster-dicts-other-npi"),
    pytest.param([PA_RN_CHEN], [line("96372", rendering_npi=CHEN), line("J3420", rendering_npi=CHEN)],
                 {"roster": [RosterEntry(CHEN, "Amanda Chen", "MD")]},
                 [("96372", "supported", []), ("J3420", "supported", [])], id="roster-entries-same-npi"),
    pytest.param([DEF_BY_MD], [line("96372", dx="E53.8"), line("J3420", dx=["E53.8"])], {},
                 [("96372", "not_supported", ["NO_DEFICIENCY_EVIDENCE"]),
                  ("J3420", "not_supported", ["NO_DEFICIENCY_EVIDENCE"])], id="no-history-no-evidence"),
    pytest.param([DEF_BY_MD], [line("96372", dx="E53.8"), line("J3420", dx="E538")],
                 {"history": [{"note_id": "old", "text": LOW_B12, "note_date": "2024-12-01"}]},
                 [("96372", "supported", []), ("J3420", "supported", [])], id="history-inside-lookback"),
    pytest.param([DEF_BY_MD], [line("96372", dx="E53.8"), line("J3420", dx="E53.8")],
                 {"history": [{"note_id": "old", "text": LOW_B12, "note_date": "2024-01-01"}]},
                 [("96372", "not_supported", ["NO_DEFICIENCY_EVIDENCE"]),
                  ("J3420", "not_supported", ["NO_DEFICIENCY_EVIDENCE"])], id="history-outside-lookback"),
    pytest.param([DEF_BY_MD], [line("96372", dx="E53.8"), line("J3420", dx="E53.8")],
                 {"history": [{"note_id": "old", "text": LOW_B12, "note_date": "2024-01-01"}],
                  "lookback_days": 500},
                 [("96372", "supported", []), ("J3420", "supported", [])], id="history-longer-lookback"),
    pytest.param([LOW_B12 + " " + DEF_BY_MD], [line("96372", dx="E53.8"), line("J3420", dx="E53.8")],
                 {"history": [{"note_id": "old", "text": "Phone call: feels well, no questions.", "note_date": "2025-01-01"}]},
                 [("96372", "supported", []), ("J3420", "supported", [])], id="day-notes-are-history-too"),
    pytest.param([DEF_BY_MD], [line("96372", dx="D51.0"), line("J3420", dx="D51.0")],
                 {"history": [PA_RN_CHEN]},
                 [("96372", "not_supported", ["DX_NOT_DOCUMENTED"]),
                  ("J3420", "not_supported", ["DX_NOT_DOCUMENTED"])], id="history-is-not-the-day"),
    pytest.param([PA_RN_CHEN], [ClaimLine("c1", 1, "96372", 1.0, "p1", dt.date(2025, 3, 2), dx_codes=("D51.0",)),
                                line("J3420", service_date=dt.date(2025, 3, 2), units=1.0)], {},
                 [("96372", "supported", []), ("J3420", "supported", [])], id="claimline-and-date-objects"),
    pytest.param([PA_RN_CHEN], [line("85025"), line("99211", n=3)], {},
                 [("85025", "not_applicable", []), ("99211", "not_applicable", [])], id="out-of-scope"),
])
def test_audit_encounter(notes, lines, kwargs, expected):
    assert outcome(notes_audit.audit_encounter(notes=notes, lines=lines, **kwargs)) == expected


@pytest.mark.parametrize("notes, note_ids", [
    (["a " + PA_RN_CHEN, "b " + PA_RN_CHEN], ["note1", "note2"]),
    ([{"note_id": "n9", "text": PA_RN_CHEN}], ["n9"]),
    ([Note(note_id="x1", text=PA_RN_CHEN)], ["x1"]),
])
def test_audit_encounter_note_ids(notes, note_ids):
    (result,) = notes_audit.audit_encounter(notes=notes, lines=[line("96372")])
    assert result.note_ids == note_ids


def test_evidence_points_into_the_given_text():
    (_, j) = notes_audit.audit_encounter(notes=[{"note_id": "n1", "text": PA_RN_CHEN}],
                                         lines=[line("96372"), line("J3420", units=3)])
    (finding,) = j.findings
    (ref,) = finding.evidence
    assert ref.note_id == "n1" and PA_RN_CHEN[ref.span[0]:ref.span[1]] == ref.text and "1000 mcg" in ref.text


@pytest.mark.parametrize("bad, column", [
    ({"code": None}, "code"),
    ({"code": "J34"}, "code"),
    ({"units": "1,000"}, "units"),
    ({"units": -1}, "units"),
    ({"line_number": 0}, "line_number"),
    ({"service_date": "03/02/2025"}, "service_date"),
    ({"patient_id": ""}, "patient_id"),
    ({"dx_codes": "D51.0;not a code"}, "dx_codes"),
    ({"modifiers": "250"}, "modifiers"),
    ({"rendering_npi": "12345"}, "rendering_npi"),
])
def test_bad_line_raises_input_error_naming_the_column(bad, column):
    with pytest.raises(InputError) as info:
        notes_audit.audit_encounter(notes=[PA_RN_CHEN], lines=[line("96372"), {**line("J3420"), **bad}])
    assert info.value.column == column
    assert f"column '{column}'" in str(info.value) and "claim line 2" in str(info.value)


@pytest.mark.parametrize("notes, lines, kwargs, column, needle", [
    ([PA_RN_CHEN], [line("96372"), line("J3420", n=1)], {}, "line_number", "duplicate line"),
    (["   "], [line("96372")], {}, "text", "blank"),
    ([{"note_id": "n1"}], [line("96372")], {}, "text", "blank"),
    ([{"note_id": "n1", "text": PA_RN_CHEN, "note_date": "2.3.2025"}], [line("96372")], {}, "note_date", "ISO"),
    ([{"note_id": "n1", "text": PA_RN_CHEN}], [line("96372")],
     {"history": [{"note_id": "n1", "text": LOW_B12}]}, "note_id", "twice"),
    ([PA_RN_CHEN], [line("96372")], {"roster": [{"npi": "12", "name": "A B"}]}, "npi", "roster entry 1"),
    ([PA_RN_CHEN], [line("96372")], {"lookback_days": -1}, None, "lookback"),
])
def test_bad_encounter_input_raises_input_error(notes, lines, kwargs, column, needle):
    with pytest.raises(InputError) as info:
        notes_audit.audit_encounter(notes=notes, lines=lines, **kwargs)
    assert info.value.column == column and needle in str(info.value)


@pytest.mark.parametrize("notes, lines", [
    ([PA_RN_CHEN], line("96372")),
    ([PA_RN_CHEN], ["96372"]),
    ([42], [line("96372")]),
])
def test_wrong_types_raise_type_error(notes, lines):
    with pytest.raises(TypeError):
        notes_audit.audit_encounter(notes=notes, lines=lines)


def test_pipeline_is_built_once_per_process():
    notes_audit.audit_encounter(notes=[PA_RN_CHEN], lines=[line("96372")])
    extractor = shared_extractor()
    nlp = extractor.nlp
    notes_audit.audit_encounter(notes=[DEF_BY_MD], lines=[line("96372")])
    notes_audit.extract_notes([LOW_B12])
    assert shared_extractor() is extractor and extractor.nlp is nlp


# --- audit_files ---------------------------------------------------------------------------------

NOTES_CSV = ("note_id,patient_id,encounter_id,note_date,text\n"
             f'n1,p1,e1,2025-03-02,"{PA_RN_CHEN}"\n'
             f'n2,p2,e2,2025-03-03,"{RN_ALONE}"\n')
CLAIMS_CSV = ("claim_id,line_number,code,units,modifiers,dx_codes,patient_id,service_date,encounter_id,rendering_npi\n"
              f"c1,1,96372,1,,D51.0,p1,2025-03-02,e1,{OKAFOR}\n"
              f"c1,2,J3420,2,,D51.0,p1,2025-03-02,e1,{OKAFOR}\n"
              "c2,1,96372,1,,D51.0,p2,2025-03-03,e2,\n"
              "c2,2,J3420,1,,D51.0,p2,2025-03-03,e2,\n"
              "c2,3,85025,1,,D51.0,p2,2025-03-03,e2,\n"
              "c3,1,96372,one,,D51.0,p3,2025-03-03,e3,\n")
ROSTER_CSV = f"npi,name,credential\n{CHEN},Amanda Chen,MD\n{OKAFOR},Marcus Okafor,MD\n"


@pytest.fixture
def files(tmp_path):
    for name, text in (("notes.csv", NOTES_CSV), ("claims.csv", CLAIMS_CSV), ("roster.csv", ROSTER_CSV)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("with_roster, include_text, expected", [
    (False, True, [("c1", 1, "supported", ""), ("c1", 2, "not_supported", "UNITS_MISMATCH"),
                   ("c2", 1, "not_supported", "SUPERVISION_NOT_DOCUMENTED"),
                   ("c2", 2, "not_supported", "SUPERVISION_NOT_DOCUMENTED"), ("c2", 3, "not_applicable", "")]),
    (True, False, [("c1", 1, "not_supported", "SUPERVISOR_NOT_BILLING"),
                   ("c1", 2, "not_supported", "UNITS_MISMATCH"), ("c1", 2, "not_supported", "SUPERVISOR_NOT_BILLING"),
                   ("c2", 1, "not_supported", "SUPERVISION_NOT_DOCUMENTED"),
                   ("c2", 2, "not_supported", "SUPERVISION_NOT_DOCUMENTED"), ("c2", 3, "not_applicable", "")]),
])
def test_audit_files_frame(files, with_roster, include_text, expected):
    roster = files / "roster.csv" if with_roster else None
    df = notes_audit.audit_files(files / "notes.csv", str(files / "claims.csv"), roster, include_text=include_text)
    assert list(df.columns) == list(COLUMNS if include_text else COLUMNS[:-1])
    assert list(df[["claim_id", "line_number", "verdict", "reason"]].itertuples(index=False, name=None)) == expected
    summary = df.attrs["summary"]
    assert summary["lines"]["read"] == 6 and summary["lines"]["rejected"] == 1
    assert summary["lines"]["rejected_records"][0]["column"] == "units"
    assert sum(summary["by_verdict"].values()) == 5


def test_audit_files_frame_equals_findings_csv(files, tmp_path):
    from notes_audit.scan import run_scan

    df = notes_audit.audit_files(files / "notes.csv", files / "claims.csv", files / "roster.csv")
    out = tmp_path / "findings.csv"
    write_findings_csv(run_scan(files / "notes.csv", files / "claims.csv", files / "roster.csv").results, out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == len(df)
    for row, (_, rec) in zip(rows, df.iterrows()):
        assert {k: str(v) for k, v in row.items() if k not in ("units", "line_number")} == \
               {k: str(rec[k]) for k in row if k not in ("units", "line_number")}
        assert float(row["units"]) == rec["units"] and int(row["line_number"]) == rec["line_number"]


@pytest.mark.parametrize("kwargs", [
    {"policy": "medicare", "workers": 2},
    {"policy": "POLICY_OBJECT"},
    {"lookback_days": 0},
])
def test_audit_files_options_keep_the_table(files, kwargs):
    from notes_audit.rules.policy import load_policy

    if kwargs.get("policy") == "POLICY_OBJECT":
        kwargs = {**kwargs, "policy": load_policy("medicare")}
    base = notes_audit.audit_files(files / "notes.csv", files / "claims.csv", files / "roster.csv")
    other = notes_audit.audit_files(files / "notes.csv", files / "claims.csv", files / "roster.csv", **kwargs)
    assert other.equals(base)
    assert other.attrs["summary"]["policy"]["name"] == "medicare"


def test_audit_files_bad_policy_raises(files):
    with pytest.raises(InputError, match="unknown policy"):
        notes_audit.audit_files(files / "notes.csv", files / "claims.csv", policy="no_such_policy")


@pytest.mark.parametrize("missing", ["notes.csv", "claims.csv"])
def test_audit_files_missing_file_raises(files, missing):
    (files / missing).unlink()
    with pytest.raises(InputError, match=missing):
        notes_audit.audit_files(files / "notes.csv", files / "claims.csv")


# --- extract_notes -------------------------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    ([LOW_B12, PA_RN_CHEN], [("note1", ["b12"], [], []), ("note2", [], ["pernicious_anemia"], ["given"])]),
    ([{"note_id": "r1", "text": DECLINED}], [("r1", [], ["pernicious_anemia"], ["declined"])]),
    (LOW_B12, [("note1", ["b12"], [], [])]),
    ("FILE", [("n1", [], ["pernicious_anemia"], ["given"]), ("n2", [], ["pernicious_anemia"], ["given"])]),
])
@pytest.mark.parametrize("as_frame", [True, False])
def test_extract_notes(files, source, expected, as_frame):
    source = files / "notes.csv" if source == "FILE" else source
    got = notes_audit.extract_notes(source, as_frame=as_frame)
    records = got.to_dict("records") if as_frame else got
    if as_frame:
        assert list(got.columns[:10]) == ["note_id", "patient_id", "encounter_id", "note_date", "labs",
                                          "diagnoses", "administrations", "supervision", "em", "loading_phase"]
    assert [(r["note_id"], [x["test"] for x in r["labs"]], [x["concept"] for x in r["diagnoses"]],
             [x["status"] for x in r["administrations"]]) for r in records] == expected


@pytest.mark.parametrize("include_text", [True, False])
def test_extract_notes_text_optional(include_text):
    (record,) = notes_audit.extract_notes([LOW_B12], as_frame=False, include_text=include_text)
    (lab,) = record["labs"]
    assert ("text" in lab) is include_text
    if include_text:
        assert LOW_B12[lab["span"][0]:lab["span"][1]] == lab["text"]


@pytest.mark.parametrize("path", ["nope.csv", "nope/notes.jsonl"])
def test_extract_notes_missing_path_raises(tmp_path, monkeypatch, path):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="not found"):
        notes_audit.extract_notes(path)


def test_package_exports_are_lazy_and_listed():
    import subprocess
    import sys

    code = ("import sys, notes_audit; assert 'pandas' not in sys.modules and 'spacy' not in sys.modules; "
            "assert {'audit_encounter', 'audit_files', 'extract_notes'} <= set(dir(notes_audit)); "
            "notes_audit.audit_files; assert 'notes_audit.api' in sys.modules")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with pytest.raises(AttributeError):
        notes_audit.no_such_name  # noqa: B018


def test_docstring_examples_run(monkeypatch):
    import doctest

    import notes_audit.api

    monkeypatch.chdir(Path(notes_audit.__file__).resolve().parents[1])  # the examples use corpora/demo
    failed, attempted = doctest.testmod(notes_audit.api, optionflags=doctest.ELLIPSIS)
    assert attempted >= 5 and failed == 0
