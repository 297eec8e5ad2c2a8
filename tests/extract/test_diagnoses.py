import pytest


@pytest.mark.parametrize("text, concept, status", [
    ("Assessment: pernicious anemia.", "pernicious_anemia", "affirmed"),
    ("Dx: PA, on monthly B12.", "pernicious_anemia", "affirmed"),
    ("Possible pernicious anemia, IF Ab pending.", "pernicious_anemia", "uncertain"),
    ("r/o B12 deficiency", "b12_deficiency", "uncertain"),
    ("No evidence of pernicious anemia.", "pernicious_anemia", "negated"),
    ("Mother has pernicious anemia.", "pernicious_anemia", "family"),
    ("If levels remain low, consider celiac disease.", "celiac_disease", "hypothetical"),
    ("s/p Roux-en-Y gastric bypass 2015", "bariatric_surgery_status", "affirmed"),
    ("History of gastric bypass.", "bariatric_surgery_status", "affirmed"),
    ("s/p partial gastrectomy", "gastrectomy_status", "affirmed"),
    ("Crohn's ileitis with ileal resection", "crohns_disease", "affirmed"),
    ("Crohn's ileitis with ileal resection", "intestinal_resection_status", "affirmed"),
    ("Vitamin B12 deficiency anemia", "b12_deficiency_anemia", "affirmed"),
    ("cobalamin deficiency", "b12_deficiency", "affirmed"),
    ("Long-term metformin use.", "metformin_long_term", "affirmed"),
    ("Patient denies fatigue.", "fatigue", "negated"),
    ("Subacute combined degeneration of the cord", "subacute_combined_degeneration", "affirmed"),
    ("Diphyllobothrium latum infection", "fish_tapeworm", "affirmed"),
])
def test_concept_and_status(extractor, text, concept, status):
    found = {(d.concept, d.status) for d in extractor.extract_text(text).diagnoses}
    assert (concept, status) in found, found


@pytest.mark.parametrize("text", [
    "Supervised by Jane Park, PA-C.",  # PA the credential, not pernicious anemia
    "Hemoglobin A1c 7.2%",
])
def test_no_false_concepts(extractor, text):
    assert [d.concept for d in extractor.extract_text(text).diagnoses if d.concept == "pernicious_anemia"] == []


@pytest.mark.parametrize("text, present, absent", [
    ("Indication: [X] Vit B12 deficiency  [ ] Pernicious anemia", "b12_deficiency", "pernicious_anemia"),
    ("Dx: ☐ celiac disease ☒ Crohn's disease", "crohns_disease", "celiac_disease"),
])
def test_unchecked_boxes_are_not_mentions(extractor, text, present, absent):
    concepts = {d.concept for d in extractor.extract_text(text).diagnoses}
    assert present in concepts and absent not in concepts
