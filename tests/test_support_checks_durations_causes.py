"""Lengths of time written in words or in other units ('a quarter of an hour' is 15 minutes,
'48 hours' is two days), and a cause the evidence does not give where it gives another, on
hand-made examples in several genres (no model: the word-paraphrase judge is a stub)."""

import pytest

from evalharness.scorers.support.checks.mentions import duration_supported, number_mentions
from evalharness.scorers.text import tokenize
from tests.helpers.checks import blamed, no_paraphrase, run








def durations(text):
    toks = tokenize(text)
    return {(toks[m.index].text, d) for m in number_mentions(toks, text) for _, d in m.durations}


# -- reading lengths of time -----------------------------------------------------------------

@pytest.mark.parametrize("text,seconds", [
    ("rest it for a quarter of an hour", 900.0),
    ("simmer for half an hour", 1800.0),
    ("it took three quarters of an hour", 2700.0),
    ("for just over three-quarters of an hour", 2700.0),
    ("the meeting ran for an hour and a half", 5400.0),
    ("the meeting ran for 90 minutes", 5400.0),
    ("the meeting ran for 1.5 hours", 5400.0),
    ("a 90-minute meeting", 5400.0),
    ("the strike lasted two and a half hours", 9000.0),
    ("the trial lasted a day and a half", 129600.0),
    ("held for 48 hours", 172800.0),
    ("held for two days", 172800.0),
    ("back within a fortnight", 1209600.0),
    ("back in 14 days", 1209600.0),
    ("a week later", 604800.0),
    ("half a day of training", 43200.0),
    ("an hour's drive", 3600.0),
])
def test_durations_are_read_in_one_unit(text, seconds):
    assert seconds in {d for _, d in durations(text)}, durations(text)


@pytest.mark.parametrize("text", [
    "she takes it twice a week",        # a rate, not a length
    "he earns £30,000 a year",
    "for the second time",              # an ordinal
    "over a four-year period",          # a length, but of four years
    "for most of a day",                # a part of a day
    "it finished in the 90th minute",   # a point in time
])
def test_what_is_not_a_length_of_one_unit(text):
    assert not {d for _, d in durations(text)} & {604800.0, 31536000.0, 86400.0, 1.0, 5400.0}, durations(text)


def test_months_and_years_are_one_scale_apart_from_days():
    text = "a year and a half, 18 months, six months, half a year"
    toks = tokenize(text)
    scales = {(toks[m.index].text, s, d) for m in number_mentions(toks, text) for s, d in m.durations}
    assert ("year", "mo", 18.0) in scales and ("18", "mo", 18.0) in scales
    assert ("six", "mo", 6.0) in scales and ("half", "mo", 6.0) in scales


def test_time_between_two_clock_times_is_a_length():
    text = "Alert at 14:02, resolved at 14:49. For 47 minutes"
    toks = tokenize(text)
    ms = number_mentions(toks, text)
    assert duration_supported(ms[-1], ms[:-1], arithmetic=True)
    assert not duration_supported(ms[-1], ms[:-1])


# -- novel_number on lengths of time -------------------------------------------------------

DURATION_FIRES = [
    # recipe: a rest of 10 minutes written as a quarter of an hour
    ("The loaf should rest in its tin for a quarter of an hour before going onto a rack.",
     "Bake for 25-30 minutes, until deep golden. Leave in the tin for 10 minutes, then lift out onto a rack.",
     {"quarter", "hour"}),
    # clinical: a count given another unit
    ("The patient should fast for 6 days before the scan.",
     "The patient should fast for 6 hours before the scan.", {"6", "days"}),
    # sports: a ban of a fortnight for one of a week
    ("The striker was banned for a fortnight after the red card.",
     "The striker was banned for a week after the red card.", {"fortnight"}),
    # software: an outage of an hour and a half for 45 minutes
    ("The outage lasted an hour and a half before the rollback.",
     "The outage lasted 45 minutes before the rollback.", {"hour", "half"}),
    # policy: a consultation of half a year for three months
    ("The consultation on the draft rules will run for half a year.",
     "The consultation on the draft rules will run for three months.", {"half", "year"}),
    # finance: a lock-up of two years for two months
    ("Founders agreed a lock-up of 2 years on their shares.",
     "Founders agreed a lock-up of 2 months on their shares.", {"2", "years"}),
]


@pytest.mark.parametrize("claim,evidence,words", DURATION_FIRES,
                         ids=[f"fires-{i}" for i in range(len(DURATION_FIRES))])
def test_changed_length_of_time_is_novel(claim, evidence, words):
    chk = run(claim, evidence)
    assert "novel_number" in chk.fired, (chk.fired, chk.reasons)
    assert words <= set(blamed(chk)), blamed(chk)


def test_the_reason_names_the_evidence_length():
    chk = run("The loaf should rest in its tin for a quarter of an hour before going onto a rack.",
              "Bake for 25-30 minutes, until deep golden. Leave in the tin for 10 minutes, then lift out onto a rack.")
    assert any("'a quarter of an hour'" in r and "'10 minutes'" in r for r in chk.reasons), chk.reasons


DURATION_QUIET = [
    # the same length in other units or words
    ("Simmer the stock for half an hour.", "Simmer the stock for 30 minutes."),
    ("The suspect was held for two days.", "The suspect was held for 48 hours."),
    ("The suspect was held for 48 hours.", "The suspect was held for two days."),
    ("The match went to extra time after 90 minutes.", "The match went to extra time after an hour and a half."),
    ("The outage lasted an hour and a half.", "The outage lasted 90 minutes."),
    ("The outage lasted 1.5 hours.", "The outage lasted 90 minutes."),
    ("Take the tablets for a fortnight.", "Take the tablets for 14 days."),
    ("Results are due within a week.", "Results are due within seven days."),
    ("The trial ran for a day and a half.", "The trial ran for 36 hours."),
    ("The review will take six months.", "The review will take half a year."),
    ("Contracts run for a year and a half.", "Contracts run for 18 months."),
    ("The deal locks in prices for a year.", "The deal locks in prices for 12 months."),
    ("Payments were frozen for three quarters of an hour.", "Payments were frozen for 45 minutes."),
    # hedged and bounded
    ("The call lasted about half an hour.", "The call lasted 28 minutes."),
    ("Errors ran for just over three-quarters of an hour.", "For 47 minutes, checkout requests failed."),
    ("The dough needs up to a day to rise.", "The dough needs 18 hours to rise."),
    # a rate, a compound, a part of a unit: not a length of one unit
    ("Patients take the drug twice a week.", "Patients take the drug twice weekly for 3 months."),
    ("The abuse went on over a year period.", "The abuse went on over a four-year period."),
    ("Staff worked for most of a day.", "Staff worked for 9 hours."),
    # a length in words the evidence gives nothing to compare with
    ("The festival returns in a fortnight.", "The festival returns on 3 June."),
    # the time between two clock times
    ("The site was down for 47 minutes.", "The site went down at 14:02 and was back at 14:49."),
]


@pytest.mark.parametrize("claim,evidence", DURATION_QUIET, ids=[f"quiet-{i}" for i in range(len(DURATION_QUIET))])
def test_same_length_of_time_is_not_novel(claim, evidence):
    chk = run(claim, evidence)
    assert "novel_number" not in chk.fired and "number_attachment" not in chk.fired, (chk.fired, chk.reasons)


# -- causal: the evidence gives another cause ---------------------------------------------

CAUSE_FIRES = [
    # finance: two true facts joined by a false 'because'
    ("Gross margin rose to 31.4% because frozen seafood sales grew 18%.",
     "Gross margin was 31.4%, mainly because salmon feed costs fell.",
     "Revenue rose 7%. Our frozen seafood range grew 18%. Gross margin was 31.4%, mainly because salmon feed "
     "costs fell.", {"because", "frozen", "seafood"}, "salmon feed costs fell"),
    # clinical
    ("Amoxicillin was stopped because of the rash.",
     "Amoxicillin was stopped because her creatinine rose.",
     "She developed a mild rash on day 3. Amoxicillin was stopped because her creatinine rose.",
     {"because", "rash"}, "her creatinine rose"),
    # sports
    ("United lost the final because their keeper was sent off.",
     "United lost the final on Saturday, largely because they missed two penalties.",
     "Their keeper was sent off in the semi-final. United lost the final on Saturday, largely because they "
     "missed two penalties.", {"because", "keeper"}, "they missed two penalties"),
    # software
    ("The deploy was rolled back due to a memory leak.",
     "The deploy was rolled back due to failing health checks.",
     "A memory leak in the cache was found last week. The deploy was rolled back due to failing health checks.",
     {"due", "to", "memory", "leak"}, "failing health checks"),
    # policy
    ("The bill was delayed because of opposition from farmers.",
     "The bill was delayed because the budget office had not costed it.",
     "Opposition from farmers grew over the summer. The bill was delayed because the budget office had not "
     "costed it.", {"because", "opposition", "farmers"}, "the budget office had not costed it"),
    # recipe: a link written after its cause ('X led to Y')
    ("Overmixing the batter led to a dense crumb.",
     "The crumb was dense because the oven was too cool.",
     "Avoid overmixing the batter. The crumb was dense because the oven was too cool.",
     {"led", "to", "Overmixing", "batter"}, "the oven was too cool"),
    # a sentence that opens with its cause
    ("Because frozen seafood sales grew, gross margin rose to 31.4%.",
     "Gross margin was 31.4%, mainly because salmon feed costs fell.",
     "Our frozen seafood range grew 18%. Gross margin was 31.4%, mainly because salmon feed costs fell.",
     {"Because", "frozen", "seafood"}, "salmon feed costs fell"),
]


@pytest.mark.parametrize("claim,evidence,source,words,cause", CAUSE_FIRES,
                         ids=[f"fires-{i}" for i in range(len(CAUSE_FIRES))])
def test_another_cause_fires(claim, evidence, source, words, cause):
    chk = run(claim, evidence, source)
    assert "causal" in chk.fired, (chk.fired, chk.reasons)
    assert words <= set(blamed(chk)), blamed(chk)
    assert f"the evidence gives another cause: '{cause}'" in chk.reasons, chk.reasons


FINANCE = ("Revenue rose 7%. Our frozen seafood range grew 18%. Gross margin was 31.4%, mainly because salmon "
           "feed costs fell.")
FINANCE_EV = "Gross margin was 31.4%, mainly because salmon feed costs fell."

CAUSE_QUIET = [
    # the evidence's cause in other words, sharing a word with it
    ("Gross margin rose to 31.4% thanks to cheaper salmon feed.", FINANCE_EV, FINANCE),
    ("Gross margin rose to 31.4% because feed costs dropped.", FINANCE_EV, FINANCE),
    ("Gross margin rose to 31.4% as feed costs dropped.", FINANCE_EV, FINANCE),
    ("Because salmon feed got cheaper, gross margin rose to 31.4%.", FINANCE_EV, FINANCE),
    ("Amoxicillin was stopped after her creatinine rose.",
     "Amoxicillin was stopped because her creatinine rose.",
     "She developed a mild rash on day 3. Amoxicillin was stopped because her creatinine rose."),
    ("United lost the final because of two missed penalties.",
     "United lost the final on Saturday, largely because they missed two penalties.",
     "Their keeper was sent off in the semi-final. United lost the final on Saturday, largely because they "
     "missed two penalties."),
    # the claim's cause is nowhere else in the source (not a fact moved from elsewhere)
    ("Gross margin rose to 31.4% because demand was strong.", FINANCE_EV, FINANCE),
    # the source links the claim's cause to the effect in another sentence
    ("Revenue rose 7% because frozen seafood sales grew.",
     "Revenue rose 7%, mainly because prices rose.",
     "Frozen seafood sales grew 18% and lifted revenue. Revenue rose 7%, mainly because prices rose."),
    # the evidence gives the effect without a cause of its own
    ("The deploy was rolled back due to a memory leak.",
     "The deploy was rolled back at 14:20 after a memory leak was found.",
     "The deploy was rolled back at 14:20 after a memory leak was found."),
]


@pytest.mark.parametrize("claim,evidence,source", CAUSE_QUIET, ids=[f"quiet-{i}" for i in range(len(CAUSE_QUIET))])
def test_stated_cause_in_other_words_is_left_alone(claim, evidence, source):
    chk = run(claim, evidence, source)
    assert "causal" not in chk.fired, (chk.fired, chk.reasons)


def test_a_paraphrase_of_the_evidence_cause_is_left_alone():
    def accept_all(tokens, evidence, threshold=None):
        return set(range(len(tokens)))
    claim, evidence, source, _, _ = CAUSE_FIRES[0]
    chk = run(claim, evidence, source, paraphrase=accept_all)
    assert "causal" not in chk.fired, chk.reasons
