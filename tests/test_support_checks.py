"""The support scorer's interpretable checks on hand-made examples (no model:
the word-paraphrase judge is a stub that accepts nothing). Each check has a sentence
it must fire on and a faithful paraphrase it must leave alone, in several genres."""

import numpy as np
import pytest

from evalharness.scorers.support.embedding import index_source, lexical_rank
from evalharness.scorers.support.checks import (CHECKS, FEATURE_NAMES, HARD_CHECKS, SIGNS, check_claim,
                                                  source_names)
from evalharness.scorers.support.vectorcache import VectorCache
from evalharness.scorers.text import tokenize
from tests.helpers.checks import blamed, no_paraphrase, run








def test_faithful_copy_passes_every_check():
    ev = "Northfield Rovers beat Eastmoor United 2-1 on Saturday."
    chk = run(ev, ev)
    assert chk.vector()[FEATURE_NAMES.index("coverage")] == 1.0
    assert chk.fired == [] and chk.blamed == [] and chk.reasons == []


def test_changed_number_is_novel():
    chk = run("Northfield Rovers beat Eastmoor United 3-1 on Saturday.",
              "Northfield Rovers beat Eastmoor United 2-1 on Saturday.")
    assert chk.fired == ["novel_number"] and blamed(chk) == ["3-1"]


def test_role_reversal():
    chk = run("Eastmoor United beat Northfield Rovers on Saturday.",
              "Northfield Rovers beat Eastmoor United on Saturday.")
    assert "role_swap" in chk.fired
    assert blamed(chk) == ["Eastmoor", "Northfield"]


def test_passive_paraphrase_is_not_a_role_swap():
    chk = run("Eastmoor United were beaten by Northfield Rovers on Saturday.",
              "Northfield Rovers beat Eastmoor United on Saturday.")
    assert "role_swap" not in chk.fired


def test_name_out_of_place():
    source = ("Council leader Amina Hale said the bridge would stay open. The work takes a year. "
              "The contract went to a local firm. Opposition councillor Tom Reyes voted against the plan.")
    chk = run("Council leader Tom Reyes said the bridge would stay open.",
              "Council leader Amina Hale said the bridge would stay open.", source)
    assert chk.values["misplaced_entity"] == 1 and chk.values["novel_entity"] == 0
    assert blamed(chk) == ["Tom", "Reyes"]


def test_added_negation_blames_the_verb_phrase():
    ev = "A nasal vaccine reduced infections by 41 percent."
    chk = run("A nasal vaccine did not reduce infections.", ev)
    assert chk.fired == ["negation"]
    assert {"did", "not", "reduce"} <= set(blamed(chk))


def test_unrelated_negation_in_evidence_does_not_count():
    ev = "Side effects were mild and no serious events were seen."
    chk = run("Side effects were mild.", ev)
    assert "negation" not in chk.fired


def test_antonym_in_context():
    ev = "The couple were found dead at their home."
    chk = run("The couple were found alive at their home.", ev)
    assert "antonym" in chk.fired and "alive" in blamed(chk)


def test_phrase_the_source_never_forms():
    source = "Ukraine's incursion was the first invasion of Russia by a foreign power since World War II."
    chk = run("a truce between the world powers", source)
    assert {"world", "powers"} <= set(blamed(chk))


def test_lowercased_summary_names_come_from_the_source():
    names = source_names([tokenize("Winger Dean Cox left Leyton Orient. Cox wants a new club.")])
    assert {"dean", "cox", "leyton", "orient"} <= names
    assert "winger" not in names and "club" not in names


def test_lexical_rank_prefers_shared_rare_words():
    idx = index_source("The weather was fine. Marco Ilic scored the winner. The weather was fine again.", 80)
    assert lexical_rank(idx, {"ilic", "winner"}, 1) == [1]


def test_vector_cache_round_trip(tmp_path):
    from evalharness.cache.store import CachePolicy
    policy = CachePolicy(tmp_path)
    c = VectorCache("model-x", policy, dim=2)
    c.put_many({"a text": np.array([0.6, 0.8], dtype=np.float32)})
    again = VectorCache("model-x", policy, dim=2).get_many(["a text", "other"])
    assert list(again) == ["a text"] and again["a text"].tolist() == [np.float32(0.6), np.float32(0.8)]
    assert VectorCache("model-y", policy, dim=2).get_many(["a text"]) == {}
    assert VectorCache("model-x", CachePolicy.off(), dim=2).get_many(["a text"]) == {}


def test_registry_orders_names_vector_and_signs():
    assert FEATURE_NAMES == tuple(c.name for c in CHECKS)
    assert set(SIGNS) == set(FEATURE_NAMES)
    assert all(SIGNS[n] == -1 for n in HARD_CHECKS)
    chk = run("A claim.", "A claim.")
    assert len(chk.vector()) == len(FEATURE_NAMES)


# (check, claim, evidence): the check fires and blames the planted words
FIRES = [
    ("number_attachment", "The board approved the £2m budget.",
     "The board rejected the £2m proposal and approved a £1.5m budget instead.", {"2m"}),
    ("number_attachment", "The survey reached 40 schools.",
     "The survey reached 12 schools and 40 teachers.", {"40"}),
    ("date", "We get the keys on 2 June.", "We get the keys on 2 May.", {"June"}),
    ("wrong_agent", "Helen will meet the drivers next week.",
     "Priya said Helen should check the vans. Marcus will meet the drivers next week.", {"Helen"}),
    ("role_swap", "Acme bought Zenith for $40m.", "Zenith bought Acme for $40m.", {"Acme", "Zenith"}),
    ("quantifier", "All of the staff signed the letter.", "About a third of the staff signed the letter.", {"All"}),
    ("quantifier", "Most residents backed the plan.", "Only 30 percent of residents backed the plan.", {"Most"}),
    ("quantifier", "None of the patients improved.", "Some patients improved after a week.", {"None"}),
    ("modality", "The pilot started in April.", "The pilot will start in April if the board agrees.",
     {"started"}),
    ("modality", "The company launched the app.", "The company plans to launch the app next year.", {"launched"}),
    ("exclusion", "The allowance includes agency drivers.",
     "At the moment the allowance does not cover agency drivers.", {"includes", "agency"}),
    ("exclusion", "The price includes delivery.", "The price excludes delivery and installation.", {"delivery"}),
    ("negation", "The trial did not reduce infections.", "The trial reduced infections by 41 percent.", {"not"}),
    ("negation", "The allowance covers agency drivers.", "The allowance does not cover agency drivers.",
     {"covers"}),
    ("antonym", "Shares rose after the report.", "Shares fell after the report.", {"rose"}),
    ("possession", "Ukraine may lose its land in a trade.",
     "Ukraine hoped capturing land could be traded for territory.", {"its", "land"}),
]


@pytest.mark.parametrize("check,claim,evidence,words", FIRES, ids=[f"{c}-{i}" for i, (c, *_r) in enumerate(FIRES)])
def test_check_fires_on_its_error(check, claim, evidence, words):
    chk = run(claim, evidence)
    assert check in chk.fired, chk.reasons
    assert words <= set(blamed(chk)), blamed(chk)
    assert chk.reasons and all(r for r in chk.reasons)


# faithful paraphrases across genres: no hard check may fire, no word may be blamed
QUIET = [
    ("The Oslo-based firm grew.", "The firm, based in Oslo, grew."),
    ("Coffee lowers disease risk.", "Coffee lowers the risk of heart disease."),
    ("A fifth of users left.", "20 percent of users left."),
    ("The plant ran for a decade.", "The plant ran for ten years."),
    ("A Danish team built it.", "A team in Denmark built it."),
    ("Almost a fifth of patients improved.", "18% of patients improved."),
    ("The quote is £8,000 over budget.", "The quote is £48,000 against a budget of £40,000."),
    ("Staff pay roughly £500 a year.", "Staff paid about £500 a year."),
    ("It has been viewed more than 235,000 times.", "The film has been viewed more than 235 , 000 times ."),
    ("Marcus will meet the drivers next week.", "Marcus will meet the drivers next week."),
    ("The pilot starts on 22 April.", "The pilot starts on 22 April with two vans."),
    ("The committee approved the £1.5m budget.", "The committee approved a £1.5m budget."),
    ("All fourteen drivers were told.", "All fourteen drivers were told on Monday."),
    ("The allowance does not cover agency drivers.", "The allowance does not cover agency drivers."),
    ("The authors did not prove that coffee caused the effect.",
     "The authors could not prove that coffee caused the effect."),
]


@pytest.mark.parametrize("claim,evidence", QUIET)
def test_faithful_paraphrase_is_left_alone(claim, evidence):
    chk = run(claim, evidence)
    assert chk.fired == [] and blamed(chk) == [], (chk.fired, blamed(chk), chk.reasons)


def test_hedged_negation_is_not_called_a_negation_the_evidence_lacks():
    chk = run("The link may not be causal.", "The authors could not prove that coffee caused the effect.")
    assert "negation" not in chk.fired
    assert not any("negat" in r for r in chk.reasons)


def test_decision_rule_consistent_iff_no_flag():
    from evalharness.core.results import Claim, ItemScore
    from evalharness.scorers.support import summarise_claims, with_verdict

    def claim(ok, score):
        return Claim(text="x", start=0, end=1, supported=ok, score=score, evidence=None, unsupported_spans=(),
                     verdict="supported" if ok else "unsupported", reasons=())
    clean = with_verdict(summarise_claims([claim(True, 0.9), claim(True, 0.6)]))
    flagged = with_verdict(summarise_claims([claim(True, 0.9), claim(False, 0.3)]))
    assert clean.scores["consistent"] == 1.0 and flagged.scores["consistent"] == 0.0
    assert clean.scores["score"] == 0.6 and flagged.scores["score"] == 0.3  # the worst claim: monotone
    assert "consistent" in with_verdict(ItemScore(scores={}, not_applicable={"score": "no claim"})).not_applicable


# -- issue 21: checks that hold in any genre. Each case: (check, claim, evidence, source or None,
# words that must be blamed); the source defaults to the evidence.
GENRE_FIRES = [
    # full dates: the day of the month, also when the source gives that day to another fact
    ("date", "The follow-up clinic is on 19 September.", "The follow-up clinic is on 12 September.",
     "The follow-up clinic is on 12 September. This letter was typed on 19 September.", {"19"}),
    ("date", "The final whistle blew on March 4th.", "The final was played on 14 March.", None, {"4th"}),
    ("date", "Payment is due on the 6th of December.", "Payment is due on 13 December.", None, {"6th"}),
    ("date", "The update ships tomorrow.", "The update ships today for all users.", None, {"tomorrow"}),
    # certainty raised: may/could/expected -> will/must/is doing
    ("modality", "Revenue will recover in the fourth quarter.",
     "Revenue could recover in the fourth quarter, but this is not in our guidance.", None, {"will", "recover"}),
    ("modality", "The licensee must agree to an audit.", "The licensee may agree to an audit once a year.", None,
     {"must", "agree"}),
    ("modality", "The outage is affecting older routers.", "The outage may affect older routers.", None,
     {"is", "affecting"}),
    # reversal verbs without "not"
    ("antonym", "The committee agreed to the extension.", "The committee declined the extension.", None, {"agreed"}),
    ("antonym", "The visitors lost the semi-final.", "The visitors won the semi-final on penalties.", None, {"lost"}),
    ("antonym", "Ticket prices fell this season.", "Ticket prices rose this season.", None, {"fell"}),
    # imperative negation dropped
    ("negation", "Knead the dough for ten minutes.", "Do not knead the dough; rest it for ten minutes.", None,
     {"Knead"}),
    ("negation", "Patients should take the tablets with food.", "Do not take the tablets with food.", None,
     {"take"}),
    # a causal link the source does not make
    ("causal", "Margins improved because seafood sales grew.",
     "Margins improved to 31 percent. Seafood sales grew 18 percent.",
     "Margins improved to 31 percent. Seafood sales grew 18 percent.", {"because"}),
    ("causal", "The server crashed due to the config change.",
     "The config change was deployed at noon. The server crashed at 14:05.", None, {"due", "to"}),
    # a number the evidence gives to another thing, after the paraphrase fixes
    ("number_attachment", "The survey reached 40 schools.", "The survey reached 12 schools and 40 teachers.", None,
     {"40"}),
    # an action the evidence gives to another name in the passive ("trained by Lowenna Hicks")
    ("wrong_agent", "The volunteers were the ones Jago Penrose trained.",
     "The remaining 17 are with a volunteer team trained by the archivist Lowenna Hicks.",
     "Fieldwork was led by Jago Penrose. The remaining 17 are with a volunteer team trained by the archivist "
     "Lowenna Hicks.", {"Jago", "Penrose"}),
    # a name or country the evidence does not give (a different country than its own)
    ("novel_entity", "The French supplier was late.", "The German supplier was late.", None, {"French"}),
]


@pytest.mark.parametrize("check,claim,evidence,source,words", GENRE_FIRES,
                         ids=[f"{c}-{i}" for i, (c, *_r) in enumerate(GENRE_FIRES)])
def test_genre_check_fires(check, claim, evidence, source, words):
    chk = run(claim, evidence, source)
    assert check in chk.fired, (chk.fired, chk.reasons)
    assert words <= set(blamed(chk)), blamed(chk)


# faithful restatements in several genres: none of these checks may fire (other checks' words
# the stub paraphraser cannot match may still be blamed, so only the explicit checks are asserted)
GENRE_QUIET = [
    ("The follow-up clinic is on 12 September.", "The follow-up clinic is on 12 September.",
     "The follow-up clinic is on 12 September. This letter was typed on 19 September."),
    ("The guests stay from 21 February to 1 March.", "The guests stay from 21 February to 1 March 2025.", None),
    ("Kick-off was on September 12th.", "Kick-off was on 12 September.", None),
    ("Released on 11 February 2025, the app adds dark mode.", "2025-02-11: the app adds dark mode.", None),
    ("The eruption began at 10.15 p.m.", "The eruption began at 22:15 local time.", None),
    ("Revenue reached 612 million, up 5 percent.", "Revenue rose 5 percent to 612 million.", None),
    ("The outage ran from 14:05 to 14:52.", "The outage began at 14:05 and ended at 14:52.", None),
    ("Version 2.32.3 fixes 14 bugs.", "Release 2.32.3 fixes 14 bugs and adds 3 features.", None),
    ("A 40-gram bag wholesales at £1.15.", "Each 40-gram bag wholesales at £1.15; we ship 15 bags a case.", None),
    ("The train runs from York to Leeds.", "The train runs from Leeds to York.", None),
    ("Guild general secretary Brenda Kaye spoke first.", "Brenda Kaye, general secretary of the Guild, spoke first.",
     None),
    ("The nurse gave IV fluids overnight.", "The nurse gave intravenous fluids overnight.", None),
    ("The ECB's decision lifted rates.", "The European Central Bank's decision lifted rates.", None),
    ("The Italian supplier was late.", "The supplier in Milan was late.", None),
    ("Revenue could recover next year.", "Revenue could recover next year.", None),
    ("Members will vote on the offer.", "Members would vote on the offer over the coming fortnight.", None),
    ("The committee agreed to the extension.", "The committee agreed to the extension.", None),
    ("Do not knead the dough.", "Do not knead the dough; rest it instead.", None),
    ("The CEO does not expect to win the volume back this year.",
     "Do you expect to win that volume back? Honestly, not this year.", None),
    ("Margins fell because freight costs rose.", "Margins fell as freight costs rose.", None),
    ("The growth came from price rises.", "The growth came from price rises.", None),
    ("Growth was thanks to price rises.", "The growth came from price rises.", None),
    ("The project produced 46 interviews.", "The project produced 46 interviews. We may produce a podcast.", None),
    ("They exhumed more than 100 bodies.", "They exhumed 117 bodies.", None),
    ("The volunteers were trained by Lowenna Hicks.", "The volunteers were trained by the archivist Lowenna Hicks.",
     None),
    ("Lowenna Hicks trained the volunteers.", "The volunteers were trained by the archivist Lowenna Hicks.", None),
    ("The tray is three cents below the July price.", "The tray costs €0.21, down from €0.24 in July.", None),
    ("The dough rests for twelve to eighteen hours.", "The dough rests for 12-18 hours.", None),
    ("After seven years in Nairobi she joined the university.",
     "She moved to Nairobi in 1968 and joined the university in 1975.", None),
    ("Security made the boy hand over his plastic gun.", "Security took the boy's plastic gun.", None),
    ("The board made the later Saturday closing permanent.", "The board voted to keep Central open later on Saturdays.",
     None),
]


@pytest.mark.parametrize("claim,evidence,source", GENRE_QUIET)
def test_genre_paraphrase_fires_no_explicit_check(claim, evidence, source):
    chk = run(claim, evidence, source)
    assert chk.fired == [], (chk.fired, chk.reasons)


def test_possession_owner_is_the_claims_subject_not_a_month_or_title():
    # the owner of "its land" is Ukraine (the claim's first name), not "August" nor "President"
    chk = run("Ukraine, which entered Kursk in August, may lose its land in a trade.",
              "Ukraine hoped capturing land in Kursk in August could be traded for territory.")
    assert "possession" in chk.fired
    assert any("to Ukraine" in r for r in chk.reasons), chk.reasons


def test_a_prohibition_anywhere_in_the_source_is_a_dropped_negation():
    source = "Mix the flour with the water. Do not knead the dough; leave it to rise for two hours."
    chk = run("Mix the flour and water, then knead the dough.", "Mix the flour with the water.", source)
    assert "negation" in chk.fired and "knead" in blamed(chk)
    chk = run("Mix the flour and water, and do not knead the dough.", "Mix the flour with the water.", source)
    assert "negation" not in chk.fired


def test_an_intensified_evaluation_the_source_does_not_make():
    chk = run("The pilot was highly successful.", "The pilot ran for six weeks in two schools.")
    assert "editorial" in chk.fired and {"highly", "successful"} <= set(blamed(chk))
    chk = run("The strain is highly contagious.", "The strain is highly contagious, the agency said.")
    assert "editorial" not in chk.fired


def run_units(claim, units, context=(), source=None):
    """Like ``run``, with several evidence sentences (and sentences around them) kept apart."""
    source = source or " ".join([*units, *context])
    idx = index_source(source, 80)
    ev = [tokenize(u, source.index(u)) for u in units]
    ctx = [tokenize(u, source.index(u)) for u in context]
    return check_claim(claim, 0, tokenize(claim), [t for u in ev for t in u], idx.tokens, 0.9, 0.9, no_paraphrase,
                       evidence_units=ev, source_bigrams=idx.bigrams, source_names=idx.names,
                       source_words=idx.words, source_number_list=idx.numbers, context_units=ctx)


# -- issue 21, items 3 and 5: the slot a date belongs to, each negation on its own, exclusions
# written after the thing ("X are excluded", "X is sold separately", "Not included: A, B and C")
SLOT_FIRES = [
    # a date the source gives to another fact: compared with the sentence that dates the same thing
    ("date", "Managers must publish the rota by 15 July.",
     ["Managers must publish the rota by 25 August.", "The policy was approved by the board on 15 July."], (),
     {"15"}),
    ("date", "The supplier will deliver the pallets on 3 March.",
     ["The supplier will deliver the pallets on 9 March.", "Invoices issued on 3 March are payable in 30 days."],
     (), {"3"}),
    ("date", "The patient is due back in clinic on 5 October.",
     ["This letter was typed on 5 October.", "She is due back in the fracture clinic on 3 October."], (), {"5"}),
    # each negation judged against the sentence holding what it negates
    ("negation", "The airport is not operating normally, and visitors are told not to approach the crater.",
     ["The airport is operating normally.", "Do not approach the crater under any circumstances."], (),
     {"not", "operating"}),
    ("negation", "The helpdesk is not staffed at weekends, and users should not share passwords.",
     ["The helpdesk is staffed at weekends from 9 to 5.", "Never share passwords with anyone, including IT."],
     (), {"not", "staffed"}),
    # "no longer" against "still"
    ("negation", "Residents will no longer be able to take bulky items to the depot.",
     ["Bulky items can still be taken to the depot at no cost."], (), {"no", "longer"}),
    ("negation", "Former staff can no longer access their payslips.",
     ["Former staff can still access their payslips for two years, but not their rotas."], (), {"no"}),
    # exclusions written after the thing, and lists
    ("exclusion", "Staff can claim for chairs and monitors, including laptops and phones.",
     ["Staff can claim for chairs and monitors. Laptops and phones are excluded, as IT issues them."], (),
     {"including", "laptops"}),
    ("exclusion", "The kettle comes with a filter, a descaler and the travel case.",
     ["A filter and a descaler come in the box; the travel case is sold separately."], (), {"with", "travel"}),
    ("exclusion", "The tenancy comes with the fridge, the sofa and the desk lamp.",
     ["Included: the fridge and the sofa.", "Not included: the dining table and the desk lamp."], (),
     {"with", "desk"}),
    ("exclusion", "The policy covers flood damage and theft from vehicles.",
     ["The policy covers flood damage. Theft from vehicles is not covered."], (), {"covers", "theft"}),
]


@pytest.mark.parametrize("check,claim,units,context,words", SLOT_FIRES,
                         ids=[f"{c}-{i}" for i, (c, *_r) in enumerate(SLOT_FIRES)])
def test_slot_check_fires(check, claim, units, context, words):
    chk = run_units(claim, units, context)
    assert check in chk.fired, (chk.fired, chk.reasons)
    assert words <= set(blamed(chk)), blamed(chk)
    assert chk.reasons


SLOT_QUIET = [
    # the date sits by the same words in the evidence, or the claim's words match no date better
    ("Managers must publish the rota by 25 August.",
     ["Managers must publish the rota by 25 August.", "The policy was approved by the board on 15 July."], ()),
    ("The event on 12 May drew a crowd.",
     ["The event, first due on 5 May, was moved to 12 May.", "A large crowd came."], ()),
    ("The board approved the policy on 15 July, and managers publish the rota by 25 August.",
     ["Managers must publish the rota by 25 August.", "The policy was approved by the board on 15 July."], ()),
    ("Tickets are on sale from 3 to 7 May.", ["Tickets go on sale on 3 May and close on 7 May."], ()),
    # a negation the sentence holding its word also has
    ("The airport is not operating, and visitors should not approach the crater.",
     ["The airport is not operating until further notice.", "Do not approach the crater."], ()),
    ("The helpdesk is not open at weekends.", ["The helpdesk is closed at weekends."], ()),
    ("Garden waste can no longer go in the grey bin.",
     ["Garden waste must no longer be put in the grey bin.", "It can still be taken to the depot."], ()),
    ("Residents can still take bulky items to the depot.", ["Bulky items can still be taken to the depot."], ()),
    # inclusions the evidence makes, exclusions restated as exclusions
    ("The kettle comes with a filter and a descaler.",
     ["A filter and a descaler come in the box; the travel case is sold separately."], ()),
    ("The tenancy comes with the fridge and the sofa, but not the desk lamp.",
     ["Included: the fridge and the sofa.", "Not included: the dining table and the desk lamp."], ()),
    ("Laptops and phones are excluded from the allowance.",
     ["Laptops and phones are excluded, as IT issues them."], ()),
    ("The policy covers flood damage, while theft from vehicles is excluded.",
     ["The policy covers flood damage. Theft from vehicles is not covered."], ()),
    ("The bundle includes the charger, and a second battery is sold separately.",
     ["The charger is included, but a second battery is sold separately."], ()),
    # the evidence itself includes the word; a negation elsewhere does not exclude it
    ("The advert included a list of requirements for a future partner.",
     ["The advert included a list of requirements for a future partner.",
      "He did not give his name, but listed his future partner's duties."], ()),
    # "not open" restates "closed"; the antonym check leaves a negated word alone
    ("The pharmacy is not open on Sundays.", ["The pharmacy is closed on Sundays."], ()),
]


@pytest.mark.parametrize("claim,units,context", SLOT_QUIET)
def test_slot_paraphrase_fires_no_explicit_check(claim, units, context):
    chk = run_units(claim, units, context)
    assert chk.fired == [], (chk.fired, chk.reasons)


def test_a_lower_case_word_of_a_cased_claim_is_no_misplaced_name():
    source = ("Treasurer: the budget is tight. Agent: I can help with that. The Riverside Trust will fund the van. "
              "Priya Shah opened the meeting.")
    # "treasurer" and "agent" are speaker labels in the source, ordinary words in the claim
    chk = run("Priya Shah said the treasurer and an agent will fund the van.", "The Riverside Trust will fund the van.",
              source)
    words = {chk.tokens[i].text for i in chk.findings["misplaced_entity"].blamed}
    assert words == {"Priya", "Shah"}, words
    # a lower-cased summary (as some datasets write them) still has its names checked
    chk = run("priya shah will fund the van.", "The Riverside Trust will fund the van.", source)
    assert chk.values["misplaced_entity"] == 1


# -- issue 21, item 2: a number or year the source gives to another fact (checks version 8):
# compared with the evidence or neighbouring sentence whose words around a number of the same
# kind match the words around the claim's number best
NUMBER_SLOT_FIRES = [
    # meeting: the reserve's figure given to the cheapest bid
    ("number_attachment", "Of the roof bids, the cheapest, at £14,000, cannot start until September.",
     ["The reserve is down to £14,000.", "The cheapest was £17,500, but that firm can't start until September."],
     (), {"14,000"}),
    # study abstract: another measure's percentage
    ("number_attachment", "Species richness of solitary bees was 50% higher on sown plots.",
     ["Hoverfly numbers were 50% higher on sown verges.",
      "The species richness of solitary bees was 30% higher on sown plots."], (), {"50"}),
    # earnings call: revenue growth given as the margin
    ("number_attachment", "The operating margin was 12% in the quarter.",
     ["Revenue grew 12% year on year.", "The operating margin was 9% in the quarter, against 7% a year earlier."],
     (), {"12"}),
    # property listing: the kitchen's year given to the roof
    ("date", "The roof was re-slated in 2021.",
     ["The kitchen was refitted in 2021, with French doors.", "The roof was re-slated in 2018."], (), {"2021"}),
    # biography: the year she joined given to her promotion
    ("date", "Lind was named principal cellist in 1994.",
     ["Marta Lind joined the Halden orchestra in 1994.", "She was named its principal cellist in 2003."], (),
     {"1994"}),
]


@pytest.mark.parametrize("check,claim,units,context,words", NUMBER_SLOT_FIRES,
                         ids=[f"{c}-{i}" for i, (c, *_r) in enumerate(NUMBER_SLOT_FIRES)])
def test_number_slot_fires(check, claim, units, context, words):
    chk = run_units(claim, units, context)
    assert check in chk.fired, (chk.fired, chk.reasons)
    assert words <= set(blamed(chk)), blamed(chk)
    assert any("gives" in r for r in chk.reasons), chk.reasons


NUMBER_SLOT_QUIET = [
    # the number restated in its own slot
    ("Of the roof bids, the cheapest, at £17,500, cannot start until September.",
     ["The reserve is down to £14,000.", "The cheapest was £17,500, but that firm can't start until September."],
     ()),
    ("The roof was re-slated in 2018 and the kitchen refitted in 2021.",
     ["The kitchen was refitted in 2021, with French doors.", "The roof was re-slated in 2018."], ()),
    # a span counted from an end, derived from the facts (match report, timeline)
    ("Ashbury played the final ten minutes without Strand.",
     ["Ashbury finished with ten men after Strand was sent off on 80 minutes."], ()),
    ("The service was down for the last two hours of the outage window.",
     ["The outage window ran for six hours, and the service was down from 14:00 to 16:00 at its end."], ()),
    # a year naming a thing, not the time of an event
    ("Badminton lost its funding for the 2020 Olympics.",
     ["Handball lost its funding in 2012.", "Badminton will receive no money for Tokyo 2020."], ()),
    # a count of another thing ("three days"), an age, the day of a date, a change next to its amount
    ("The teenager, 16, married in hospital before dying of leukaemia.",
     ["The teenager married in hospital three days before dying of leukaemia.", "Both were 16."], ()),
    ("She cancelled after the plan renewed on 2 June, within 14 days.",
     ["The renewal went through on 2 June.", "A refund is allowed within 14 days of renewal."], ()),
    ("Revenue rose 12% to NOK 4.1 billion, and the margin was 9%.",
     ["Revenue grew 12% to NOK 4.1 billion.", "The operating margin was 9% in the quarter."], ()),
]


@pytest.mark.parametrize("claim,units,context", NUMBER_SLOT_QUIET)
def test_number_slot_paraphrase_fires_no_explicit_check(claim, units, context):
    chk = run_units(claim, units, context)
    assert not {"number_attachment", "date", "novel_number"} & set(chk.fired), (chk.fired, chk.reasons)


# -- issue 21, item 1: words of attribution and words that refer back are not invented detail
# (a summary of a transcript, an interview or a first-person review attributes with verbs its
# source never uses); a verb that adds a judgement ("admitted"), and new facts, still are
NOVEL_QUIET = [
    ("Kwame Mensah backs the idea in principle.", "Kwame Mensah: For the record, I support it in principle.",
     {"backs", "idea"}),
    ("The reviewer advises callers to look at other options.", "If you take lots of calls, I'd look elsewhere.",
     {"advises", "options"}),
    ("The lecturer answered Nadia, citing a study by Baird.", "Nadia asked about costs. A study by Baird found it.",
     {"answered", "citing"}),
    ("The agent explained that logging in does not count.", "Jonas: Logging in doesn't count.", {"explained"}),
]


@pytest.mark.parametrize("claim,source,words", NOVEL_QUIET)
def test_attribution_and_referring_words_are_not_novel(claim, source, words):
    chk = run(claim, source)
    novel = {chk.tokens[i].text for i in chk.findings["novel_words"].blamed}
    assert not (words & novel), chk.reasons


NOVEL_FIRES = [
    ("He admitted he was arrested in 2011.", "He said he was arrested in 2011.", {"admitted"}),
    ("The venue closed after storm damage.", "The venue closed for repairs.", {"storm", "damage"}),
    ("The clinic warned patients about a recall.", "The clinic wrote to patients.", {"warned", "recall"}),
]


@pytest.mark.parametrize("claim,source,words", NOVEL_FIRES)
def test_invented_words_and_judging_verbs_stay_novel(claim, source, words):
    chk = run(claim, source)
    novel = {chk.tokens[i].text for i in chk.findings["novel_words"].blamed}
    assert words <= novel, chk.reasons


# -- issue 21, item 2: a universal pronoun against a part of a whole for the same predicate,
# and certainty judged against every source sentence holding the act (its hedge may follow it)
def test_everyone_against_a_part_of_the_whole():
    for claim, ev in [
        ("Everyone he called said his voice sounded muffled.",
         "Two of the three people I rang said my voice sounded muffled on the Solace."),
        ("Nobody on the ward tested positive for the virus this week.",
         "Three of the 40 patients on the ward tested positive for the virus this week."),
        ("All said the new rota was fairer than the old one.",
         "Four out of five drivers said the new rota was fairer than the old one."),
    ]:
        chk = run(claim, ev)
        assert "quantifier" in chk.fired, (claim, chk.reasons)


def test_everyone_restated_or_about_something_else_is_left_alone():
    for claim, ev in [
        ("Everyone he called said his voice sounded clear.",
         "All three people I rang said my voice sounded clear."),
        ("Everyone at the meeting backed the budget.",
         "Two of the three bids were under budget. The meeting backed the budget unanimously."),
        ("Nobody complained when he used the Pulse.",
         "Two of the three people I rang said I sounded muffled, and nobody complained when I used the Pulse."),
    ]:
        chk = run(claim, ev)
        assert "quantifier" not in chk.fired, (claim, chk.reasons)


def test_certainty_raised_against_a_hedge_after_the_act_anywhere_in_the_source():
    source = ("Admitted 11 March with pneumonia. Continue IV co-amoxiclav three times daily. "
              "Switch to oral may be considered on 16 March if afebrile for 24 hours. "
              "Physiotherapy referral made today.")
    chk = run("He will be switched to oral antibiotics on 16 March.", "Admitted 11 March with pneumonia.", source)
    assert "modality" in chk.fired and "switched" in blamed(chk), chk.reasons
    source2 = ("The board met on Monday. A rate cut could follow in June if inflation eases. "
               "Members discussed the housing market.")
    chk = run("A rate cut will follow in June.", "The board met on Monday.", source2)
    assert "modality" in chk.fired, chk.reasons


def test_certainty_kept_when_some_source_sentence_states_it_plainly():
    source = ("Switch to oral may be considered on 16 March. Update 16 March: switch to oral antibiotics "
              "made this morning.")
    chk = run("He will be switched to oral antibiotics.", "Switch to oral may be considered on 16 March.", source)
    assert "modality" not in chk.fired, chk.reasons
    chk = run("The team will publish the report in May.", "The team will publish the report in May.",
              "The team will publish the report in May. It may be delayed by a review.")
    assert "modality" not in chk.fired, chk.reasons
