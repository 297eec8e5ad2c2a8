import pytest


@pytest.mark.parametrize("text, surname, presence", [
    ("Dr. Amanda Chen (MD) present in office.", "Chen", "in_office"),
    ("Supervising provider: K. Patel, NP, on site.", "Patel", "in_office"),
    ("Supervised via real-time audio-video by Dr. Lee.", "Lee", "virtual"),
    ("Dr. Smith available by phone only.", "Smith", "absent"),
    ("Supervising physician: Dr. Ortiz", "Ortiz", "unknown"),
])
def test_supervision(extractor, text, surname, presence):
    sup = extractor.extract_text(text).supervision
    assert [(s.name.split()[-1] if s.name else None, s.presence) for s in sup] == [(surname, presence)]


@pytest.mark.parametrize("text, expected", [
    ("HPI: here for B12. Also c/o R knee pain x2 weeks after a fall.\nExam: R knee effusion, tender.\n"
     "A/P: 1. Knee pain - x-ray ordered, naproxen 500 mg BID. 2. PA - B12 given.", True),
    ("Nurse visit for monthly B12. Vitals stable. Tolerated well, no complaints. Continue monthly injections.", False),
    ("HPI: new tingling in both feet since last month.\nExam: decreased vibration sense.\n"
     "Plan: increase cyanocobalamin to weekly; check MMA.", True),
])
def test_em(extractor, text, expected):
    assert extractor.extract_text(text).em.separately_identifiable is expected


@pytest.mark.parametrize("text, loading", [
    ("Cyanocobalamin 1000 mcg IM weekly x 4 weeks, then monthly.", True),
    ("Loading dose given today.", True),
    ("Monthly maintenance injection given.", False),
    ("Injection 2 of 4 today; dose #3 of 4 next Tuesday.", True),
    ("Dose 2/4 given, L deltoid.", True),
    # a dose's date is no count of a series
    ("Walk-in, asked for her B12 early. Last dose 3/4 here. Cyanocobalamin 1000 mcg IM L deltoid.", False),
    ("Next dose 3/18/25.", False),
    ("Injection 5/12/2025 given R deltoid.", False),
])
def test_loading_phase(extractor, text, loading):
    assert bool(extractor.extract_text(text).loading_phase) is loading


def _lowercase_safe(rx) -> bool:
    import re
    return not re.search(r"[A-Z]", re.sub(r"\\[A-Za-z]", "", rx.pattern))


def test_patterns_run_on_lowered_text_have_no_capitals():
    from notes_audit.extract import em, supervision

    patterns = [em._HISTORY_OR_EXAM, em._B12_ROUTINE, em._MANAGEMENT, em._PROBLEM_WORDS, em._REEVAL, em._LOADING,
                supervision._CUE]
    assert [p.pattern[:30] for p in patterns if not _lowercase_safe(p)] == []


@pytest.mark.parametrize("text, expected", [
    ("HPI: URI symptoms x4 days.\nA: Acute viral URI with postnasal drip cough.\n"
     "P: Supportive care, saline rinses, fluticasone nasal 2 sprays daily x 2 wks. Return if fever.", True),
    ("HPI: B12 visit; also c/o L buttock pain radiating down the leg.\nASSESSMENT & PLAN\n"
     "1. Acute L S1 radiculopathy. Prednisone taper 6 days (no NSAIDs - gastric bypass). PT referral.\n"
     "2. B12 deficiency s/p RYGB - B-12 1000 mcg IM given today.", True),
    ("TELEPHONE NOTE\nPt called, asks about B12. Discussed with Dr. Holm: give cyanocobalamin 1000 mcg IM at next "
     "nurse visit. Also advised ibuprofen 400 mg for back pain.", False),
    ("Indication: PA. Hematology switched her to hydroxocobalamin in 2023.\nHydroxocobalamin 1000 mcg IM given. "
     "Pt reports no new complaints. BP 128/76.", False),
])
def test_em_cases(extractor, text, expected):
    assert extractor.extract_text(text).em.separately_identifiable is expected


@pytest.mark.parametrize("text, expected", [
    ("Dr. Okafor out of the office this week - Dr. Amanda Chen is the supervising physician in clinic today.",
     {("Okafor", "absent"), ("Chen", "in_office")}),
    ("Provider on premises: I. Solberg, MD", {("Solberg", "in_office")}),
    ("Supervising MD: Hamza Abdi – in clinic.", {("Abdi", "in_office")}),
    ("Supervision: telehealth video with Dr. Imani Okoro was attempted but the connection failed; "
     "Dr. Okoro was reachable by phone only.", {("Okoro", "absent")}),
    ("This is Dr. Okafor dictating. Cyanocobalamin 1000 mcg IM given by our nurse Jenna Rivera, RN, "
     "with me in the office.", {("Okafor", "in_office")}),
    ("dr. castellano in ofc.", {("Castellano", "in_office")}),
])
def test_supervision_phrasings(extractor, text, expected):
    sup = extractor.extract_text(text).supervision
    assert {(s.name.split()[-1] if s.name else None, s.presence) for s in sup} == expected


@pytest.mark.parametrize("text, expected", [
 ("Dr. Morales immediately available in suite.", ("Morales","in_office")),
 ("NP Kim on the floor during injection.", ("Kim","in_office")),
 ("MD offsite, covering by phone: Dr. Reyes.", ("Reyes","absent")),
 ("Supervising: Dr. Yuen (video).", ("Yuen","virtual")),
 ("Dr. Patel was in the building at the time of the injection.", ("Patel","in_office")),
 ("Supervising physician Dr. Lin present in office suite.", ("Lin","in_office")),
 ("Direct supervision: Maria Gomez, NP - onsite.", ("Gomez","in_office")),
 ("Dr. Stone at the hospital today; no provider in clinic.", ("Stone","absent")),
 ("Incident-to: Dr. Abara in clinic.", ("Abara","in_office")),
 ("Provider (Dr. Tran) available via Zoom video throughout.", ("Tran","virtual")),
 ("Supervising provider: Dr. Walsh.", ("Walsh","unknown")),
 ("Dr. Ng was reachable by telephone only.", ("Ng","absent")),
])
def test_presence_phrasings(extractor, text, expected):
    sup = extractor.extract_text(text).supervision
    assert expected in {(s.name.split()[-1] if s.name else None, s.presence) for s in sup}


@pytest.mark.parametrize("text, expected", [
 ("S: Here for B12. Also has had a cough x5 days, no fever.\nO: Lungs clear. T 98.6.\nA/P: 1. Acute bronchitis - supportive care, benzonatate 100 mg TID prn. 2. PA - B12 1000 mcg IM given.", True),
 ("Nurse visit. Pt here for monthly B12. BP 122/80, P 72. Cyanocobalamin 1000 mcg IM given L deltoid. Tolerated well. No complaints. Continue monthly.", False),
 ("CC: B12 shot, knee pain\nHPI: L knee pain 2 wks after fall, swelling.\nExam: L knee effusion, ROM limited.\nAssessment: L knee sprain; PA.\nPlan: Knee x-ray, ice, ibuprofen 600 mg TID x7d. B12 given today.", True),
 ("HPI: f/u B12 deficiency. Reports new numbness in both feet x1 month.\nExam: decreased vibration sense at toes, Romberg positive.\nA/P: B12 deficiency with new neuropathy - increase cyanocobalamin to weekly x4, check MMA and homocysteine, neurology referral.", True),
 ("Pt in for B12 injection. Doing well, energy good, no new symptoms. Vitals stable. B12 1000 mcg IM R deltoid. RTC 1 month.", False),
 ("Subjective: monthly B12 visit, also BP high at home 150s.\nObjective: BP 152/94.\nAssessment: HTN uncontrolled - increase lisinopril to 20 mg daily, recheck 2 wks. Pernicious anemia - B12 given.", True),
 ("Injection visit. Pt reports she feels fine. Denies numbness or tingling. B12 given IM. Next in 4 wks.", False),
 ("A: Vitamin B12 deficiency, stable on monthly injections.\nP: Continue cyanocobalamin 1000 mcg IM monthly. Given today.", False),
])
def test_em_visits(extractor, text, expected):
    assert extractor.extract_text(text).em.separately_identifiable is expected


@pytest.mark.parametrize("text, expected", [
    ("SUPERVISING MD: DR. MBEKI-LANGSTROM - OFFSITE TODAY (MAIN CAMPUS), AVAILABLE BY PHONE.",
     ("Mbeki-Langstrom", "absent")),
    ("Provider: Henrietta Vasquez-Moore, CNM\nB12 1000 mcg IM given L deltoid by J. Tate, MA; I was in the office.",
     ("Henrietta Vasquez-Moore", "in_office")),
    ("NP Visit -- Fernwood\nNP: Delphine Harcourt-Ibe, FNP-C\nB12 1 mg IM given by K. Lind, RN (I was on site).",
     ("Delphine Harcourt-Ibe", "in_office")),
])
def test_supervisor_names(extractor, text, expected):
    assert expected in {(s.name, s.presence) for s in extractor.extract_text(text).supervision}


def test_a_common_word_after_doctor_is_not_a_name(extractor):
    text = "she wanted the doctor to know, I gave B12 1000 mcg IM, Dr. Pemberton-Oyo was in clinic seeing patients"
    assert {s.name for s in extractor.extract_text(text).supervision} == {"Pemberton-Oyo"}


@pytest.mark.parametrize("text, expected", [
    # non-ASCII names
    ("Cyanocobalamin 1000 mcg IM given by MA. Supervising: Dr. Ingrid Sørensen-Okafor, off site, reachable by phone.",
     {("Ingrid Sørensen-Okafor", "absent")}),
    # a wide template gap ends a name
    ("B12 1000 mcg IM given L deltoid.\nAttending: Dr. Wilhelmina Sato-Brandt     Allergies: sulfa\nDr. Sato-Brandt in office.",
     {("Sato-Brandt", "in_office")}),
    # the author's own words say how they were present
    ("First dose given today by W. Marchbanks, RN, R deltoid; I was present by real-time audio-video throughout.",
     {(None, "virtual")}),
    # a header's supervising MD adds nothing once the note says who was where
    ("PROVIDER: CELESTE VARGA-MOLINA, PA-C     SUPERVISING MD: ANDRE KOWALEWSKI, MD\n\nHPI: FOLLOW UP.\n\n"
     "B12 1000 MCG IM GIVEN L DELTOID BY RN, I WAS IN THE SUITE.", {("Celeste Varga-Molina", "in_office")}),
])
def test_supervision_in_context(extractor, text, expected):
    assert {(s.name, s.presence) for s in extractor.extract_text(text).supervision} == expected


@pytest.mark.parametrize("text, expected", [
    ("Provider location: clinic office — Felicity Nakagawa-Boone, MD\n\n"
     "Cyanocobalamin 1000 mcg IM administered now by RN T. Reinholt, R deltoid, while I observed on video.",
     ("Felicity Nakagawa-Boone", "virtual")),
    ("Nephrologist on unit (rounding this shift): Dr. Saoirse Kilbride-Amadi\nB12 1000 mcg IM given by RN.",
     ("Saoirse Kilbride-Amadi", "in_office")),
])
def test_supervision_phrasings_more(extractor, text, expected):
    assert expected in {(s.name, s.presence) for s in extractor.extract_text(text).supervision}


_INJECTION = 'Cyanocobalamin 1000 mcg IM given L deltoid by J. Ray, MA. '


# Supervision phrasings after a charted injection: (surname, presence).
@pytest.mark.parametrize("text, surname, presence", [
    ('Dr. Patel was in the office at the time of the injection.', 'Patel', 'in_office'),
    ('Supervising physician: Dr. Maria Gomez, on site.', 'Gomez', 'in_office'),
    ('Supervising provider Jane Roe, NP present in clinic.', 'Roe', 'in_office'),
    ('Dr. Kim available in the building for supervision.', 'Kim', 'in_office'),
    ('Physician (Dr. Alan Wu) physically present in the suite.', 'Wu', 'in_office'),
    ('Supervision: Dr. Li via real-time audio/video.', 'Li', 'virtual'),
    ('Dr. Chen supervised via Teams video.', 'Chen', 'virtual'),
    ('Dr. Brown available by phone only; not on site today.', 'Brown', 'absent'),
    ('No provider on site today.', None, 'absent'),
    ('Dr. Smith off-site; reachable by cell.', 'Smith', 'absent'),
    ('Incident-to: Dr. Rosa Diaz (in office).', 'Diaz', 'in_office'),
    ('Dr. Okafor was out of the office; Dr. Chen supervised in clinic.', 'Chen', 'in_office'),
    ('Supervising MD Dr. Evans present.', 'Evans', 'in_office'),
    ('MD on premises: Dr. Hill', 'Hill', 'in_office'),
    ('Provider in clinic: Dr. Ann Lee', 'Lee', 'in_office'),
    ('Dr. Young immediately available in the office suite.', 'Young', 'in_office'),
    ('Supervising physician Dr. Ng present via telehealth video.', 'Ng', 'virtual'),
    ('Supervising physician: Dr. Ford (at the hospital, available by pager).', 'Ford', 'absent'),
    ('Cosigned by supervising physician: Dr. Stone.', 'Stone', 'unknown'),
    ('supervising provider: dr. martinez in clinic', 'Martinez', 'in_office'),
])
def test_supervision_phrasings_table(extractor, text, surname, presence):
    found = {(s.name.split()[-1] if s.name else None, s.presence) for s in extractor.extract_text(_INJECTION + text).supervision}
    assert (surname, presence) in found, found


@pytest.mark.parametrize("text, expected", [
    ("p: b12 1000mcg im lt delt given by ma (t. nguyen). tol well. dr. kowalczyk in bldg during inj.",
     ("Kowalczyk", "in_office")),
    ("Resident: Priyanka Sethi, MD      Attending: Thomas Albright, MD\n\nB12 1000 mcg IM given by RN.\n\n"
     "ATTENDING ATTESTATION: I saw the patient with Dr. Sethi. I was present in the clinic when the first "
     "injection was given by nursing. -- Thomas Albright, MD", ("Thomas Albright", "in_office")),
])
def test_supervision_buildings_and_attestations(extractor, text, expected):
    assert expected in {(s.name, s.presence) for s in extractor.extract_text(text).supervision}


def test_an_unnamed_supervisor_is_the_one_practitioner_named(extractor):
    text = ("B12 injection (monthly)\nOrdering provider: Rebecca Hollis, MD\n"
            "Supervising provider present in office suite:  [X] Yes   [ ] No\n"
            "Cyanocobalamin 1000 mcg IM L deltoid given by J. Ruiz, MA.")
    assert [(s.name, s.presence) for s in extractor.extract_text(text).supervision] == [("Rebecca Hollis", "in_office")]


def test_a_pas_own_supervising_physician_supervises_no_injection(extractor):
    text = ("DOS: 09/30/2025     Provider: Beatriz Olmedo-Haas, PA-C     Supervising physician: Jerome Wexler, MD\n"
            "Borderline B12 with high MMA; cyanocobalamin 1000 mcg IM weekly x 4 ordered, awaiting prior auth.")
    assert extractor.extract_text(text).supervision == []


@pytest.mark.parametrize("text, expected", [
    ("Supervising Practitioner:  Osei DO, Nathaniel\n    Supervision Type:  Direct - Virtual (real-time audio/video via telehealth cart)\n"
     "Cyanocobalamin 1000 mcg IM given by LPN.", [("Osei", "virtual")]),
    ("Supervising physician: Dr. Leah Brandt. Provider on site? .... ( ) Yes   (•) No\nCyanocobalamin 1000 mcg IM given by MA.",
     [("Leah Brandt", "absent")]),
])
def test_template_supervision_fields(extractor, text, expected):
    assert [(s.name, s.presence) for s in extractor.extract_text(text).supervision] == expected


@pytest.mark.parametrize("text, expected", [
    # ticked options: an unticked one says nothing
    ("Supervising physician: Dr. R. Hale — [x] in building  [ ] available by phone", {("Hale", "in_office")}),
    ("Supervising provider: Dr. Elena Marsh\nSupervision type:  [ ] In suite    [ ] Video    [X] Telephone - at main campus",
     {("Marsh", "absent")}),
    # "telehealth" describes the doctor's day; the supervising link is the phone
    ("Provider status: Dr. Nadia Park working remotely today (telehealth clinic from home), available by phone.",
     {("Park", "absent")}),
    # surname first after a label
    ("Physician: Farris, Lena MD (ordering/supervising)", {("Farris", "unknown")}),
    # the one covering is the supervisor; "out this wk" is away
    ("Dr. Obi out today (rounds), Dr. Lutz covering by phone.", {("Lutz", "absent")}),
    ("dr whitley out this wk, NP Garza in clinic & supervising.", {("Garza", "in_office")}),
    # an office's agreement is no supervisor; a field answered N/A names no one
    ("Orders faxed; Dr. Gupta's office agreed by phone to give the first doses.", set()),
    ("Supervising physician: N/A", set()),
    # dictated attestation in capitals
    ("B12 1000 MICROGRAMS WAS ADMINISTERED IM BY OUR NURSE, WITH MYSELF PRESENT IN THE OFFICE.\nDICTATED BY: ALAN BRASWELL, M.D.",
     {("Braswell", "in_office")}),
])
def test_supervision_options_covering_and_labels(extractor, text, expected):
    found = {(s.name.split()[-1] if s.name else None, s.presence) for s in extractor.extract_text(_INJECTION + text).supervision}
    assert found == expected


_LETTERHEAD = "MAPLE GROVE FAMILY MEDICINE\n2210 Station Rd, Suite 4\nTel 555-218-0090   Fax 555-218-0091\n\n" * 2


@pytest.mark.parametrize("text, expected", [
    # letters, referrals, appeals and registry reviews are not visits, whatever they discuss
    (_LETTERHEAD + "RE: Jane Roe   DOB 01/02/1960\n\nDear Dr. Greaves,\n\nThank you for seeing Ms. Roe for B12 deficiency with "
     "new paresthesias. Exam: decreased vibration sense. Please evaluate for pernicious anemia; started cyanocobalamin.", False),
    ("NEUROLOGY REFERRAL REQUEST        Fax to: (555) 640-2281\nReason for referral: neuropathy, low B12. Exam: absent ankle "
     "reflexes. Started IM B12; please evaluate.", False),
    ("CLINICAL PHARMACIST NOTE - Population Health\nChart review only - patient not contacted.\nOn metformin 10 yrs, "
     "B12 188 pg/mL. Recommend PCP start oral B12 and recheck in 3 months.", False),
    # a clinic letter that reports the visit is one
    (_LETTERHEAD + "Dear Dr. Whitaker,\n\nI saw Jennifer today for her B12 deficiency after sleeve gastrectomy. She reports "
     "new tingling in both feet; exam shows reduced vibration sense. I have increased cyanocobalamin to weekly and ordered MMA.", True),
])
def test_letters_and_chart_reviews_are_not_visits(text, expected):
    from notes_audit.extract.em import is_non_visit
    assert is_non_visit(text.lower()) is not expected


def test_an_aside_about_another_physician_is_not_the_supervisors_whereabouts(extractor):
    text = _INJECTION + "Supervising: Dr. Haddad in office (Dr. Raman, PCP, out on leave this week)."
    assert {(s.name.split()[-1], s.presence) for s in extractor.extract_text(text).supervision} == {("Haddad", "in_office")}


def test_an_attestation_is_signed_by_the_notes_signer_not_a_doctor_named_in_the_history(extractor):
    text = ("S: 39M w/ Crohn's disease, follows w/ GI (Dr. Hartwell). Here for f/u depression and B12.\n\n"
            "A/P: 2. B12 deficiency -- cyanocobalamin 1000 mcg IM given today L deltoid by Devon Marsh, MA; "
            "I was present in the clinic.\n\n-- Nadia Ferrante, MD  11/12/2024")
    assert {(s.name, s.presence) for s in extractor.extract_text(text).supervision} == {("Nadia Ferrante", "in_office")}


def test_whereabouts_before_the_name_when_an_aside_follows(extractor):
    text = _INJECTION + "Supervising provider on site: Dr. Priya Venkataraman (covering for Dr. Gallagher, who is out this week)."
    assert {(s.name.split()[-1], s.presence) for s in extractor.extract_text(text).supervision} == {("Venkataraman", "in_office")}


@pytest.mark.parametrize("text, expected", [
    # an advanced-practice credential written out ("FNP", "APRN") names a supervising practitioner
    ("9/2/25 1410 -- B12 1000mcg IM L delt, tol well. Jolene Pruitt FNP in clinic. -D. Sims MA",
     [("Jolene Pruitt", "in_office")]),
    ("Cyanocobalamin 1000 mcg IM given. R. Haas APRN on site.", [("R. Haas", "in_office")]),
    # where they are, said outside an aside about their telehealth morning
    ("Cyanocobalamin 1000 mcg IM given L deltoid. Reported to D. Whitcomb-Ruiz, FNP-C who is in clinic this "
     "afternoon (seeing in-person pts after her telehealth block).", [("D. Whitcomb-Ruiz", "in_office")]),
])
def test_practitioner_credentials_and_asides(extractor, text, expected):
    assert [(s.name, s.presence) for s in extractor.extract_text(text).supervision] == expected


@pytest.mark.parametrize("text, credential", [
    # the staff member who signs a note that does not say who gave the dose gave it
    ("Wellness Bar Visit\nAdministered: Methylcobalamin 5000 mcg IM, L deltoid (lot MC0925)\nTolerated well.\n\n"
     "Tiffani Greco, MA", "MA"),
    # a practitioner signing, or a practitioner named in the dose's line, is not that
    ("Administered: cyanocobalamin 1000 mcg IM, L deltoid.\n\nAmanda Chen, MD", None),
    ("Dr. Lee administered cyanocobalamin 1000 mcg IM R deltoid.\n\nK. Obi, MA", None),
])
def test_the_signer_gave_an_unattributed_dose(extractor, text, credential):
    (given,) = [a for a in extractor.extract_text(text).administrations if a.status == "given"]
    assert (given.administered_by.credential if given.administered_by else None) == credential


@pytest.mark.parametrize("text, expected", [
    # rooms next door (UK, South Africa), presence during the administration, the one whose supervision it is
    ("Cobalin-H 1000 ug IMI R deltoid.\nDr Pillay consulting in rooms next door - informed.", [("Pillay", "in_office")]),
    ("Cyanocobalamin 1000 mcg IM given.\nSupervising: CPT M. Rhodes, PA-C, in TMC during administration.",
     [("Cpt M. Rhodes", "in_office")]),
    ("Rx: Cytamen 1000mcg/1ml IM given L) deltoid by Chloe (EN) under Dr Beaumont's supervision - Dr in rooms.",
     [("Beaumont", "in_office")]),
    # a practitioner's office is not the practitioner
    ("Cyanocobalamin 1000 mcg IM given. Dr. Gupta's office agreed by phone.", []),
    # "Dr. Doyle present." names where the practitioner is; a lesion present near a doctor's name does not
    ("Cyanocobalamin 1000mcg IM given R deltoid 10:05. Dr. Doyle present. No rxn. L. Mbeki RN", [("Doyle", "in_office")]),
    ("The area of previous biopsy by Dr. A. showed no circumscribed lesion present.", []),
])
def test_rooms_and_possessives(extractor, text, expected):
    assert [(s.name, s.presence) for s in extractor.extract_text(text).supervision] == expected


# Who supervised, read from the author's own words, blank fields and failed video links.
@pytest.mark.parametrize("text, expected", [
    # a template's supervisor field left blank names no one
    ("Medication: Cyanocobalamin\n   Dose: 1000 mcg\n   Route: [x] IM\nAdministered by: Jasmine Pruitt, MA\n"
     "Supervising provider on site: ____________\nNext injection: 09/05/2025", []),
    # a video link that is down supervises nothing: the phone call is all there was
    ("No provider on site today (Dr. Ferreira at main clinic, video link down). Called Dr. Ferreira by phone, verbal OK.\n"
     "10:12 cyanocobalamin 1000 mcg IM R deltoid. C. Redcloud, MA", [("Ferreira", "absent")]),
    # the author's own supervision; the one other practitioner named (a past colonoscopy's) is someone else
    ("3. B12 deficiency - cyanocobalamin 1000 mcg IM given today by Rebecca Tull, MA, under my supervision in the office.\n"
     "4. Colon cancer screening - colonoscopy 2023 (Dr. Kowalczyk) normal; next 2033.\nAO", [(None, "in_office")]),
    ("1. B12 deficiency. Start cyanocobalamin 1000 mcg IM monthly; first dose given today by Renee Dubois, LPN, in our "
     "office while I was here.\nChidi Okafor, MD", [("Okafor", "in_office")]),
    ("Hydroxocobalamin 1000 mcg (1 mL) IM given R ventrogluteal @ 10:05.\nDr. Raman in the infusion suite.\nN. Haddad, RN",
     [("Raman", "in_office")]),
])
def test_supervision_from_the_authors_words_and_blank_fields(extractor, text, expected):
    sup = extractor.extract_text(text).supervision
    assert [(s.name.split()[-1] if s.name else None, s.presence) for s in sup] == expected


# What is not the supervision of a dose: a co-signature, a call about the plan on a day with no dose, a
# patient's level of help, a PA's or NP's own supervising physician; and a video link that dropped.
@pytest.mark.parametrize("text, expected", [
    ("Cyanocobalamin 1000 mcg IM given L deltoid. Tolerated.\nDarnell Pruitt, CMA   Co-signed: Carolyn Wendt, NP 08/06/2025", []),
    ("Cyanocobalamin 1000 mcg IM given L deltoid.\nCosigned by supervising physician: Harold Bregman, DO",
     [("Bregman", "unknown")]),
    ("Scheduled cyanocobalamin held today, platelets 41K. Discussed with Dr. Petrov by phone, who agrees.", []),
    ("Cyanocobalamin 1000 mcg IM given R deltoid by K. Lee, MA. Discussed with Dr. Petrov by phone, OK to give.",
     [("Petrov", "absent")]),
    ("Functional: mod I ADLs, supervision for community mobility, no driving until cleared.", []),
    ("Seen by: M. Delacroix, NP   Supervising ED physician: Dr. Bernstein (available, not consulted)", []),
    ("Supervision: Dr. Camila Reyes joined via Teams video at 09:15 from main clinic.\nVideo froze/dropped at 09:21; "
     "reconnect failed x2; Dr. Reyes remained on the phone (audio only) for the rest of the visit.\n"
     "Cyanocobalamin 1000 mcg SC given at 09:24 by T. Ames, RN.", [("Reyes", "absent")]),
    # an absence said with "no other provider", and a supervisor away from the office
    ("Dr. Fitch (PCP) not in office today - available by phone. No other provider on site this AM. Called Dr. Fitch @0840, "
     "OK'd proceeding.\nCyanocobalamin 1000 mcg IM L deltoid given by J. Moss, LPN.", [("Fitch", "absent")]),
    ("Administered cyanocobalamin 1,000 mcg (1 mL) IM R deltoid 11:36 AM.\nNote: Dr. Lindqvist is out of the office "
     "today (CME).", [("Lindqvist", "absent")]),
])
def test_what_is_not_supervision_of_a_dose(extractor, text, expected):
    sup = extractor.extract_text(text).supervision
    assert [(s.name.split()[-1] if s.name else None, s.presence) for s in sup] == expected


def test_degrees_after_a_name_are_not_the_name(extractor):
    text = ("We gave her cyanocobalamin 1000 micrograms IM in clinic today (given by our nurse, Abigail Torres RN, with me "
            "in clinic).\n\nYours sincerely,\n\nDr Graham Sutherland MBChB FRCPath\nConsultant Haematologist")
    assert [(s.name, s.presence) for s in extractor.extract_text(text).supervision] == [("Graham Sutherland", "in_office")]


@pytest.mark.parametrize("text, expected", [
    # the author's present tense beside the staff who gave it
    ("2. B12 deficiency - Cyanocobalamin 1000 mcg IM now.\n   -> L deltoid 10:48, Brittany Cole, CMA; I am in clinic.\n\n"
     "Paul Lindqvist, MD", [("Lindqvist", "in_office")]),
    # where the author sits for a video visit is not supervision
    ("Video visit (Doxy.me) 1/07/25 - pt at home, I'm in clinic. Consent verbal.\nB12 deficiency: continue "
     "cyanocobalamin monthly at nurse visits.\nAmy Ko, MD", []),
    # ... also when the visit's kind is said after it, on the note's last line
    ("B12 deficiency: continue cyanocobalamin monthly at nurse visits. Amy Ko, MD. I'm in clinic, pt at home on video", []),
])
def test_the_authors_present_tense(extractor, text, expected):
    sup = extractor.extract_text(text).supervision
    assert [(s.name.split()[-1] if s.name else None, s.presence) for s in sup] == expected


@pytest.mark.parametrize("text, expected", [
    # a label before the credential is no name; a surname written first is the surname
    ("B12 1000 mcg IM R delt by J. Fox, CMA.\nSupv MD: KRT (in clinic)", [("Krt", "in_office")]),
    ("Cyanocobalamin 1000 mcg IM given R deltoid by T. Ames, LPN.\nVolunteer MD on site tonight: Dr. P. Larkin  [x] present "
     "in clinic", [("Larkin", "in_office")]),
    ("Procedure: Cyanocobalamin 1000 mcg/1 mL IM L deltoid, administered by SPC Jada Reyes (68W) under my direct supervision, "
     "I was in the room.\n\nElectronically signed by: ALVAREZ, DANIEL, PA-C  09 JUN 2025 0912", [("Alvarez", "in_office")]),
    # the author's own words say how, a little further on
    ("Addendum 07/08 14:32: I supervised today's B12 IM (cyanocobalamin 1000 mcg) via real-time audio/video from the Elm St "
     "site while MA administered at Ridgeview. -- P. Grady DO", [("Grady", "virtual")]),
])
def test_names_and_the_authors_words(extractor, text, expected):
    sup = extractor.extract_text(text).supervision
    assert [(s.name.split()[-1] if s.name else None, s.presence) for s in sup] == expected


@pytest.mark.parametrize("text, expected", [
    # a surname written alone after a presence label
    ("Given by: B. Tan CMA\nProvider in office: Whitcomb\nTolerated well.", [("Whitcomb", "in_office")]),
    ("Cyanocobalamin 1000 mcg IM given by J. Ray, MA.\nPhysician on site: Dr. Ann Lee", [("Lee", "in_office")]),
])
def test_a_surname_after_a_presence_label(extractor, text, expected):
    sup = extractor.extract_text(text).supervision
    assert [(s.name.split()[-1] if s.name else None, s.presence) for s in sup] == expected


@pytest.mark.parametrize("text, loading", [
    ("B12 wk 1 of 4 (loading): cyanocobalamin 1000mcg IM L delt.", True),
    ("Cyanocobalamin 1000 mcg IM given (loading). Next in 1 week.", True),
    ("Cyanocobalamin 1000 mcg IM monthly, given today.", False),
])
def test_more_loading_phase_phrasings(extractor, text, loading):
    assert bool(extractor.extract_text(text).loading_phase) is loading
