"""`notes-audit rules list` and `rules explain`."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from notes_audit.cli.rules_cmd import compress_codes, rules_app
from notes_audit.rules.reasons import SPEC_REASONS

runner = CliRunner()


def invoke(*args):
    return runner.invoke(rules_app, list(args))


def test_list_shows_every_reason_with_severity_lines_and_source():
    result = invoke("list")
    assert result.exit_code == 0, result.output
    for code in SPEC_REASONS:
        assert code in result.output
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
            for line in result.output.splitlines() if line.startswith("│") and line.split("│")[1].strip()}
    assert rows["CODE_UNVERIFIED"][:2] == ["warning", "J3425"]
    assert rows["UNITS_MISMATCH"][:2] == ["error", "J3420"]
    assert rows["MOD25_MISSING"][:2] == ["error", "99202-99205, 99212-99215"]
    assert rows["MODIFIER_MISUSED"][:2] == ["error", "any in scope"]
    assert rows["EM_BUNDLED_99211"][3].startswith("CMS Claims Processing Manual ch.12")


def test_list_with_another_policy():
    result = invoke("list", "--policy", "commercial")
    assert result.exit_code == 0 and "policy commercial" in result.output
    row = next(line for line in result.output.splitlines() if "EM_BUNDLED_99211" in line)
    assert "warning" in row


def test_list_hides_disabled_reasons_unless_asked(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("extends: medicare\nname: p\nreasons: {DX_SPECIFICITY: {enabled: false}}\n")
    assert "DX_SPECIFICITY" not in invoke("list", "--policy", str(path)).output
    shown = invoke("list", "--policy", str(path), "--all").output
    assert "DX_SPECIFICITY" in shown and "disabled" in shown


def test_explain_gives_meaning_why_source_and_examples():
    result = invoke("explain", "units_mismatch")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    for text in ("UNITS_MISMATCH", "drug.units", "HCPCS J3420 descriptor", "one unit per started 1000 mcg",
                 "fails J3420 x 2 units", "passes J3420 x 1 unit"):
        assert text in flat


def test_explain_unknown_reason_exits_2_with_the_valid_ones():
    result = invoke("explain", "NOT_A_REASON")
    assert result.exit_code == 2
    assert "unknown reason 'NOT_A_REASON'" in result.output
    assert all(code in result.output for code in SPEC_REASONS)


@pytest.mark.parametrize("args", [("list", "--policy", "nope"), ("explain", "NOTE_MISSING", "--policy", "/no/such.yaml")])
def test_bad_policy_exits_2(args):
    result = invoke(*args)
    assert result.exit_code == 2 and "policy" in result.output


@pytest.mark.parametrize("codes, expected", [
    (("99202", "99203", "99204", "99205", "99212", "99213", "99214", "99215"), "99202-99205, 99212-99215"),
    (("J3420", "J3425"), "J3420, J3425"), (("96372",), "96372"), ((), ""), (("99211", "99212"), "99211-99212"),
])
def test_compress_codes(codes, expected):
    assert compress_codes(codes) == expected
