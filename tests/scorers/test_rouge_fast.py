"""The bit-parallel LCS gives rouge-score's exact LCS, and the fast scorer its exact numbers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rouge_score import rouge_scorer

from evalharness.scorers.rouge import ROUGE_TYPES, fast_rouge_scorer, lcs_ind, lcs_length

tokens = st.lists(st.sampled_from(list("abcdef")), max_size=40)


def test_lcs_by_hand():
    assert lcs_length(list("abcbdab"), list("bdcaba")) == 4
    # rouge-score's table read-out: its tie-breaking picks this LCS
    assert lcs_ind(list("abcbdab"), list("bdcaba")) == rouge_scorer.lcs_ind(list("abcbdab"), list("bdcaba"))
    assert lcs_length([], ["a"]) == 0 and lcs_ind(["a"], []) == []


@settings(max_examples=400, deadline=None)
@given(tokens, tokens)
def test_lcs_matches_rouge_scores_table(a, b):
    table = rouge_scorer._lcs_table(a, b)
    assert lcs_length(a, b) == table[-1][-1]
    assert lcs_ind(a, b) == rouge_scorer._backtrack_norec(table, a, b)


words = st.sampled_from(["the", "council", "approved", "running", "runs", "bridge", "2-1", "it's", "Repairs",
                         "a", "of", "in", "March", "cars", "car"])
sentence = st.lists(words, min_size=0, max_size=12).map(" ".join)
text = st.lists(sentence, min_size=1, max_size=4).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(text, st.lists(text, min_size=1, max_size=3))
def test_fast_scorer_is_bit_identical_to_rouge_score(pred, targets):
    ours = fast_rouge_scorer(ROUGE_TYPES, True).score_multi(targets, pred)
    theirs = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True).score_multi(targets, pred)
    assert ours == theirs
