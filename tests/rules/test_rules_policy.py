"""Policies are data: loading by name or path, strict validation, `extends`, medicare vs commercial."""

from __future__ import annotations

import copy
import datetime as dt
from importlib import resources
from pathlib import Path

import pytest
import yaml

from notes_audit.errors import InputError
from notes_audit.rules.policy import available_policies, load_policy
from notes_audit.rules.reasons import SPEC_REASONS

MEDICARE_RAW = yaml.safe_load((resources.files("notes_audit.rules.policies") / "medicare.yaml").read_text())


def write(tmp_path: Path, raw, name="custom.yaml") -> Path:
    path = tmp_path / name
    path.write_text(raw if isinstance(raw, str) else yaml.safe_dump(raw, sort_keys=False))
    return path


def test_shipped_policies_load_by_name_and_path():
    assert available_policies() == ["commercial", "medicare"]
    medicare = load_policy("medicare")
    assert load_policy() is medicare and load_policy(medicare) is medicare
    assert (medicare.name, medicare.version, medicare.effective_from) == ("medicare", "2025.1", dt.date(2025, 1, 1))
    path = resources.files("notes_audit.rules.policies") / "medicare.yaml"
    assert load_policy(str(path)).reasons == medicare.reasons


def test_medicare_scope_is_spec_scope():
    p = load_policy("medicare")
    assert sorted(p.drug_codes) == ["J3420", "J3425"] and p.admin_codes == {"96372"}
    assert p.em_codes == {"99202", "99203", "99204", "99205", "99212", "99213", "99214", "99215"}
    assert p.em_bundled_codes == {"99211"} and p.addon_codes == {"G2211"}
    assert p.drug_codes["J3420"].mcg_per_unit == 1000 and p.drug_codes["J3420"].verified
    assert p.drug_codes["J3425"].mcg_per_unit is None and not p.drug_codes["J3425"].verified
    assert p.frequency_window_days == 28 and p.supervision.virtual_from == dt.date(2020, 3, 1)
    assert list(p.reasons) == list(SPEC_REASONS)
    assert all(r.enabled and r.source and r.meaning and r.why and r.example_fail and r.example_pass
               for r in p.reasons.values())
    assert {c: r.severity for c, r in p.reasons.items() if r.severity == "warning"} == {
        c: "warning" for c in ("DX_SPECIFICITY", "FREQUENCY_EXCEEDED", "DOSE_NOT_DOCUMENTED",
                               "DRUG_LINE_MISSING", "ADMIN_LINE_MISSING", "CODE_UNVERIFIED")}
    assert p.reasons["UNITS_MISMATCH"].rule == "drug.units"
    assert p.reasons["UNITS_MISMATCH"].source.startswith("HCPCS J3420 descriptor")


@pytest.mark.parametrize("code, covered", [
    *[(c, True) for c in ("D51.0", "D51.1", "D51.2", "D51.3", "D51.8", "D51.9", "E53.8", "D53.1", "B70.0",
                          "K29.40", "K29.41", "K50.00", "K50.90", "K50.819", "K90.0", "K90.1", "K90.89",
                          "K90.9", "K91.2", "Z90.3", "Z90.49", "Z98.84", "G32.0", "G63")],
    *[(c, False) for c in ("R53.83", "Z79.84", "E11.9", "Z00.00", "D53.9", "K29.70", "K91.1", "Z98.0",
                           "G62.1", "E53.9", "D52.9", "G32.89")],
])
def test_medicare_covered_list(code, covered):
    assert load_policy("medicare").is_covered(code) is covered


@pytest.mark.parametrize("code, concepts", [
    ("D51.0", {"pernicious_anemia"}),
    ("D51.9", {"b12_deficiency_anemia", "pernicious_anemia"}),
    ("D51.1", {"b12_deficiency_anemia", "pernicious_anemia"}),
    ("E53.8", {"b12_deficiency", "b12_deficiency_anemia", "pernicious_anemia"}),
    ("D53.1", {"megaloblastic_anemia"}), ("B70.0", {"fish_tapeworm"}),
    ("K29.40", {"atrophic_gastritis"}), ("K29.41", {"atrophic_gastritis"}), ("K50.90", {"crohns_disease"}),
    ("K90.0", {"celiac_disease"}), ("K90.9", {"malabsorption", "celiac_disease"}),
    ("K91.2", {"malabsorption", "celiac_disease"}), ("Z90.3", {"gastrectomy_status"}),
    ("Z90.49", {"intestinal_resection_status"}), ("Z98.84", {"bariatric_surgery_status"}),
    ("G32.0", {"subacute_combined_degeneration"}), ("G63", {"neuropathy"}), ("R53.83", set()),
])
def test_medicare_code_to_concept(code, concepts):
    assert load_policy("medicare").concepts_for(code) == concepts


def test_commercial_differs_where_payers_differ():
    medicare, commercial = load_policy("medicare"), load_policy("commercial")
    assert commercial.name == "commercial"
    assert commercial.supervision.virtual_from is None
    assert commercial.frequency_window_days == 30
    assert set(medicare.covered_diagnoses) < set(commercial.covered_diagnoses)
    for code in ("D53.9", "K91.1", "Z98.0", "G62.1"):
        assert commercial.is_covered(code) and not medicare.is_covered(code) and commercial.concepts_for(code)
    changed = {c for c in SPEC_REASONS if commercial.reasons[c].severity != medicare.reasons[c].severity}
    assert changed == {"EM_BUNDLED_99211", "G2211_NOT_PAYABLE", "DOSE_NOT_DOCUMENTED"}
    assert commercial.reasons["DX_NOT_ON_CLAIM"].source == "Aetna CPB 0536"
    # what the policy does not change is inherited
    assert commercial.reasons["UNITS_MISMATCH"] == medicare.reasons["UNITS_MISMATCH"]
    assert commercial.drug_codes == medicare.drug_codes


def _set(raw, dotted, value):
    node = raw
    *parents, last = dotted.split(".")
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value


_DELETE = object()


@pytest.mark.parametrize("dotted, value, key_in_message", [
    ("colour", "blue", "key 'colour': unknown key"),
    ("reasons.NOTE_MISSING.severity", "fatal", "key 'reasons.NOTE_MISSING.severity': 'fatal' is not one of error, warning"),
    ("reasons.NOTE_MISSING.colour", "x", "key 'reasons.NOTE_MISSING.colour': unknown key"),
    ("reasons.NOTE_MISSING.enabled", "yes", "key 'reasons.NOTE_MISSING.enabled': expected true or false"),
    ("reasons.NOTE_MISSING.rule", "Note Missing", "key 'reasons.NOTE_MISSING.rule'"),
    ("reasons.NOTE_MISSING.source", _DELETE, "key 'reasons.NOTE_MISSING.source': required key is missing"),
    ("reasons.NOT_A_REASON", {"severity": "error", "rule": "x.y", "source": "s", "meaning": "m"},
     "key 'reasons.NOT_A_REASON': unknown reason code"),
    ("reasons.DX_UNCERTAIN", _DELETE, "key 'reasons.DX_UNCERTAIN': SPEC reason is missing"),
    ("supervision.virtual_supervision_from", "2020-13-01", "key 'supervision.virtual_supervision_from': '2020-13-01' is not a date"),
    ("effective.from", "soon", "key 'effective.from': 'soon' is not a date"),
    ("effective.to", "2024-01-01", "key 'effective.to': ends before effective.from"),
    ("deficiency_evidence.causal_concepts", ["pernicious_anemia", "vampirism"],
     "key 'deficiency_evidence.causal_concepts[1]': 'vampirism' is not one of"),
    ("deficiency_evidence.labs", [{"test": "vitamin_q", "interpretation": "deficient"}],
     "key 'deficiency_evidence.labs[0].test'"),
    ("deficiency_evidence.statuses", ["affirmed", "maybe"], "key 'deficiency_evidence.statuses[1]'"),
    ("diagnoses.covered", ["D51.*", "X99.9"], "key 'diagnoses.covered[1]': 'X99.9' has no entry in diagnoses.concepts"),
    ("diagnoses.concepts.D51.0", ["not_a_concept"], "key 'diagnoses.concepts.D51.0[0]'"),
    ("frequency.window_days", 0, "key 'frequency.window_days': expected a whole number of days >= 1"),
    ("scope.drug_codes.J3420.mcg_per_unit", -5, "key 'scope.drug_codes.J3420.mcg_per_unit'"),
    ("scope.drug_codes.J3420.substances", ["vitamin_c"], "key 'scope.drug_codes.J3420.substances[0]'"),
    ("scope.em_codes", ["99213", "96372"], "code 96372 is also listed in scope.admin_codes"),
    ("administration.non_injectable_routes", ["IM", "rectal"], "key 'administration.non_injectable_routes[1]'"),
    ("scope", _DELETE, "key 'scope': required key is missing"),
])
def test_bad_policy_files_fail_with_file_and_key(tmp_path, dotted, value, key_in_message):
    raw = copy.deepcopy(MEDICARE_RAW)
    if dotted.startswith("diagnoses.concepts."):
        raw["diagnoses"]["concepts"]["D51.0"] = value
    else:
        _set(raw, dotted, value)
    path = write(tmp_path, raw)
    with pytest.raises(InputError) as err:
        load_policy(str(path))
    assert str(path) in str(err.value)
    assert key_in_message in str(err.value)


@pytest.mark.parametrize("text, expected", [
    ("name: [unclosed\n", "not valid YAML"),
    ("- just\n- a list\n", "a policy must be a YAML mapping"),
])
def test_unreadable_policy_files(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=expected):
        load_policy(path)


def test_missing_file_and_unknown_name():
    with pytest.raises(InputError, match="cannot read policy"):
        load_policy("/nonexistent/policy.yaml")
    with pytest.raises(InputError, match="unknown policy 'medicaid'.*commercial, medicare"):
        load_policy("medicaid")


def test_a_custom_policy_extends_a_shipped_one(tmp_path):
    path = write(tmp_path, "extends: medicare\nname: clinic\nversion: 1\n"
                           "reasons:\n  DX_SPECIFICITY: {enabled: false}\n  FREQUENCY_EXCEEDED: {severity: error}\n"
                           "frequency: {window_days: 21}\n")
    p = load_policy(path)
    assert (p.name, p.version, p.frequency_window_days) == ("clinic", "1", 21)
    assert not p.reasons["DX_SPECIFICITY"].enabled and p.reasons["FREQUENCY_EXCEEDED"].severity == "error"
    assert p.reasons["FREQUENCY_EXCEEDED"].source == load_policy("medicare").reasons["FREQUENCY_EXCEEDED"].source
    assert p.origin == str(path)


def test_extends_a_relative_path_and_rejects_cycles(tmp_path):
    write(tmp_path, "extends: medicare\nname: base\n", "base.yaml")
    child = write(tmp_path, "extends: base.yaml\nname: child\nfrequency: {window_days: 14}\n", "child.yaml")
    assert load_policy(child).frequency_window_days == 14
    write(tmp_path, "extends: b.yaml\nname: a\n", "a.yaml")
    write(tmp_path, "extends: a.yaml\nname: b\n", "b.yaml")
    with pytest.raises(InputError, match="circular"):
        load_policy(tmp_path / "a.yaml")


def test_extends_needs_its_own_name(tmp_path):
    with pytest.raises(InputError, match="key 'name': a policy that extends another must have its own name"):
        load_policy(write(tmp_path, "extends: medicare\n"))


def test_an_extended_file_is_validated_too(tmp_path):
    with pytest.raises(InputError, match="key 'reasons.UNITS_MISMATCH.severity'"):
        load_policy(write(tmp_path, "extends: medicare\nname: x\nreasons: {UNITS_MISMATCH: {severity: high}}\n"))


@pytest.mark.parametrize("name", ["medicare", "commercial"])
def test_policies_pickle(name):
    import pickle

    policy = load_policy(name)
    policy.is_covered("D51.0")  # memo filled
    clone = pickle.loads(pickle.dumps(policy))
    assert clone == policy and clone.reasons == policy.reasons and clone.is_covered("K90.9")
