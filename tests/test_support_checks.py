"""The support scorer's interpretable checks on hand-made examples (no model:
the word-paraphrase judge is a stub that accepts nothing)."""

import numpy as np

from evalharness.scorers.support.embedding import index_source, lexical_rank
from evalharness.scorers.support.features import FEATURE_NAMES, check_claim, source_names
from evalharness.scorers.support.vectorcache import VectorCache
from evalharness.text import tokenize


def no_paraphrase(tokens, evidence, threshold=None):
    return set()


def run(claim, evidence, source=None):
    source = source or evidence
    idx = index_source(source, 80)
    ev_toks = tokenize(evidence, source.index(evidence))
    return check_claim(claim, 0, tokenize(claim), ev_toks, idx.tokens, 0.9, 0.9, no_paraphrase,
                       evidence_units=[ev_toks], source_bigrams=idx.bigrams, source_names=idx.names)


def blamed(chk):
    return [t.text for t in chk.blamed]


def test_faithful_copy_passes_every_check():
    ev = "Northfield Rovers beat Eastmoor United 2-1 on Saturday."
    chk = run(ev, ev)
    assert chk.vector()[FEATURE_NAMES.index("coverage")] == 1.0
    assert (chk.novel_numbers, chk.novel_entities, chk.misplaced_entities, chk.role_swaps, chk.negation_mismatch,
            chk.antonyms) == (0, 0, 0, 0, 0, 0)
    assert chk.blamed == []


def test_changed_number_is_novel():
    chk = run("Northfield Rovers beat Eastmoor United 3-1 on Saturday.",
              "Northfield Rovers beat Eastmoor United 2-1 on Saturday.")
    assert chk.novel_numbers == 1 and blamed(chk) == ["3-1"]


def test_role_reversal():
    chk = run("Eastmoor United beat Northfield Rovers on Saturday.",
              "Northfield Rovers beat Eastmoor United on Saturday.")
    assert chk.role_swaps == 1
    assert blamed(chk) == ["Eastmoor", "Northfield"]


def test_passive_paraphrase_is_not_a_role_swap():
    chk = run("Eastmoor United were beaten by Northfield Rovers on Saturday.",
              "Northfield Rovers beat Eastmoor United on Saturday.")
    assert chk.role_swaps == 0


def test_name_out_of_place():
    source = ("Council leader Amina Hale said the bridge would stay open. The work takes a year. "
              "The contract went to a local firm. Opposition councillor Tom Reyes voted against the plan.")
    chk = run("Council leader Tom Reyes said the bridge would stay open.",
              "Council leader Amina Hale said the bridge would stay open.", source)
    assert chk.misplaced_entities == 2 and chk.novel_entities == 0
    assert blamed(chk) == ["Tom", "Reyes"]


def test_added_negation_blames_the_verb_phrase():
    ev = "A nasal vaccine reduced infections by 41 percent."
    chk = run("A nasal vaccine did not reduce infections.", ev)
    assert chk.negation_mismatch == 1
    assert {"did", "not", "reduce"} <= set(blamed(chk))


def test_unrelated_negation_in_evidence_does_not_count():
    ev = "Side effects were mild and no serious events were seen."
    chk = run("Side effects were mild.", ev)
    assert chk.negation_mismatch == 0


def test_antonym_in_context():
    ev = "The couple were found dead at their home."
    chk = run("The couple were found alive at their home.", ev)
    assert chk.antonyms == 1 and "alive" in blamed(chk)


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
