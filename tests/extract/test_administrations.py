import pytest


@pytest.mark.parametrize("text, drug, status, dose, unit, route", [
    ("Cyanocobalamin 1000 mcg IM given in L deltoid.", "cyanocobalamin", "given", 1000, "mcg", "IM"),
    ("B12 1,000 mcg I.M. administered R deltoid", "b12_unspecified", "given", 1000, "mcg", "IM"),
    ("cyanocobalmin 1 mg IM given", "cyanocobalamin", "given", 1, "mg", "IM"),
    ("Cyanocobalamin 1 mL of 1000 mcg/mL injected deep subcutaneously", "cyanocobalamin", "given", 1000, "mcg", "SC"),
    ("Gave 0.5 mL of cyanocobalamin 1000 mcg/mL IM", "cyanocobalamin", "given", 500, "mcg", "IM"),
    ("Hydroxocobalamin 1000 mcg IM given today.", "hydroxocobalamin", "given", 1000, "mcg", "IM"),
    ("Patient declined B12 injection today.", "b12_unspecified", "declined", None, None, None),
    ("B12 shot held today; level 1,450.", "b12_unspecified", "held", None, None, None),
    ("Start cyanocobalamin 1000 mcg IM weekly x4.", "cyanocobalamin", "ordered", 1000, "mcg", "IM"),
    ("Next B12 injection in 4 weeks.", "b12_unspecified", "planned", None, None, None),
    ("Medications:\n- cyanocobalamin 1000 mcg/mL inject 1 mL IM monthly\n", "cyanocobalamin", "historical", 1000, "mcg", "IM"),
    ("Takes vitamin B12 1000 mcg tablet daily.", "b12_unspecified", "historical", 1000, "mcg", "PO"),
    ("Methylcobalamin 1000 mcg SQ given.", "methylcobalamin", "given", 1000, "mcg", "SC"),
])
def test_administration(extractor, text, drug, status, dose, unit, route):
    got = [(a.drug, a.status, a.dose_value, a.dose_unit, a.route) for a in extractor.extract_text(text).administrations]
    assert (drug, status, dose, unit, route) in got, got


@pytest.mark.parametrize("text, credential, supplied, site", [
    ("Cyanocobalamin 1000 mcg IM given L deltoid by Jane Doe, RN.", "RN", False, "left deltoid"),
    ("B12 1000 mcg IM given right deltoid. Given by: Maria Lopez, CMA", "CMA", False, "right deltoid"),
    ("Pt brought own vial. Cyanocobalamin 1000 mcg IM given L deltoid.", None, True, "left deltoid"),
])
def test_administration_details(extractor, text, credential, supplied, site):
    (a,) = [a for a in extractor.extract_text(text).administrations if a.status == "given"]
    assert (a.administered_by.credential if a.administered_by else None, a.patient_supplied, a.site) == (credential, supplied, site)


def test_mentions_of_one_event_merge(extractor):
    text = "B12 shot today. Cyanocobalamin 1000 mcg IM given L deltoid. Tolerated the B12 injection well."
    admins = extractor.extract_text(text).administrations
    assert [(a.drug, a.status) for a in admins] == [("cyanocobalamin", "given")]


@pytest.mark.parametrize("text, expected", [
    ("Patient was given her B12 shot in the left deltoid.", {("b12_unspecified", "given")}),
    ("Could transition to high-dose oral B12 given intact absorption.", set()),
    ("Here for her B12 shot. Cyanocobalamin 1000 mcg IM given L deltoid.", {("cyanocobalamin", "given")}),
    ("Her last hydroxocobalamin injection was given on 10 February.", {("hydroxocobalamin", "historical")}),
    ("Recheck B12 level in 3 months.", set()),
    ("Medication: Cyanocobalamin 1000 mcg/mL\nDose: 1000 mcg\nRoute: IM\nSite: R deltoid\nLot #: C2219",
     {("cyanocobalamin", "given")}),
])
def test_event_status(extractor, text, expected):
    got = {(a.drug, a.status) for a in extractor.extract_text(text).administrations}
    assert expected <= got and not {g for g in got if g[1] == "given"} - expected


@pytest.mark.parametrize("text, dose", [
    ("Given 1.5 mL (1000 mcg/mL) cyanocobalamin IM L deltoid.", 1500),
    ("Cyanocobalamin 2 mL (1,000 mcg/mL) IM given.", 2000),
])
def test_volume_times_concentration(extractor, text, dose):
    (a,) = [a for a in extractor.extract_text(text).administrations if a.status == "given"]
    assert (a.dose_value, a.dose_unit) == (dose, "mcg")


@pytest.mark.parametrize("text, expected", [
 ("B12 inj done R delt.", ("b12_unspecified","given")),
 ("Injected cyanocobalamin 1000 mcg R deltoid.", ("cyanocobalamin","given")),
 ("Pt received 1000 mcg B12 IM today.", ("b12_unspecified","given")),
 ("Vitamin B12 shot - given.", ("b12_unspecified","given")),
 ("cyanocobalamin 1000 mcg IM 09:12 RN initials JD", ("cyanocobalamin","given")),
 ("Cyanocobalamin 1000 mcg IM  [x] Given [ ] Refused", ("cyanocobalamin","given")),
 ("Cyanocobalamin 1000 mcg IM  [ ] Given [x] Refused", ("cyanocobalamin","declined")),
 ("B12 injection #3 of 4 completed.", ("b12_unspecified","given")),
 ("New Rx: cyanocobalamin 1000 mcg/mL, inject 1 mL IM monthly.", ("cyanocobalamin","ordered")),
 ("Standing order written for B12 1000 mcg IM q month.", ("b12_unspecified","ordered")),
 ("Next B12 shot 11/2.", ("b12_unspecified","planned")),
 ("Continue monthly B12 injections.", ("b12_unspecified","planned")),
 ("RTC 4 wk for B12.", ("b12_unspecified","planned")),
 ("Pt deferred B12 shot today - needle phobia.", ("b12_unspecified","declined")),
 ("B12 held - pt febrile.", ("b12_unspecified","held")),
 ("Cyanocobalamin not given, INR 4.2.", ("cyanocobalamin","held")),
 ("Gets B12 shots at CVS MinuteClinic.", ("b12_unspecified","historical")),
 ("Last B12 shot 2 months ago.", ("b12_unspecified","historical")),
 ("Was on B12 shots in 2019.", ("b12_unspecified","historical")),
 ("Meds: cyanocobalamin 1000 mcg tab daily, lisinopril 10 mg.", ("cyanocobalamin","historical")),
 ("Administered vitamin B-12 1,000 mcg I.M. to L deltoid, lot 44A, exp 2/27.", ("b12_unspecified","given")),
 ("Pt given her monthly cyanocobalamin.", ("cyanocobalamin","given")),
 ("Cyanocobalamin 1 mg IM x1 now.", ("cyanocobalamin","ordered")),
 ("B12 1000mcg IM given today per protocol; next due 12/1.", ("b12_unspecified","given")),
 ("Patient refused her B12 shot.", ("b12_unspecified","declined")),
 ("Hydroxocobalamin 1 mg IM q3 months - due next in March.", ("hydroxocobalamin","planned")),
 ("Self-administers cyanocobalamin SC monthly at home.", ("cyanocobalamin","historical")),
 ("Did not receive B12 today as pt arrived late.", ("b12_unspecified","held")),
])
def test_status_phrasings(extractor, text, expected):
    assert expected in {(a.drug, a.status) for a in extractor.extract_text(text).administrations}


@pytest.mark.parametrize("text, expected", [
 ("Nurse visit.\nB12 1000 mcg IM L deltoid.\nNo reaction.", ("b12_unspecified","given")),
 ("Cyanocobalamin 1000mcg/1mL IM - R deltoid - lot 123A - exp 1/26 - JR RN", ("cyanocobalamin","given")),
 ("Injection: Vitamin B12 1000 mcg | Route: IM | Site: LD | Time: 10:15 | By: K. Moss, MA", ("b12_unspecified","given")),
 ("Starting B12 loading: cyanocobalamin 1000 mcg IM daily x7. Dose 1 given today by S. Park RN.", ("cyanocobalamin","given")),
 ("Pt tolerated B12 injection without difficulty.", ("b12_unspecified","given")),
 ("Vitamin B12 (cyanocobalamin) 1,000 mcg IM administered to LEFT DELTOID at 0930 by MA.", ("cyanocobalamin","given")),
 ("Procedure: IM injection of cyanocobalamin 1000 mcg, right deltoid. Pt tolerated well.", ("cyanocobalamin","given")),
 ("96372 - therapeutic injection: cyanocobalamin 1000 mcg IM, L delt.", ("cyanocobalamin","given")),
 ("Gave pt her B-12, 1cc IM in R arm.", ("b12_unspecified","given")),
 ("Monthly cyanocobalamin injection completed today; RTC 4 weeks.", ("cyanocobalamin","given")),
 ("Cyanocobalamin 1000 mcg given PO.", ("cyanocobalamin","given")),
 ("B12 injection deferred to next visit, pt ill.", ("b12_unspecified","held")),
 ("Today: hydroxocobalamin 1 mg IM #2/6 - R glute.", ("hydroxocobalamin","given")),
])
def test_charted_administrations(extractor, text, expected):
    assert expected in {(a.drug, a.status) for a in extractor.extract_text(text).administrations}


@pytest.mark.parametrize("text, expected", [
 ("Cyanocobalamin 1000 mcg IV push given over 2 min.", ("cyanocobalamin","given","IV")),
 ("B12 1000 mcg administered intravenously in the infusion chair.", ("b12_unspecified","given","IV")),
 ("Gave B12 1000 mcg SL tablet in clinic today.", ("b12_unspecified","given","SL")),
 ("Nascobal 500 mcg intranasal administered in office.", ("cyanocobalamin","given","nasal")),
 ("Cyanocobalamin 1000 mcg PO given in clinic with water.", ("cyanocobalamin","given","PO")),
 ("B12 1000 mcg added to IV fluids and infused.", ("b12_unspecified","given","IV")),
 ("Vitamin B12 injection given IV by RN.", ("b12_unspecified","given","IV")),
 ("MA gave cyanocobalamin 1,000 mcg by mouth during the visit.", ("cyanocobalamin","given","PO")),
])
def test_non_injectable_routes_given(extractor, text, expected):
    assert expected in {(a.drug, a.status, a.route) for a in extractor.extract_text(text).administrations}


@pytest.mark.parametrize("text, expected", [
 ("Medication: Cyanocobalamin 1000 mcg\nAdministered: [x] Yes [ ] No\nRoute: IM", ("cyanocobalamin","given")),
 ("B12 injection: Y\nSite: L deltoid", ("b12_unspecified","given")),
 ("Cyanocobalamin 1000 mcg IM ☑ given ☐ refused", ("cyanocobalamin","given")),
 ("Vit B12 1000mcg IM x1 - done", ("b12_unspecified","given")),
 ("Injection given: cyanocobalamin 1000 mcg", ("cyanocobalamin","given")),
 ("Medication administered: Vitamin B-12 1000 mcg/mL, 1 mL", ("b12_unspecified","given")),
 ("Immunizations/Injections: Cyanocobalamin 1,000 mcg IM RD. Pt tolerated.", ("cyanocobalamin","given")),
 ("Tx: B12 1000 mcg IM (L) delt", ("b12_unspecified","given")),
 ("12/03 B12 1000 mcg IM LD - KM, LPN", ("b12_unspecified","given")),
 ("Cyanocobalamin 1000 mcg IM: GIVEN", ("cyanocobalamin","given")),
 ("Status: Administered\nMedication: cyanocobalamin 1000 mcg IM", ("cyanocobalamin","given")),
])
def test_template_answers(extractor, text, expected):
    assert expected in {(a.drug, a.status) for a in extractor.extract_text(text).administrations}


# Phrasings of status that a plain "strongest cue wins" rule gets wrong: a plan right before the drug,
# a condition or option, a charge line, a regimen that runs past today's dose, an order sent after.
@pytest.mark.parametrize("text, expected", [
    ("I administered cyanocobalamin 1000 mcg IM today she tolerated it well we will continue the "
     "cyanocobalamin weekly for four weeks", {("cyanocobalamin", "given"), ("cyanocobalamin", "planned")}),
    ("If B12 low, will start IM replacement promptly.", set()),
    ("RTC 2 wk to review; will decide on B12 injections vs oral then.", set()),
    ("If B12 does not improve on oral, will consider IM injections.", set()),
    ("Charges:\n  J3420  Vit B12 cyanocobalamin up to 1000 mcg  x1\n", set()),
    ("Ordered: cyanocobalamin 1000 mcg IM daily x 7, then weekly x 4, then monthly. 1st dose given today L deltoid.",
     {("cyanocobalamin", "given"), ("cyanocobalamin", "ordered")}),
    ("Will start cyanocobalamin 1000 mcg IM weekly x 4, then monthly. First injection given today in R deltoid.",
     {("cyanocobalamin", "given"), ("cyanocobalamin", "planned")}),
    ("Switch route: Nascobal (cyanocobalamin nasal spray) 500 mcg weekly. Rx sent.", {("cyanocobalamin", "ordered")}),
    ("Reason: monthly vitamin B12 injection.\nCyanocobalamin 1000 mcg IM L deltoid. Tolerated.",
     {("cyanocobalamin", "given")}),
    ("Meds: donepezil 5 mg (started 8/2025), methylcobalamin 5000 mcg SL daily (OTC, self-started).",
     {("methylcobalamin", "historical")}),
    ("I've been getting the monthly B12 shots since last year.", {("b12_unspecified", "historical")}),
    ("Pt brought own vial (cyanocobalamin 1000 mcg/mL, Rx label verified, lot 23K118).\n"
     "Cyanocobalamin 1000 mcg IM L deltoid.", {("cyanocobalamin", "given")}),
])
def test_status_in_context(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, dose, route", [
    # another drug's dose in the same paragraph is not the B12 dose
    ("Pt on monthly cyanocobalamin, here for his injection. BP high despite lisinopril 20 mg daily.", None, None),
    # a route earlier in the sentence belongs to another subject
    ("Absorbs oral supplements poorly despite diet; has been getting monthly B12 shots here since 2021.", None, None),
    # a concentration is the dose only when no volume follows
    ("Shot: Methyl B12 (methylcobalamin 5 mg/mL)\nVolume: 0.5 mL    Route: IM    Site: R deltoid", 2500, "IM"),
    # a list entry's route is its own line's (and its sig lines'), not the next entry's
    ("Medications:\n- Vitamin B12 injection monthly at clinic\n- metformin 500 mg tablet by mouth twice daily\n", None, None),
    ("Medications:\ncyanocobalamin 1000 mcg/mL inj\n    Inject 1 mL every 4 weeks\nomeprazole 20 mg capsule\n"
     "    Take 1 capsule by mouth daily\n", 1000, None),
    ("Current meds: B12 shots monthly, omeprazole 20 mg po daily, levothyroxine 50 mcg po daily.", None, None),
    # prescription sigs spell the route out
    ("Current Outpatient Medications:\n- cyanocobalamin 1,000 mcg/mL injection solution. Inject 1 mL (1,000 mcg total) "
     "into the muscle every 30 (thirty) days.\n- lisinopril 10 mg tablet. Take 1 tablet by mouth daily.\n", 1000, "IM"),
    ("Medications:\ncyanocobalamin 1000 mcg/mL injection, Inject 1,000 mcg under the skin once a month\n", 1000, "SC"),
    ("MEDS: Nascobal 500 mcg/spray, 1 spray in one nostril once weekly\n", 500, "nasal"),
    ("Medications\n• Vitamin B-12 1000 MCG SUBL tablet, Place 1 tablet under the tongue daily.\n", 1000, "SL"),
    ("Medications\n• cyanocobalamin 1000 MCG tablet, Take 1 tablet (1,000 mcg total) by mouth daily.\n", 1000, "PO"),
    ("Plan: Cyanocobalamin 1000 mcg into the muscle today; tolerated well.", 1000, "IM"),
    # an amount beats a concentration; a vial's size is not the volume drawn
    ("Pt provided own medication: hydroxocobalamin 5000 mcg/mL (compounded). Dose per Rx: 0.2 mL = 1000 mcg. Given IM.", 1000, "IM"),
    # an unticked option names no drug given
    ("[x] Vitamin B12 (cyanocobalamin) 1000 mcg   [ ] Toradol 60 mg   [ ] Depo-Medrol 80 mg\nRoute: [x] IM  [ ] SC   Site: R deltoid",
     1000, "IM"),
    ("Pt brings own hydroxocobalamin 1000 mcg/mL (purchased in Canada, 10 mL MDV, label verified).\n"
     "Dose: 1 mL (1000 mcg)   Route: IM   Site: L deltoid   given", 1000, "IM"),
])
def test_attributes_belong_to_the_mention(extractor, text, dose, route):
    a = extractor.extract_text(text).administrations[0]
    dose_mcg = None if a.dose_value is None else a.dose_value * (1000 if a.dose_unit == "mg" else 1)
    assert (dose_mcg, a.route) == (dose, route)


@pytest.mark.parametrize("text, expected", [
    ("Hydroxocobalamin 1000 mcg/mL, 1 mL I.M., R ventrogluteal – IM injection performed 13:52 by Jo Smith, RN.",
     {("hydroxocobalamin", "given")}),
    ("1. Stop oral cyanocobalamin. Switch to cyanocobalamin 1000 mcg IM weekly x 4, then monthly - order signed. "
     "First dose given today by W. Marchbanks, RN.", {("cyanocobalamin", "historical"), ("cyanocobalamin", "given"),
                                                     ("cyanocobalamin", "ordered")}),
    ("Scheduled for: Vitamin B12 (cyanocobalamin) 1000 mcg IM - monthly\n\nOn arrival pt febrile.\n\n"
     "Injection held d/t acute illness - not given.", {("cyanocobalamin", "held")}),
    ("Scheduled: cyanocobalamin 1000 mcg IM (monthly)\n\nRN note: Pt refused injection today; had lightheadedness "
     "with his last 2 shots.", {("cyanocobalamin", "declined")}),
    ("We reviewed that high-dose oral B12 is absorbed by passive diffusion.", set()),
    ("Possible component of B12 deficiency given low-normal B12 on long-term metformin.", set()),
])
def test_status_from_the_whole_visit(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


# Given today or not: phrasings from many EHRs and hands (a given injection must never be missed, and
# a plan, refusal, hold or history must never read as given).
# Templates, tables and flowsheets: the drug name and the "given" may sit lines apart.
_GIVEN_IN_TEMPLATES = [
    'Medication: Vitamin B12\nDose: 1000 mcg\nRoute: IM\nSite: Left deltoid\nAdministered by: K. Moss, LPN\nTime: 10:42',
    'Injection Record\nDrug: Cyanocobalamin\nStrength: 1000 mcg/mL\nAmount given: 1 mL\nRoute: IM\nSite: R deltoid\nLot: 88K2',
    'Date | Medication | Dose | Route | Site | Given by\n03/14/2025 | Cyanocobalamin | 1000 mcg | IM | L delt | AB RN',
    'NURSE NOTE: Pt here for B12. B12 1000mcg given IM to L deltoid. Pt tolerated without difficulty. RTC 1 month.',
    'Procedure: Therapeutic injection (96372)\nMedication: cyanocobalamin 1,000 mcg IM\nSite: left deltoid\nPatient tolerated the procedure well.',
    'Vitamin B-12 injection administered per protocol, 1000 mcg IM, right deltoid. Lot # C1234, exp 1/2027.',
    'B12 injection today - given in R arm, pt tol well, no reaction after 15 min.',
    '1) B12 deficiency - cyanocobalamin 1000 mcg IM administered in clinic today by our MA.',
    'Pt received cyanocobalamin 1000 mcg IM in the left deltoid. No adverse reaction.',
    'Immunizations/Injections: Cyanocobalamin 1000 mcg/mL 1 mL IM, L deltoid, given by J. Cruz, CMA.',
    'Injection: B12 (cyanocobalamin) 1000 mcg IM\nStatus: Completed\nSite: Left deltoid',
    'Vit B12 shot given L deltoid 1000mcg. Tolerated. Next in 4 weeks.',
    'Administered: [x] Yes [ ] No\nMedication: Cyanocobalamin 1000 mcg\nRoute: IM\nSite: R deltoid',
    'CYANOCOBALAMIN 1000 MCG/ML INJ - 1 ML IM X1 - ADMINISTERED 09:15 RIGHT DELTOID - LOT 22A1 - BY S. PARK RN',
    'Today she got her B12 shot in the left arm without any problems.',
    'Cyanocobalamin 1000mcg IM given today (L deltoid) - see MAR.',
    'Injected 1000 mcg of vitamin B12 intramuscularly in the left upper arm.',
    'Hydroxocobalamin 1000 mcg IM injection given into right deltoid at 11:05.',
    'Methylcobalamin 5000 mcg SQ injection administered in the abdomen.',
    "B12 1000 mcg IM given by RN per Dr. Lee's order; pt tolerated.",
]


@pytest.mark.parametrize("text", _GIVEN_IN_TEMPLATES + [
    'Vitamin B12 injection given today in left deltoid. Pt tolerated well.',
    'B12 shot administered R arm without complication.',
    'Cyanocobalamin 1,000 mcg/mL 1 mL IM x1 to L deltoid at 10:15 by S. Lee, RN.',
    'Injection: Cyanocobalamin 1000mcg IM. Site: R deltoid. Lot: 12345. Exp: 12/26. Given by: MA Jones.',
    'Medication Administration: cyanocobalamin (VITAMIN B-12) injection 1,000 mcg — Given — 10:14 — Route: Intramuscular — Site: Left Deltoid',
    "pt rec'd B12 1000mcg IM L delt, tol well",
    'B-12 1000 mcg IM given. No adverse reaction noted.',
    'Gave cyanocobalamin 1000 mcg IM in right deltoid.',
    'B12 inj done L arm.',
    'Administered vitamin B12 1000 mcg intramuscularly to the left deltoid muscle.',
    'Cyanocobalamin 1000 mcg was injected into the right gluteus.',
    'Patient received her monthly B12 injection today.',
    'Injected B12 1 mL IM R deltoid, pt tolerated procedure well.',
    'Procedure: IM injection of cyanocobalamin 1000 mcg, left deltoid, performed without complications.',
    'B12 1000 mcg given IM to L deltoid per standing order.',
    "Today's B12 injection was given in the left arm by the nurse.",
    'Cyanocobalamin injection 1000 mcg IM - completed.',
    'Vit B12 1000mcg IM R VG. Pt tol well. - J. Smith CMA',
    'Hydroxocobalamin 1 mg IM administered L deltoid.',
    'Nurse administered cyanocobalamin 1000 mcg SQ to abdomen.',
    'CYANOCOBALAMIN 1000 MCG IM GIVEN RIGHT DELTOID, TOLERATED WELL.',
    'B12 injection: Yes. Site: L deltoid. Dose: 1000 mcg.',
    'Injection given: cyanocobalamin 1000 mcg IM, L deltoid.',
    'The patient was given a vitamin B12 injection, 1000 mcg IM, in the right deltoid.',
    'I administered the B12 shot myself, left deltoid.',
    'B12 1000mcg IM LD',
    'Vitamin B12 1000 mcg IM x 1 dose given in clinic today.',
    'Cyanocobalamin 1000 mcg/ml, 1 ml, IM, right deltoid, lot 4455, tolerated.',
    'B12 given 1000 mcg IM right arm at 2:30 pm.',
    'Pt in for B12. Given L deltoid. Tolerated.',
])
def test_given_today(extractor, text):
    assert "given" in {a.status for a in extractor.extract_text(text).administrations}


@pytest.mark.parametrize("text", [
    'Pt declined B12 injection today.',
    'B12 injection held - level 1500.',
    'Will give B12 injection at next visit.',
    'Last B12 injection was 2 weeks ago.',
    'Continue monthly B12 injections.',
    'Patient gets B12 shots at another clinic.',
    'B12 not given - patient left before injection.',
    'Plan: start cyanocobalamin 1000 mcg IM weekly x4 at nurse visits beginning next week.',
    'Medications: cyanocobalamin 1000 mcg/mL inject 1 mL IM monthly.',
    'B12 injection deferred until next week due to fever.',
    'Pt refused vitamin B12 shot.',
    'Recommend B12 injections if level remains low.',
    'She self-injects B12 at home monthly.',
    'B12 shot was given at the pharmacy last week.',
    'Order: cyanocobalamin 1000 mcg IM monthly.',
])
def test_not_given_today(extractor, text):
    assert "given" not in {a.status for a in extractor.extract_text(text).administrations}


@pytest.mark.parametrize("text, expected", [
    ("Start cyanocobalamin 1000 mcg IM today. Injection performed by me, L deltoid, 09:58.",
     {("cyanocobalamin", "given")}),
    ("Recommended OTC cyanocobalamin 250 mcg PO daily. Dietitian referral placed.\nVaccines: Tdap given IM L deltoid.",
     {("cyanocobalamin", "planned")}),
    ("Cyanocobalamin 1000 mcg/mL - to be given IM L deltoid.", {("cyanocobalamin", "planned")}),
    ("Mostly homebound; B12 given by home health on 4/2 (cyanocobalamin 1000 mcg IM).",
     {("cyanocobalamin", "historical")}),
    ("2. High B12 on supplement - no deficiency.", set()),
    ("B12 injection: N/A", set()),
    ('A friend gets B12 shots at a med spa and "swears by them."', set()),
])
def test_status_more_phrasings(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


def test_another_injectables_dose_is_not_b12s(extractor):
    text = ("* Testosterone cypionate 200 mg/mL: 0.5 mL (100 mg) IM R ventrogluteal -- given.\n"
            "* Methylcobalamin 1000 mcg/mL: 1 mL IM L deltoid -- given.")
    (a,) = [a for a in extractor.extract_text(text).administrations if a.status == "given"]
    assert (a.drug, a.dose_value, a.dose_unit) == ("methylcobalamin", 1000, "mcg")


@pytest.mark.parametrize("text, expected", [
    # "given" the preposition, "done" and "completed" beside an order or a plan
    ("Given her pernicious anemia and documented intolerance, I have prescribed hydroxocobalamin 1,000 mcg IM "
     "once monthly.", {("hydroxocobalamin", "ordered")}),
    ("Done - I sent Nascobal (cyanocobalamin) 500 mcg nasal spray, 1 spray in one nostril once a week, to your CVS.",
     {("cyanocobalamin", "ordered")}),
    ("- advised to start a daily B12 supplement once the loading phase is done", {("b12_unspecified", "planned")}),
    ("Defer IM cyanocobalamin today given INR/bleeding; give at INR recheck Friday.", {("cyanocobalamin", "held")}),
    # an inline allergy line is its line only
    ("Pt verified w/ name + DOB. Allergies: PCN (rash).\nVit B12 (cyanocobalamin) 1,000 mcg/1 mL IM, L deltoid. "
     "Given @ 1102. Lot 2C447.", {("cyanocobalamin", "given")}),
    # a dictated apposition names the substance of the visit's injection
    ("Dictating a nurse visit on the patient who presented today for her scheduled monthly vitamin B12 injection which is "
     "cyano cobalamin 1000 micrograms intramuscular, however her level was high, so the injection was not given today.",
     {("cyanocobalamin", "held")}),
    # a template record's fields are one administration, whatever a field's label looks like
    ("Medication Administration\n  Medication:             cyanocobalamin 1,000 mcg/mL injection\n"
     "  Order:                  cyanocobalamin 1,000 mcg IM q4wk\n  Admin Status:           Not Given\n"
     "  Not Given Reason:       Patient Refused\n", {("cyanocobalamin", "declined")}),
    ("Injection administered\n - Drug: Cyanocobalamin 1,000 mcg/mL, Vial\n - Dose: 1,000 mcg (1 mL)\n - Route: Intramuscular\n"
     " - Site: Right deltoid\n", {("cyanocobalamin", "given")}),
    # another drug's outcome on the next row is that drug's
    ("Time  Medication                         Dose        Route  Site        RN\n"
     "0905  cyanocobalamin 1,000 mcg/mL inj    1,000 mcg   IM     L deltoid   M.Castro RN\n"
     "0910  vedolizumab 300 mg -- NOT GIVEN, not due (next 5/20)\n", {("cyanocobalamin", "given")}),
    # an event dated before the note's own date is an earlier dose
    ("Date: 05/12/2025\nDear Dr. Nakamura,\nHe started cyanocobalamin 1000 mcg IM weekly x 4 on 5/9 (first dose given in our "
     "office), and will continue monthly thereafter.", {("cyanocobalamin", "historical"), ("cyanocobalamin", "planned")}),
    # a call about a visit to come; a table header's "Given by" says nothing of today
    ("TELEPHONE ENCOUNTER    03/04/2025 2:41 PM\nReason: reschedule B12 inj\n\nInjection log:\n"
     "| Date       | Medication                  | Dose     | Route | Given by     |\n"
     "| 02/06/2025 | Cyanocobalamin 1000 mcg/mL  | 1000 mcg | IM    | S. Pruitt MA |\n"
     "| 01/07/2025 | Cyanocobalamin 1000 mcg/mL  | 1000 mcg | IM    | S. Pruitt MA |\n",
     {("cyanocobalamin", "planned"), ("cyanocobalamin", "historical")}),  # the rescheduled "B12 inj" is the log's drug
    # a letter's treatment history
    ("Treatment to date:\n - Cyanocobalamin 1,000 mcg IM monthly, 05/2022 through 06/2024. Rash with each injection.\n"
     " - Oral cyanocobalamin 2,000 mcg daily, 07/2024 through 11/2024.\n",
     {("cyanocobalamin", "historical")}),
    # "per order of" is the authority for today's dose, not an order; "i did it"
    ("she bring her own vial of methylcobalamin 5000mcg/ml. per order of NP Kowalczyk give 0.5ml subcutaneous in abdomen, "
     "i did it, pt no complain.", {("methylcobalamin", "given")}),
])
def test_status_in_records_letters_and_dictation(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    ("Start cyanocobalamin 1000 mcg IM weekly x 4, then monthly.", {("cyanocobalamin", "ordered")}),
    ("Recommended she start OTC cyanocobalamin 1000 mcg PO daily.", {("cyanocobalamin", "planned")}),
    ("- Start OTC vitamin B12 1000 mcg by mouth daily until MMA back.", {("b12_unspecified", "planned")}),
    ("Plan per order: then cyanocobalamin 1000 mcg IM monthly starting Feb.", {("cyanocobalamin", "planned")}),
    ("- Stop OTC B12 tabs once injections start.", {("b12_unspecified", "historical")}),
    ("B12 INJECTION LOG", set()),  # a title names the drug, no event
])
def test_ordered_planned_or_nothing(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # writers of every kind
    ("I check the order - Cyanocobalamin 1000mcg/ml, 1ml IM every month (order from Dr. Ramirez, is valid until 06/2026).\n"
     "I give 1 ml in the left arm (deltoid) muscle, lot 23K118.", {("cyanocobalamin", "given")}),
    ("PER MD ORDER VIT B12 1000MCG IM MONTHLY - GIVEN TO L DELTOID.", {("b12_unspecified", "given")}),
    ("Med administered: Cyanocoba1amin 1OOO mcg/mL, 1 mL  lM, R de1toid", {("cyanocobalamin", "given")}),
    # not a dose given today
    ("NEW: cyanocobalamin 1000 mcg IM once weekly x 4 weeks, then monthly - to be administered at PCP office.",
     {("cyanocobalamin", "planned")}),
    ("2. Recommend her PCP initiate IM B12 replacement (loading then maintenance) - letter given to employee.",
     {("b12_unspecified", "planned")}),
    ("- Discussed with PCP: keep metformin for now given DM control, B12 will be rechecked.", set()),
    ("34 yo F got a methyl B12 shot at a med spa last month; now L deltoid abscess.", {("methylcobalamin", "historical")}),
    # an addendum takes back what was charted before it
    ("Cyanocobalamin 1000 mcg/1 mL IM administered L deltoid. Lot 8820C. Pt tolerated.\n\n"
     "ADDENDUM 06/10/2025 14:20:\nCorrection to above - injection was NOT given. Note was pre-charted. Dr. Okafor advised to "
     "hold today's dose. Entry above in error.", {("cyanocobalamin", "held")}),
])
def test_writers_and_retractions(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    ("06/15/26 10:40 -- NO SHOW\nPt did not arrive for 10:15 nurse appt (B12 inj - cyanocobalamin 1000 mcg IM, monthly).",
     {("cyanocobalamin", "held")}),
    ("Wrong patient caught at the 2-identifier check. NO cyanocobalamin drawn up or given to this pt.",
     {("cyanocobalamin", "held")}),
    ("Dx: injection-site abscess, L deltoid (after methylcobalamin injection at a med spa).", {("methylcobalamin", "historical")}),
    ("If MCV doesn't normalize after B12 repletion will screen for celiac disease.", set()),
    ("Counseled: no evidence she needs B12 injections; see PCP for labs.", set()),
])
def test_no_show_wrong_patient_and_past_doses(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    ("Here for BP check and her B12 shot. Cyanocobalamin 1000 mcg IM L deltoid given by J. Ruiz MA.", {("cyanocobalamin", "given")}),
    ("Pt in for flu shot and monthly B12. Declined B12 today, wants to wait.", {("b12_unspecified", "declined")}),
])
def test_visit_for_two_things(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    ("Scheduled medication: Cyanocobalamin 1,000 mcg IM q30 days (nurse administered, not KOP).\nINMATE REFUSED today's B12 shot.",
     {("cyanocobalamin", "declined")}),
])
def test_categories_are_not_doses(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


def test_a_call_about_the_shot_gives_none(extractor):
    text = "Reason for call: Question re: B12 shot schedule. Last B12 injection was 04/02/25 in office."
    assert "given" not in {a.status for a in extractor.extract_text(text).administrations}


@pytest.mark.parametrize("text, expected", [
    # a timed medication-administration row is today's dose
    (" 0905  ondansetron 16 mg PO\n 1135  vitamin B12 1000 mcg IM L deltoid (monthly; order Dr. Nakamura 04/2025). Pt tol well.",
     {("b12_unspecified", "given")}),
    # an excerpt of a MAR with the last dose documented is not today's dose
    ("MAR excerpt (printed 06/17/2025):\n  CYANOCOBALAMIN INJ 1000MCG/ML -- 1 ML IM Q30 DAYS\n"
     "     last admin 06/01/2025 0900 (LPN S. Moreau)  site: R deltoid\n     next due 07/01/2025\n",
     {("cyanocobalamin", "historical")}),
    # an inline medication list ends at the next labelled field
    ("Meds: OCP only. NKDA.\n\nProduct: Methylcobalamin 5,000 mcg/mL (compounded)\nDose: 1 mL SC L abdomen\nGiven by: R. Cho, RN",
     {("methylcobalamin", "given")}),
])
def test_mar_rows_and_inline_lists(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    ("Addendum 11/23/2026 1:15 PM (Dr. Singh-Ortiz): Renewed cyanocobalamin 1000 mcg IM every 4 weeks x 12 months.",
     {("cyanocobalamin", "ordered")}),  # a time of day is no MAR cell; renewing is ordering
    ("Methylcobalamin 5 mg/mL (compounded, Wellness Rx pharmacy, BUD 08/02/25) - 0.2 mL SC, lower abdomen L.\n"
     "Administered by: Paige Lundgren, MA   10:44", {("methylcobalamin", "given")}),
])
def test_times_renewals_and_pharmacy_names(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # habitual and past regimens are history
    ("Gets cyanocobalamin 1000 mcg IM every month at her PCP.", {("cyanocobalamin", "historical")}),
    ("Level fell after he stopped his monthly cyanocobalamin injections last spring.", {("cyanocobalamin", "historical")}),
    ("I've been doing my B12 shots every week since October.", {("b12_unspecified", "historical")}),
    ("Started cyanocobalamin 1000 mcg IM weekly x 4 on 3/02. Today (dose #2) cyanocobalamin 1000 mcg IM given L deltoid.",
     {("cyanocobalamin", "historical"), ("cyanocobalamin", "given")}),
    ("- Pernicious anemia: on monthly hydroxocobalamin 1000 mcg IM (started 2018)", {("hydroxocobalamin", "historical")}),
    ("Was started on Nascobal 500 mcg weekly by GI in May.", {("cyanocobalamin", "historical")}),
    # what is not an administration at all
    ("Allergies: cyanocobalamin (urticaria); penicillin", set()),
    ("Macrocytosis explained by alcohol; no B12 replacement indicated.", set()),
    # "(given in clinic)" in a medication list says where, not that it was given today
    ("Medications:\n- cyanocobalamin 1000 mcg IM monthly (given in clinic)\n", {("cyanocobalamin", "historical")}),
])
def test_history_and_non_events(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # "due for" with no later time is the visit's injection
    ("CC: cough x 5 days; also due for B12.\nCyanocobalamin 1000 mcg IM R deltoid given by K. Obi, MA.",
     {("cyanocobalamin", "given")}),
    ("Pt is due for B12 injection next week.", {("b12_unspecified", "planned")}),
    # an order cited as the authority for the dose is not a new order
    ("Seen for monthly vitamin B12 injection per standing order signed by Dr. Ames. Cyanocobalamin 1000 mcg IM L deltoid, tol well.",
     {("cyanocobalamin", "given")}),
    ("Plan: new standing order written today - cyanocobalamin 1000 mcg IM every 4 weeks.", {("cyanocobalamin", "ordered")}),
    # a regimen after today's first dose is planned
    ("Start cyanocobalamin 1000 mcg IM: first dose given today in clinic, then 1000 mcg IM monthly at nurse visits.",
     {("cyanocobalamin", "given"), ("cyanocobalamin", "planned")}),
    ("- #4 next Tuesday, then start monthly cyanocobalamin 1000 mcg IM", {("cyanocobalamin", "planned")}),
    ("Next: cyanocobalamin 1000 mcg IM on 4/2.", {("cyanocobalamin", "planned")}),
    ("Rebooked for 6/20 - cyanocobalamin 1000 mcg IM, will use R deltoid.", {("cyanocobalamin", "planned")}),
    # "given the ..." is the preposition
    ("Recommend B12 by injection given the neurologic involvement: cyanocobalamin 1000 mcg IM weekly.",
     {("cyanocobalamin", "planned")}),
    ("Given gastrectomy she cannot absorb oral B12; continue cyanocobalamin 1000 mcg IM monthly.", {("cyanocobalamin", "planned")}),
])
def test_visit_reasons_orders_and_regimens(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # a ticked box with words between an unticked box and its cue
    ("Injection template\n  Medication ordered: cyanocobalamin 1000 mcg/mL - 1 mL IM q month\n"
     "  [ ] Administered   [x] Not administered\n  Reason: [ ] Pt refused  [x] Other: not due yet\n",
     {("cyanocobalamin", "held")}),
    # a dated dose in the visit's reason is another day's; today's outcome is what the note says of today
    ("CC: B12 injection (2nd of series)\nDose 1 given 3/13 here. Pt declines the injection today, needle anxiety.",
     {("b12_unspecified", "declined")}),
    # a flattened note: "no hematoma Administered by:" is no "not administered"
    ("Med: cyanocobalamin 1000 mcg IM L deltoid, pressure held 2 min, no hematoma Administered by: A. Roe, RN, tolerated.",
     {("cyanocobalamin", "given")}),
    # "Last B12 level" is a lab, not the last dose
    ("NURSE VISIT, 05/02/2024 09:15, Reason: B12 inj, Last B12 level 02/12/2024: 231 pg/mL, "
     "Med: cyanocobalamin 1000 mcg/mL, 1 mL IM R deltoid, tolerated well", {("cyanocobalamin", "given")}),
    # the visit's date without a label: "Visit 06/13/2025" and a time after a date line
    ("Visit 06/13/2025 0930\nCyanocobalamin NOT given today - held, dose already received 6/9 at PCP.\n"
     "Office confirmed cyanocobalamin 1000 mcg IM given 6/9/25.", {("cyanocobalamin", "held"), ("cyanocobalamin", "historical")}),
])
def test_templates_dates_and_flattened_notes(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, dose, route", [
    # a scanned "1,OOO mcg"
    ("Procedure: Cyanocoba1amin 1,OOO mcg IM given R de1toid", 1000, "IM"),
    # the route two lines down, past an indication line that names the deficiency (not the drug)
    ("Medication: CYANOCOBALAMIN 1000MCG/ML VIAL  Lot 3147B\nIndication: E53.8 - Vitamin B12 deficiency\n"
     "Dose: 1 mL (1000 mcg)   Route: IM   Site: L deltoid\nAdministered by: P. Nat, PharmD", 1000, "IM"),
])
def test_given_dose_and_route_read_through(extractor, text, dose, route):
    (a,) = [a for a in extractor.extract_text(text).administrations if a.status == "given"]
    assert (a.dose_value, a.route) == (dose, route)


@pytest.mark.parametrize("text, expected", [
    # brand names
    ("Neo-Cytamen 1 mg IM given L deltoid.", {("hydroxocobalamin", "given")}),
    ("Cytamen 1000 mcg IM given today.", {("cyanocobalamin", "given")}),
    ("Neo-B12 1000 mcg in 1 mL given IM R deltoid.", {("hydroxocobalamin", "given")}),
    # a call, a message or a standing-order form gives no dose: what it reports happened another day
    ("Phone Note - Nurse Triage\nReason for call: itchy rash after B12 shot\nPt received cyanocobalamin 1000 mcg IM here on 7/19.",
     {("cyanocobalamin", "historical")}),
    # "per standing order" in a visit note is the visit's authority, not a form
    ("12/30/25 nurse only visit. Vit B12 1000 mcg IM R deltoid given per standing order.", {("b12_unspecified", "given")}),
    # a time and a credential before "clinic" is an appointment, not a MAR cell
    ("First B12 inj scheduled 3/14 10:30 RN clinic; order for cyanocobalamin placed by Dr. Asante.", {("cyanocobalamin", "ordered")}),
    # the regimen after today's dose, when today's dose is the visit's
    ("P: - Neo-B12 1000 mcg IM today (RN), then 1000 mcg IM every 3 months lifelong.\nNeo-B12 given IM R deltoid.",
     {("hydroxocobalamin", "given"), ("hydroxocobalamin", "planned")}),
    ("- Hydroxocobalamin 1mg IM x 6 doses (loading) then 1mg IM 3-monthly. First dose given R deltoid today.",
     {("hydroxocobalamin", "given"), ("hydroxocobalamin", "planned")}),
])
def test_brands_documents_and_regimens(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


def test_a_standing_order_form_gives_nothing(extractor):
    text = ("STANDING ORDER - NURSE-ADMINISTERED MEDICATION\nMedication: Cyanocobalamin injection 1000 mcg/mL\n"
            "Dose: 1000 mcg (1 mL)   Route: IM (deltoid)\nNursing instructions: administer only when a physician is present.")
    assert "given" not in {a.status for a in extractor.extract_text(text).administrations}


@pytest.mark.parametrize("text, expected", [
    # another injectable's lot and site are not the B12 dose's
    ("Pt here for flu shot + monthly B12.\nFlu: Fluzone High-Dose 0.5 mL IM R deltoid, lot UT8402. Tolerated.\n"
     "B12: NOT given today - cyanocobalamin out of stock, rescheduled.", {("cyanocobalamin", "held")}),
    # a past switch and how it went
    ("Had welts with cyanocobalamin; switched to hydroxocobalamin in August, tolerated well.",
     {("cyanocobalamin", "historical"), ("hydroxocobalamin", "historical")}),
    ("She completed cyanocobalamin loading (1000 mcg IM weekly x4) in September.", {("cyanocobalamin", "historical")}),
    # "if tolerated" is a condition; "sources given" is a handout
    ("If tolerated: hydroxocobalamin 1000 mcg IM every 4 weeks.", set()),
    ("Continue fortified foods; handout on vegan B12 sources given.", set()),
])
def test_other_injectables_switches_and_conditions(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


def test_given_by_me_is_the_author(extractor):
    text = ("NEW PATIENT H&P - 08/19/2025 - T. Haddad, MD\nA/P: 1. Low B12. First dose cyanocobalamin 1000 mcg IM given by me "
            "today, R deltoid. Then monthly (nurse schedule).")
    (a,) = [a for a in extractor.extract_text(text).administrations if a.status == "given"]
    assert (a.administered_by.name, a.administered_by.credential) == ("T. Haddad", "MD")


@pytest.mark.parametrize("text, expected", [
    # terse notes: "decl", "NG today" (not given), a bare "B12 today" is the visit's dose
    ("B12 inj - pt decl today, says copay too high.", {("b12_unspecified", "declined")}),
    ("3/12 1645 B12 NG today - no nursing staff after 1630 to give inj.", {("b12_unspecified", "held")}),
    ("No B12 today - pt c/o N/V/D since yest, T 100.9. Held per protocol.", {("b12_unspecified", "held")}),
])
def test_terse_outcomes(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # a standing order named as the authority, then the dose
    ("12/16/25 Standing order B12: cyanocobalamin 1000mcg IM L deltoid. Tolerated. Dr. Abernathy on site.",
     {("cyanocobalamin", "given")}),
    # the patient's own drug brought today is the visit's injection, reported lines below
    ("Pt's daughter brought in pt's own cyanocobalamin (1000 mcg/mL).\nDx: B12 deficiency - serum B12 96 pmol/L (L) on 10/28.\n"
     "1000 mcg IM given R deltoid. Dr. Feldstein in office.", {("cyanocobalamin", "given")}),
])
def test_standing_orders_and_brought_drugs(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


def test_nasal_congestion_is_not_the_route(extractor):
    text = ("CC: cough/congestion 10 days + B12 due\nHPI: nasal congestion, facial pressure x 10 days.\n"
            "A/P: Pernicious anemia - monthly B12 by nurse today.")
    assert {a.route for a in extractor.extract_text(text).administrations} == {None}


@pytest.mark.parametrize("text, expected", [
    ("Given 16 yrs of metformin, reasonable to supplement: start cyanocobalamin 1000 mcg PO daily.", {("cyanocobalamin", "ordered")}),
    ("Last visit: BP controlled, A1c 7.4, B12 1000 mcg IM given 10/03 by MA.", {("b12_unspecified", "historical")}),
])
def test_durations_and_copied_last_visits(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


def test_an_order_for_today_reported_by_a_bare_given(extractor):
    text = ("ORDERS\n  cyanocobalamin (VITAMIN B-12) 1,000 mcg/mL injection - 1,000 mcg IM once today [standing order]\n"
            "  Dx: vitamin B12 deficiency (E53.8)\n\nPROCEDURE - IM injection\n  Time: 09:15   Site: L deltoid\n"
            "  Given. Pt tolerated, observed 15 min.\n  Performed by: S. Dhillon, CMA")
    assert {(a.drug, a.status, a.dose_value, a.route) for a in extractor.extract_text(text).administrations} == {
        ("cyanocobalamin", "given", 1000, "IM")}


@pytest.mark.parametrize("text, expected", [
    # the patient presenting with her own vial is the visit's injection
    ("Reason for visit: Vitamin B12 injection\nPt presents w/ own cyanocobalamin 1000mcg/mL vial from her PCP's Rx, requests "
     "administration.\nAdministered 1 mL IM right deltoid.", {("cyanocobalamin", "given")}),
])
def test_presenting_with_her_own_vial(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


def test_a_sample_bottle_handed_over_is_no_dose_given(extractor):
    text = "Pt declined shot. Gave pt sample bottle cyanocobalamin 1000 mcg tabs, take 2 tabs PO daily."
    assert "given" not in {a.status for a in extractor.extract_text(text).administrations}


@pytest.mark.parametrize("text, expected", [
    # a one-time in-clinic order takes what the note says became of it
    ("Orders:\n  cyanocobalamin (VITAMIN B-12) injection 1,000 mcg - Intramuscular - Once - in clinic\nProcedures:\n"
     "  Injection: left deltoid, given by me without complication.", {("cyanocobalamin", "given")}),
    ("Orders:\n  Administer cyanocobalamin 1000 mcg IM x1 now.   [Completed 11/04/2025 10:32 - L. Okonkwo, RN - L deltoid]",
     {("cyanocobalamin", "given")}),
    # with nothing said of it, it stays what the order section made it
    ("Orders:\n  cyanocobalamin 1,000 mcg IM - Once - in clinic\nRTC 4 weeks.", {("cyanocobalamin", "planned")}),
])
def test_one_time_orders_for_today(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # "given" before a reason is the preposition, and "B12 status"/"B12 component" name the condition
    ("A: Anemia of pregnancy, likely B12 component given diet.\nP: Cyanocobalamin 1000 mcg SL daily started; pt will buy OTC.",
     {("cyanocobalamin", "planned")}),
    ("Infant: advise pediatrician re: infant B12 status given maternal vegan diet.", set()),
    ("Start IM B12 given achlorhydria: cyanocobalamin 1000 mcg IM today, L deltoid, given by R. Soto, MA.",
     {("cyanocobalamin", "given")}),
    ("Cyanocobalamin 1000 mcg IM given her monthly dose today, L deltoid.", {("cyanocobalamin", "given")}),
    # the verb keeps its complements
    ("Methylcobalamin 5000 mcg SL tab given w/ breakfast, observed until dissolved.", {("methylcobalamin", "given")}),
    ("Cyanocobalamin 1000 mcg IM given slowly into R deltoid.", {("cyanocobalamin", "given")}),
    ("B-12 1000mcg IM given RD. Pt tol well.", {("b12_unspecified", "given")}),
    # a later sentence refusing or putting off something else is not this dose's outcome
    ("Cyanocobalamin 1000 mcg IM today, R deltoid.\nDiscussed ED eval - pt and wife decline ED today, understand risks.",
     {("cyanocobalamin", "given")}),
    ("Prenatal B12: methylcobalamin 1000 mcg SL daily, continue.\n- Genetic screening: declined quad screen.",
     {("methylcobalamin", "planned")}),
    ("Pt brought own vial: cyanocobalamin 1000 mcg/mL. Drew up 1 mL, IM R deltoid. Pt tolerated. "
     "Taught self-injection for future doses? - deferred to next visit.", {("cyanocobalamin", "given")}),
    ("Plan: cyanocobalamin 1000 mcg IM weekly x 4. Memory: cognitive decline over 2 yrs, MoCA 22.", {("cyanocobalamin", "planned")}),
    ("Switch to cyanocobalamin 1000 mcg SL daily; she may go back to IM later if levels hold.", {("cyanocobalamin", "planned")}),
    ("3/3/25 1410 Pt here for B12 inj. given 1000mcg IM R delt. pt tol well, no rxn, declined bandaid. next in 1 mo.",
     {("b12_unspecified", "given")}),
    ("Plan:\n- Hydroxocobalamin 1 mg IM daily x 7 d - ordered. Dose #1 given today in clinic by our RN, L deltoid.\n"
     "- Intrinsic factor Ab not yet done - pt declined further blood draw today, next visit.",
     {("hydroxocobalamin", "given"), ("hydroxocobalamin", "ordered")}),
    # a plan to continue, and today's dose reported after it in the same sentence: both
    ("A/P Pernicious anemia - stable. Continue cyanocobalamin 1000 mcg IM q4wk; today's dose given in clinic by MA.",
     {("cyanocobalamin", "given"), ("cyanocobalamin", "planned")}),
    ("Medication  Hydroxocobalamin 1mg/1ml solution for injection - 1mg IMI L deltoid. Batch KX2231.\n"
     "Comment  Tolerated. Long standing pt, declined to wait the 10 mins.", {("hydroxocobalamin", "given")}),
    ("Cobalin-H (hydroxocobalamin) 1000 ug IMI R deltoid. Batch 2209K.\nPt mentions loose stools x 1 week. "
     "Advised to see Dr Pillay today - pt declined, already has gastro appt.\nTolerated inj well.",
     {("hydroxocobalamin", "given")}),
    # refusing the dose stays a refusal, even beside something else refused
    ("B12 injection offered. Employee declined labs and declined to pay out-of-pocket for inj.", {("b12_unspecified", "declined")}),
    ("Cyanocobalamin 1000 mcg IM due today. Pt declined - needle anxiety.", {("cyanocobalamin", "declined")}),
])
def test_prepositions_and_refusals_of_something_else(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected



@pytest.mark.parametrize("text, expected", [
    # a vial's opening date and its storage at home are not the dose's date or place
    ("Nurse Visit 6/17/2025\nCyanocobalamin 1000 mcg IM R deltoid - from clinic stock vial (MDV, lot 5107A4, opened 6/2).\n"
     "Pt tol well.", {("cyanocobalamin", "given")}),
    ("Medication: Cyanocobalamin 1000 mcg/mL vial - PATIENT SUPPLIED\nDose: 1 mL (1000 mcg)\nRoute: [x] IM\n"
     "Site: [x] L deltoid\nComments: vial returned to pt, keeps it in fridge at home. next 9/26.",
     {("cyanocobalamin", "given")}),
    ("She self-injects cyanocobalamin 1000 mcg at home monthly.", {("cyanocobalamin", "historical")}),
])
def test_vial_dates_and_storage(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, reported", [
    ("Injection given as ordered by Dr. Tanabe, R deltoid IM 3:50pm. Pt tolerated well.", True),
    ("Shot administered L deltoid by K. Obi, MA.", True),
    # a drug named makes it that drug's administration, not an unnamed one
    ("B12 injection given R deltoid.", False),
    ("Flu shot given L deltoid.", False),
    # not given, or not today
    ("Injection not given - pt declined.", False),
    ("Next injection due 7/17.", False),
])
def test_unnamed_injections(extractor, text, reported):
    assert bool(extractor.extract_text(text).unnamed_injections) is reported



@pytest.mark.parametrize("text, expected", [
    # a "B12" given and the note's one named drug, written with its dose but nothing of what became of it
    ("Addendum: correction - earlier note stated B12 inj given L delt; inj was actually given R delt. "
     "Cyanocobalamin 1000 mcg IM. No other changes.", {("cyanocobalamin", "given")}),
    # a named drug with its own status stays its own event
    ("B12 inj given L delt. Next: cyanocobalamin 1000 mcg IM in 4 weeks.", {("b12_unspecified", "given"), ("cyanocobalamin", "planned")}),
])
def test_the_named_drug_of_an_unnamed_dose(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected



@pytest.mark.parametrize("text, expected", [
    # a transitional-care visit is a visit (the call is not)
    ("TRANSITIONAL CARE MANAGEMENT VISIT (7-day)\nDOS 06/10/2025\nCyanocobalamin 1000 mcg IM given today (MA, L deltoid).",
     {("cyanocobalamin", "given")}),
    ("Transitional care management call 06/08/2025\nReviewed discharge meds: cyanocobalamin 1000 mcg IM given inpatient 6/4.",
     {("cyanocobalamin", "historical")}),
    # "since 04/2024": a regimen under way, not today's dose
    ("Injections: cyanocobalamin 1000 mcg IM monthly at PCP office since 04/2024; last one 04/16/2025.",
     {("cyanocobalamin", "historical")}),
])
def test_care_transitions_and_regimens_since(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected



def test_given_before_a_reason_is_no_dose_given(extractor):
    text = "If MMA is elevated, oral cyanocobalamin 1000 mcg daily is reasonable and adequate given his gastric histology."
    assert [a for a in extractor.extract_text(text).administrations if a.status == "given"] == []


@pytest.mark.parametrize("text, expected", [
    # a dose reported given inside text copied from an earlier note was given at that visit
    ("Office Visit 06/10/2025\n[Interval history copied from note of 05/12/2025]\n67M f/u HTN. B12 1000 mcg IM given R deltoid "
     "today, tolerated well. Continue monthly.\n[end of copied text]\n\nToday: BP high.\nA/P: Hold B12 injection today; B12 drawn.",
     {("b12_unspecified", "historical"), ("b12_unspecified", "held")}),
    # a medication list marked item by item ends at a blank line before running text
    ("Current meds (per pt, reviewed):\n - apixaban 2.5 mg bid\n - cyanocobalamin 1000 mcg/mL inj monthly (clinic)\n\n"
     "Pt started apixaban 3 wk ago for new afib; large bruise L delt from last inj. Per Dr M (in office) ok to give SQ today.\n\n"
     "Cyanocobalamin 1000 mcg/mL inj, 1 mL SC, R posterior upper arm. Lot K0193. Pt tolerated, pressure held 5 min.",
     {("cyanocobalamin", "historical"), ("cyanocobalamin", "given")}),
    # "Given a borderline B12 ...": the preposition
    ("Given a borderline B12 with an elevated MMA, start cyanocobalamin 1000 mcg IM monthly - orders placed.",
     {("cyanocobalamin", "ordered")}),
    # where the patient fills the drug is not where a dose was given
    ("Pernicious anemia: she fills cyanocobalamin 1000 mcg/mL 1 mL vials at her pharmacy and brought one in today. "
     "I administered 1000 mcg (1 mL) from the patient's own vial by deep subcutaneous injection, left lower abdomen.",
     {("cyanocobalamin", "given")}),
])
def test_copied_text_lists_and_sources(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


def test_a_checkbox_template_reads_the_ticked_options(extractor):
    text = ("INJECTION DOCUMENTATION (template v3)\n"
            "Medication:  [X] Vitamin B12 (cyanocobalamin)   [ ] Testosterone cypionate   [ ] Ketorolac\n"
            "Dose:        [ ] 100 mcg   [X] 1000 mcg\nRoute:       [X] IM   [ ] SubQ\n"
            "Site:        [X] L deltoid   [ ] R deltoid\nTolerated: [X] Yes\nAdministered by: Denise Whitford, LPN\n")
    (a,) = extractor.extract_text(text).administrations
    assert (a.status, a.dose_value, a.route, a.administered_by.credential) == ("given", 1000, "IM", "LPN")


def test_an_addendum_note_reverses_without_naming_the_drug(extractor):
    text = ("ADDENDUM to nursing note of 07/15/2025 - entered 07/16/2025 08:05\nThe injection documented above was NOT "
            "given to this patient. Pt left before the injection. I pre-charted the administration in error.")
    ev = extractor.extract_text(text)
    assert ev.administrations == [] and len(ev.reversed_injections) == 1


# A dated "last injection" is an earlier dose: the drug of the B12 mention before it, unless the note
# already reports an earlier dose; "last dose" of another medication is that medication's.
@pytest.mark.parametrize("text, expected", [
    ("Here for her monthly vitamin B12 shot. Last injection 04/02/2026, no problems.\n"
     "Cyanocobalamin 1000 mcg IM R deltoid given, lot 88Q1.", {("b12_unspecified", "historical"), ("cyanocobalamin", "given")}),
    ("On hydroxocobalamin 1 mg IM every 12 weeks. Last inj: 03-Jan-2026.\nHydroxocobalamin 1 mg IM L deltoid given today.",
     {("hydroxocobalamin", "historical"), ("hydroxocobalamin", "given")}),
    ("Pt here for cyanocobalamin 1000 mcg IM.\n[x] last dose > 28 days ago (2026-02-11)\nGiven IM L deltoid 10:05.",
     {("cyanocobalamin", "given")}),
    ("Pt here for cyanocobalamin 1000 mcg IM; last shot 2 mo ago. Given IM R deltoid, tolerated.",
     {("cyanocobalamin", "historical"), ("cyanocobalamin", "given")}),
    ("Crohn's on adalimumab (last dose 1/20). Cyanocobalamin 1000 mcg IM given L deltoid today.",
     {("cyanocobalamin", "given")}),
    ("Cyanocobalamin 1000 mcg IM given L deltoid today. Pt denies reaction to last injection.",
     {("cyanocobalamin", "given")}),
    ("Last cyanocobalamin 1000 mcg IM given 2/26/26 (R deltoid). Cyanocobalamin held today, INR 4.1.",
     {("cyanocobalamin", "historical"), ("cyanocobalamin", "held")}),
])
def test_the_last_dose_dated(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


# Every reason on the visit's reason line is today's event, whatever the note says became of it.
@pytest.mark.parametrize("text, expected", [
    ("CC: BP check, also B12 shot due.\nA/P: HTN stable. Cyanocobalamin 1000 mcg IM R deltoid given by MA.",
     {("cyanocobalamin", "given")}),
    ("Chief Complaint: Follow-up (DM, HTN, B12 inj due)\nCyanocobalamin 1000 mcg IM L deltoid given, lot 2A.",
     {("cyanocobalamin", "given")}),
    ("Veteran presents to the PACT Blue team for scheduled B12 injection.\nCYANOCOBALAMIN 1000MCG IM L DELTOID given 0915.",
     {("cyanocobalamin", "given")}),
    ("Reason: reschedule B12 inj.", {("b12_unspecified", "planned")}),
])
def test_the_reason_line_is_todays_event(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # the dose and route charted with the time it went in
    ("Cyanocobalamin 1000 mcg IV push via R chest port over 2 min at 10:50. Port flushed.", {("cyanocobalamin", "given")}),
    ("Cyanocobalamin 1000 mcg IM at 1000 mcg strength next visit.", {("cyanocobalamin", "planned")}),  # no time
    # the authority for today's dose, not a new order
    ("Per Dr. Haddad order: cyanocobalamin 1000 mcg IM L deltoid at 15:10. Tolerated.", {("cyanocobalamin", "given")}),
    # a one-time order in the orders, with nothing said of what became of it, stays an order
    ("Orders:\n- cyanocobalamin 1,000 mcg/mL injection: inject 1,000 mcg intramuscularly once, in clinic today\n",
     {("cyanocobalamin", "ordered")}),
])
def test_charted_with_a_time_and_orders(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


# Dictated doses spelled out
@pytest.mark.parametrize("text, dose, unit", [
    ("I gave him cyanocobalamin one thousand micrograms intramuscularly in the left deltoid today.", 1000, "mcg"),
    ("Hydroxocobalamin one milligram IM given L deltoid today.", 1, "mg"),
    ("Cyanocobalamin five hundred micrograms IM given R deltoid.", 500, "mcg"),
])
def test_spelled_out_doses(extractor, text, dose, unit):
    (a,) = extractor.extract_text(text).administrations
    assert (a.status, a.dose_value, a.dose_unit) == ("given", dose, unit)


def test_given_today_by_me_is_the_authors_dose(extractor):
    text = ("Anita Halvorsen, MD - New patient visit\nA/P: Start cyanocobalamin 1000 mcg IM - first dose given today by me, "
            "R deltoid. Then daily x 6 more days (nurse visits).")
    given = [a for a in extractor.extract_text(text).administrations if a.status == "given"]
    assert [a.administered_by.credential for a in given] == ["MD"]


@pytest.mark.parametrize("text, expected", [
    # "given this AM" reports a dose ("given this finding" does not)
    ("- START cyanocobalamin 1000 mcg IM daily x 7 days, then weekly x 4, then monthly. 1st dose given this AM "
     "(MAR: 07/15 1105, R deltoid, J. Aquino RN).\n- HOLD home cyanocobalamin 500 mcg PO (ineffective; IM replaces it)",
     {("cyanocobalamin", "given", "IM"), ("cyanocobalamin", "planned", "IM"), ("cyanocobalamin", "held", "PO")}),
    ("Given this finding, start cyanocobalamin 1000 mcg IM monthly.", {("cyanocobalamin", "ordered", "IM")}),
    # a dose given at a time today, beside doses given in the hospital before
    ("Cyanocobalamin 1000 mcg IM daily x 7 days (per hosp d/c orders) - dose #6 of 7 given at 0900 by day nurse per "
     "eMAR; first 3 doses given in hospital 1/11-1/13.", {("cyanocobalamin", "given", "IM"), ("cyanocobalamin", "ordered", "IM")}),
    # an order given under another's authority is that order's dose
    ("MEDS GIVEN:\n2) cyanocobalamin 1000 mcg/mL, 0.5 mL (500 mcg) SC L posterior upper arm per bariatric team order.",
     {("cyanocobalamin", "given", "SC")}),
    # the patient's own dose in clinic, watched by staff, is today's; at home it is an earlier one
    ("- Pt self-administered first weekly dose (Nascobal 500 mcg, 1 spray L nostril) in clinic under my observation.",
     {("cyanocobalamin", "given", "nasal")}),
    ('Chief concern: "gave myself my B12 twice today". Self-injects cyanocobalamin 1000 mcg subcut every 2 weeks.',
     {("cyanocobalamin", "historical", "SC")}),
])
def test_given_this_morning_at_a_time_or_by_the_patient(extractor, text, expected):
    assert {(a.drug, a.status, a.route) for a in extractor.extract_text(text).administrations} == expected


def test_dated_earlier_doses_then_todays_unnamed_dose(extractor):
    text = ("HOME HEALTH DISCHARGE SUMMARY  D/C date: 03/31/2025\n"
            "Pt rec'd cyanocobalamin 1000 mcg IM monthly by SN on 12/30, 1/27, 2/24 per MD order. Final dose given "
            "today 3/31 during d/c visit, L deltoid, tolerated well (administered by R. Oyelaran, RN).")
    got = {(a.status, a.dose_value, a.route, a.site) for a in extractor.extract_text(text).administrations}
    assert got == {("historical", 1000, "IM", None), ("given", 1000, "IM", "left deltoid")}


@pytest.mark.parametrize("text, dose, route", [
    # the dose given, not the strength on the label of a vial brought in
    ("Pt brought own medication from Hollis Compounding Pharmacy: methylcobalamin 5,000 mcg/mL, 10 mL MDV, label "
     "verified.\nDrew up 0.2 mL (1,000 mcg) and administered subcutaneously L lower abdomen. Pt tolerated well.", 1000, "SC"),
    ("Patient brought own medication: YES - cyanocobalamin 1000 mcg/mL single-dose vial (CVS, filled 12/30/24).\n\n"
     "Pt is s/p sleeve gastrectomy. Gets monthly injections.\n\nAdministered 1 mL (1000 mcg) IM L deltoid 16:14.", 1000, "IM"),
])
def test_a_vial_brought_in_then_the_dose_given(extractor, text, dose, route):
    given = [a for a in extractor.extract_text(text).administrations if a.status == "given"]
    assert [(a.dose_value, a.route, a.patient_supplied) for a in given] == [(dose, route, True)]


@pytest.mark.parametrize("text, route", [
    # a drug written as an injection takes no oral route from the next sentence
    ("Here for her monthly methylcobalamin injection. Last B12 level 188 pg/mL (L) while on oral.\n"
     "Administered: methylcobalamin 1000 mcg (1 mg/mL), 1 mL IM, R ventrogluteal.", "IM"),
    ("Here for cyanocobalamin 1000 mcg. Given PO today in clinic.", "PO"),
])
def test_an_injection_takes_no_oral_route_from_another_sentence(extractor, text, route):
    assert [a.route for a in extractor.extract_text(text).administrations if a.status == "given"] == [route]


def test_a_correction_after_the_dose_field(extractor):
    text = ("Product: Methylcobalamin 1 mg/mL\nDose: 5 mg (5 mL?) -- correction: 1 mL = 1 mg. Dose given 1 mL = 1 mg.\n"
            "Route: IM  Site: L deltoid\nAdministered by: Brianna Keys, RN  12:47")
    (a,) = extractor.extract_text(text).administrations
    assert (a.status, a.dose_value, a.dose_unit) == ("given", 1, "mg")


@pytest.mark.parametrize("text, expected", [
    # another drug named in a field of this dose's record explains it; it is no other medication's line
    ("Medication: Cyanocobalamin 1,000 mcg\nRoute: SUBCUTANEOUS (deep SC) - IM avoided, pt on apixaban for AFib\n"
     "Site: L posterior arm\nGiven by: Marisol Ybarra, MA\n", {("cyanocobalamin", "given", "SC")}),
    # a listed injectable regimen, then an injection reported given with no drug named: the regimen's dose
    ("Current Medications:\n   levothyroxine 75 mcg tab daily\n   cyanocobalamin 1000 mcg/mL injection - inject 1 mL IM every "
     "4 weeks (in office)\n\nProcedures/Immunizations:\n   Injection given: R deltoid. Lot CY4471. Pt tolerated.\n",
     {("cyanocobalamin", "historical", "IM"), ("cyanocobalamin", "given", "IM")}),
    # ... but not another medication given ("Ondansetron 4 mg ODT given for nausea")
    ("Meds:\n- cyanocobalamin 1000 mcg/mL injection - 1 mL IM monthly (given at GI office)\n\nCourse: Epley maneuver done. "
     "Ondansetron 4 mg ODT given for nausea.", {("cyanocobalamin", "historical", "IM")}),
    # "Mom held pt's hand" holds no dose
    ("Cyanocobalamin 1000 mcg/mL - 0.5 mL IM R vastus lateralis @ 1540.\nGiven by: Maribel Osei RN. Mom held pt's hand; "
     "settled quickly.", {("cyanocobalamin", "given", "IM")}),
    # a problem list ends at a blank line followed by running text
    ("Problem list (reviewed):\n  - Diabetes mellitus tipo 2 (E11.9)\n  - Vitamin B12 deficiency - E53.8\n\n"
     "Last B12: 04/2025 -> 224 pg/mL (after 3 mo of shots; was 158 at dx 1/2025)\n\n"
     "Administered: Cyanocobalamin inj 1,000 mcg IM L deltoid -- by Yesenia Morales, MA (CCMA) @ 2:15 pm. Lot 24C551.",
     {("cyanocobalamin", "given", "IM")}),
])
def test_records_lists_and_other_medications(extractor, text, expected):
    assert {(a.drug, a.status, a.route) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, supplied", [
    ("He comes in for his monthly vitamin B12 injection. He brought a log showing readings 148 to 156. "
     "I gave him his cyanocobalamin 1000 micrograms intramuscularly today.", False),
    ("Pt brought her own vial of cyanocobalamin. Given 1 mL IM L deltoid.", True),
    ("Patient brought in 2 vials from CVS; cyanocobalamin 1000 mcg IM given R deltoid.", True),
])
def test_what_the_patient_brought(extractor, text, supplied):
    (given,) = [a for a in extractor.extract_text(text).administrations if a.status == "given"]
    assert given.patient_supplied is supplied


@pytest.mark.parametrize("text, expected", [
    # a bare "B12" planned or held, in a note that names one drug, is that drug's dose
    ("Cyanocobalamin 1000 mcg IM given L deltoid by K. Lee, MA.\nNext B12 inj in 4 weeks.",
     {("cyanocobalamin", "given"), ("cyanocobalamin", "planned")}),
    ("Meds: cyanocobalamin 1000 mcg/mL inj monthly.\nB12 inj held today - B12 >2000.",
     {("cyanocobalamin", "historical"), ("cyanocobalamin", "held")}),
    # ... not an earlier dose or a refusal, where authors keep the bare name
    ("Cyanocobalamin 1000 mcg IM given L deltoid. Pt had a B12 shot at urgent care last month.",
     {("cyanocobalamin", "given"), ("b12_unspecified", "historical")}),
])
def test_a_bare_b12_planned_or_held_is_the_named_drug(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # the final dose, given now
    ("1. B12 deficiency anemia - resolved.\n   - Last IM dose today: cyanocobalamin 1000 mcg IM given by LPN (S. Two Eagle), "
     "L deltoid, tolerated. I was in clinic.", {("cyanocobalamin", "given")}),
    # a plan to self-inject at home, then the first dose given here
    ("Start B12 1000 mcg SC monthly -- pt to self-inject at home. taught today w/ NS practice vial, then 1st dose given SC abd "
     "by pt under my observation, good technique.", {("b12_unspecified", "given")}),
    # a line that charts amount, route and who
    ("f/u. RYGB 2018. B12 inj today 1000mcg IM (MA). Also c/o R knee pain x3wk.", {("b12_unspecified", "given")}),
    ("B12 inj today.", set()),  # the visit's purpose alone says nothing
    # a visit's purpose known given names the one drug the record lists
    ("PHARMACIST-ADMINISTERED INJECTION RECORD\nMedication: CYANOCOBALAMIN 1000 MCG/ML INJ (1 mL vial) - dispensed by this "
     "pharmacy\nReason: B12 injection\n\nAdministered: 1 mL IM  Site: L deltoid  Lot: 4J330\n", {("cyanocobalamin", "given")}),
])
def test_final_doses_plans_and_one_line_charting(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # a MAR record's own field lines do not count against the sentences a report of the dose may sit in
    ("MEDICATION ADMINISTRATION RECORD - export 03/20/2025 15:02\nOrder: cyanocobalamin (VITAMIN B-12) injection 1,000 mcg - IM - "
     "once\nIndication: Vitamin B12 deficiency anemia (D51.9)      Ordering: RAMAN, PRIYA MD\nScheduled: 03/20/2025 14:30\n"
     "Action: Given      Time: 03/20/2025 14:36\nDose: 1,000 mcg (1 mL)      Route: Intramuscular      Site: Left deltoid\n",
     {("cyanocobalamin", "given", 1000)}),
    # the clinic's stock on backorder is why the patient's own vial was used, not a dose held
    ("Pt brought her own cyanocobalamin 1000 mcg/mL vial (filled at CVS) - our\nstock is on backorder.\nDrew up 1 mL (1000 mcg) "
     "from pt's vial, given IM R deltoid.", {("cyanocobalamin", "given", 1000)}),
    ("Cyanocobalamin 1000 mcg IM - not given, out of stock. Rescheduled.", {("cyanocobalamin", "held", 1000)}),
])
def test_mar_fields_and_the_clinics_stock(extractor, text, expected):
    assert {(a.drug, a.status, a.dose_value) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # "given by me" is today's dose whatever history the sentence also tells
    ("2. B12 deficiency / h/o ileal resection - cyanocobalamin 1000 mcg IM R deltoid given by me, tolerated. Lot 23K117.",
     {("cyanocobalamin", "given", "IM")}),
    # another drug named as the reason for how this dose was given
    ("Cyanocobalamin (Vit B-12) 1,000 mcg/mL MULTI-DOSE VIAL 30 mL\n   Withdrew 1 mL.\n   Given subcutaneously, L posterior "
     "upper arm -- pt on warfarin, INR 2.6 on 1/22.", {("cyanocobalamin", "given", "SC")}),
    # a correction of the site takes no dose back
    ("Medication given: Vitamin B-12 (cyanocobalamin) 1000 mcg IM, left deltoid. Tolerated well.\n\nCorrection: injection site "
     "was RIGHT deltoid, not left. Original entry charted in error from prior visit template. No other changes.",
     {("cyanocobalamin", "given", "IM")}),
    # drawn up, then refused
    ("Drew up cyanocobalamin 1000 mcg/mL, 1 mL into 3 mL syringe. Before admin pt stated he doesn't want any more shots. "
     "Pt declined injection. Drawn dose wasted w/ witness.", {("cyanocobalamin", "declined", None)}),
    ("Drew up cyanocobalamin 1000 mcg/mL 1 mL and administered IM L deltoid. Tolerated.", {("cyanocobalamin", "given", "IM")}),
])
def test_by_me_reasons_corrections_and_doses_drawn_up(extractor, text, expected):
    assert {(a.drug, a.status, a.route) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # "cyano" for cyanocobalamin, before a dose or route
    ("Today: cyano 1000mcg IM R delt given 0828, pt tol.", {("cyanocobalamin", "given", 1000)}),
    ("Cyanosis of the lips noted.", set()),
    # a flowsheet row ending in the time given and the initials
    ("Drug                 Conc           Vol      Route   Site   Time   Init\n"
     "cyanocobalamin       1000 mcg/mL    0.5 mL   IM      RVG    1010   DM\n", {("cyanocobalamin", "given", 500)}),
    # the volume given, then the drug and its strength in brackets
    ("Peds nurse visit. 0.5 mL cyanocobalamin (1000 mcg/mL) IM R anterolat thigh per Dr. Kim's weight-based order.",
     {("cyanocobalamin", "given", 500)}),
    # a vial's size after its strength is no dose
    ("Inj 2: B12 -- 1 cc IM L deltoid. Vial: cyanocobalamin 1000mcg/mL MDV 30 mL, lot 2409C.", {("cyanocobalamin", "given", None)}),
])
def test_abbreviations_rows_and_volumes(extractor, text, expected):
    assert {(a.drug, a.status, a.dose_value) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # the note's title names the visit; what became of the dose is told below it
    ("B12 INJECTION VISIT                 Sept 9 2025  08:50\nClinic: Pinecrest      Nurse: Ava Lindqvist, RN\n\n"
     "Scheduled: cyanocobalamin 1000 mcg IM (monthly maint.)\n\nPt still declines today's injection.",
     {("cyanocobalamin", "declined")}),
    # an allergy list entry is no dose
    ("1. Add cyanocobalamin to allergy list as \"urticaria\" (intolerance) - done.", set()),
    # the signer's date and time stamp dates the charting, not an earlier dose
    ("B12 load d6/7 - cyano 1000mcg IM R delt. tol. Pt denies rxn to prior doses. Lot 22K9. Dr Patel on site. KL, MA 8/13/25 1022",
     {("cyanocobalamin", "given")}),
])
def test_titles_allergy_lists_and_stamps(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # the visit's purpose under a procedure heading is no dose given
    ("Procedures:\n1. b12 injection\nPt here for b12 inj. On intake pt febrile. Dr Lindqvist advised to HOLD b12 today.\n"
     "Notes: b12 NOT given.", {("b12_unspecified", "held")}),
    # another place's staff
    ('Pt went to an urgent care on 8/20; "while I was there they gave me my B12 shot".', {("b12_unspecified", "historical")}),
    # an addendum after the flowsheet's stamp takes back the entry above it
    ("05/21/24 10:14  Medication Administration\n  Cyanocobalamin 1000 mcg/mL inj   Dose: 1000 mcg   Route: IM   Site: R Deltoid\n\n"
     "05/21/24 11:37  ** ADDENDUM / CORRECTION **\n  The 10:14 entry was documented in ADVANCE and in error. Cyanocobalamin "
     "1000 mcg IM was NOT administered.", {("cyanocobalamin", "held")}),
    # a route refused in an aside; the dose given another way
    ("Per standing plan, cyanocobalamin 1,000 mcg given IV push over 2 min via same PIV at 1335 (bruising to both deltoids, "
     "pt declined IM). Flushed NS 10 mL.", {("cyanocobalamin", "given")}),
    ("Cyanocobalamin 1000 mcg due: pt declined IM injection today.", {("cyanocobalamin", "declined")}),
])
def test_purposes_other_places_stamped_addenda_and_routes_refused(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


def test_the_drug_a_new_one_replaces_is_no_dose_given(extractor):
    text = ("MAR | 08/26/2025 11:42 | hydroxocobalamin 1000 mcg/mL inj | Dose 1000 mcg (1 mL) | IM | L deltoid | GIVEN | "
            "Nadia Petrov, RN | Comment: first hydroxocobalamin dose, replaces cyanocobalamin")
    given = {a.drug for a in extractor.extract_text(text).administrations if a.status == "given"}
    assert given == {"hydroxocobalamin"}


def test_dated_earlier_doses_then_todays_dose_with_no_site(extractor):
    # (no site on either dose: nothing to move from one to the other)
    text = ("D/C date: 03/31/2025\nPt rec'd cyanocobalamin 1000 mcg IM monthly by SN on 12/30, 1/27, 2/24. Final dose given "
            "today, tolerated well.")
    got = {(a.status, a.site) for a in extractor.extract_text(text).administrations}
    assert got == {("historical", None), ("given", None)}


@pytest.mark.parametrize("text, expected", [
    # a declined add-on is another product's
    ("Service: Methylcobalamin 5 mg/mL (compounded), 1 mL IM R ventrogluteal. Tolerated. Add-on: glutathione declined.\n"
     "Administered by: Sierra Valdez, RN", {("methylcobalamin", "given")}),
    # a "Medication administered" heading starts a section of its own, not the problem list above it
    ("Problems:\n   Vitamin B12 deficiency (ICD-10-CM E53.8)\n\nMedication administered (BCMA):\n"
     "   CYANOCOBALAMIN 1000MCG/ML INJ   1000MCG IM\n   Admin by: PRUITT,CAROLYN A (LPN)\n", {("cyanocobalamin", "given")}),
    # the patient's own medication introduced on the line above the drug
    ("Pt brought his own medication from pharmacy (pt-supplied; Rx #7718203):\n  Cyanocobalamin 1000 mcg/mL, 1 mL single-dose vial\n\n"
     "Verified: pt name/Rx label, drug, strength.\n\nAdministered 1 mL (1000 mcg) IM to R deltoid. No reaction.",
     {("cyanocobalamin", "given")}),
    # teaching on a practice pad gives no dose
    ("Reason: Teaching - self-administration of vitamin B12 injections\nPt practiced drawing up from demo vial and injected into "
     "injection practice pad x2 with correct technique.", set()),
])
def test_add_ons_headings_brought_lines_and_practice_pads(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations if a.status != "visit_reason"} == expected
