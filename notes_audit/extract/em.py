"""Is there a significant, separately identifiable E/M beyond the injection visit? (SPEC §5.1)

Yes when the note has history or exam content and either manages another problem (an assessment item
that is not the routine B12 injection and carries a plan) or re-evaluates the deficiency itself (new or
changed symptoms examined, dose or route changed, workup ordered). Vital signs, "tolerated well",
"no complaints" and "continue monthly injections" alone do not count (Noridian JF "E/M Services and Drug
Administration Billing"; billing-rules.md §2.3).
"""

from __future__ import annotations

import re

from notes_audit.evidence.model import EmEvidence, EvidenceSpan

I = re.IGNORECASE
_HISTORY_OR_EXAM_SECTIONS = {"history_of_present_illness", "review_of_systems", "physical_exam", "chief_complaint"}
_HISTORY_OR_EXAM = re.compile(r"\b(?:c/o|complain\w*|reports?|presents?\s+with|on\s+exam|exam(?:ination)?\s*(?:shows|reveals|:)|"
                              r"lungs?\s+(?:clear|ctab)|heart\s+rrr|\brrr\b|ctab|tender\w*|swelling|HEENT|abdomen\s+(?:soft|non)|"
                              r"ROS|HPI|onset|x\s*\d+\s*(?:days?|weeks?)|for\s+(?:the\s+)?(?:past|last)\s+\w+\s+(?:days?|weeks?))", I)
_B12_ROUTINE = re.compile(r"b[\s-]?12|cobalamin|pernicious|\bPA\b|injection|\bshot\b|\binj\b|deficien\w*|"
                          r"gastrectomy|bypass|bariatric|malabsorption|\bIM\b|vitamin", I)
_MANAGEMENT = re.compile(
    r"\b(?:start(?:ed)?|increas\w*|decreas\w*|titrat\w*|adjust\w*|chang\w*|switch\w*|stop(?:ped)?|discontinu\w*|"
    r"refill\w*|prescri\w*|rx\b|order\w*|refer\w*|recheck|check|obtain|x-?ray|ct\b|mri\b|ekg|ecg|ultrasound|labs?\b|"
    r"counsel\w*|advis\w*|recommend\w*|ice|rest|elevat\w*|nsaids?|ibuprofen|naproxen|acetaminophen|amoxicillin|"
    r"azithromycin|antibiotic\w*|lisinopril|amlodipine|metformin|losartan|hctz|statin|atorvastatin|insulin|"
    r"inhaler|albuterol|prednisone|\d+\s*mg\b|physical\s+therapy|\bpt\s+referral|follow[\s-]?up\s+in|return\s+in|rtc)\b", I)
_PROBLEM_WORDS = re.compile(
    r"\b(?:hypertension|htn|diabet\w*|dm2?|t2dm|hyperlipid\w*|hld|cholesterol|copd|asthma|uri|sinusitis|bronchitis|"
    r"pharyngitis|otitis|uti|cystitis|pain|sprain|strain|injury|rash|dermatitis|cellulitis|cough|fever|gerd|reflux|"
    r"depression|anxiety|insomnia|hypothyroid\w*|thyroid|obesity|gout|arthritis|osteoarthritis|back|knee|shoulder|"
    r"headache|migraine|dizziness|vertigo|edema|chf|afib|atrial|ckd|kidney|neuropathy|numbness|tingling|paresthesia\w*|"
    r"fatigue|weakness|anemia|wound|lesion|mass|nodule|allerg\w*|constipation|diarrhea|nausea|vomiting|bp|blood\s+pressure|a1c|glucose|sugars?)\b", I)
_REEVAL = re.compile(
    r"(?:increas\w*|chang\w*|adjust\w*|switch\w*|escalat\w*)\s+[^.\n]{0,40}?(?:dose|dosing|frequency|route|to\s+(?:weekly|monthly|every|sc|sq|subq|im|oral|po|sublingual|hydroxo\w*|\d))|"
    r"\bnew\s+(?:onset\s+)?(?:numbness|tingling|paresthesia\w*|symptoms?|neuropathy|weakness|gait|balance|memory|glossitis)|"
    r"\bworsen\w*\s+(?:numbness|tingling|paresthesia\w*|fatigue|neuropathy|symptoms?|balance|gait|memory)|"
    r"\b(?:order\w*|check\w*|draw\w*|obtain\w*|repeat\w*|send)\s+[^.\n]{0,40}?(?:\bMMA\b|methylmalonic|homocysteine|intrinsic\s+factor|parietal|\bIF\s+ab|gastrin|EGD|endoscopy)|"
    r"\brefer\w*\s+(?:to\s+)?(?:hematology|heme|neurology|neuro|gi\b|gastroenterology)|monofilament|romberg|vibrat\w*\s+sense|proprioception|"
    r"\bnot\s+responding\b|\binadequate\s+response\b|\bsymptoms?\s+(?:persist|returned|recurr)", I)


def assess_em(text: str, sentences: list[tuple[int, int]], section_at) -> EmEvidence:
    has_hx = False
    problems: list[str] = []
    spans: list[EvidenceSpan] = []
    managed = False
    for s0, s1 in sentences:
        sec = section_at(s0)
        if sec in _HISTORY_OR_EXAM_SECTIONS or _HISTORY_OR_EXAM.search(text, s0, s1):
            has_hx = True
        seg = text[s0:s1]
        if _REEVAL.search(seg):
            problems.append("B12 deficiency re-evaluation")
            spans.append(EvidenceSpan((s0, s1), seg))
            managed = True
            continue
        if sec not in ("assessment_plan", "plan", "orders", None) or _B12_ROUTINE.search(seg):
            continue
        # Assessment and plan often sit on separate lines ("A: ankle sprain" / "P: RICE, ibuprofen"):
        # a non-B12 problem anywhere in them plus a management step anywhere in them is enough.
        problem = _PROBLEM_WORDS.search(seg)
        if problem:
            problems.append(problem.group(0).lower())
            spans.append(EvidenceSpan((s0, s1), seg))
        if _MANAGEMENT.search(seg):
            managed = True
    separately = has_hx and bool(problems) and managed
    if not separately:
        return EmEvidence(False, [], [])
    seen: list[str] = []
    for p in problems:
        if p not in seen:
            seen.append(p)
    return EmEvidence(True, seen, spans)


_LOADING = re.compile(
    r"(?:daily|weekly|every\s+(?:other\s+)?(?:day|week)|q\.?\s*(?:day|week|wk|d\b|od\b|\d+\s*days?)|qod|three\s+times\s+(?:a|per)\s+week|"
    r"(?:1|one|2|two|3|three)\s*(?:x|times)\s*(?:a|per|/)\s*week)\s*(?:x|for|times|×)\s*\d+\s*(?:days?|weeks?|wks?|doses?|injections?)?|"
    r"loading\s+(?:dose|doses|phase|series|regimen)|initial\s+(?:series|loading|phase|dosing|repletion)|induction\s+(?:phase|dosing)|repletion\s+(?:phase|series)|"
    r"(?:dose|injection|shot)\s*#?\s*\d\s*(?:of|/)\s*\d|(?:week|day)\s+\d\s+of\s+\d|\d(?:st|nd|rd|th)\s+(?:of\s+\d\s+)?(?:weekly|daily|loading)\s+(?:injection|dose|shot)",
    I)


def find_loading_phase(text: str) -> list[EvidenceSpan]:
    return [EvidenceSpan(m.span(), m.group(0)) for m in _LOADING.finditer(text)]
