import io
import json
import os
import stat

import pytest

from notes_audit.evidence.model import Administration, NoteEvidence, Person
from notes_audit.write.jsonl import json_line, write_evidence_jsonl, write_findings_jsonl, write_jsonl

from .conftest import NOTE_TEXT


def test_json_line_keeps_order_and_unicode():
    assert json_line({"z": "Ménière", "a": [1]}) == '{"z": "Ménière", "a": [1]}\n'


def test_json_line_refuses_nan():
    with pytest.raises(ValueError):
        json_line({"units": float("nan")})


@pytest.mark.parametrize("include_text, mode", [(True, 0o600), (False, 0o644)])
def test_findings_file(tmp_path, results, include_text, mode):
    old = os.umask(0o022)
    try:
        path = tmp_path / "f.jsonl"
        assert write_findings_jsonl(results, path, include_text) == 3
    finally:
        os.umask(old)
    lines = path.read_text("utf-8").splitlines()
    assert [json.loads(l) for l in lines] == [r.to_dict(include_text) for r in results]
    assert list(json.loads(lines[0])) == ["claim_id", "line_number", "code", "modifiers", "units", "patient_id",
                                          "service_date", "note_ids", "verdict", "findings"]
    assert (NOTE_TEXT[27:75] in path.read_text("utf-8")) is include_text
    assert stat.S_IMODE(path.stat().st_mode) == mode


@pytest.mark.parametrize("out", [None, "-"])
def test_stdout(capsys, results, out):
    write_findings_jsonl(results[:1], out, include_text=False)
    assert json.loads(capsys.readouterr().out) == results[0].to_dict(False)


def test_text_stream_and_generator_input():
    stream = io.StringIO()
    assert write_jsonl(({"n": i} for i in range(3)), stream) == 3
    assert stream.getvalue() == '{"n": 0}\n{"n": 1}\n{"n": 2}\n'


def test_evidence(tmp_path):
    ev = NoteEvidence("n1", "p1", administrations=[Administration(
        "cyanocobalamin", 1000, "mcg", "IM", None, "given", Person("J. Rivera", "RN"), False, (0, 5), "B12 s")])
    path = tmp_path / "e.jsonl"
    write_evidence_jsonl([ev], path, include_text=False)
    record = json.loads(path.read_text())
    assert record == ev.to_dict(include_text=False) and "text" not in record["administrations"][0]
    write_evidence_jsonl([ev], path, include_text=True)
    assert json.loads(path.read_text())["administrations"][0]["text"] == "B12 s"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_failure_in_the_record_stream_leaves_nothing(tmp_path):
    def records():
        yield {"n": 1}
        raise RuntimeError("bug midway")

    with pytest.raises(RuntimeError):
        write_jsonl(records(), tmp_path / "f.jsonl")
    assert os.listdir(tmp_path) == []
