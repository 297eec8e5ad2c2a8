"""The last pipeline component: turn targets, sentences, sections and assertions into SPEC §3 evidence."""

from __future__ import annotations

import re
from datetime import date
from bisect import bisect_right
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from notes_audit.evidence.model import Diagnosis, Lab, NoteEvidence
from notes_audit.evidence.vocab import CONCEPT_ICD10
from notes_audit.extract import administrations as adm
from notes_audit.extract.charted import addendum_reversals, copied_doses_to_history, corrected_doses, dated_mentions, not_administered_fields, voided_rows
from notes_audit.extract.assertion import ConTextAsserter, default_asserter, sentence_index
from notes_audit.extract.doctext import doc_lowered, doc_note_date, doc_text
from notes_audit.extract.em import assess_em, find_loading_phase
from notes_audit.extract.em_model import EmClassifier, default_classifier
from notes_audit.extract.unnamed_injections import reversed_injections, unnamed_injections_given
from notes_audit.extract.lab_tables import chained_labs, dated_column_labs, earlier_value, trend_labs
from notes_audit.extract.labs import find_date, read_numeric, read_qualitative
from notes_audit.extract.sections import section_of
from notes_audit.extract.rulefiles import lower_same_length
from notes_audit.extract.targets import Target
from notes_audit.extract.previous_doses import previous_dose
from notes_audit.extract.people import PROVIDER_CREDENTIALS, find_people
from notes_audit.extract.supervision import (author_supervision, consulted_by_phone, find_supervision, in_first_person,
                                             provider_of_visit, settle)

_ANEMIA_DUE_TO = re.compile(r"an(?:a)?emia,?\s+(?:(?:likely|probably|most\s+likely)\s+)?(?:due\s+to|secondary\s+to|from|d/t|2/2|"
                            r"caused\s+by|related\s+to|from\s+underlying)\s+(?:(?:her|his|the)\s+)?(?:vitamin\s+|vit\.?\s*)?$", re.I)
_DUE_TO_IF_DEFICIENCY = re.compile(r"\s+(?:due\s+to|secondary\s+to|from|d/t)\s+intrinsic\s+factor\s+deficiency", re.I)
_UNCHECKED_BOX = re.compile(r"(?:\[\s*\]|☐|\(\s*\))[ \t]*$")
_QUALITATIVE_TESTS = {"intrinsic_factor_ab", "parietal_cell_ab"}
_ROUX_ONLY = re.compile(r"roux[\s-]+en[\s-]+y", re.I)
_RECONSTRUCTION = re.compile(r"gastrectomy|esophagojejunostomy|reconstruction|whipple|pancreat|oesophago", re.I)
_LOW_B12 = re.compile(r"low\s+(?:vitamin\s+|vit\.?\s*|serum\s+)?b[\s-]?12", re.I)
_DIAGNOSIS_SECTIONS = {"assessment_plan", "plan", "past_medical_history"}
# "hx B12 deficiency ... now on monthly injections": a deficiency under treatment today is current
_TREATED_NOW = re.compile(r"\b(?:now\s+on|on\s+(?:monthly|weekly|lifelong|maintenance|ongoing)|here\s+for\s+(?:her\s+|his\s+)?(?:monthly\s+)?b-?12|"
                          r"monthly\s+(?:b-?12\s+)?(?:inj\w*|shots?)|since\b|currently)", re.I)
_OVER = re.compile(r"\b(?:resolved|cured|no\s+longer|corrected|normali[sz]ed|repleted|in\s+the\s+past|as\s+a\s+child|childhood|"
                   r"former(?:ly)?|remote|stopped|discontinued|off\s+(?:of\s+)?|was\s+on|until|(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d)\b", re.I)  # a drug taken, named as a cause: known, whatever the doubt about causation
_PARAGRAPH_LIMIT = 400  # chars after a drug mention that its template block may span


_ICD_WRITTEN = re.compile(r"([A-Z]\d{2})\.?(\w{0,4})")


_BOX = re.compile(r"\[\s*[xX✓✔]?\s*\]|[☐☒☑]")


_SYNONYM_GAP = re.compile(r"\s*[(\[]\s*|\s*[)\]]\s*|\s*/\s*|\s*[-–—]\s*|"
                          r"(?:\s+(?:shot|injection|inj))?,?\s+(?:which\s+is|i\.?e\.?,?|namely|aka|a\.k\.a\.?)\s+", re.I)


def _without_synonyms(text: str, targets: list[Target]) -> list[Target]:
    """Drop a bare "B12" written beside the substance it names ("Vitamin B12 (cyanocobalamin)",
    "cyanocobalamin (VITAMIN B-12)"): one mention, the named substance."""
    drugs = [t for t in targets if t.kind == "DRUG"]
    if not drugs:
        return targets

    def beside(b: Target) -> bool:
        for d in drugs:
            lo, hi = (b.end, d.start) if b.end <= d.start else (d.end, b.start)
            if 0 <= hi - lo <= 24 and _SYNONYM_GAP.fullmatch(text, lo, hi):
                return True
        return False

    return [t for t in targets if t.kind != "B12" or not beside(t)]


def _unticked_option(text: str, pos: int) -> bool:
    """Is the mention at `pos` an option after an empty box on its line, with no ticked box between?"""
    if _UNCHECKED_BOX.search(text, max(0, pos - 8), pos):
        return True
    line = text.rfind("\n", 0, pos) + 1
    boxes = list(_BOX.finditer(text, max(line, pos - 60), pos))
    return bool(boxes) and boxes[-1].group(0).strip("[] \t") == "" and boxes[-1].group(0) != "☒" and boxes[-1].group(0) != "☑"


def _specific_icd10(concept: str, surface: str) -> str:
    code = _ICD_WRITTEN.fullmatch(surface.strip())
    if code:  # the code as written, dotted: "D518" -> "D51.8"
        return code.group(1) + ("." + code.group(2) if code.group(2) else "")
    s = surface.lower()
    if concept == "b12_deficiency_anemia":
        if "diet" in s:
            return "D51.3"
        if "transcobalamin" in s:
            return "D51.2"
    if concept == "crohns_disease":
        if "ileitis" in s or "small" in s:
            return "K50.00"
        if "colitis" in s:
            return "K50.10"
    if concept == "neuropathy" and "poly" in s:
        return "G62.9"
    return CONCEPT_ICD10[concept]


def _paragraph_end(text: str, pos: int, section_starts: list[int]) -> int:
    """End of a drug mention's block: the next blank line or section header, capped."""
    end = min(len(text), pos + _PARAGRAPH_LIMIT)
    blank = text.find("\n\n", pos, end)
    if blank != -1:
        end = blank
    k = bisect_right(section_starts, pos)
    if k < len(section_starts) and section_starts[k] < end:
        end = section_starts[k]
    return end


_ITEM_START = re.compile(r"[ \t]*(?:[-•*▪·◦‣]|\d{1,2}[.)])[ \t]")
# A prescription's sig on its own line continues the entry above it.
_SIG_LINE = re.compile(r"[ \t]*(?:sig\b|take|inject|place|use|give|dissolve|spray|instill|apply|administer|"
                       r"\d+\s*(?:sprays?|tabs?|tablets?|ml|mcg)\b|dispense|refills?|qty)", re.I)


def _list_item_end(text: str, pos: int, end: int, in_list_section: bool) -> int:
    """End of a medication-list entry holding `pos`: the next bulleted line, or the next line not
    indented under it and not a sig ("Inject 1 mL into the muscle..."). Another entry's route or dose
    ("metformin 500 mg tablet by mouth") is not this one's."""
    if not in_list_section:
        return end  # a plan's bullets often continue one event ("- B12 IM today" then "- Today's dose given by me")
    line_start = text.rfind("\n", 0, pos) + 1
    bulleted = _ITEM_START.match(text, line_start) is not None
    indent = len(text[line_start:pos]) - len(text[line_start:pos].lstrip(" \t"))
    nl = text.find("\n", pos, end)
    while nl != -1:
        nxt = nl + 1
        if _ITEM_START.match(text, nxt):
            return nl
        if not bulleted:
            line = text[nxt:text.find("\n", nxt) if text.find("\n", nxt) != -1 else len(text)]
            lead = len(line) - len(line.lstrip(" \t"))
            if line.strip() and lead <= indent and not _SIG_LINE.match(line):
                return nl
        nl = text.find("\n", nxt, end)
    return end


# A template record: "Label: value" or "Label | value" lines, one field each.
_FIELD_LINE = re.compile(r"[ \t]*(?:[-•*▪·][ \t]*)?[A-Za-z][\w /&().#'-]{0,40}?(?:[ \t]*:|[ \t]+\|)[ \t]*\S")
_RECORD_LIMIT = 700
_WAS = re.compile(r"\b(?:was|then|previously|initially|originally|at\s+(?:dx|diagnosis))\b", re.I)
_LEVEL_NAMED = re.compile(r"[ \t]*[(,:;-]?[ \t]*(?:(?:last|latest|recent|serum|b-?12)[ \t]+)*(?:level|lvl)\b", re.I)
_RESULT_ON_NEXT_LINE = re.compile(r"[ \t]*(?:,[ \t]*)?(?:serum|plasma|level|total|blood|\([^()\n]{0,20}\))?[ \t]*\n[ \t]*(?:result|value)[ \t]*[:=]", re.I)


def _record_end(text: str, pos: int) -> int:
    """End of the template record holding `pos` (its consecutive field lines): "Medication: ...",
    "Admin Status: Not Given", "Not Given Reason: Patient Refused" are one administration's fields,
    whatever section header a field's label looks like ("Order:")."""
    line_start = text.rfind("\n", 0, pos) + 1
    if not _FIELD_LINE.match(text, line_start):
        return pos
    end = text.find("\n", pos)
    while end != -1 and end < pos + _RECORD_LIMIT and _FIELD_LINE.match(text, end + 1):
        end = text.find("\n", end + 1)
    return len(text) if end == -1 else end


def _record_heading(text: str, pos: int) -> tuple[int, int] | None:
    """The line just above the template record holding `pos` ("Injection administered" over "- Drug:",
    "- Dose:", "- Route:"): what it says happened is what happened to the record's drug."""
    line_start = text.rfind("\n", 0, pos) + 1
    if not _FIELD_LINE.match(text, line_start):
        return None
    nl = text.find("\n", pos)
    if (nl == -1 or not _FIELD_LINE.match(text, nl + 1)) and not _FIELD_LINE.match(text, text.rfind("\n", 0, max(0, line_start - 1)) + 1):
        return None  # one labelled line ("Rescheduled: will come back ...") is a sentence, not a record
    for _ in range(12):
        if line_start == 0:
            return None
        prev = text.rfind("\n", 0, line_start - 1) + 1
        if not text[prev:line_start - 1].strip():
            return None
        if not _FIELD_LINE.match(text, prev):
            return prev, line_start - 1
        line_start = prev
    return None


def _name_the_unnamed(text: str, found: list) -> list:
    """"Supervising provider present in office suite: [X] Yes" with one practitioner named in the note
    ("Ordering provider: Rebecca Hollis, MD"): that practitioner is the one present."""
    if not found or any(s.name for s in found):
        return found
    named = {}
    for _, _, name, cred in find_people(text, 0, len(text)):
        if name and cred in PROVIDER_CREDENTIALS:
            named.setdefault(name.replace(",", " ").split()[-1].lower().strip("."), (name, cred))
    if len(named) != 1:
        return found
    name, cred = next(iter(named.values()))
    # (not the author's own "under my supervision": the one other practitioner named is someone else)
    return [replace(s, name=name, credential=s.credential or cred)
            if s.presence in ("in_office", "virtual") and not in_first_person(s) else s for s in found]


def _lab(test: str, reading, status: str, text: str, start: int, date: str | None) -> Lab:
    return Lab(test=test, value=_number(reading.value), unit=reading.unit, value_std=_number(reading.value_std),
               unit_std=reading.unit_std, flag=reading.flag, interpretation=reading.interpretation, status=status,
               span=(start, reading.end), text=text[start:reading.end], reference_range=reading.reference_range,
               date=date)


_PRACTITIONER_NAMED = re.compile(r"\b(?:dr\.?|doctor|md|do|np|pa(?:-c)?|physician|provider)\b", re.I)


def _number(v: float | None) -> float | int | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


class EvidenceBuilder:
    def __init__(self, asserter: ConTextAsserter, em_classifier: EmClassifier | None = None) -> None:
        self.asserter = asserter
        self.em_classifier = em_classifier

    def __call__(self, doc: Doc) -> Doc:
        doc._.evidence = self.build(doc_text(doc), doc._.sentence_spans, doc._.note_sections, doc._.targets,
                                    doc_lowered(doc), doc_note_date(doc))
        return doc

    def build(self, text, sentences, sections, targets, lowered: str | None = None,
              note_date: date | None = None) -> NoteEvidence:
        ev = NoteEvidence(note_id="")
        lowered = lower_same_length(text) if lowered is None else lowered
        sec_starts = [s.start for s in sections]
        sent_starts = [s for s, _ in sentences] or [0]
        if not sentences:
            sentences = [(0, len(text))]

        def section_at(char: int) -> str | None:
            return section_of(sections, sec_starts, char)

        mod_cache: dict[int, tuple] = {}

        def assertion(t, ignore_negation: bool = False) -> str:
            k = sentence_index(sent_starts, t.start)
            if k not in mod_cache:
                s0, s1 = sentences[k]
                mod_cache[k] = self.asserter.modifiers(text, s0, s1, lowered)
            mods, terms = mod_cache[k]
            if ignore_negation:  # "IF antibody negative" is a result, not a negated mention
                mods = [m for m in mods if m.rule.rule.category != "NEGATED_EXISTENCE"]
            return self.asserter.status(text, t, mods, terms, section_at(t.start))

        mentions: list[adm.Mention] = []
        chained: list[Lab] = []  # values after arrows, added once the rest of the note is read
        targets = _without_synonyms(text, targets)
        for t in targets:
            if _unticked_option(text, t.start):
                continue  # "[ ] Pernicious anemia (D51.0)", "[ ] Hydroxocobalamin": a template option not chosen
            k = sentence_index(sent_starts, t.start)
            sent = sentences[k]
            if t.kind == "SYMPTOM":
                # "Denies numbness or tingling" documents the absence of neuropathy; a symptom that is
                # present is not a diagnosis, so only negated mentions become evidence.
                if assertion(t) == "negated":
                    ev.diagnoses.append(Diagnosis(t.value, CONCEPT_ICD10[t.value], "negated", section_at(t.start),
                                                  (t.start, t.end), text[t.start:t.end]))
                continue
            if t.kind == "DX":
                if t.value == "b12_deficiency_anemia" and _DUE_TO_IF_DEFICIENCY.match(text, t.end):
                    continue  # D51.0's title: "B12 deficiency anemia due to intrinsic factor deficiency" is PA
                if (t.value == "b12_deficiency" and _LOW_B12.match(text, t.start)
                        and section_at(t.start) not in _DIAGNOSIS_SECTIONS):
                    continue  # "Reason for referral: macrocytic anemia, low B12": a result described, not a diagnosis
                if (t.value == "bariatric_surgery_status" and _ROUX_ONLY.fullmatch(text, t.start, t.end)
                        and _RECONSTRUCTION.search(text, max(0, t.start - 80), min(len(text), t.end + 60))):
                    continue  # "total gastrectomy with Roux-en-Y esophagojejunostomy": a reconstruction, not bariatric surgery
                if t.value == "b12_deficiency" and _ANEMIA_DUE_TO.search(text, max(0, t.start - 60), t.start):
                    t = Target(t.start, t.end, "DX:b12_deficiency_anemia")  # "megaloblastic anemia due to B12 deficiency"
                status = assertion(t)
                near = (max(sent[0], t.start - 80), min(sent[1], t.end + 150))
                if (status == "historical" and t.value == "b12_deficiency" and _TREATED_NOW.search(text, *near)
                        and not _OVER.search(text, *near)):
                    # "hx B12 deficiency ... now on monthly injections": a deficiency under treatment is current.
                    # (Lifelong conditions never take "history of" at all: context_rules.yaml.)
                    status = "affirmed"
                ev.diagnoses.append(Diagnosis(t.value, _specific_icd10(t.value, text[t.start:t.end]), status,
                                              section_at(t.start), (t.start, t.end), text[t.start:t.end]))
                if t.value in ("b12_deficiency", "b12_deficiency_anemia"):
                    # "B12 deficiency (last level 168 pg/mL, 3/2025)": the result behind the diagnosis
                    reading = read_numeric("b12", text, t.end, min(sent[1], t.end + 50))
                    if reading is not None and (reading.unit is not None or _LEVEL_NAMED.match(text, t.end)):
                        # ("B12 deficiency (level 162 in 3/2025)": the level named, a unit not needed; "(level was
                        # 164 in 2022)": the one it was found with)
                        status = "historical" if _WAS.search(text, t.end, reading.end) else assertion(t, True)
                        ev.labs.append(_lab("b12", reading, status, text, t.start, find_date(text, *sent)))
                continue
            if t.kind in ("LAB", "B12"):
                test = "b12" if t.kind == "B12" else t.value
                sent_end = sent[1]
                if not text[t.end:sent_end].strip(" \t.:-"):  # "Methylmalonic acid . 0.52 umol/L": a leader, not a full stop
                    line_end = text.find("\n", t.end)
                    sent_end = len(text) if line_end == -1 else line_end
                limit = min(max(sent_end, t.end), t.end + 90)
                nl = text.find("\n", t.end, limit)
                if nl != -1 and "|" not in text[sent[0]:sent[1]]:
                    limit = max(nl, t.end)
                below = _RESULT_ON_NEXT_LINE.match(text, t.end)
                if below:
                    # "VITAMIN B12, SERUM\n  Result: 155 pg/mL   Flag: L": an interface report's result line
                    line_end = text.find("\n", below.end())
                    limit = len(text) if line_end == -1 else line_end
                reading = (read_qualitative(text, t.start, t.end, limit) if test in _QUALITATIVE_TESTS
                           else read_numeric(test, text, t.end, limit))
                status = assertion(t, True) if reading is not None else None  # a result is never "negated"
                if status == "hypothetical":
                    continue  # "hold if B12 > 1,000": a threshold in a rule, not a result
                if reading is not None:
                    ev.labs.append(_lab(test, reading, status, text, t.start, find_date(text, *sent)))
                    if test not in _QUALITATIVE_TESTS:
                        chained.extend(_lab(test, r, status, text, start, when or find_date(text, *sent))
                                       for start, r, when in chained_labs(test, text, reading, sent[1]))
                        before = earlier_value(test, text, reading, min(sent[1], reading.end + 90))
                        if before is not None:
                            start, r, when = before
                            chained.append(_lab(test, r, "historical", text, start, when))
                    continue
                if t.kind == "LAB" or not adm.is_drug_context(text, t.start, t.end, sent):
                    continue
            drug = t.value if t.kind == "DRUG" else "b12_unspecified"
            sec = section_at(t.start)
            block_end = _paragraph_end(text, t.end, sec_starts)
            block_end = _list_item_end(text, t.end, block_end, sec in adm.LIST_SECTIONS)
            window = (sent[0], max(block_end, sent[1], _record_end(text, t.end)))
            mention = adm.Mention(drug, t.start, t.end, sent, window, sec, heading=_record_heading(text, t.start))
            mentions.append(adm.read_mention(text, mention, lowered))
        # "Hgb 9.2 -> 12.1" in the assessment, when the note's results list "Hgb 12.1 (L)": one result
        ev.labs.extend(lab for lab in chained if not any(x.test == lab.test and x.value == lab.value for x in ev.labs))
        lab_targets = [(t.start, t.end, "b12" if t.kind == "B12" else t.value) for t in targets if t.kind in ("LAB", "B12")]
        if lab_targets and "\n" in text:
            # a table's rows are results as written there, dated by their row
            ev.labs.extend(_lab(test, r, "affirmed", text, start, date) for test, start, r, date in trend_labs(text, lab_targets))
            read_already = [(lab.test, lab.span) for lab in ev.labs]
            ev.labs.extend(_lab(test, r, "affirmed", text, start, date)
                           for test, start, r, date in dated_column_labs(text, lab_targets)
                           if not any(t == test and s0 <= start < s1 for t, (s0, s1) in read_already))
        if mentions:  # most notes name no B12 drug: no addendum or date to read for them
            copied_doses_to_history(text, mentions)
            addendum_reversals(text, lowered, mentions)
            corrected_doses(text, lowered, mentions)
            mentions = dated_mentions(text, lowered, mentions, note_date)
            voided_rows(text, lowered, mentions)  # a grid's row too
            not_administered_fields(text, lowered, mentions)
            if adm.administers_nothing(text):
                # "Phone Note - Nurse Triage: ... received cyanocobalamin 1000 mcg IM here on 7/19": a dose the
                # call reports was given another day
                for m in mentions:
                    if m.attrs.get("status") == "given":
                        m.attrs["status"] = "historical"
        signer = None
        for a in adm.merge(text, mentions):
            a.dose_value = _number(a.dose_value)
            if a.status == "given" and a.administered_by is None and not _PRACTITIONER_NAMED.search(a.text):
                # "Administered by: Karen Dunn, LPN" further down the record; else "Administered: Methylcobalamin
                # 5000 mcg IM ... Tiffani Greco, MA": the staff who signs gave it
                signer = signer or adm.labelled_giver(text, lowered) or adm.auxiliary_signer(text)
                a.administered_by = signer
            ev.administrations.append(a)
        if mentions:
            earlier_dose = previous_dose(text, lowered, mentions, ev.administrations)
            if earlier_dose is not None:
                ev.administrations.append(earlier_dose)
        ev.supervision = find_supervision(text, lowered, sentences)
        present = [s for s in ev.supervision if s.presence in ("in_office", "virtual")]
        if not any(s.name for s in present):
            author = author_supervision(text, lowered)
            if author is not None:
                # "...under my supervision in the clinic": the unnamed supervisor is the note's author.
                ev.supervision = [s for s in ev.supervision if s not in present or s.name] + [author]
        if not any(s.name for s in ev.supervision) and any(
                a.status == "given" and a.administered_by is not None and a.administered_by.credential in adm.AUXILIARY
                for a in ev.administrations):
            # Staff gave it and no one is named as supervising: the visit's provider is who the note puts
            # in charge. A provider who gave it (or an unknown giver) supervised no one.
            visit = provider_of_visit(text)
            if visit is not None:
                ev.supervision = [s for s in ev.supervision if s.presence != visit.presence] + [visit]
        ev.supervision = _name_the_unnamed(text, settle(ev.supervision))
        ev.em = assess_em(text, lowered, sentences, section_at, self.em_classifier)
        ev.loading_phase = find_loading_phase(text, lowered)
        if not ev.administrations:
            ev.unnamed_injections = unnamed_injections_given(text, lowered)
            ev.reversed_injections = reversed_injections(text)
        if not ev.unnamed_injections and not any(a.status == "given" for a in ev.administrations):
            # no dose today: a call to a practitioner about the plan supervised nothing
            ev.supervision = [s for s in ev.supervision if not consulted_by_phone(s)]
        return ev


@Language.factory("notes_audit_evidence", default_config={"use_em_model": True})
def make_evidence_builder(nlp: Language, name: str, use_em_model: bool) -> EvidenceBuilder:
    return EvidenceBuilder(default_asserter(), default_classifier() if use_em_model else None)
