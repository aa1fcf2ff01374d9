"""Ways of writing a fact that once drew a confident, wrong flag, and that must keep their
errors visible: numbers spelled in words ("six thousand seven hundred and fifty"),
abbreviated dates ("Sat 5 Dec"), a rating written as a pair ("3/5 stars"), a figure in
apposition after a count ("three quotes, £38,400"), a difference that a table row gives
("trimmed by £400"). Hand-made examples from several genres (no model: the word-paraphrase
judge is a stub)."""

import pytest

from evalharness.scorers.support.checks.mentions import number_mentions, words_value
from evalharness.scorers.text import tokenize
from tests.helpers.checks import run


@pytest.mark.parametrize("words,value", [
    ("six thousand seven hundred and fifty", 6750),
    ("five thousand", 5000),
    ("one hundred and twenty", 120),
    ("three hundred and fifty thousand", 350000),
    ("twenty two", 22),
])
def test_cardinal_words_spell_one_number(words, value):
    assert words_value(words.split()) == value


@pytest.mark.parametrize("text,first,values", [
    ("Harbourline agreed six thousand seven hundred and fifty pounds", "six", {6750.0}),
    ("whether five thousand pounds would suffice", "five", {5000.0}),
    ("net of her three-hundred-and-fifty-pound excess", "three-hundred-and-fifty-pound", {350.0}),
    ("cold she logged at minus twenty-two degrees", "twenty-two", {22.0}),
    ("forty-five minutes later", "forty-five", {45.0}),
])
def test_a_number_in_words_is_one_mention_with_its_value(text, first, values):
    toks = tokenize(text)
    ms = number_mentions(toks, text)
    assert [(toks[m.index].text, set(m.values)) for m in ms] == [(first, values)]


def test_two_numbers_joined_by_and_stay_two():
    toks = tokenize("two and three")
    assert [set(m.values) for m in number_mentions(toks, "two and three")] == [{2.0}, {3.0}]


@pytest.mark.parametrize("claim,evidence", [
    # insurance letter: amounts spelled out
    ("Harbourline agreed six thousand seven hundred and fifty pounds of the claim and, net of her "
     "three-hundred-and-fifty-pound excess, will pay £6,400 by transfer.",
     "Your excess of £350 is deducted from the agreed total of £6,750, so we will pay £6,400 by bank transfer."),
    # council minutes
    ("Cllr Lund voted against after asking whether five thousand pounds of contingency would suffice.",
     "Cllr Lund asked whether the £5,000 contingency was enough. Vote: 4 for, 1 against (Cllr Lund)."),
])
def test_numbers_spelled_in_words_are_found_in_the_source(claim, evidence):
    chk = run(claim, evidence)
    assert "novel_number" not in chk.fired, chk.reasons


def test_a_number_spelled_in_words_that_the_source_lacks_still_fires():
    chk = run("Harbourline agreed six thousand nine hundred pounds of the claim.",
              "Your excess of £350 is deducted from the agreed total of £6,750.")
    assert "novel_number" in chk.fired


# -- abbreviated dates --------------------------------------------------------------------------

def test_an_abbreviated_weekday_next_to_a_day_is_that_weekday():
    ev = "- Sat 5 Dec, 11 am-2 pm: Christmas Fair in the main hall, run by the Friends of Fernside."
    assert "date" not in run("The Friends of Fernside will host the Christmas Fair on Saturday 5 December.", ev).fired
    chk = run("The Friends of Fernside will host the Christmas Fair on Sunday 5 December.", ev)
    assert "date" in chk.fired and "'Sunday'" in chk.reasons[0]


def test_an_abbreviation_with_no_day_beside_it_is_no_date():
    # "Sun" the newspaper, "Wed" capitalised at a sentence start: not weekdays
    chk = run("The Sun reported the fair on Saturday.", "The Sun said the fair is on Saturday, run by parents.")
    assert "date" not in chk.fired


# -- a pair, an apposition, a difference ---------------------------------------------------------

def test_a_rating_written_as_a_pair_counts_the_noun_after_it():
    chk = run("Rating the Whitby hotel three stars out of five, the reviewer complained.",
              "Review of The Quayside Hotel, Whitby - 3/5 stars")
    assert "number_attachment" not in chk.fired, chk.reasons


def test_a_rating_given_another_score_still_fires():
    chk = run("The reviewer gave the Whitby hotel four stars.", "Review of The Quayside Hotel, Whitby - 3/5 stars")
    assert "novel_number" in chk.fired or "number_attachment" in chk.fired


def test_a_figure_after_a_comma_is_no_count_of_the_word_before():
    chk = run("A motion to take the cheapest of three skate park quotes, £38,400 from Ridgeline Ramps, passed.",
              "Three quotes were received. Cllr Patel proposed accepting the lowest, £38,400 from Ridgeline Ramps.")
    assert "number_attachment" not in chk.fired, chk.reasons


SOURCE = ("Claim decision. | Item | Your quote | Agreed |\n| Cabinets | £3,200 | £2,800 |\n"
          "| Laptop | £1,150 | £0 |\nThe adjuster found cheaper like-for-like cabinets.")


@pytest.mark.parametrize("claim", [
    "The cabinet figure was trimmed by £400 because the adjuster found cheaper cabinets.",
    "The agreed cabinet figure is £400 lower than her quote.",
])
def test_a_difference_of_two_numbers_of_one_table_row_is_no_novel_number(claim):
    chk = run(claim, "The adjuster found cheaper like-for-like cabinets.", SOURCE)
    assert "novel_number" not in chk.fired, chk.reasons


def test_a_difference_no_row_gives_and_a_plain_number_still_fire():
    ev = "The adjuster found cheaper like-for-like cabinets."
    assert "novel_number" in run("The cabinet figure was trimmed by £450.", ev, SOURCE).fired
    # "£400" with no word of difference is no difference: a plain novel amount
    assert "novel_number" in run("The cabinets cost £400.", ev, SOURCE).fired


# -- a date given to another item of a list ------------------------------------------------------

ACTIONS = ["1. Priya to send the revised budget by 6 December.", "2. Tom to book the venue by 13 December."]


def test_a_date_the_source_gives_another_item_fires_though_the_claim_goes_on_to_that_item():
    # the claim's next clause ("and Tom must book the venue") names the other item: the date's
    # words are those of its own clause
    chk = run("Priya must send the revised budget by 13 December, and Tom must book the venue.", ACTIONS)
    assert "date" in chk.fired
    assert "'6 December'" in chk.reasons[0]


def test_each_item_with_its_own_date_is_quiet():
    chk = run("Priya must send the revised budget by 6 December, and Tom must book the venue by 13 December.",
              ACTIONS)
    assert "date" not in chk.fired, chk.reasons


# -- "No other Brightwell kettle": the name modifies the noun the determiner negates ----------------

def test_a_name_inside_a_negated_noun_phrase_is_not_what_is_negated():
    ev = "No other Brightwell kettle is affected."
    chk = run("Refunds are paid once the old unit reaches Brightwell.", ev)
    assert "negation" not in chk.fired, chk.reasons
    chk = run("Another Brightwell kettle is affected.", ev)
    assert "negation" in chk.fired and "'No ... kettle'" in chk.reasons[0]


# -- a unit's name for its symbol; a name described in apposition -----------------------------------

def test_a_unit_named_after_a_person_matches_its_symbol_after_a_number():
    ev = "Pre-warm the elution buffer to 50 °C before use."
    assert "novel_entity" not in run("The elution buffer is warmed to fifty degrees Celsius first.", ev).fired
    chk = run("The elution buffer is warmed to 50 degrees Fahrenheit first.", ev)
    assert "novel_entity" in chk.fired and "'Fahrenheit'" in chk.reasons[0]


CURATORS = ("The exhibition is curated by Dr Ingrid Solberg, guest curator from the University of Bergen, "
            "with Tom Ashworth, the museum's Curator of European Art.")


def test_a_place_before_a_role_and_a_name_is_the_description_the_source_gives_after_the_name():
    chk = run("The show is co-curated by Tom Ashworth and the Bergen guest curator Ingrid Solberg.", CURATORS)
    assert "role_swap" not in chk.fired, chk.reasons


def test_two_names_linked_by_other_words_in_the_other_order_still_swap():
    chk = run("Bergen curated the show with guest curator Ingrid Solberg.", CURATORS)
    assert "role_swap" in chk.fired


# -- a bound is no hedge; a rate is no percentage ------------------------------------------------

ALLOWANCE = ["If you take the new flight, you can claim food and drink of up to £25 per passenger.",
             "Ms Rossi's checked bag (23 kg) has been moved to the new flight."]


def test_a_bound_that_another_fact_gives_its_number_fires():
    # "up to £23": the 23 is the bag's kilograms, the allowance is up to £25; a bound is not
    # a hedge that lets 23 stand for 25
    chk = run("Each of the two Rossis may claim up to £23 for food and drink after the new flight.", ALLOWANCE)
    assert "number_attachment" in chk.fired
    assert "'25'" in chk.reasons[0] and "'23'" in chk.reasons[0]


def test_the_same_bound_and_a_hedged_figure_are_quiet():
    assert "number_attachment" not in run("Each of the two Rossis may claim up to £25 for food and drink.",
                                          ALLOWANCE).fired
    chk = run("Almost 500 new homes were approved.", "The committee approved 491 new homes.")
    assert "number_attachment" not in chk.fired and "novel_number" not in chk.fired


def test_each_where_the_evidence_gives_a_rate_per_head_is_no_universal_against_a_part():
    assert "quantifier" not in run("Each passenger may claim up to £25 for food and drink.", ALLOWANCE).fired
    assert "quantifier" in run("Every passenger got a refund.", "Only 25 per cent of passengers got a refund.").fired


# -- the same act in other words: a hedge the claim drops ---------------------------------------------

ADVERT = "We may close the advert early if we receive a high number of applications."


@pytest.mark.parametrize("claim,evidence", [
    ("Kestrel will shut the advert early once applications run high.", ADVERT),
    ("The council will shut the car park overnight from June.",
     "The council could close the car park overnight from June, subject to consultation."),
    # avalanche bulletin: the object a few words on ("to Moderate at all elevations")
    ("The forecaster says the hazard will drop to Moderate at every elevation on Sunday.",
     "Outlook for Sunday: the hazard may fall to Moderate at all elevations if the overnight freeze is firm."),
])
def test_a_hedged_act_the_claim_makes_certain_in_other_words_fires(claim, evidence):
    chk = run(claim, evidence)
    assert "modality" in chk.fired, chk.reasons


@pytest.mark.parametrize("claim,evidence", [
    ("Kestrel may shut the advert early if applications run high.", ADVERT),
    ("Kestrel will review the applications early.", ADVERT),
    # stated outright elsewhere in the evidence
    ("The council will shut the car park overnight from June.",
     ["The council could close the car park overnight from June.", "It will close the car park overnight from June."]),
])
def test_the_hedge_kept_another_act_or_an_outright_statement_is_quiet(claim, evidence):
    chk = run(claim, evidence)
    assert "modality" not in chk.fired, chk.reasons


def test_an_amount_written_with_a_thousands_separator_is_no_year_in_a_difference():
    # "£2,300 | £1,900": 1,900 is an amount, so £400 is their difference (1900 was read as a year)
    source = "Claim decision. | Kitchen units | £2,300 | £1,900 |\nThe adjuster found cheaper cabinets."
    chk = run("The cabinet figure was trimmed by £400.", "The adjuster found cheaper cabinets.", source)
    assert "novel_number" not in chk.fired, chk.reasons


# -- a sign spelled out next to a number ---------------------------------------------------------------

def test_an_hour_with_p_m_is_a_clock_time():
    toks = tokenize("sunny breaks after 1 p.m. today")
    assert "time 13:00" in number_mentions(toks, "sunny breaks after 1 p.m. today")[0].values
    chk = run("Clear spells are likely after 1 p.m.", "Clear spells are likely after 13:00.")
    assert "novel_number" not in chk.fired, chk.reasons
    assert "novel_number" in run("Clear spells are likely after 2 p.m.", "Clear spells are likely after 13:00.").fired


@pytest.mark.parametrize("claim,evidence", [
    ("Attendance reached 95.1 per cent this term.", "Whole-school attendance this half term was 95.1%."),
    ("Doors stay open until 8 p.m. on Thursdays.", "Open until 20:00 on Thursdays."),
    ("The interval ran from minus 0.5 to minus 0.1.", "95% CI -0.5 to -0.1."),
])
def test_words_that_spell_a_sign_next_to_a_number_are_no_unsupported_words(claim, evidence):
    chk = run(claim, evidence)
    words = " ".join(chk.reasons)
    for w in ("'cent'", "'p.m'", "'minus'"):
        assert w not in words, chk.reasons
