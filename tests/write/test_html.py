"""The HTML evidence report: escaping, span highlighting, no-text mode, determinism, file safety."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from notes_audit.findings.model import EvidenceRef, Finding, LineResult
from notes_audit.read.records import ClaimLine
from notes_audit.write.html import HighlightSpan, build_report, highlight, render_html, write_html

VOID_TAGS = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "source"}
SUMMARY = {"tool": "notes-audit", "tool_version": "9.9.9",
           "policy": {"name": "medicare", "version": "2025.1"},
           "lines": {"read": 3, "out": 3, "rejected": 0},
           "by_verdict": {"supported": 1, "needs_review": 0, "not_supported": 1, "not_applicable": 1},
           "by_reason": {"UNITS_MISMATCH": 1}}


# --- builders -------------------------------------------------------------------------------

def claim_line(claim: str = "c1", number: int = 1, code: str = "J3420", patient: str = "p1",
               date: str = "2025-03-02", units: float = 1, modifiers: tuple[str, ...] = ()) -> ClaimLine:
    return ClaimLine(claim, number, code, units, patient, dt.date.fromisoformat(date), modifiers=modifiers)


def cite(note_id: str, text: str, start: int, end: int) -> EvidenceRef:
    return EvidenceRef(note_id, (start, end), text[start:end])


def finding(reason: str, *evidence: EvidenceRef, severity: str = "error", message: str = "msg") -> Finding:
    return Finding(reason, severity, message, "rule.x", "source.y", list(evidence))


def result(line: ClaimLine, note_ids: list[str], verdict: str, *findings: Finding) -> LineResult:
    return LineResult(line, note_ids, verdict, list(findings))


def span(number: int, start: int, end: int, *reasons: str, text_length: int = 10**6,
         severity: str = "error") -> HighlightSpan:
    return HighlightSpan(number, start, end, [(r, severity) for r in reasons], f"s{number}",
                         0 <= start < end <= text_length)


class Page(HTMLParser):
    """Parses markup and checks it is well formed; records text, marked offsets and ids."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.marked: set[int] = set()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.mark_titles: list[tuple[str, str]] = []  # (title, marked text)
        self.tags: list[str] = []
        self.feed(markup)
        self.close()
        assert not self.stack, f"unclosed tags: {self.stack}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append(tag)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        if tag == "a" and attributes.get("href", "").startswith("#"):
            self.hrefs.append(attributes["href"][1:])
        if tag == "mark":
            assert "mark" not in self.stack, "nested <mark>"
            self.mark_titles.append((attributes.get("title") or "", ""))
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        position = len("".join(self.text))
        self.text.append(data)
        if "mark" in self.stack:
            self.marked.update(range(position, position + len(data)))
            title, marked = self.mark_titles[-1]
            self.mark_titles[-1] = (title, marked + data)

    @property
    def plain(self) -> str:
        return "".join(self.text)


# --- highlight: one note's text with its spans ----------------------------------------------------

HIGHLIGHT_CASES = {
    "no spans, hostile text": ("<script>alert('x')</script> & \"q\"", []),
    "span around markup": ("a <b>&amp; c", [span(1, 2, 9, "R1")]),
    "overlapping": ("abcdefgh", [span(1, 0, 5, "R1"), span(2, 3, 8, "R2")]),
    "nested": ("abcdefgh", [span(1, 0, 8, "R1"), span(2, 2, 4, "R2")]),
    "identical offsets": ("abcdefgh", [span(1, 2, 4, "R1"), span(2, 2, 4, "R2")]),
    "same start": ("abcdefgh", [span(1, 2, 4, "R1"), span(2, 2, 7, "R2")]),
    "adjacent": ("abcdefgh", [span(1, 0, 4, "R1"), span(2, 4, 8, "R2")]),
    "at start": ("B12 low", [span(1, 0, 3, "R1")]),
    "at end": ("B12 low", [span(1, 4, 7, "R1")]),
    "whole text": ("B12 low", [span(1, 0, 7, "R1")]),
    "non-ASCII": ("Cyanocobalamin 1000 µg “IM” ✓", [span(1, 15, 22, "R1"), span(2, 23, 27, "R2")]),
    "newlines inside span": ("line one\nline two\r\nthree", [span(1, 5, 22, "R1")]),
    "out of range ignored": ("short", [span(1, 3, 99, "R1", text_length=5), span(2, 1, 2, "R2")]),
    "empty span ignored": ("short", [span(1, 2, 2, "R1", text_length=5)]),
    "empty text": ("", []),
    "quotes in reason": ("abc", [span(1, 0, 1, 'R"<&>\'')]),
}


@pytest.mark.parametrize(("text", "spans"), HIGHLIGHT_CASES.values(), ids=HIGHLIGHT_CASES.keys())
def test_highlight_is_well_formed_and_marks_exactly_the_spans(text: str, spans: list[HighlightSpan]) -> None:
    page = Page(str(highlight(text, spans)))
    assert page.plain == text  # every character once, in order, unescaped by the parser
    visible = [s for s in spans if s.in_text]
    assert page.marked == {i for s in visible for i in range(s.start, s.end)}
    assert sorted(page.ids) == sorted(s.anchor for s in visible)
    for title, marked in page.mark_titles:  # each piece names every reason of the spans covering it
        start = text.index(marked)
        expected = {r for s in visible if s.start <= start < s.end for r, _ in s.reasons}
        assert {r for r in expected if r in title} == expected


HIGHLIGHT_EXACT = {
    "escaping inside and around": (
        "<a> & <b>", [span(1, 4, 5, "R1")],
        '&lt;a&gt; <span class="anchor" id="s1"></span><mark class="ev sev-error" title="R1 (error)"'
        ' data-n="1">&amp;</mark> &lt;b&gt;'),
    "overlap is cut, never nested": (
        "abcdef", [span(1, 0, 4, "R1"), span(2, 2, 6, "R2", severity="warning")],
        '<span class="anchor" id="s1"></span><mark class="ev sev-error" title="R1 (error)" data-n="1">ab</mark>'
        '<span class="anchor" id="s2"></span><mark class="ev sev-error overlap" title="R1 (error); R2 (warning)"'
        ' data-n="2">cd</mark><mark class="ev sev-warning" title="R2 (warning)">ef</mark>'),
    "adjacent spans stay separate": (
        "abcd", [span(1, 0, 2, "R1"), span(2, 2, 4, "R2")],
        '<span class="anchor" id="s1"></span><mark class="ev sev-error" title="R1 (error)" data-n="1">ab</mark>'
        '<span class="anchor" id="s2"></span><mark class="ev sev-error" title="R2 (error)" data-n="2">cd</mark>'),
    "attribute quoting": (
        "x", [span(1, 0, 1, 'A"B')],
        '<span class="anchor" id="s1"></span><mark class="ev sev-error" title="A&#34;B (error)" data-n="1">x</mark>'),
}


@pytest.mark.parametrize(("text", "spans", "expected"), HIGHLIGHT_EXACT.values(), ids=HIGHLIGHT_EXACT.keys())
def test_highlight_markup(text: str, spans: list[HighlightSpan], expected: str) -> None:
    assert str(highlight(text, spans)) == expected


# --- the whole page ----------------------------------------------------------------------------

NOTE = ("CC: B12 shot. <script>alert('n')</script> & \"quoted\" 'single'\n"
        "Cyanocobalamin 1000 µg IM given by J. Rivera, RN. “Tolerated well.”\n"
        "A/P: pernicious anemia.")
EARLIER = "2024 labs: intrinsic factor antibody positive."


def sample_results() -> list[LineResult]:
    admin = NOTE.index("Cyanocobalamin")
    dose = NOTE.index("1000 µg")
    pa = NOTE.index("pernicious anemia")
    return [
        result(claim_line("c1", 1, "96372"), ["n1"], "supported"),
        result(claim_line("c1", 2, "J3420", units=2), ["n1"], "not_supported",
               finding("UNITS_MISMATCH", cite("n1", NOTE, admin, admin + 49), cite("n1", NOTE, dose, dose + 7)),
               finding("DX_SPECIFICITY", cite("n1", NOTE, pa, pa + 17), severity="warning"),
               # Three reasons on the dose: any unordered collection in the writer shows in the title.
               finding("DOSE_NOT_DOCUMENTED", cite("n1", NOTE, dose, dose + 7), severity="warning"),
               finding("DRUG_CODE_MISMATCH", cite("n1", NOTE, dose, dose + 4)),
               finding("NO_DEFICIENCY_EVIDENCE", cite("n0", EARLIER, 10, 46))),
        result(claim_line("c2", 1, "85025", patient="p2"), [], "not_applicable"),
    ]


def page_for(results: list[LineResult], notes: dict[str, str] | None = None, include_text: bool = True,
             summary: dict | None = None) -> str:
    notes = {"n1": NOTE, "n0": EARLIER} if notes is None else notes
    return render_html(results, notes, SUMMARY if summary is None else summary, include_text)


def test_page_is_well_formed_and_every_link_lands() -> None:
    for include_text in (True, False):
        page = Page(page_for(sample_results(), include_text=include_text))
        assert len(page.ids) == len(set(page.ids)), "duplicate ids"
        assert set(page.hrefs) <= set(page.ids), set(page.hrefs) - set(page.ids)
        assert not {"script", "link", "img", "iframe"} & set(page.tags)  # self-contained, no script


HOSTILE = "<script>alert(\"x\")</script>&'"
INJECTION_POINTS = {
    "note text": lambda: ([result(claim_line(), ["n1"], "needs_review",
                                  finding("R", cite("n1", "ok " + HOSTILE, 0, 2)))], {"n1": "ok " + HOSTILE}, SUMMARY),
    "evidence quote": lambda: ([result(claim_line(), ["n1"], "needs_review",
                                      finding("R", EvidenceRef("n1", (0, 2), HOSTILE)))], {"n1": "ok"}, SUMMARY),
    "message": lambda: ([result(claim_line(), [], "not_supported", finding("R", message=HOSTILE))], {}, SUMMARY),
    "claim and patient ids": lambda: ([result(claim_line(claim=HOSTILE, patient=HOSTILE), [], "supported")], {},
                                      SUMMARY),
    "note id": lambda: ([result(claim_line(), [HOSTILE], "supported")], {HOSTILE: "text"}, SUMMARY),
    "summary values": lambda: ([], {}, {"policy": {"name": HOSTILE}, "weird": {HOSTILE: [HOSTILE]},
                                        "rejected": [{"reason": HOSTILE}]}),
}


@pytest.mark.parametrize("make", INJECTION_POINTS.values(), ids=INJECTION_POINTS.keys())
def test_untrusted_text_is_escaped_everywhere(make) -> None:
    results, notes, summary = make()
    html = render_html(results, notes, summary)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#39;" in html
    Page(html)


def test_page_shows_lines_findings_and_highlights() -> None:
    html = page_for(sample_results())
    page = Page(html)
    assert "Cyanocobalamin 1000 µg IM" in page.plain and "“Tolerated well.”" in page.plain
    titles = " ".join(t for t, _ in page.mark_titles)
    for reason in ("UNITS_MISMATCH", "DX_SPECIFICITY", "NO_DEFICIENCY_EVIDENCE"):
        assert reason in titles
    # Spans nested in the administration span: each piece names every reason covering it, once,
    # in text order of the spans.
    assert ("UNITS_MISMATCH (error); DRUG_CODE_MISMATCH (error); DOSE_NOT_DOCUMENTED (warning)", "1000") \
        in page.mark_titles
    assert ("UNITS_MISMATCH (error); DOSE_NOT_DOCUMENTED (warning)", " µg") in page.mark_titles
    assert "medicare 2025.1" in page.plain and "9.9.9" in page.plain
    assert "cited as evidence" in page.plain  # the earlier note, linked to no line, cited by a finding
    for verdict_label in ("Supported", "Not supported", "Not applicable"):
        assert verdict_label in page.plain


def test_unreferenced_notes_are_not_shown() -> None:
    notes = {"n1": NOTE, "n0": EARLIER, "n9": "UNREFERENCED-CANARY-41"}
    html = page_for(sample_results(), notes)
    assert "UNREFERENCED-CANARY-41" not in html and "n9" not in html


def test_no_text_mode_shows_no_note_text() -> None:
    canary = "CANARY-7f3a"
    note = f"Patient says {canary}. Cyanocobalamin 1000 mcg IM given."
    start = note.index(canary)
    results = [result(claim_line(), ["n1"], "not_supported",
                      finding("UNITS_MISMATCH", cite("n1", note, start, start + len(canary) + 30)))]
    with_text = render_html(results, {"n1": note}, SUMMARY, include_text=True)
    without = render_html(results, {"n1": note}, SUMMARY, include_text=False)
    assert canary in with_text
    assert canary not in without and "Cyanocobalamin" not in without
    assert "UNITS_MISMATCH" in without and f"{start}–{start + len(canary) + 30}" in without
    assert "<mark" not in without


@pytest.mark.parametrize("summary", [{}, {"policy": "medicare"}, {"policy": None, "lines": {}},
                                     {"nested": {"deeper": {"list": [1, 2], "records": [{"a": 1}, {"b": {"c": 2}}]}}}],
                         ids=["empty", "policy as text", "empty groups", "deep nesting"])
def test_empty_results_and_any_summary_shape_render(summary: dict) -> None:
    html = render_html([], {"n1": "never shown"}, summary)
    page = Page(html)
    assert "No claim lines were audited." in page.plain
    assert "never shown" not in html


def test_missing_note_text_and_offsets_outside_it_are_reported() -> None:
    results = [result(claim_line(), ["n1", "n2"], "not_supported",
                      finding("R", EvidenceRef("n1", (2, 500), "x")), finding("S", EvidenceRef("n2", (0, 3), "y")))]
    page = Page(render_html(results, {"n1": "short text"}, SUMMARY))
    assert "outside the note text of 10 characters" in page.plain
    assert "Note text not supplied." in page.plain
    assert page.marked == set()


def test_encounters_group_lines_by_patient_and_date() -> None:
    results = [result(claim_line("c1", 1, patient="p2", date="2025-03-02"), [], "supported"),
               result(claim_line("c2", 1, patient="p1", date="2025-03-05"), [], "supported"),
               result(claim_line("c3", 1, patient="p2", date="2025-03-02"), [], "supported")]
    report = build_report(results, {}, SUMMARY)
    assert [(e.patient_id, e.service_date, [ln.claim_id for ln in e.lines]) for e in report.encounters] == [
        ("p1", "2025-03-05", ["c2"]), ("p2", "2025-03-02", ["c1", "c3"])]
    assert [ln.claim_id for ln in report.lines] == ["c1", "c2", "c3"]  # the table keeps input order


# --- determinism and the file -------------------------------------------------------------------

WRITE_SCRIPT = """
import importlib.util, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("html_cases", {test_file!r})
cases = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cases)
from notes_audit.write.html import write_html
write_html(cases.sample_results(), {{"n1": cases.NOTE, "n0": cases.EARLIER}}, cases.SUMMARY, Path(sys.argv[1]))
"""


def test_same_input_gives_same_bytes_across_processes(tmp_path: Path) -> None:
    """Separate interpreters with different hash seeds: no set or dict-order leaks into the page."""
    script = WRITE_SCRIPT.format(test_file=str(Path(__file__)))
    outputs = []
    for seed in ("1", "2", "3"):
        out = tmp_path / f"r{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed,
               "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[2]), os.environ.get("PYTHONPATH", "")])}
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env, cwd=tmp_path)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    in_process = tmp_path / "r3.html"
    write_html(sample_results(), {"n1": NOTE, "n0": EARLIER}, SUMMARY, in_process)
    assert in_process.read_bytes() == outputs[0]
    assert outputs[0].decode("utf-8") == page_for(sample_results())


def test_file_is_private_utf8(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    write_html(sample_results(), {"n1": NOTE, "n0": EARLIER}, SUMMARY, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = out.read_bytes()
    assert "1000 µg".encode() in data and re.search(rb'<meta charset="utf-8">', data)


class Explodes:
    def __str__(self) -> str:
        raise RuntimeError("boom")


def test_failure_while_writing_keeps_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("previous report")
    broken = [result(claim_line(), [], "not_supported", finding("R", message=Explodes()))]  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="boom"):
        write_html(broken, {}, SUMMARY, out)
    assert out.read_text() == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
