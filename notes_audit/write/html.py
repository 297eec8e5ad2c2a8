"""The HTML evidence report (SPEC §4 `.html`): one self-contained page an auditor reads line by line.

A table of every claim line with its verdict, then each encounter (patient + service date) with
its lines, their findings, and the text of the notes they rest on, every evidence span
highlighted. Inline CSS only: the file is mailed, archived and printed on its own. No clock, no
set iteration: the same input gives the same bytes.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from notes_audit import __version__
from notes_audit.findings.model import LineResult
from notes_audit.write.atomic import atomic_writer

TEMPLATE = "report.html.jinja"
SEVERITY_RANK = {"warning": 1, "error": 2}
# Worst first: the order of the verdict filter and its counts.
VERDICT_LABELS = {"not_supported": "Not supported", "needs_review": "Needs review",
                  "supported": "Supported", "not_applicable": "Not applicable"}
HEADER_KEYS = ("tool", "tool_version", "policy")  # summary keys the page header shows
# Summary keys not shown: they change from run to run on the same input (summary.json has them).
UNSTABLE_SUMMARY_KEYS = ("generated_at",)
QUOTE_LIMIT = 160  # characters of evidence quoted beside a finding; the full span is in the note


@dataclass(slots=True)
class HighlightSpan:
    """One distinct evidence span of a note, with every reason that cites it."""

    number: int  # 1-based, in text order within the note
    start: int
    end: int
    reasons: list[tuple[str, str]]  # (reason, severity), in citing order, no repeats
    anchor: str
    in_text: bool  # False when the offsets do not fit the text: listed, not highlighted


@dataclass(slots=True)
class NoteView:
    note_id: str
    anchor: str
    linked: bool  # linked to a line of the encounter; False: only cited as evidence (e.g. an earlier lab)
    length: int | None  # None: the text was not supplied
    text_html: Markup | None  # None in no-text mode or without text
    spans: list[HighlightSpan]


@dataclass(slots=True)
class EvidenceView:
    note_id: str
    start: int
    end: int
    anchor: str
    quote: str | None


@dataclass(slots=True)
class FindingView:
    reason: str
    severity: str
    message: str
    rule: str
    source: str
    evidence: list[EvidenceView]


@dataclass(slots=True)
class LineView:
    anchor: str
    encounter_anchor: str
    claim_id: str
    line_number: int
    code: str
    modifiers: str
    units: str
    patient_id: str
    service_date: str
    verdict: str
    verdict_class: str
    note_ids: list[str]
    findings: list[FindingView]


@dataclass(slots=True)
class EncounterView:
    anchor: str
    patient_id: str
    service_date: str
    lines: list[LineView] = field(default_factory=list)
    notes: list[NoteView] = field(default_factory=list)


@dataclass(slots=True)
class ReportView:
    policy: str
    tool_version: str
    include_text: bool
    verdict_counts: list[tuple[str, str, int]]  # (verdict class, label, lines)
    total_lines: int
    summary_cards: list[tuple[str, Any]]  # (title, value): one card per group of the run summary
    lines: list[LineView]
    encounters: list[EncounterView]


def write_html(results: list[LineResult], note_texts: Mapping[str, str], summary: dict,
               path: Path, include_text: bool = True) -> None:
    """Write the evidence report to `path` (atomic, mode 0600: it holds note text)."""
    report = build_report(results, note_texts, summary, include_text)
    with atomic_writer(Path(path), mode="wb", private=True) as out:
        for chunk in _template().generate(report=report, labels=VERDICT_LABELS):
            out.write(chunk.encode("utf-8"))


def render_html(results: Sequence[LineResult], note_texts: Mapping[str, str], summary: Mapping[str, Any],
                include_text: bool = True) -> str:
    """The report as a string (for notebooks); `write_html` streams the same page to a file."""
    report = build_report(results, note_texts, summary, include_text)
    return _template().render(report=report, labels=VERDICT_LABELS)


def build_report(results: Sequence[LineResult], note_texts: Mapping[str, str],
                 summary: Mapping[str, Any], include_text: bool = True) -> ReportView:
    encounters = _group_by_encounter(results)
    line_views: dict[int, LineView] = {}
    encounter_views = []
    for number, ((patient_id, service_date), members) in enumerate(encounters, 1):
        view = EncounterView(f"enc-{number}", patient_id, service_date)
        notes = _encounter_notes(view.anchor, [r for _, r in members], note_texts, include_text)
        anchors = {(n.note_id, s.start, s.end): s.anchor for n in notes for s in n.spans}
        view.notes = notes
        for index, result in members:
            line = _line_view(index, view.anchor, result, anchors, include_text)
            line_views[index] = line
            view.lines.append(line)
        encounter_views.append(view)

    counts = defaultdict(int)
    for result in results:
        counts[result.verdict] += 1
    known = [(v, label, counts[v]) for v, label in VERDICT_LABELS.items()]
    unknown = [(_css_token(v), v, counts[v]) for v in sorted(counts) if v not in VERDICT_LABELS]
    return ReportView(
        policy=_policy_label(summary.get("policy")),
        tool_version=str(summary.get("tool_version") or __version__),
        include_text=include_text,
        verdict_counts=known + unknown,
        total_lines=len(results),
        summary_cards=_summary_cards(summary),
        lines=[line_views[i] for i in range(len(results))],
        encounters=encounter_views,
    )


def highlight(text: str, spans: Sequence[HighlightSpan]) -> Markup:
    """`text` escaped, each span's characters inside `<mark>`.

    The text is cut at every span edge and each piece is marked once with all the spans covering
    it, so overlapping and nested spans give flat, well-formed markup. A span's first piece is
    preceded by an empty anchor that findings link to.
    """
    visible = [s for s in spans if s.in_text]
    cuts = sorted({0, len(text), *(s.start for s in visible), *(s.end for s in visible)})
    starting: dict[int, list[HighlightSpan]] = defaultdict(list)
    for span in visible:
        starting[span.start].append(span)
    parts: list[str] = []
    for start, end in zip(cuts, cuts[1:]):
        for span in starting.get(start, ()):
            parts.append(Markup('<span class="anchor" id="{}"></span>').format(span.anchor))
        piece = escape(text[start:end])
        covering = [s for s in visible if s.start <= start and end <= s.end]
        if not covering:
            parts.append(piece)
            continue
        reasons = _unique(r for s in covering for r in s.reasons)
        severity = max((s for _, s in reasons), key=lambda s: SEVERITY_RANK.get(s, 0))
        classes = f"ev sev-{_css_token(severity)}" + (" overlap" if len(covering) > 1 else "")
        title = "; ".join(f"{reason} ({sev})" for reason, sev in reasons)
        numbers = " ".join(str(s.number) for s in starting.get(start, ()))
        data = Markup(' data-n="{}"').format(numbers) if numbers else ""
        parts.append(Markup('<mark class="{}" title="{}"{}>{}</mark>').format(classes, title, data, piece))
    return Markup("").join(parts)


def _group_by_encounter(results: Sequence[LineResult]) -> list[tuple[tuple[str, str], list[tuple[int, LineResult]]]]:
    groups: dict[tuple[str, str], list[tuple[int, LineResult]]] = defaultdict(list)
    for index, result in enumerate(results):
        groups[(result.line.patient_id, result.line.service_date.isoformat())].append((index, result))
    return sorted(groups.items())


def _encounter_notes(encounter_anchor: str, results: Sequence[LineResult], note_texts: Mapping[str, str],
                     include_text: bool) -> list[NoteView]:
    """The notes the encounter's lines link to, then any other note their findings cite."""
    linked = _unique(note_id for r in results for note_id in r.note_ids)
    cited = _unique(ev.note_id for r in results for f in r.findings for ev in f.evidence)
    cited_by: dict[str, dict[tuple[int, int], list[tuple[str, str]]]] = defaultdict(dict)
    for result in results:
        for finding in result.findings:
            for ev in finding.evidence:
                reasons = cited_by[ev.note_id].setdefault((int(ev.span[0]), int(ev.span[1])), [])
                if (finding.reason, finding.severity) not in reasons:
                    reasons.append((finding.reason, finding.severity))

    notes = []
    linked_set = set(linked)
    for number, note_id in enumerate(linked + [n for n in cited if n not in linked_set], 1):
        anchor = f"{encounter_anchor}-note-{number}"
        text = note_texts.get(note_id)
        length = None if text is None else len(text)
        spans = [HighlightSpan(k, start, end, reasons, f"{anchor}-span-{k}",
                               length is not None and 0 <= start < end <= length)
                 for k, ((start, end), reasons) in enumerate(sorted(cited_by[note_id].items()), 1)]
        text_html = highlight(text, spans) if include_text and text is not None else None
        notes.append(NoteView(note_id, anchor, note_id in linked_set, length, text_html, spans))
    return notes


def _line_view(index: int, encounter_anchor: str, result: LineResult,
               anchors: Mapping[tuple[str, int, int], str], include_text: bool) -> LineView:
    line = result.line
    findings = []
    for finding in result.findings:
        evidence = []
        for ev in finding.evidence:
            start, end = int(ev.span[0]), int(ev.span[1])
            quote = _quote(ev.text) if include_text else None
            evidence.append(EvidenceView(ev.note_id, start, end, anchors[(ev.note_id, start, end)], quote))
        findings.append(FindingView(finding.reason, finding.severity, finding.message, finding.rule,
                                    finding.source, evidence))
    units = float(line.units)
    return LineView(
        anchor=f"line-{index + 1}", encounter_anchor=encounter_anchor,
        claim_id=line.claim_id, line_number=line.line_number, code=line.code,
        modifiers=";".join(line.modifiers), units=str(int(units)) if units.is_integer() else str(units),
        patient_id=line.patient_id, service_date=line.service_date.isoformat(),
        verdict=result.verdict, verdict_class=_css_token(result.verdict),
        note_ids=list(result.note_ids), findings=findings,
    )


def _summary_cards(summary: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Top-level scalars in one "run" card, then a card per nested group (lines, by_verdict, ...).

    Tool, policy and tool version are left out: the page header shows them; so is `generated_at`,
    so that the same input gives the same bytes.
    """
    scalars: dict[str, Any] = {}
    groups: list[tuple[str, Any]] = []
    for key, value in summary.items():
        if key in HEADER_KEYS or key in UNSTABLE_SUMMARY_KEYS:
            continue
        if isinstance(value, (Mapping, list, tuple)):
            groups.append((str(key), value))
        else:
            scalars[str(key)] = value
    return ([("run", scalars)] if scalars else []) + groups


def _quote(text: str | None) -> str | None:
    if not text:
        return None
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT - 1] + "…"


def _policy_label(policy: Any) -> str:
    if isinstance(policy, Mapping):
        return " ".join(str(policy[k]) for k in ("name", "version") if policy.get(k) not in (None, ""))
    return "" if policy is None else str(policy)


def _css_token(value: str) -> str:
    """A class-name-safe form of a vocabulary value (verdicts, severities are already safe)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "_-") else "_" for c in value) or "none"


def _unique[T](items: Iterable[T]) -> list[T]:
    seen: dict[T, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def _humanize(key: Any) -> str:
    """`by_verdict` -> `By verdict`; codes such as `UNITS_MISMATCH` are kept as written."""
    key = str(key)
    return key.replace("_", " ").capitalize() if key == key.lower() else key


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    """The report template, compiled once per process (compiling costs more than rendering a small report)."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("notes_audit.write", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    environment.filters["humanize"] = _humanize
    return environment.get_template(TEMPLATE)
