"""number_attachment on hand-made examples in several genres (no model: the word-paraphrase
judge is a stub): a number the source gives only as one end of a target, limit or forecast
range, stated by the claim as a plain value ("saturations now at 92%" where the plan keeps
SpO2 between 92% and 96%); a figure the source gives to another name ("TU Delft received
€260,000" where Iceland gave €260,000 and TU Delft €90,000)."""

import pytest

from tests.helpers.checks import run


def attachment(claim, evidence, source=None):
    """(the number_attachment finding, the words it blames)."""
    chk = run(claim, evidence, source)
    f = chk.findings["number_attachment"]
    return f, [chk.tokens[i].text for i in f.blamed]


@pytest.mark.parametrize("claim,evidence,word", [
    # clinical note: the target range taken as the reading
    ("His oxygen has been weaned to 2 L/min with saturations now at 92%.",
     ["Wean oxygen to keep SpO2 between 92% and 96%.", "Oxygen 2 L/min via nasal cannula."], "92"),
    # earnings call: the top of the guidance reported as the result
    ("Revenue came in at 650 million.", ["The company expects revenue of 610 to 650 million for the year."], "650"),
    # policy notice: a limit's end given as the amount paid
    ("Each household received £400 towards its bills.",
     ["Grants must be between £150 and £400 per household, depending on income."], "400"),
    # recipe: the oven's range given as the setting used
    ("The loaf was baked at 220 degrees.", ["Keep the oven between 200 and 220 degrees for the whole bake."], "220"),
    # lab work: the normal range given as the patient's value
    ("Her potassium was 5.0 mmol/L on admission.",
     ["The normal range for potassium is 3.5 to 5.0 mmol/L; hers was checked on admission."], "5.0"),
])
def test_an_end_of_a_target_range_given_as_a_value_fires(claim, evidence, word):
    f, words = attachment(claim, evidence)
    assert f.value == 1.0
    assert words == [word]
    assert "only as one end of a range" in f.reasons[-1]


@pytest.mark.parametrize("claim,evidence", [
    # the claim restates the range, or keeps it a target or a bound
    ("Saturations should stay between 92% and 96%.", ["Wean oxygen to keep SpO2 between 92% and 96%."]),
    ("The team aims to keep saturations at 92% or more.", ["Wean oxygen to keep SpO2 between 92% and 96%."]),
    ("Saturations must be at least 92%.", ["Wean oxygen to keep SpO2 between 92% and 96%."]),
    ("Revenue guidance tops out at 650 million.", ["The company expects revenue of 610 to 650 million for the year."]),
    ("Revenue is expected to reach up to 650 million.",
     ["The company expects revenue of 610 to 650 million for the year."]),
    # the source also gives the number as a value of its own
    ("Saturation was 92% this morning.",
     ["Wean oxygen to keep SpO2 between 92% and 96%. SpO2 92% on 2 L this morning."]),
    # a change's ends are readings, not a range
    ("His oxygen is now 2 L/min.", ["Oxygen weaned from 4 to 2 L/min over two days."]),
    # a range that is no target (a plain estimate) and a score are left to other checks
    ("The dough rises for three hours.", ["Leave it to rise for 2–3 hours, until doubled."]),
    ("Vale won 3-2 at home.", ["Kestrel Vale 3–2 Ashbury Town, at Mill Lane."]),
    # an instruction's range is no target: a time restated as one end is left to the score
    ("The dough rises for three hours.", ["The dough should rise for 2–3 hours, until doubled."]),
    # a clock time is no range end
    ("The outage ended at 14:52.", ["Engineers should restore service between 14:05 and 14:52 at the latest."]),
])
def test_a_range_restated_a_value_stated_elsewhere_or_a_change_is_quiet(claim, evidence):
    f, _ = attachment(claim, evidence)
    assert f.value == 0.0, f.reasons


def test_one_end_of_a_range_written_with_a_dash_is_read_as_a_range():
    f, words = attachment("The buyer paid a deposit of 15%.",
                          ["The target deposit is 10–15% of the agreed price.", "Completion is set for June."])
    assert words == ["15"]


def test_a_value_next_to_an_empty_range_end_gets_no_reason_against_itself():
    # a range's second end carries no value of its own ('2–3 hours' is one range): it once
    # gave the reason "the evidence gives '3', not '3', for 'hours'"
    f, _ = attachment("The dough rises for 3 hours.", ["Leave it to rise for 2–3 hours, until doubled."])
    assert f.value == 0.0, f.reasons


# -- a figure given to another name -------------------------------------------------------------

@pytest.mark.parametrize("claim,evidence,word,reason", [
    # grant report: one funder's amount given to a partner
    ("TU Delft received €260,000 from the fund.", ["Iceland's Orkustofnun gave €260,000, and TU Delft €90,000."],
     "260,000", "the source gives '260,000' to 'Orkustofnun', and 'Delft' '90,000'"),
    # earnings call: another segment's margin
    ("The Services segment posted a 17% margin.",
     ["The Hardware segment's operating margin was 17%, and Services came in at 12%."],
     "17", "the source gives '17' to 'Hardware', and 'Services' '12'"),
    # clinical trial report: another site's enrolment
    ("Okafor's team enrolled 240 patients.",
     ["Dr Lin's team in Leeds enrolled 240 patients, and Dr Okafor's team enrolled 180 patients."],
     "240", "the source gives '240' to 'Lin's', and 'Okafor's' '180'"),
    # election result: another candidate's share
    ("Turnout aside, Moreau won 41% of the vote.",
     ["In the first round Dubois took 41% of the vote, while Moreau took 33%."],
     "41", "the source gives '41' to 'Dubois', and 'Moreau' '33'"),
])
def test_a_figure_the_source_gives_to_another_name_fires(claim, evidence, word, reason):
    f, words = attachment(claim, evidence)
    assert words == [word]
    assert f.reasons == (reason,)


@pytest.mark.parametrize("claim,evidence", [
    # the right owner, or both names in the claim (who gave what to whom is the role checks')
    ("Orkustofnun gave €260,000.", ["Iceland's Orkustofnun gave €260,000, and TU Delft €90,000."]),
    ("Orkustofnun gave TU Delft €260,000.", ["Iceland's Orkustofnun gave €260,000, and TU Delft €90,000."]),
    # the source gives the claim's name this figure somewhere too
    ("Moreau won 41% in the runoff.",
     ["In the first round Dubois took 41% of the vote, while Moreau took 33%.", "In the runoff Moreau took 41%."]),
    # the name's other figure measures another thing
    ("Okafor's team enrolled 240 patients.",
     ["Dr Lin's team in Leeds enrolled 240 patients, and Dr Okafor's team analysed 1,100 samples."]),
    # the owner of the claim's figure is unnamed in the source (a sentence's first word)
    ("Jones scored 20 points.", ["Smith scored 20 points and Jones 15."]),
    # a percentage is no count, a year no amount
    ("Moreau won 41 seats.", ["Dubois took 41% of the vote, while Moreau won 33 seats."]),
    ("Moreau was elected in 2019.", ["Dubois was elected in 2019, and Moreau in 2014."]),
])
def test_the_right_owner_both_names_or_another_kind_of_figure_gives_no_owner(claim, evidence):
    f, _ = attachment(claim, evidence)
    assert not [r for r in f.reasons if r.startswith("the source gives") and "', and '" in r], f.reasons


# -- a code of the same series given to another thing ---------------------------------------------

RECALL = ("The BK-215 and BK-230 models are not affected. We will send you a free replacement kettle "
          "(model BK-230) with a prepaid bag to return the old one.")
LAB = ("Molecular Microbiology, Room B214, Carver Building. All work with live cultures is done in the "
       "Class II cabinet in Room B216.")
FLIGHTS = "Flight BA2491 to Catania is cancelled. You have been rebooked on BA2495, departing at 18:40."


@pytest.mark.parametrize("claim,evidence,source,word", [
    ("Brightwell will post a free BK-215 replacement with a prepaid return bag.",
     "We will send you a free replacement kettle (model BK-230) with a prepaid bag to return the old one.",
     RECALL, "BK-215"),
    ("All live-culture work is done inside Room B214's Class II safety cabinet.",
     "All work with live cultures is done in the Class II cabinet in Room B216.", LAB, "B214's"),
    ("The passengers were rebooked on BA2491, departing at 18:40.",
     "You have been rebooked on BA2495, departing at 18:40.", FLIGHTS, "BA2491"),
])
def test_a_code_the_evidence_gives_another_of_its_series_fires(claim, evidence, source, word):
    f, words = attachment(claim, evidence, source)
    assert words == [word], f.reasons


@pytest.mark.parametrize("claim,evidence,source", [
    ("Brightwell will post a free BK-230 replacement with a prepaid return bag.",
     "We will send you a free replacement kettle (model BK-230) with a prepaid bag to return the old one.", RECALL),
    ("The BK-215 is not affected, and a free BK-230 replaces a recalled kettle.",
     "We will send you a free replacement kettle (model BK-230) with a prepaid bag to return the old one.", RECALL),
    ("Flight BA2491 to Catania was cancelled.", "Flight BA2491 to Catania is cancelled.", FLIGHTS),
])
def test_the_right_code_or_one_the_source_gives_those_words_is_quiet(claim, evidence, source):
    f, _ = attachment(claim, evidence, source)
    assert f.value == 0.0, f.reasons
