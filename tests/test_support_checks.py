"""The support scorer's interpretable checks on hand-made examples (no model:
the word-paraphrase judge is a stub that accepts nothing). Each check has a sentence
it must fire on and a faithful paraphrase it must leave alone, in several genres."""

import numpy as np
import pytest

from evalharness.scorers.support.embedding import index_source, lexical_rank
from evalharness.scorers.support.features import (CHECKS, FEATURE_NAMES, HARD_CHECKS, SIGNS, check_claim,
                                                  source_names)
from evalharness.scorers.support.vectorcache import VectorCache
from evalharness.text import tokenize


def no_paraphrase(tokens, evidence, threshold=None):
    return set()


def run(claim, evidence, source=None):
    source = source or evidence
    idx = index_source(source, 80)
    ev_toks = tokenize(evidence, source.index(evidence))
    return check_claim(claim, 0, tokenize(claim), ev_toks, idx.tokens, 0.9, 0.9, no_paraphrase,
                       evidence_units=[ev_toks], source_bigrams=idx.bigrams, source_names=idx.names,
                       source_words=idx.words, source_number_list=idx.numbers)


def blamed(chk):
    return [t.text for t in chk.blamed]


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
    from evalharness.store import CachePolicy
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
    from evalharness.results import Claim, ItemScore
    from evalharness.scorers.support import summarise_claims, with_verdict

    def claim(ok, score):
        return Claim(text="x", start=0, end=1, supported=ok, score=score, evidence=None, unsupported_spans=(),
                     verdict="supported" if ok else "unsupported", reasons=())
    clean = with_verdict(summarise_claims([claim(True, 0.9), claim(True, 0.6)]))
    flagged = with_verdict(summarise_claims([claim(True, 0.9), claim(False, 0.3)]))
    assert clean.scores["consistent"] == 1.0 and flagged.scores["consistent"] == 0.0
    assert clean.scores["score"] == 0.6 and flagged.scores["score"] == 0.3  # the worst claim: monotone
    assert "consistent" in with_verdict(ItemScore(scores={}, not_applicable={"score": "no claim"})).not_applicable
