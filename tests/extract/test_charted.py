"""Administration grids (MAR rows, injection logs, series trackers): which row is today's event."""

from datetime import date

import pytest

from notes_audit.extract.charted import visit_date

_MAR = ("Order: cyanocobalamin 1,000 mcg IM every other day x 5 doses\n\n"
        "Dose   Date/Time          Action      Dose        Route  Site          By\n"
        "1/5    11/03/2025 09:10   Given       1,000 mcg   IM     L deltoid     T. Rosales, LPN\n"
        "2/5    11/05/2025 09:25   Given       1,000 mcg   IM     R deltoid     T. Rosales, LPN\n"
        "3/5    11/10/2025 10:51   Given       1,000 mcg   IM     R deltoid     T. Rosales, LPN\n"
        "4/5    11/12/2025 09:00   Scheduled   1,000 mcg   IM\n\n")


@pytest.mark.parametrize("text, expected", [
    # the row of the visit's day is today's event, older rows are earlier doses, scheduled rows plans
    (_MAR + "Today's admin comments (11/10): tolerated, no site reaction.",
     {("cyanocobalamin", "ordered"), ("cyanocobalamin", "historical"), ("cyanocobalamin", "given"),
      ("cyanocobalamin", "planned")}),
    ("DOS: 10/27/2025\nNurse visit.\nCyanocobalamin series:\n10/13/2025 | 1000 mcg | IM | L deltoid | given\n"
     "10/20/2025 | 1000 mcg | IM | R deltoid | given\n10/27/2025 | 1000 mcg | IM | L deltoid | given\n"
     "11/03/2025 | 1000 mcg | IM |           | scheduled\n",
     {("cyanocobalamin", "historical"), ("cyanocobalamin", "given"), ("cyanocobalamin", "planned")}),
    # a row flagged today, in a log of doses with no outcome column
    ("B12 Injection Log - cyanocobalamin 1000 mcg IM\nDate       Dose        Site   Initials\n10/13/25   1000 mcg    LD     TR\n"
     "10/20/25   1000 mcg    RD     TR\n10/27/25   1000 mcg    LD     MA   (today)\n",
     {("cyanocobalamin", "historical"), ("cyanocobalamin", "given")}),
    # a log in a phone note: nothing happened today, the heading is not given because its rows say so
    ("Telephone note. Pt asks about her B12 series.\nHydroxocobalamin 1 mg IM doses:\n09/01/2025   1 mg   IM   given\n"
     "10/01/2025   1 mg   IM   given\nNext due 11/01 - pt will call to book.\n",
     {("hydroxocobalamin", "historical")}),
    # today's row refused; the earlier refusal or hold of a past row is no event at all
    ("Visit date: 03/14/2026\nMAR\ncyanocobalamin 1,000 mcg IM monthly\n01/14/2026 09:10   Held       level > 2000\n"
     "02/14/2026 09:02   Given      1,000 mcg   IM   R deltoid   JS\n03/14/2026 09:15   Refused    pt states she feels fine\n",
     {("cyanocobalamin", "historical"), ("cyanocobalamin", "declined")}),
    # dated lines that are not a grid: lab trends, medication start dates, sentences with dates
    ("Date of service 03/14/2026\nB12 trend:\n01/02/2025   180 pg/mL  L\n06/10/2025   420 pg/mL\n"
     "Glucose 03/14/2026   98 mg/dL\nOn monthly B12 injections.\n", {("b12_unspecified", "historical")}),
    ("DOS 03/14/2026\nMedications:\ncyanocobalamin 1000 mcg IM monthly   started 01/05/2025\nmetformin 500 mg   started 02/01/2024\n",
     {("cyanocobalamin", "historical")}),
])
def test_grid_rows(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    ("DOS: 11/10/2025\nNurse visit", date(2025, 11, 10)),
    ("Patient: J. Doe   DOB 08/14/1962\nDate of service: 2025-11-10", date(2025, 11, 10)),
    ("Date: Nov 10, 2025\nB12 injection visit", date(2025, 11, 10)),
    ("Encounter date 3/4/26", date(2026, 3, 4)),
    ("Printed 11/12/2025\n...\nToday's admin comments (11/10): tolerated", date(2025, 11, 10)),
    ("DOB 08/14/1962\nB12 level 11/01/2025: 180", None),  # a birth date or a lab date is not the visit's
])
def test_visit_date(text, expected):
    assert visit_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a volume or a dose's number in a series is no date
    ("Injection visit 11/12/2024 - F. Delaney\nCyanocobalamin 1500 mcg IM R deltoid (1.5 mL). Given by Dee Simmons MA.",
     {("cyanocobalamin", "given")}),
    ("5/19/25 B12 WEEKLY LOADING DOSE 3/4, cyanocobalamin 1000 mcg given IM L deltoid by T. Brooks CMA, next dose 5/27",
     {("cyanocobalamin", "given")}),
    # a dose dated before the note's own date is an earlier one
    ("Discharge date: 05/06/2025\nCyanocobalamin 1000 mcg IM daily started 5/2, 4 doses given in house.",
     {("cyanocobalamin", "historical")}),
])
def test_dated_doses(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


def test_a_results_date_is_not_the_doses(extractor):
    text = ("Pt: G. A.  74M   DOS 9/9/2025\nHere for AF follow-up and monthly B12.\n"
            "B12 deficiency (metformin; B12 150 pg/mL (L) 8/14/25): cyanocobalamin 1 mg IM L deltoid, given by A. Tate RN.")
    assert ("cyanocobalamin", "given") in {(a.drug, a.status) for a in extractor.extract_text(text).administrations}


def test_signature_lines_are_no_grid(extractor):
    text = ("Visit date: 07/22/2024\nGiven:  [ ] Yes   [x] No\nReason not given: [x] Held per provider\n"
            "Per Dr. Malik, hold B12 inj today d/t level >2000.\n\n"
            " Electronically signed by: Tonya Briggs, LPN   07/22/2024 10:14 AM\n"
            " Reviewed by: Hassan Malik, MD                 07/22/2024 12:40 PM\n")
    assert "given" not in {a.status for a in extractor.extract_text(text).administrations}


@pytest.mark.parametrize("text, expected", [
    # one charted row under its order, dated the visit's day: today's dose, with the order's route
    ("Medication Administration Report\nEncounter: 04/03/2025 Nurse Only\n\ncyanocobalamin (VITAMIN B-12) injection 1,000 mcg\n"
     "  Ordered Dose: 1,000 mcg      Route: Intramuscular      Freq: Once\n\n"
     "  Action      Date/Time          Dose         Site              User\n"
     "  Given       04/03/25 1022      1,000 mcg    Left Deltoid      KL\n",
     {("cyanocobalamin", "given", 1000, "IM")}),
    # a dated sentence is no table row
    ("12/30/25 11:20 nurse only visit. Vit B12 1000 mcg IM R deltoid given per standing order, tol well. RTC 1/27 for next.",
     {("b12_unspecified", "given", 1000, "IM")}),
])
def test_a_single_charted_row(extractor, text, expected):
    assert {(a.drug, a.status, a.dose_value, a.route) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text", [
    # a flowsheet's one row under its column names, no visit date written
    "Injection/Immunization Flowsheet\nDate      Time  Medication                        Dose     Route  Site  Lot     Init\n"
    "07/22/25  0930  B12 (cyanocobalamin) 1000mcg/mL   1000mcg  IM     RD    CY4471  JM\n",
    # a MAR table under an inline problem line
    "MEDICATION ADMINISTRATION RECORD\nEncounter date: 2025-06-02\nActive problem: Pernicious anemia (D51.0)\n"
    "--------------------------------------------\nSched      | Medication                         | Dose      | Route | Action | Time\n"
    "06/02 0900 | cyanocobalamin 1,000 mcg/mL inj    | 1,000 mcg | IM    | Given  | 09:14\n",
])
def test_one_row_records_are_the_days_dose(extractor, text):
    assert ("cyanocobalamin", "given") in {(a.drug, a.status) for a in extractor.extract_text(text).administrations}


@pytest.mark.parametrize("text, expected", [
    # a record whose rows all carry one date is that day's record, with no visit date elsewhere;
    # another medication's row in it is not a B12 dose
    ("AMBULATORY MEDICATION ADMINISTRATION RECORD\nPrinted: 07/14/2025 13:22\n\n"
     "Date/Time        | Medication                        | Dose      | Route | Status    | Performed By\n"
     "07/14/2025 13:05 | hydroxocobalamin 1,000 mcg/mL inj | 1,000 mcg | IM    | Given     | PRICE, DANA LPN\n"
     "07/14/2025 13:06 | ondansetron 4 mg ODT              | 4 mg      | PO    | Not Given | PRICE, DANA LPN\n",
     {("hydroxocobalamin", "given")}),
    # an Epic order list's "Medications" heading is the orders' kind; "administered as ordered" gives it
    ("Nurse Only Visit - 06/10/2025\nOrders Placed This Encounter\n  Medications\n"
     "    cyanocobalamin (VITAMIN B12) injection 1,000 mcg\n        Authorizing Provider: Rao, Sunita, PA-C\n\n"
     "Procedures\n  Injection site: Left Gluteus\n  Route: Intramuscular\n\nNursing Note\n"
     "  Administered as ordered, bandaid applied. Pt waited 10 min, no reaction.\n",
     {("cyanocobalamin", "planned"), ("cyanocobalamin", "given")}),
])
def test_one_day_records_and_order_lists(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected



def test_a_title_line_under_the_practice_name_dates_the_note(extractor):
    # the note's date is on its title line, under the practice's name: a dose "administered 8/31/25" at a
    # pharmacy is an earlier one
    text = ("Nguyen & Associates Family Medicine\nNURSE NOTE - 09/09/2025 13:35 - by Corinne Baptiste, LPN\n\n"
            "Pt here for her scheduled monthly Vitamin B12 shot.\nCalled Walgreens - pharmacist confirmed "
            "cyanocobalamin 1000 mcg IM administered 8/31/25 on pt's request.\nHOLD today's injection (only 9 days "
            "since last dose).\nNo injection given today.\n")
    assert ("cyanocobalamin", "historical") in {(a.drug, a.status) for a in extractor.extract_text(text).administrations}
    assert not [a for a in extractor.extract_text(text).administrations if a.status == "given"]


@pytest.mark.parametrize("text, expected", [
    # the discharge date dates a discharge summary; a birth date dates nothing
    ("DISCHARGE SUMMARY\nAdmitted 01/08/2025     Discharged 01/17/2025\nGiven cyanocobalamin 1000 mcg IM x1 on 01/10 on the unit.",
     {("cyanocobalamin", "historical")}),
    ("SUMMARY TO PHYSICIAN\nPatient: Whitaker, Eugene   DOB 1/9/1941\nDate: 05/02/2024\n"
     "SN administered cyanocobalamin 1000 mcg IM at each visit (3/5, 3/12, 3/19, 3/26).",
     {("cyanocobalamin", "historical")}),
    # a course told as past
    ("Hematology letter 06/03/2024: She was treated with cyanocobalamin 1000 mcg IM daily for one week.",
     {("cyanocobalamin", "historical")}),
    ("Hospital gave first 3 doses of cyanocobalamin.", {("cyanocobalamin", "historical")}),
])
def test_discharge_dates_and_past_courses(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


# A row that voids the row above it; a line that corrects the charting (its dose and route are the ones
# kept); an expiry is no row's date.
@pytest.mark.parametrize("text, expected", [
    ("MAR activity:\n  06/03 09:15  Cyanocobalamin 1000 mcg IM -- GIVEN (DT RN)\n"
     "  06/03 09:32  ^ above entry CHARTED IN ERROR -- wrong patient.\n", set()),
    ("Cyanocobalamin 1000 mcg/mL 1 mL SC L deltoid given 10:02.\nRoute charted incorrectly. Cyanocobalamin "
     "1,000 mcg was given INTRAMUSCULAR, L deltoid. MAR corrected.", {("cyanocobalamin", "given", 1000, "IM")}),
    ("Hydroxocobalamin 1000 mcg/mL 1 mL IM L thigh given.\nCorrection 11:26: dose charted as 1 mL in error; "
     "0.5 mL of hydroxocobalamin 1000 mcg/mL (= 500 mcg) was given.", {("hydroxocobalamin", "given", 500, "IM")}),
    ("NURSE VISIT\n1105  Cyanocobalamin 1000 mcg IM R ventrogluteal, lot 7719B exp 05/27. - CM\n",
     {("cyanocobalamin", "given", 1000, "IM")}),
])
def test_voided_and_corrected_charting(extractor, text, expected):
    assert {(a.drug, a.status, a.dose_value, a.route) for a in extractor.extract_text(text).administrations} == expected


# A flowsheet whose text labels no visit date: the row of the note's record date is today's dose.
@pytest.mark.parametrize("note_date, expected", [
    (date(2025, 5, 6), {("cyanocobalamin", "given"), ("cyanocobalamin", "historical")}),
    (None, {("cyanocobalamin", "historical")}),
])
def test_grid_rows_read_against_the_record_date(extractor, note_date, expected):
    text = ("INJECTION FLOWSHEET\nDate     | Time | Medication                 | Dose     | Route | Site\n"
            "04/08/25 | 0930 | Cyanocobalamin 1000 mcg/mL | 1000 mcg | IM    | R VG\n"
            "05/06/25 | 0915 | Cyanocobalamin 1000 mcg/mL | 1000 mcg | IM    | L VG\n")
    assert {(a.drug, a.status) for a in extractor.extract_text(text, note_date).administrations} >= expected


@pytest.mark.parametrize("text, expected", [
    # an addendum correcting another field (the supervisor) takes back no dose
    ("Cyanocobalamin 1000 mcg IM, R deltoid. Given by P. Shah, RN. Supervising: Dr. Allard (in office).\n\n"
     "ADDENDUM 10/31/2025 by P. Shah, RN\nCorrection: Dr. Allard was not in clinic. The supervising physician present "
     "was Dr. Mensah. Original supervising-physician entry was made in error.", {("cyanocobalamin", "given")}),
    ("Cyanocobalamin 1000 mcg IM, R deltoid given 09:10.\n\nADDENDUM: injection documented above was NOT given - "
     "pt left before it was drawn up.", {("cyanocobalamin", "held")}),
    # a standing order heading a checkbox template whose ticked "Given" names no drug
    ("Standing order on file:  Cyanocobalamin 1000mcg/mL -- 1 mL IM every 4 wks\n\nInjection\n"
     " [x] Given    [ ] Refused    [ ] Held -- reason: ____\n Time: 1032   Site: R deltoid   Lot: A455\n",
     {("cyanocobalamin", "given")}),
    # a site rotation in an aside is no past dose; a past dose in an aside is
    ("04/30/2025 10:18  Cyanocobalamin 1000 mcg/1 mL SC, R lower abdomen (rotated from L last month), lot 25C0.",
     {("cyanocobalamin", "given")}),
])
def test_addenda_standing_orders_and_asides(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # a vial's fill date is not the dose's
    ("Nurse visit 08/12/2025\nPt brought her own cyanocobalamin 1000 mcg/mL vial (filled at Walgreens 7/30); label "
     "checked.\nDrew up 1 mL (1000 mcg) and gave IM L deltoid.", {("cyanocobalamin", "given", 1000)}),
    # a correction naming no drug sets the dose; an addendum framed by "===" is an addendum
    ("Medication: Cyanocobalamin injection\nDose: 100 mcg\nRoute: IM\nSite: Right deltoid\n\nADDENDUM 02/19 16:05\n"
     "Correction to dose above: dose administered was 1000 mcg (1 mL of 1000 mcg/mL), not 100 mcg.",
     {("cyanocobalamin", "given", 1000)}),
    ("Vitamin B-12 (cyanocobalamin) 1000 mcg/mL inj, 1 mL IM, L deltoid -- documented 09:02\n\n=== ADDENDUM 11:37 ===\n"
     "Injection above was pre-charted and was NOT given; held per provider.", {("cyanocobalamin", "held", 1000)}),
])
def test_fill_dates_and_unnamed_corrections(extractor, text, expected):
    assert {(a.drug, a.status, a.dose_value) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # "given by me" in a nurse's note is the nurse's dose, not the doctor's she phoned
    ("Dr. Okafor out of the office today; called Dr. Okafor on his cell - OK to proceed.\nCyanocobalamin 1000 mcg IM R "
     "deltoid given by me. Tol well.\nDaria Kuznetsova, LPN", ("given", "LPN")),
    # an aside naming another B12 drug's past is not this dose's
    ("2. Pernicious anemia - hydroxocobalamin 1000 mcg IM today (switched from cyanocobalamin in 2023 after an acneiform "
     "eruption), given by Trevor Hines, LPN while I was in clinic.", ("given", "LPN")),
    # an orders heading with a longer aside is still the orders; its dose is the one the timeline gives
    ("Orders (signed Kowalczyk, Tomasz MD 06/03/2025 08:12):\n  cyanocobalamin 1000 mcg/mL inj - 1000 mcg IM once\n\n"
     "08:40  Pt roomed, ID x2.\n08:46  Injection given R ventrogluteal. Tolerated.\n\nM. Lyle, LPN", ("given", "LPN")),
])
def test_who_gave_the_days_dose(extractor, text, expected):
    given = [a for a in extractor.extract_text(text).administrations if a.status == "given"]
    assert [(a.status, a.administered_by.credential if a.administered_by else None) for a in given][:1] == [expected]


# Template answers that take the charted dose back: a "given?" answered No, an empty "Administered by",
# "Medication not administered: Yes" under boilerplate that says the injection was given.
@pytest.mark.parametrize("text, expected", [
    ("Ordered medication        | cyanocobalamin 1,000 mcg IM Q30 days\nInjection given?          | No\n"
     "Reason not given          | Patient refused\nAdministered by           | --\n", {("cyanocobalamin", "declined")}),
    ("Ordered medication        | cyanocobalamin 1,000 mcg IM Q30 days\nInjection given?          | Yes\n"
     "Administered by           | K. Moua, CMA\n", {("cyanocobalamin", "ordered"), ("cyanocobalamin", "given")}),
    ("Injection Template\n  Vaccine/Medication: Vitamin B12 (Cyanocobalamin) 1000mcg/ml\n  Dose: 1 mL\n  Route: Intramuscular\n"
     "  Site: L deltoid\n"
     "  Procedure: Area cleansed, injection given using aseptic technique. Patient tolerated the procedure well.\n\n"
     "Medication not administered: Yes\n  Reason: Patient refused\n", {("cyanocobalamin", "declined")}),
    # the drug given before a switch is no dose of today's
    ("Hydroxocobalamin 1 mg IM given L deltoid for pernicious anemia (changed from cyanocobalamin 12/2025 - now every 2 "
     "months). Tolerated.", {("hydroxocobalamin", "given"), ("cyanocobalamin", "historical")}),
    # "before it could be given today": not given today
    ("Start cyanocobalamin 1000 mcg IM weekly x 4, then monthly. First injection to be given at nurse visit Monday; pt "
     "had to leave for work before it could be given today.", {("cyanocobalamin", "ordered")}),
])
def test_template_answers_that_take_the_dose_back(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected


@pytest.mark.parametrize("text, expected", [
    # a results heading in capitals with its aside ends the problem list above it
    ("Problem List:\n  Pernicious anemia (HCC) [D51.0]\n  Hashimoto's thyroiditis\n\nRESULTS (pulled 09/09/2025 15:30)\n"
     " Vitamin B12   502   Ref: 180-914 pg/mL   08/28/2025\n\nAdministered: Cyanocobalamin 1000 mcg/mL, 1 mL IM, right deltoid\n"
     "Administered by: Selena Fischer, CMA\n", {("cyanocobalamin", "given")}),
    # a template's "Last dose:" left as a placeholder is no earlier dose
    ("Order: cyanocobalamin (VITAMIN B-12) 1,000 mcg/mL injection 1,000 mcg — Frequency: Every 28 days — Last dose: ***\n",
     {("cyanocobalamin", "ordered")}),
])
def test_headings_with_asides_and_placeholder_fields(extractor, text, expected):
    assert {(a.drug, a.status) for a in extractor.extract_text(text).administrations} == expected
