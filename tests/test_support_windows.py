"""Sentence-aligned overlapping windows (scorers/support/windows.py), hand-computed."""

from __future__ import annotations

import pytest

from evalharness.scorers.support.windows import WindowError, make_windows
from evalharness.scorers.text import split_sentences


def words(text: str) -> int:
    return len(text.split())


SRC = " ".join(f"S{i} bb cc." for i in range(6))  # six sentences of three words


def test_windows_of_two_sentences_advance_by_one():
    wins = make_windows(SRC, 7, words, 0.5)
    assert [w.text for w in wins] == [f"S{i} bb cc. S{i + 1} bb cc." for i in range(5)]
    assert all(SRC[w.start:w.end] == w.text for w in wins)


def test_no_overlap_tiles_the_source():
    wins = make_windows(SRC, 9, words, 0.0)
    assert [w.text for w in wins] == ["S0 bb cc. S1 bb cc. S2 bb cc.", "S3 bb cc. S4 bb cc. S5 bb cc."]


def test_a_source_that_fits_is_one_window():
    assert [w.text for w in make_windows(SRC, 100, words)] == [SRC]
    assert make_windows("", 10, words) == []


def test_an_over_long_sentence_is_cut_at_words_with_overlap_and_nothing_dropped():
    src = "Short one. " + " ".join(f"W{i}" for i in range(10)) + ". Tail here."
    wins = make_windows(src, 4, words, 0.5)
    assert [w.text for w in wins] == ["Short one.", "W0 W1 W2 W3", "W2 W3 W4 W5", "W4 W5 W6 W7", "W6 W7 W8 W9.",
                                      "Tail here."]
    covered = set()
    for w in wins:
        covered.update(range(w.start, w.end))
    for s in split_sentences(src):
        assert set(range(s.start, s.end)) <= covered


def test_a_word_longer_than_the_budget_is_an_error_not_a_cut():
    with pytest.raises(WindowError, match="alone is longer than the 5-token room"):
        make_windows("tiny. enormousword here.", 5, len, 0.5)


@pytest.mark.parametrize("overlap", [0.0, 0.25, 0.5, 0.9])
def test_every_sentence_is_in_a_window_that_fits(overlap):
    src = " ".join(("Ab " + "cd " * (i % 5)).strip() + "." for i in range(40))
    wins = make_windows(src, 8, words, overlap)
    assert all(words(w.text) <= 8 for w in wins)
    for s in split_sentences(src):
        assert any(w.start <= s.start and s.end <= w.end for w in wins)


def test_lexical_rank_is_the_same_under_every_hash_seed():
    """Ties between units must not depend on the order a set of stems is iterated in:
    0.1 + 0.2 + 0.3 and 0.3 + 0.2 + 0.1 differ in the last bit."""
    import os
    import subprocess
    import sys
    code = ("from types import SimpleNamespace as N\n"
            "from evalharness.scorers.support.embedding import lexical_rank\n"
            "idf = {'alpha': 0.1, 'beta': 0.2, 'gamma': 0.3, 'delta': 0.6}\n"
            "index = N(units=[0, 1], unit_stems=[{'delta'}, {'alpha', 'beta', 'gamma'}], idf=idf)\n"
            "print(lexical_rank(index, {'alpha', 'beta', 'gamma', 'delta'}, 2))\n")
    root = str(__import__("pathlib").Path(__file__).resolve().parent.parent)
    seen = set()
    for seed in range(8):
        env = dict(os.environ, PYTHONHASHSEED=str(seed), PYTHONPATH=root)
        seen.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                check=True).stdout.strip())
    assert seen == {"[1, 0]"}
