"""Faithful sentences that drew a confident, wrong reason from a hard check, found on a second
hand-written set in new genres (benchmarks/data/synthetic_genres2.jsonl: vet discharge notes,
fund factsheets, conference programmes, ferry notices, admissions letters, inspection reports,
wildlife surveys), each beside the error of the same form that must still fire. No model: the
word-paraphrase judge is a stub."""

import pytest

from tests.helpers.checks import run


def fired(claim, evidence, source=None):
    return run(claim, evidence, source).fired


# -- numbers --------------------------------------------------------------------------------------

def test_a_number_before_a_unit_of_time_counts_no_noun_after_it():
    ev = "Feed the recovery diet once daily at first, then four small meals a day for three days."
    assert "number_attachment" not in fired("Biscuit should eat four small meals daily for three days.", ev)


def test_a_length_in_minutes_the_evidence_gives_another_count_still_fires():
    ev = "3. Add 250 µL Buffer P2 and invert 4-6 times. Do not let lysis run for more than 5 minutes."
    assert "number_attachment" in fired("Cells are lysed with P2 for no longer than four minutes.", ev)


def test_a_currency_code_is_not_what_an_amount_is_of():
    ev = ["| Student | NOK 2,100 | NOK 2,100 |", "Dinner seats can be added for NOK 650, subject to availability."]
    assert "number_attachment" not in fired("Students pay NOK 2,100 and may add the dinner for NOK 650.", ev)


def test_a_list_marker_counts_nothing():
    ev = "3. Garden: the lease makes the landlord responsible for the garden; the £180 claim fails."
    assert "number_attachment" not in fired("The £180 garden claim failed because the landlord keeps the garden.",
                                            ev)


def test_a_difference_of_two_cells_of_a_table_row_is_derived():
    source = "Fees\n| Full (3 days) | NOK 6,900 | NOK 8,400 |\n| Student | NOK 2,100 | NOK 2,100 |"
    ev = "| Full (3 days) | NOK 6,900 | NOK 8,400 |"
    assert "novel_number" not in fired("Booking early costs NOK 1,500 less than the standard NOK 8,400.", ev, source)
    assert "novel_number" in fired("Booking early costs NOK 1,800 less than the standard NOK 8,400.", ev, source)


def test_a_percentage_change_is_no_difference_of_two_numbers():
    # "50% higher" where the source says 30% higher: not excused as 80 - 30 of another sentence
    ev = "Species richness of solitary bees was 30% higher on sown verges."
    source = ev + " Sown verges covered 80 plots and mown ones 30 plots. Hoverfly counts were 50% up."
    chk = run("Solitary-bee species richness was 50% higher on sown verges.", ev, source)
    assert "number_attachment" in chk.fired, chk.reasons


def test_a_difference_between_two_years_counts_is_derived():
    ev = ["| Species | 2026 | 2025 |", "| Lapwing | 23 | 17 |", "Two redshank nests failed; visit 4 is planned."]
    chk = run("The survey counted twenty-three lapwing pairs, six more than a year earlier.", ev)
    assert "number_attachment" not in chk.fired and "novel_number" not in chk.fired, chk.reasons


# -- negation --------------------------------------------------------------------------------------

FACTSHEET = "Ongoing charges figure (OCF): 0.78%   Entry charge: none   Historic yield: 3.9%"


def test_a_label_answered_none_is_a_negation():
    assert "negation" not in fired("The fund charges 0.78% a year and no entry fee.", FACTSHEET)
    assert "negation" in fired("The fund charges 0.78% a year and no entry fee.", FACTSHEET.replace("none", "5%"))


def test_a_negation_before_a_bound_is_no_denial_of_what_follows():
    ev = "If you narrowly miss these grades, we may still confirm your place. Grades below ABB will not be considered."
    assert "negation" not in fired("Nothing below ABB will be considered.", ev)


def test_a_need_the_source_denies_to_others_and_a_condition_are_not_stated_facts():
    ferry = "Vehicle bookings are essential. Foot passengers do not need to book."
    assert "negation" not in fired("Livestock lorries need two days' advance booking.", ferry)
    inspection = "- Food safety records not completed since 21 October."
    assert "negation" not in fired("The owner can ask for a re-rating once repairs are complete.", inspection)
    assert "negation" in fired("Food safety records were completed in October.", inspection)


SURVEY = ("- Lapwing concentrated in compartments C and D after winter grazing by Highland cattle; "
          "none in compartment F, which remains rank.")


def test_things_with_other_labels_are_other_things():
    chk = run("The survey counted lapwing pairs, mostly in compartments C and D.", SURVEY)
    assert "negation" not in chk.fired and "quantifier" not in chk.fired, chk.reasons
    assert "negation" in fired("The survey found lapwing in compartment F.", SURVEY)


# -- modality, names --------------------------------------------------------------------------------

def test_a_past_form_after_a_determiner_is_a_noun_not_a_deed():
    ev = "2. The Trust should consider cutting compartment F in late summer, subject to Natural England consent."
    assert "modality" not in fired("The Trust should weigh a late-summer cut of compartment F.", ev)
    assert "modality" in fired("The Trust cut compartment F in late summer.", ev)


def test_a_day_with_a_name_of_its_own_is_its_date():
    ev = "3. Customers who can no longer travel may request a full refund until 31 December 2026."
    assert "novel_entity" not in fired("A full refund may be claimed up to New Year's Eve 2026.", ev)
    assert "novel_entity" in fired("A full refund may be claimed up to Christmas Eve 2026.", ev)


@pytest.mark.parametrize("word", ["July-to-September", "Mon-Fri", "April–June"])
def test_a_word_made_of_months_or_weekdays_is_no_name(word):
    ev = "In the quarter from 1 July to 30 September the fund returned 1.2%; the helpline is open Monday to Friday."
    assert "novel_entity" not in fired(f"The fund returned 1.2% in the {word} period.", ev)


@pytest.mark.parametrize("word", ["an alarming lapse", "a landmark ruling", "a shoddy repair"])
def test_an_evaluation_the_source_never_makes_fires(word):
    ev = "About 4 kg of cooked rice left to cool for three hours was thrown away on the inspector's advice."
    assert "editorial" in fired(f"Four kilos of rice were thrown away, {word} for the kitchen.", ev)
    assert "editorial" not in fired("Four kilos of rice were thrown away.", ev)


def test_an_age_in_apposition_counts_the_name_before_it():
    ev = "Kaitlyn Granado, 24, was arrested on Monday amid claims she had sex with a pupil, 15, in her car."
    assert "number_attachment" in fired("Kaitlyn Granado, 15, was arrested amid claims about a pupil, 24.", ev)


def test_a_length_of_time_counts_its_unit():
    ev = "Raju, 60, has been in jail for 32 months."
    assert "number_attachment" in fired("Raju, 60, has been in jail for 60 months.", ev)
    assert "number_attachment" not in fired("Raju, 60, has been in jail for 32 months.", ev)


def test_the_need_and_once_again_are_no_need_and_no_condition():
    ev = "Scotland can reach the finals without the need for a play-off."
    assert "negation" in fired("Scotland can reach the finals with the need for a play-off.", ev)
    ev = "Once again without any nod to the passing of time, she gives birth."
    assert "negation" in fired("Once again with any nod to the passing of time, she gives birth.", ev)
