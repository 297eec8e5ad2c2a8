import pytest

from notes_audit.extract.labs import interpret, standardise


@pytest.mark.parametrize("text, test, value_std, unit_std, interpretation, status", [
    ("Vitamin B12 182 pg/mL (L)", "b12", 182, "pg/mL", "deficient", "affirmed"),
    ("B12 level was 245 pg/mL.", "b12", 245, "pg/mL", "borderline", "affirmed"),
    ("B12: 512", "b12", 512, "pg/mL", "normal", "affirmed"),
    ("B12 <150 pg/mL", "b12", 150, "pg/mL", "deficient", "affirmed"),
    ("Serum B12 110 pmol/L", "b12", 149.1, "pg/mL", "deficient", "affirmed"),
    ("B12 300 ng/L (L)", "b12", 300, "pg/mL", "deficient", "affirmed"),
    ("MMA 0.62 umol/L (H)", "mma", 0.62, "umol/L", "elevated", "affirmed"),
    ("methylmalonic acid 520 nmol/L", "mma", 0.52, "umol/L", "elevated", "affirmed"),
    ("MMA 0.21 µmol/L", "mma", 0.21, "umol/L", "normal", "affirmed"),
    ("Homocysteine 18 umol/L", "homocysteine", 18, "umol/L", "elevated", "affirmed"),
    ("Hgb 10.2 g/dL (L)", "hemoglobin", 10.2, "g/dL", "deficient", "affirmed"),
    ("MCV 108 fL (H)", "mcv", 108, "fL", "elevated", "affirmed"),
    ("Folate 9.1 ng/mL", "folate", 9.1, "ng/mL", None, "affirmed"),
    ("Vitamin B12 | 182 | L | 232-1245 pg/mL", "b12", 182, "pg/mL", "deficient", "affirmed"),
    ("Her prior B12 was 160 pg/mL in 2019.", "b12", 160, "pg/mL", "deficient", "historical"),
    # another result's unit further along the line is not this one's
    ("Labs 10/20: BUN 31; Hgb 10.8 (L), MCV 95; B12 488 pg/mL; albumin 3.1.", "hemoglobin", 10.8, "g/dL", "deficient", "affirmed"),
    ("Labs 10/20: BUN 31; Hgb 10.8 (L), MCV 95; B12 488 pg/mL; albumin 3.1.", "mcv", 95, "fL", None, "affirmed"),
    # a result is affirmed whatever doubt the diagnosis beside it carries; an old one is historical
    ("Possible pernicious anemia: IF Ab negative, B12 176 pg/mL.", "b12", 176, "pg/mL", "deficient", "affirmed"),
    ("Your B12 before we started the shots was 164 and you had numbness.", "b12", 164, "pg/mL", "deficient", "historical"),
    # separators and dates writers put between the test and its value
    ("Vitamin B12 — 181 pg/mL (L)", "b12", 181, "pg/mL", "deficient", "affirmed"),
    ("Methylmalonic acid . 0.52 umol/L (H)", "mma", 0.52, "umol/L", "elevated", "affirmed"),
    ("Last B12 level 06/2026: 402 pg/mL.", "b12", 402, "pg/mL", "normal", "affirmed"),
    ("Carence en vitamine B12 (B12 sérique 121 pmol/L en 08/2025).", "b12", 164.0, "pg/mL", "deficient", "affirmed"),
    ("B12 142 pg/mL (L), folate 14.2 (nl), TSH 2.1", "folate", 14.2, "ng/mL", "normal", "affirmed"),
])
def test_numeric_labs(extractor, text, test, value_std, unit_std, interpretation, status):
    labs = [x for x in extractor.extract_text(text).labs if x.test == test]
    assert len(labs) == 1, labs
    lab = labs[0]
    assert (lab.value_std, lab.unit_std, lab.interpretation, lab.status) == (value_std, unit_std, interpretation, status)
    assert text[lab.span[0]:lab.span[1]] == lab.text


@pytest.mark.parametrize("text, test, interpretation", [
    ("Intrinsic factor antibody: positive", "intrinsic_factor_ab", "positive"),
    ("IF Ab negative.", "intrinsic_factor_ab", "negative"),
    ("Parietal cell antibodies were negative", "parietal_cell_ab", "negative"),
    ("positive parietal cell Ab", "parietal_cell_ab", "positive"),
])
def test_antibodies(extractor, text, test, interpretation):
    labs = extractor.extract_text(text).labs
    assert [(x.test, x.interpretation, x.status) for x in labs] == [(test, interpretation, "affirmed")]


@pytest.mark.parametrize("text", [
    "Cyanocobalamin 1000 mcg IM given.",  # a dose, not a result
    "Check B12 level at next visit.",  # an order, no result
    "B12 injections monthly x 12 months",
])
def test_no_lab(extractor, text):
    assert extractor.extract_text(text).labs == []


@pytest.mark.parametrize("test, value, unit, std", [
    ("b12", 100.0, "pmol/L", (135.5, "pg/mL")),
    ("mma", 400.0, None, (0.4, "umol/L")),
    ("hemoglobin", 102.0, "g/L", (10.2, "g/dL")),
])
def test_standardise(test, value, unit, std):
    assert standardise(test, value, unit) == std


@pytest.mark.parametrize("test, value, flag, expected", [
    ("b12", 199.9, None, "deficient"), ("b12", 200, None, "borderline"), ("b12", 350, None, "borderline"),
    ("b12", 351, None, "normal"), ("b12", 500, "low", "deficient"), ("mma", 0.41, None, "elevated"),
    ("mma", 0.4, None, "normal"), ("homocysteine", 15.1, None, "elevated"), ("homocysteine", 15, None, "normal"),
])
def test_interpretation_thresholds(test, value, flag, expected):
    assert interpret(test, value, flag, None)[1] == expected


@pytest.mark.parametrize("text, test, value, interpretation, status", [
    ("vitamin B12 which was drawn last week and came back at 196 pg/mL", "b12", 196, "deficient", "affirmed"),
    ("Your vitamin B12 was borderline at 241 pg/mL", "b12", 241, "borderline", "affirmed"),
    ("Your hemoglobin was normal at 13.4", "hemoglobin", 13.4, "normal", "affirmed"),
    ("VITAMIN B12 ............................. 204 pg/mL (L)     ref: 232-1245", "b12", 204, "deficient", "affirmed"),
    ("with low B12 (162 pg/mL, 1/2025)", "b12", 162, "deficient", "affirmed"),
    ("Last B12 (08/2025): 486 pg/mL.", "b12", 486, "normal", "affirmed"),
    ("B12 deficiency found 4/2025 (B12 was previously 165 pg/mL)", "b12", 165, "deficient", "historical"),
    ("Folate, serum        | 9.1    |      | >5.9 ng/mL", "folate", 9.1, None, "affirmed"),
    ("Serum folate             9.1 ug/L         >3.9", "folate", 9.1, None, "affirmed"),
])
def test_lab_phrasings(extractor, text, test, value, interpretation, status):
    labs = [(x.test, x.value, x.interpretation, x.status) for x in extractor.extract_text(text).labs]
    assert (test, value, interpretation, status) in labs, labs


def test_threshold_in_a_rule_is_not_a_result(extractor):
    assert extractor.extract_text("Per protocol, hold if B12 > 1,000.").labs == []


@pytest.mark.parametrize("text, test, value", [
    ("MMA resulted: 0.58 umol/L (H) [ref 0.00-0.40].", "mma", 0.58),
    ("Repeat B12 showed 420 pg/mL.", "b12", 420),
])
def test_result_verbs(extractor, text, test, value):
    assert (test, value) in [(x.test, x.value) for x in extractor.extract_text(text).labs]


@pytest.mark.parametrize("text, expected", [
 ("Cobalamin: 145 pg/mL (low)", ("b12",145,"deficient")),
 ("Vit B12 level 189", ("b12",189,"deficient")),
 ("B12 = 1,150 pg/mL (H)", ("b12",1150,"elevated")),
 ("Serum cobalamin 110 pmol/L (ref 148-660)", ("b12",110,None)),
 ("Methylmalonic acid, serum: 0.78 umol/L HIGH", ("mma",0.78,"elevated")),
 ("MMA 312 nmol/L (ref <= 378)", ("mma",312,"normal")),
 ("Homocysteine, plasma  22.4  umol/L  H", ("homocysteine",22.4,"elevated")),
 ("Holotranscobalamin 19 pmol/L (L)", ("holotc",19,"deficient")),
 ("RBC folate 520 ng/mL", ("folate",520,None)),
 ("Hb 9.8", ("hemoglobin",9.8,None)),
 ("MCV: 112 (H)", ("mcv",112,"elevated")),
 ("Anti-intrinsic factor antibody: Detected", ("intrinsic_factor_ab",None,"positive")),
 ("Parietal cell antibody - not detected", ("parietal_cell_ab",None,"negative")),
 ("B12 was 98 in March", ("b12",98,"deficient")),
 ("B12 level <100 pg/mL", ("b12",100,"deficient")),
])
def test_lab_report_styles(extractor, text, expected):
    test, value, interpretation = expected
    got = {(x.test, x.value, x.interpretation) for x in extractor.extract_text(text).labs}
    assert any(g[0] == test and g[1] == value and (interpretation is None or g[2] == interpretation) for g in got), got


@pytest.mark.parametrize("text, test, value, interpretation", [
    # a reference range written "normal range ..." is not a "normal" flag
    ("Vitamin B12 ............... 262 pg/mL     (normal range 232-1245)", "b12", 262, "borderline"),
    # the flag in a table's own column
    ("| Hemoglobin                    | 10.4     | g/dL    | L    | 12.0-15.5  |", "hemoglobin", 10.4, "deficient"),
    # the reference-range column before the value (Epic result tables)
    ("Vitamin B-12            232 - 1,245 pg/mL    164 (L)", "b12", 164, "deficient"),
    ("Methylmalonic Acid      0 - 378 nmol/L       655 (H)", "mma", 655, "elevated"),
])
def test_lab_table_layouts(extractor, text, test, value, interpretation):
    labs = [(l.test, l.value, l.interpretation) for l in extractor.extract_text(text).labs]
    assert (test, value, interpretation) in labs, labs


def test_a_result_beside_a_negative_antibody_is_not_negated(extractor):
    text = "Not corrected on oral replacement (B12 164, MMA 655). IF Ab negative - PA less likely."
    assert {l.status for l in extractor.extract_text(text).labs if l.test == "b12"} == {"affirmed"}


# Results written many ways: (test, value as written, interpretation).
@pytest.mark.parametrize("text, test, value, interpretation", [
    ('B12 182 pg/mL (L)', 'b12', 182, 'deficient'),
    ('Vitamin B12: 182 pg/mL', 'b12', 182, 'deficient'),
    ('Vit B12 level was 245', 'b12', 245, 'borderline'),
    ('B12 <150 pg/mL', 'b12', 150, 'deficient'),
    ('Cobalamin 98 pmol/L', 'b12', 98, 'deficient'),
    ('Serum B12 = 410 ng/L', 'b12', 410, 'normal'),
    ('B12 level of 176 on 3/2', 'b12', 176, 'deficient'),
    ('her B12 came back at 190', 'b12', 190, 'deficient'),
    ('B12 1,450 pg/mL (H)', 'b12', 1450, 'elevated'),
    ('VITAMIN B12    212 L   pg/mL   232-1245', 'b12', 212, 'deficient'),
    ('MMA 0.62 umol/L (H)', 'mma', 0.62, 'elevated'),
    ('Methylmalonic acid 480 nmol/L', 'mma', 480, 'elevated'),
    ('MMA: 0.21', 'mma', 0.21, 'normal'),
    ('Homocysteine 22 umol/L', 'homocysteine', 22, 'elevated'),
    ('Hcy 11.2 µmol/L', 'homocysteine', 11.2, 'normal'),
    ('Intrinsic factor antibody: positive', 'intrinsic_factor_ab', None, 'positive'),
    ('IF Ab negative', 'intrinsic_factor_ab', None, 'negative'),
    ('Parietal cell Ab positive (1:80)', 'parietal_cell_ab', None, 'positive'),
    ('Anti-parietal cell antibodies: detected', 'parietal_cell_ab', None, 'positive'),
    ('Hgb 10.1 g/dL (L)', 'hemoglobin', 10.1, 'deficient'),
    ('MCV 108 fL (H)', 'mcv', 108, 'elevated'),
    ('Folate 2.1 ng/mL (L)', 'folate', 2.1, 'deficient'),
    ('B12 was 160 in 2019 (previously)', 'b12', 160, 'deficient'),
])
def test_lab_phrasings_table(extractor, text, test, value, interpretation):
    got = {(l.test, l.value, l.interpretation) for l in extractor.extract_text(text).labs}
    assert (test, value, interpretation) in got, got


@pytest.mark.parametrize("text, expected", [
    # the result behind a diagnosis, in brackets
    ("B12 deficiency (last level 168 pg/mL, 3/2025). Cyanocobalamin given.", [("b12", 168, "deficient")]),
    # a date's tail is no value
    ("B12 deficiency found 4/2025 (B12 was previously 165 pg/mL).", [("b12", 165, "deficient")]),
])
def test_results_behind_diagnoses(extractor, text, expected):
    assert [(l.test, l.value, l.interpretation) for l in extractor.extract_text(text).labs] == expected


@pytest.mark.parametrize("text, expected", [
    # an empty cell, a pending result, or "+" meaning "and" is no antibody result
    ("IF Ab                 --             pending\nParietal cell Ab      --             POSITIVE\n",
     [("parietal_cell_ab", "positive")]),
    ("Parietal cell Ab ... POSITIVE\nIntrinsic factor Ab  pending\n", [("parietal_cell_ab", "positive")]),
    ("MRI C-spine ordered; IF Ab + parietal cell Ab ordered.", []),
    ("Anti-intrinsic factor Ab - Positive\nAnti-parietal cell Ab - sent, report awaited", [("intrinsic_factor_ab", "positive")]),
    # signs and words that are results
    ("IF Ab +", [("intrinsic_factor_ab", "positive")]),
    ("IF Ab (-)", [("intrinsic_factor_ab", "negative")]),
    ("Intrinsic factor Ab -\n", [("intrinsic_factor_ab", "negative")]),
    ("positive IF Ab", [("intrinsic_factor_ab", "positive")]),
])
def test_antibody_results(extractor, text, expected):
    assert [(l.test, l.interpretation) for l in extractor.extract_text(text).labs] == expected


@pytest.mark.parametrize("text, expected", [
    # a titer is the value as written; with no result word its flag, else its reference range, says which
    ("Parietal cell Ab: POSITIVE 48.5 U (ref <20.0)", [("parietal_cell_ab", 48.5, "U", "positive")]),
    ("PARIETAL CELL AB, IgG             58.3 Units (H)      ref: 0.0-20.0", [("parietal_cell_ab", 58.3, "Units", "positive")]),
    ("Intrinsic factor Ab 1.1 AU/mL ref 0.0-1.1", [("intrinsic_factor_ab", 1.1, "AU/mL", "negative")]),
    ("IF Ab negative", [("intrinsic_factor_ab", None, None, "negative")]),
    ("Parietal cell Ab 48 U", []),  # no word, flag or range: no result to read
])
def test_antibody_titers(extractor, text, expected):
    assert [(l.test, l.value, l.unit, l.interpretation) for l in extractor.extract_text(text).labs] == expected


@pytest.mark.parametrize("text, expected", [
    # an interface report: the result on the line under the test's name
    ("VITAMIN B12, SERUM\n  Result: 155 pg/mL    Flag: L    Reference: 232-1245 pg/mL\n  Collected: 02/18/2025 08:12\n",
     [("b12", 155, "deficient")]),
    ("Seen at urgent care 6/10 for fatigue; B12 there 151 pg/mL (L).", [("b12", 151, "deficient")]),
    # a form's blank filled in
    ("Most recent labs:  B12 _172_ pg/mL   Date _3/28/25_", [("b12", 172, "deficient")]),
])
def test_results_under_the_name_and_from_elsewhere(extractor, text, expected):
    assert [(l.test, l.value, l.interpretation) for l in extractor.extract_text(text).labs] == expected


@pytest.mark.parametrize("text, expected", [
    # the level behind a diagnosis, named as a level (no unit needed); "was" makes it the earlier one
    ("44 y/o F with B12 deficiency (level 162 in 3/2025) and celiac disease", [("b12", 162, "deficient", "affirmed")]),
    ("for B12 deficiency (level was 164 in 2022)", [("b12", 164, "deficient", "historical")]),
    ("B12 deficiency (on injections since 2019)", []),
])
def test_the_level_behind_a_diagnosis(extractor, text, expected):
    assert [(l.test, l.value, l.interpretation, l.status) for l in extractor.extract_text(text).labs] == expected


@pytest.mark.parametrize("text, expected", [
    ("Called pt re labs: B12 148 L, fol 5.2, MCV 104 H", [("b12", 148), ("folate", 5.2), ("mcv", 104)]),
    ("dx fatigue, low-nl B12 (312 in Jan). energy better", [("b12", 312)]),
    ("Data: CBC 3/26: Hgb 14.1. B12 on tx >2000.", [("hemoglobin", 14.1), ("b12", 2000)]),
    ("B12 1000mcg IM given, L arm. Hgb fingerstick 13.2.", [("hemoglobin", 13.2)]),
    ("B12 (1000 mcg) IM given", []),  # a dose in brackets is no result
])
def test_terse_results(extractor, text, expected):
    assert [(l.test, l.value) for l in extractor.extract_text(text).labs] == expected
