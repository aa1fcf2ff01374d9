"""A number the source gives only as one end of a target, limit or forecast range, stated by
the claim as a plain value ("saturations now at 92%" where the plan keeps SpO2 between 92%
and 96%), on hand-made examples in several genres (no model: the word-paraphrase judge is a
stub)."""

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
