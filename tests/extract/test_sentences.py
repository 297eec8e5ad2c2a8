import pytest

from notes_audit.extract.sentences import sentence_bounds


def _sentences(text):
    return [text[a:b] for a, b in sentence_bounds(text)]


@pytest.mark.parametrize("text, expected", [
    ("Pt seen today. B12 given.", ["Pt seen today.", "B12 given."]),
    ("Dr. Chen present. Next visit 4 wks.", ["Dr. Chen present.", "Next visit 4 wks."]),
    ("- fatigue\n- numbness\n- pallor", ["- fatigue", "- numbness", "- pallor"]),
    ("1. Pernicious anemia.\n2. HTN.", ["1. Pernicious anemia.", "2. HTN."]),
    ("Dx: B12 deficiency\nPlan: B12 IM monthly", ["Dx: B12 deficiency", "Plan: B12 IM monthly"]),
    ("ASSESSMENT:,  1. Pernicious anemia.,  2. Hypertension.,  PLAN:,  Continue.",
     ["ASSESSMENT:,", "1. Pernicious anemia.,", "2. Hypertension.,", "PLAN:,", "Continue."]),
    ("B12 | 182 | L\nMMA | 0.62 | H", ["B12 | 182 | L", "MMA | 0.62 | H"]),
    ("The patient was seen in clinic today for her monthly vitamin\nb12 injection which she tolerated well.",
     ["The patient was seen in clinic today for her monthly vitamin\nb12 injection which she tolerated well."]),
    ("Hgb 10.2 g/dL. MCV 108.", ["Hgb 10.2 g/dL.", "MCV 108."]),
    ("VITAMIN B12 .......... 204 pg/mL (L)", ["VITAMIN B12 .......... 204 pg/mL (L)"]),
    # a note written in lower case: a full stop after a word that is no abbreviation ends a sentence
    ("tol well. denies sob/cp. dx PA.", ["tol well.", "denies sob/cp.", "dx PA."]),
    ("1 mL SQ abd LLQ. no issues. next due 6/30.", ["1 mL SQ abd LLQ. no issues.", "next due 6/30."]),
    ("pt here for b12 inj. given 1000 mcg IM, approx. two min after.", ["pt here for b12 inj. given 1000 mcg IM, approx. two min after."]),
    ("", []),
    ("   \n  ", []),
])
def test_sentence_bounds(text, expected):
    assert _sentences(text) == expected


@pytest.mark.parametrize("text", ["a" * 10000, "B12. " * 5000, "\n" * 1000, "x.\n" * 3000])
def test_spans_are_ordered_and_in_bounds(text):
    spans = sentence_bounds(text)
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))
