import pytest


def _labs(extractor, text):
    return [(l.test, l.value, l.interpretation, l.date) for l in extractor.extract_text(text).labs]


@pytest.mark.parametrize("text, expected", [
    # a lone test's trend: the rows below its header
    ("Labs\nVitamin B12 trend:\n 06/2022  188 pg/mL\n 02/2023  402 pg/mL\n\nPlan: continue.",
     [("b12", 188, "deficient", "06/2022"), ("b12", 402, "normal", "02/2023")]),
    # several tests as columns, units in the header, flags in the cells
    ("Trend\n             B12 (pg/mL)   Hgb (g/dL)   MCV (fL)\n"
     "  01/2024     142 L         9.8 L        112 H\n  07/2024     455           12.9         94\n",
     [("b12", 142, "deficient", "01/2024"), ("hemoglobin", 9.8, "deficient", "01/2024"), ("mcv", 112, "elevated", "01/2024"),
      ("b12", 455, "normal", "07/2024"), ("hemoglobin", 12.9, None, "07/2024"), ("mcv", 94, None, "07/2024")]),
    # a rule line under the header; pmol/L converted as anywhere else
    ("Date        B12 (pmol/L)\n----------  ------------\n2025-03-01  110 L\n",
     [("b12", 110, "deficient", "2025-03-01")]),
    # a cell left empty: the value goes to the column it stands under
    ("            B12        MMA (umol/L)\n  03/2025   171 L      0.61 H\n  09/2025              0.28\n",
     [("b12", 171, "deficient", "03/2025"), ("mma", 0.61, "elevated", "03/2025"), ("mma", 0.28, "normal", "09/2025")]),
])
def test_trend_tables(extractor, text, expected):
    assert _labs(extractor, text) == expected


@pytest.mark.parametrize("text", [
    "RN visit - Coumadin clinic + B12\n11/13/2025 1340\nINR 2.8.",  # a title, then the visit's date and time
    "B12 deficiency:\n 03/2025 started injections\n",  # a diagnosis heading, no values under it
    "B12 182 pg/mL (L)\n 03/2025  stable\n",  # the header line already holds its value
])
def test_not_trend_tables(extractor, text):
    assert [l for l in extractor.extract_text(text).labs if l.date] == []


@pytest.mark.parametrize("text, expected", [
    # a header of dates, one row per test: each value under its date (the first is read as usual)
    ("Lab Flowsheet\n                          02/11/2025      08/06/2024      02/02/2024\n"
     "Vitamin B12 (211-911)     >2000 H         1684 H          1122 H\n"
     "Folate (>5.9 ng/mL)       16.4            15.1            --\n\nA/P: hold today's dose.",
     {("b12", 2000, "elevated"), ("b12", 1684, "elevated"), ("b12", 1122, "elevated"), ("folate", 16.4, None),
      ("folate", 15.1, None)}),
    # a reference-range column stands under no date
    ("Component          Ref Range & Units     07/24/25     05/08/25\n"
     "Vitamin B12        232 - 1245 pg/mL      618          151 (L)\n"
     "MCV                80 - 100 fL           94           106 (H)\n",
     {("b12", 618, "normal"), ("b12", 151, "deficient"), ("mcv", 94, None), ("mcv", 106, "elevated")}),
    # month/year columns, units beside the test
    ("Labs - trend\n                    04/2023    05/2024    04/2025\nB12 (pg/mL)          402        311        174 L\n",
     {("b12", 402, "normal"), ("b12", 311, "borderline"), ("b12", 174, "deficient")}),
    # dates in a title are no header, and a line of several results is no row
    ("Labs (11/03 and 11/07/2026):\n Hgb 8.9 g/dL (L)   MCV 118 fL (H)   RDW 19.8   Plt 132   WBC 4.1\n",
     {("hemoglobin", 8.9, "deficient"), ("mcv", 118, "elevated")}),
    # values after arrows are the same test's later results; one already listed is not read twice
    ("Trend: B12 143 (Jan '24) -> 388 (Jun '24) -> 512 (drawn 5/15/25). No neuro change.",
     {("b12", 143, "deficient"), ("b12", 388, "normal"), ("b12", 512, "normal")}),
    ("MMA 0.8 umol/L → 0.3", {("mma", 0.8, "elevated"), ("mma", 0.3, "normal")}),
])
def test_dated_columns_and_arrows(extractor, text, expected):
    assert {(l.test, l.value, l.interpretation) for l in extractor.extract_text(text).labs} == expected


def test_a_chained_value_listed_elsewhere_is_one_result(extractor):
    text = "Labs: Hgb 12.1 (L)   MCV 96\nA: good response (Hgb 9.2 -> 12.1).\n"
    labs = [(l.test, l.value) for l in extractor.extract_text(text).labs]
    assert labs.count(("hemoglobin", 12.1)) == 1


@pytest.mark.parametrize("text, expected", [
    # the value before treatment, in an aside beside today's: an earlier (historical) result with its date
    ("Labs 9/30: B12 203 on therapy (pre-treatment 6/2025: 88 pg/mL, L).",
     {("b12", 203, "borderline", "affirmed", None), ("b12", 88, "deficient", "historical", "6/2025")}),
    ("MMA 0.31 umol/L (baseline 0.89)", {("mma", 0.31, "normal", "affirmed", None), ("mma", 0.89, "elevated", "historical", None)}),
    ("B12 450 pg/mL (was 120 in March)", {("b12", 450, "normal", "affirmed", None), ("b12", 120, "deficient", "historical", None)}),
    # an aside that is no earlier value
    ("B12 450 pg/mL (ref 232-1245)", {("b12", 450, "normal", "affirmed", None)}),
])
def test_the_value_before_treatment(extractor, text, expected):
    assert {(l.test, l.value, l.interpretation, l.status, l.date) for l in extractor.extract_text(text).labs} == expected
