"""Is there a significant, separately identifiable E/M beyond the injection visit? (SPEC §5.1)

Yes when the note has history or exam content and either manages another problem (an assessment item
that is not the routine B12 injection and carries a plan) or re-evaluates the deficiency itself (new or
changed symptoms examined, dose or route changed, workup ordered). Vital signs, "tolerated well",
"no complaints" and "continue monthly injections" alone do not count (Noridian JF "E/M Services and Drug
Administration Billing"; billing-rules.md §2.3).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from notes_audit.evidence.model import EmEvidence, EvidenceSpan

I = re.IGNORECASE
# Note-level patterns run over the lower-cased note (same length, so offsets hold): one pass each,
# and case-sensitive matching is several times faster than IGNORECASE in Python's `re`.
L = 0
_HISTORY_OR_EXAM_SECTIONS = {"history_of_present_illness", "review_of_systems", "physical_exam", "chief_complaint"}
_HISTORY_OR_EXAM = re.compile(r"\b(?:c/o|complain\w*|reports?|presents?\s+with|on\s+exam|states?|says|notes|describes|denies|"
                              r"has\s+had|increasing(?:ly)?|worsening|improv(?:ed|ing)|since\s+(?:last|her|his|the)|"
                              r"(?:bp|hr|temp|t)\s*:?\s*\d|ecchymosis|erythema|exam(?:ination)?\s*(?:shows|reveals|:)|"
                              r"lungs?\s+(?:clear|ctab)|heart\s+rrr|\brrr\b|ctab|tender\w*|swelling|heent|abdomen\s+(?:soft|non)|"
                              r"ros|hpi|onset|x\s*\d+\s*(?:days?|weeks?)|for\s+(?:the\s+)?(?:past|last)\s+\w+\s+(?:days?|weeks?))", L)
_B12_ROUTINE = re.compile(r"\b(?:b[\s-]?12|\w*cobalamin|pernicious|pa\b|\w*injection|shot\b|inj\b|deficien\w*|"
                          r"\w*gastrectomy|bypass|bariatric|malabsorption|im\b|vitamin)", L)
_MANAGEMENT = re.compile(
    r"\b(?:start(?:ed)?|increas\w*|decreas\w*|titrat\w*|adjust\w*|chang\w*|switch\w*|stop(?:ped)?|discontinu\w*|"
    r"refill\w*|prescri\w*|rx\b|order\w*|refer\w*|recheck|check|obtain|x-?ray|ct\b|mri\b|ekg|ecg|ultrasound|labs?\b|"
    r"counsel\w*|advis\w*|recommend\w*|ice|rest|elevat\w*|nsaids?|ibuprofen|naproxen|acetaminophen|amoxicillin|"
    r"azithromycin|antibiotic\w*|lisinopril|amlodipine|metformin|losartan|hctz|statin|atorvastatin|insulin|"
    r"inhaler|albuterol|prednisone|\d+\s*(?:mg|mcg|ml|sprays?|puffs?|tabs?|units?)\b|physical\s+therapy|\bpt\s+referral|"
    r"follow[\s-]?up\s+in|return\s+(?:in|if|for|precautions)|rtc|supportive\s+care|otc|prn|bid|tid|qid|qhs|daily|"
    r"x\s*\d+\s*(?:days?|wks?|weeks?)|discussed|educat\w*|brace|splint|crutches|rice|rinses?|fluids|diet|exercise|"
    r"taper|dose|reduce|hold|resume|monitor|workup|work-up|imaging|culture|swab|biopsy|injection\s+of)\b", L)
_PROBLEM_WORDS = re.compile(
    r"\b(?:hypertension|htn|diabet\w*|dm2?|t2dm|hyperlipid\w*|hld|cholesterol|copd|asthma|uri|sinusitis|bronchitis|"
    r"pharyngitis|otitis|uti|cystitis|pain|sprain|strain|injury|rash|dermatitis|cellulitis|cough|fever|gerd|reflux|"
    r"depression|anxiety|insomnia|hypothyroid\w*|thyroid|obesity|gout|arthritis|osteoarthritis|back|knee|shoulder|"
    r"headache|migraine|dizziness|vertigo|edema|chf|afib|atrial|ckd|kidney|wound|lesion|mass|nodule|allerg\w*|"
    r"constipation|diarrhea|nausea|vomiting|radiculopath\w*|sciatica|fracture|infection|hernia\w*|bruis\w*|"
    r"hematoma\w*|ecchymos\w*|\w{3,}itis|\w{3,}algia|"
    # B12-related problems count only outside B12 sentences (see B12_RELATED below)
    r"(?:poly)?neuropathy|numbness|tingling|paresthesia\w*|fatigue|weakness|anemia)\b", L)
# Problems that are part of the deficiency itself: in a sentence about B12 they are the routine visit.
B12_RELATED = frozenset({"neuropathy", "polyneuropathy", "numbness", "tingling", "fatigue", "weakness", "anemia"})
_REEVAL = re.compile(
    r"\b(?:(?:increas\w*|chang\w*|adjust\w*|switch\w*|escalat\w*)\s+[^.\n]{0,40}?(?:dose|dosing|frequency|route|to\s+(?:weekly|monthly|every|sc|sq|subq|im|oral|po|sublingual|hydroxo\w*|\d))|"
    r"new\s+(?:onset\s+)?(?:numbness|tingling|paresthesia\w*|symptoms?|neuropathy|weakness|gait|balance|memory|glossitis)|"
    r"worsen\w*\s+(?:numbness|tingling|paresthesia\w*|fatigue|neuropathy|symptoms?|balance|gait|memory)|"
    r"(?:order\w*|check\w*|draw\w*|obtain\w*|repeat\w*|send)\s+[^.\n]{0,40}?(?:\bmma\b|methylmalonic|homocysteine|intrinsic\s+factor|parietal|\bif\s+ab|gastrin|egd|endoscopy)|"
    r"refer\w*\s+(?:to\s+)?(?:hematology|heme|neurology|neuro|gi\b|gastroenterology)|monofilament|romberg|vibrat\w*\s+sense|proprioception|"
    r"not\s+responding\b|inadequate\s+response\b|symptoms?\s+(?:persist|returned|recurr))", L)


def _sentences_hit(rx: re.Pattern[str], text: str, starts: list[int]) -> set[int]:
    """Indices of the sentences holding a match: one pass over the note, not one search per sentence."""
    return {bisect_right(starts, m.start()) - 1 for m in rx.finditer(text)}


# A telephone encounter, portal message, result note or letter is not a face-to-face visit.
_NON_VISIT = re.compile(r"\b(?:telephone|phone\s+(?:note|call|encounter|message)|tel\s+enc|portal|mychart|patient\s+message|"
                        r"result(?:s)?\s+(?:note|letter|notification)|lab\s+results?\s+(?:note|letter)|"
                        r"refill\s+request|chart\s+prep|e-?consult|(?:^|\n)[ \t]*referral\b|referral\s+letter|patient\s+referrals|re:\s*referral|message\s+(?:from|to)\s+(?:the\s+)?(?:patient|pt)|"
                        r"to\s+whom\s+it\s+may\s+concern|letter\s+of\s+medical\s+necessity|prior\s+auth\w*|"
                        r"referral\s+request|pre-?visit\s+planning|chart\s+review\s+only|patient\s+not\s+contacted|appeals?\s+(?:department|letter)|"
                        r"request\s+for\s+reconsideration|population\s+health|care[\s-]+gaps?|registry\s+(?:review|outreach|note)|"
                        r"transitional\s+care\s+management|in-?basket|standing\s+order\s+form|outreach\s+call)\b", L)
_SAW_THE_PATIENT = re.compile(r"\b(?:i|we)\s+(?:saw|reviewed|examined|met|assessed)\b|\bseen\s+(?:in|at|today)\b|\battended\b|"
                              r"\bin\s+(?:clinic|the\s+office)\s+today\b|\bat\s+(?:her|his|their)\s+(?:visit|appointment)\b", L)
# A letter's salutation comes after its letterhead.
_LETTER = re.compile(r"(?:^|\n)[ \t]*dear\s+(?:dr|mr|mrs|ms|mx|doctor|colleague|patient|[a-z]+\s*,)", L)
# A change made in the past ("switched to hydroxocobalamin in 2023") is history, not today's re-evaluation.
_PAST_CHANGE = re.compile(r"\b(?:19|20)\d\d\b|\bpreviously\b|\bago\b|\blast\s+year\b|\bhad\s+been\b", L)


def is_non_visit(lowered: str) -> bool:
    if _NON_VISIT.search(lowered, 0, 250):
        return True
    letter = _LETTER.search(lowered, 0, 700)
    # A clinic letter that reports the visit ("I saw Jennifer today") documents one; a referral or an appeal does not.
    return bool(letter and not _SAW_THE_PATIENT.search(lowered, letter.end(), letter.end() + 800))


def assess_em(text: str, lowered: str, sentences: list[tuple[int, int]], section_at,
              classifier=None) -> EmEvidence:
    """The rules find the problems and their evidence; the decision is the classifier's when one is
    given (it measured better on held-out notes, models/README.md), else the rules'."""
    if is_non_visit(lowered):
        return EmEvidence(False, [], [])
    if classifier is not None:
        # An E/M needs history or exam content whatever the wording suggests (the cheap check first).
        # The rules only supply the evidence of a yes, so they run only then.
        if not (_has_history_or_exam(lowered, sentences, section_at) and classifier.predict(text)):
            return EmEvidence(False, [], [])
        found = _find_problems(text, lowered, sentences, section_at)
    else:
        found = _rules_em(text, lowered, sentences, section_at)
        if found is None:
            return EmEvidence(False, [], [])
    return EmEvidence(True, list(dict.fromkeys(found.problems)), found.spans)


def _has_history_or_exam(lowered: str, sentences: list[tuple[int, int]], section_at) -> bool:
    return bool(_HISTORY_OR_EXAM.search(lowered)) or any(
        section_at(s0) in _HISTORY_OR_EXAM_SECTIONS for s0, _ in sentences)


_ASSESSMENT_OR_PLAN = ("assessment_plan", "plan", "orders", None)


@dataclass(slots=True)
class _Problems:
    """What the rules found: the problems and their sentences (the E/M evidence), and per sentence
    index whether it re-evaluates the deficiency, is about routine B12 care, or names a problem."""
    problems: list[str]
    spans: list[EvidenceSpan]
    reeval: set[int]
    routine: set[int]
    problem_at: dict[int, str]


def _rules_em(text: str, lowered: str, sentences: list[tuple[int, int]], section_at) -> _Problems | None:
    """The rules' decision: what they found when it is an E/M, else None. Yes when the deficiency is
    re-evaluated, or another problem is named and managed in the assessment and plan."""
    if not _has_history_or_exam(lowered, sentences, section_at):
        return None
    found = _find_problems(text, lowered, sentences, section_at)
    if not found.problems:
        return None
    if found.reeval:
        return found
    starts = [s for s, _ in sentences]
    # Assessment and plan often sit on separate lines ("A: ankle sprain" / "P: RICE, ibuprofen"):
    # a non-B12 problem anywhere in them plus a management step anywhere in them is enough.
    for k in _sentences_hit(_MANAGEMENT, lowered, starts):
        if (k >= 0 and section_at(sentences[k][0]) in _ASSESSMENT_OR_PLAN
                and (k in found.problem_at or k not in found.routine)):
            return found
    return None


def _find_problems(text: str, lowered: str, sentences: list[tuple[int, int]], section_at) -> _Problems:
    """Re-evaluations of the deficiency anywhere, and problems other than routine B12 care in the
    assessment and plan, in sentence order."""
    starts = [s for s, _ in sentences]
    reeval = {k for k in _sentences_hit(_REEVAL, lowered, starts)
              if k >= 0 and not _PAST_CHANGE.search(lowered, *sentences[k])}
    routine = _sentences_hit(_B12_ROUTINE, lowered, starts)
    problem_at: dict[int, str] = {}
    for m in _PROBLEM_WORDS.finditer(lowered):
        k = bisect_right(starts, m.start()) - 1
        word = m.group(0)
        # In a sentence about B12, only a problem unrelated to the deficiency is another problem.
        if k in routine and (word in B12_RELATED or word.startswith("paresthesia")):
            continue
        problem_at.setdefault(k, word)
    found = _Problems([], [], reeval, routine, problem_at)
    for k in sorted(reeval | set(problem_at)):
        if k < 0:
            continue
        s0, s1 = sentences[k]
        if k in reeval:
            found.problems.append("B12 deficiency re-evaluation")
        elif section_at(s0) in _ASSESSMENT_OR_PLAN:
            found.problems.append(problem_at[k])
        else:
            continue
        found.spans.append(EvidenceSpan((s0, s1), text[s0:s1]))
    return found


_LOADING = re.compile(
    r"\b(?:(?:daily|weekly|every\s+(?:other\s+)?(?:day|week)|q\.?\s*(?:day|week|wk|d\b|od\b|\d+\s*days?)|qod|three\s+times\s+(?:a|per)\s+week|"
    r"(?:1|one|2|two|3|three)\s*(?:x|times)\s*(?:a|per|/)\s*week)\s*(?:x|for|times|×)\s*\d+\s*(?:days?|weeks?|wks?|doses?|injections?)?|"
    # "shot #2 of 4", then a bare "#2 of 4" ("last dose 3/4" is a date): the optional word written as two alternatives (same matches),
    # since an alternative opening with an optional group is tried slowly at every word boundary.
    r"loading\s+(?:dose|doses|phase|series|regimen)|(?:loading|series|injection|dose|shot)\s*#\s*\d\s*(?:of|/)\s*\d|\s*#\s*\d\s*(?:of|/)\s*\d|"
    r"initial\s+(?:series|loading|phase|dosing|repletion)|induction\s+(?:phase|dosing)|repletion\s+(?:phase|series)|"
    r"(?<!last\s)(?<!prior\s)(?<!previous\s)(?<!next\s)(?:dose|injection|shot)\s*(?:#\s*\d\s*(?:of|/)|\d\s*of|\d\s*/(?=\s*\d(?![\d/])))\s*\d|(?:week|wk|day)\s*\d+\s+of\s+\d+|(?<=\()loading(?=\))|\d(?:st|nd|rd|th)\s+(?:of\s+\d\s+)?(?:weekly|daily|loading)\s+(?:injection|dose|shot))",
    L)


# A loading phase is spoken of with one of these words (substring tests, far cheaper than the pattern's
# scan of every position: most notes in a mixed export have none of them).
_LOADING_WORDS = ("b12", "b-12", "cobal", "injec", "inj ", "inj.", "inj:", "inj,", "inj\n", "inj#", "inj)", "shot",
                  "dose", "loading", "series", "repletion", "induction phase", "induction dosing")


def find_loading_phase(text: str, lowered: str) -> list[EvidenceSpan]:
    if not any(w in lowered for w in _LOADING_WORDS):
        return []
    return [EvidenceSpan(m.span(), text[m.start():m.end()]) for m in _LOADING.finditer(lowered)]
