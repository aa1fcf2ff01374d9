"""ROUGE through the harness must equal rouge-score called directly."""

import pytest
from rouge_score import rouge_scorer

from evalharness.core.results import ScoreItem
from evalharness.scorers.rouge import RougeOptions, RougeScorer, lsum_text

SUMMARY = "The council approved the repair. Work starts in March and takes eighteen months."
REFS = ("Millbrook council approved a repair of the bridge. Work will start in March.",
        "The bridge repair was approved by the council on Tuesday.")


def _item(refs=REFS, summary=SUMMARY):
    return ScoreItem("c", "s", "source text", summary, tuple(refs))


def test_parity_with_rouge_score_single_reference():
    ours = RougeScorer().score_batch([_item(refs=REFS[:1])])[0].scores
    direct = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=True)
    ref = REFS[0]
    got = direct.score(lsum_text(ref), lsum_text(SUMMARY))
    for t in ("rouge1", "rouge2", "rougeL", "rougeLsum"):
        assert ours[t] == got[t].fmeasure
        assert ours[f"{t}_precision"] == got[t].precision
        assert ours[f"{t}_recall"] == got[t].recall
    # for every type but rougeLsum the newline-split text changes nothing
    plain = direct.score(ref, SUMMARY)
    for t in ("rouge1", "rouge2", "rougeL"):
        assert ours[t] == plain[t].fmeasure


def test_multiple_references_take_the_best_per_metric():
    ours = RougeScorer().score_batch([_item()])[0].scores
    direct = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=True)
    per_ref = [direct.score(lsum_text(r), lsum_text(SUMMARY)) for r in REFS]
    for t in ("rouge1", "rouge2", "rougeL", "rougeLsum"):
        assert ours[t] == max(s[t].fmeasure for s in per_ref)


def test_hand_computed_unigram_overlap():
    # "the cat sat" vs "the cat ran": 2 of 3 unigrams shared -> P = R = F = 2/3
    s = RougeScorer(RougeOptions(types=("rouge1",))).score_batch([_item(refs=("the cat ran",),
                                                                        summary="the cat sat")])[0]
    assert s.scores["rouge1"] == pytest.approx(2 / 3)
    assert s.scores["rouge1_precision"] == pytest.approx(2 / 3)


def test_no_reference_is_not_applicable_never_zero():
    s = RougeScorer().score_batch([_item(refs=())])[0]
    assert s.scores == {}
    assert s.not_applicable["rouge1"] == "no reference summaries in this case"


def test_signature_names_options_and_version():
    sig = RougeScorer().signature()
    assert sig.startswith("rouge|types:rouge1,rouge2,rougeL,rougeLsum|stem:yes|")
    assert "|v:0.1.2" in sig or "|v:" in sig
