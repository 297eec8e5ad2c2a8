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
