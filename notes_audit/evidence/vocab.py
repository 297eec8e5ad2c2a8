"""The closed vocabularies of SPEC §3. A value outside these sets is a bug."""

from __future__ import annotations

LAB_TESTS = frozenset(
    {
        "b12",
        "mma",
        "homocysteine",
        "holotc",
        "folate",
        "hemoglobin",
        "mcv",
        "intrinsic_factor_ab",
        "parietal_cell_ab",
    }
)

# Standard unit per test (SPEC §3 `unit_std`). Antibody tests carry no unit.
STD_UNIT = {
    "b12": "pg/mL",
    "holotc": "pmol/L",
    "mma": "umol/L",
    "homocysteine": "umol/L",
    "folate": "ng/mL",
    "hemoglobin": "g/dL",
    "mcv": "fL",
    "intrinsic_factor_ab": None,
    "parietal_cell_ab": None,
}

LAB_FLAGS = frozenset({"low", "high", "normal", "positive", "negative"})
INTERPRETATIONS = frozenset({"deficient", "borderline", "normal", "elevated", "positive", "negative"})

STATUSES = frozenset({"affirmed", "negated", "uncertain", "hypothetical", "historical", "family"})

# concept -> default ICD-10-CM code written in the evidence (SPEC §3).
CONCEPT_ICD10 = {
    "pernicious_anemia": "D51.0",
    "b12_deficiency_anemia": "D51.9",
    "b12_deficiency": "E53.8",
    "megaloblastic_anemia": "D53.1",
    "macrocytic_anemia": "D53.9",
    "atrophic_gastritis": "K29.40",
    "gastrectomy_status": "Z90.3",
    "bariatric_surgery_status": "Z98.84",
    "intestinal_resection_status": "Z90.49",
    "malabsorption": "K90.9",
    "celiac_disease": "K90.0",
    "crohns_disease": "K50.90",
    "subacute_combined_degeneration": "G32.0",
    "neuropathy": "G62.9",
    "fish_tapeworm": "B70.0",
    "metformin_long_term": "Z79.84",
    "fatigue": "R53.83",
}
CONCEPTS = frozenset(CONCEPT_ICD10)

# Concepts that describe a past procedure: `historical` still supports them (SPEC §5.1).
STATUS_CONCEPTS = frozenset({"gastrectomy_status", "bariatric_surgery_status", "intestinal_resection_status"})

DRUGS = frozenset({"cyanocobalamin", "hydroxocobalamin", "methylcobalamin", "b12_unspecified"})
DOSE_UNITS = frozenset({"mcg", "mg"})
ROUTES = frozenset({"IM", "SC", "IV", "PO", "SL", "nasal"})
INJECTABLE_ROUTES = frozenset({"IM", "SC"})
ADMIN_STATUSES = frozenset({"given", "ordered", "planned", "declined", "held", "historical"})
PRESENCES = frozenset({"in_office", "virtual", "absent", "unknown"})

# Credentials of auxiliary staff whose injections need direct supervision (SPEC §5.1).
AUXILIARY_CREDENTIALS = frozenset({"RN", "LPN", "LVN", "MA", "CMA", "RMA", "CCMA", "NURSE"})
