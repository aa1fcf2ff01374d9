"""Meta-eval arithmetic on hand-computed examples, and the threshold protocol."""

import math

import pytest

from evalharness.metaeval.metrics import (balanced_accuracy, best_shared_threshold, best_threshold, evaluate_dataset,
                                  folds_for, meta_evaluate, roc_auc)


def test_auc_perfect_and_reversed():
    assert roc_auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]) == 1.0
    assert roc_auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]) == 0.0


def test_auc_hand_computed_with_tie():
    # positives 0.8, 0.4; negatives 0.6, 0.4, 0.2.
    # pairs: (0.8 vs 0.6,0.4,0.2) = 3 wins; (0.4 vs 0.6) loss, (0.4 vs 0.4) half, (0.4 vs 0.2) win -> 1.5
    # AUC = 4.5 / 6 = 0.75
    assert roc_auc([0.8, 0.4, 0.6, 0.4, 0.2], [1, 1, 0, 0, 0]) == pytest.approx(0.75)


def test_auc_one_class_is_nan():
    assert math.isnan(roc_auc([0.1, 0.2], [1, 1]))


def test_balanced_accuracy_hand_computed():
    # threshold 0.5: positives 0.9, 0.6, 0.3 -> 2/3 recalled; negatives 0.4, 0.7 -> 1/2 recalled
    assert balanced_accuracy([0.9, 0.6, 0.3, 0.4, 0.7], [1, 1, 1, 0, 0], 0.5) == pytest.approx((2 / 3 + 1 / 2) / 2)
    # score equal to the threshold counts as consistent (support flags only below it)
    assert balanced_accuracy([0.5, 0.2], [1, 0], 0.5) == 1.0


def test_best_threshold_separates_and_picks_middle_of_plateau():
    # any cut in (0.3, 0.7) is perfect; candidates there: midpoint 0.5
    assert best_threshold([0.1, 0.3, 0.7, 0.9], [0, 0, 1, 1]) == pytest.approx(0.5)


def test_folds_without_split_are_even_odd():
    protocol, plan = folds_for([None] * 5)
    assert protocol == "2-fold"
    assert plan == [([0, 2, 4], [1, 3]), ([1, 3], [0, 2, 4])]


def test_folds_with_split_measure_only_test_rows():
    protocol, plan = folds_for(["train", "test", None, "test"])
    assert protocol == "split"
    assert plan == [([0, 2], [1, 3])]


def test_threshold_is_tuned_on_other_rows_not_measured_rows():
    # Tuning rows (not 'test') are cleanly cut at 0.5 (tuned threshold: midpoint 0.5).
    # Test rows are perfectly separated by 0.85 but NOT by 0.5: measured with the
    # tuned threshold they score 0.5; with their own best threshold it would be 1.0.
    scores = [0.2, 0.4, 0.6, 0.8, 0.7, 0.8, 0.9, 0.95]
    labels = [0, 0, 1, 1, 0, 0, 1, 1]
    splits = ["dev", "dev", "dev", "dev", "test", "test", "test", "test"]
    r = evaluate_dataset("d", scores, labels, splits)
    assert r.protocol == "split"
    assert r.folds[0].threshold == pytest.approx(0.5)
    # test rows at 0.5: positives 0.9, 0.95 -> 1; negatives 0.7, 0.8 both >= 0.5 -> 0 -> BA 0.5
    assert r.balanced_accuracy == pytest.approx(0.5)
    assert best_threshold(scores[4:], labels[4:]) == pytest.approx(0.85)


def test_two_fold_cross_fitting_hand_computed():
    # even rows (0,2,4,6): scores .1 .2 .8 .9 labels 0 0 1 1 -> tuned threshold 0.5
    # odd rows (1,3,5,7):  scores .6 .7 .3 .4 labels 0 0 1 1 -> tuned threshold on odd: best cut is
    #   below .3 or above .7 (BA .5), all cuts give <=.5 ... measured on the other fold.
    scores = [0.1, 0.6, 0.2, 0.7, 0.8, 0.3, 0.9, 0.4]
    labels = [0, 0, 0, 0, 1, 1, 1, 1]
    r = evaluate_dataset("d", scores, labels)
    assert r.protocol == "2-fold"
    assert len(r.folds) == 2
    assert r.folds[0].tune == (0, 2, 4, 6) and r.folds[0].measure == (1, 3, 5, 7)
    # fold 1: threshold .5 on odd rows: positives .3,.4 -> 0 recalled; negatives .6,.7 -> 0 -> BA 0
    assert r.folds[0].threshold == pytest.approx(0.5)
    assert r.folds[0].balanced_accuracy == pytest.approx(0.0)
    # reported value is the mean of both folds
    assert r.balanced_accuracy == pytest.approx((r.folds[0].balanced_accuracy + r.folds[1].balanced_accuracy) / 2)
    # measured rows never tuned the threshold that measured them
    for f in r.folds:
        assert not set(f.tune) & set(f.measure)


def test_meta_evaluate_means_are_unweighted():
    rows = [("a", 0.9, 1, None), ("a", 0.1, 0, None), ("a", 0.8, 1, None), ("a", 0.2, 0, None),
            ("b", 0.9, 0, None), ("b", 0.1, 1, None)]
    r = meta_evaluate("sig", "score", rows)
    assert list(r.datasets) == ["a", "b"]
    assert r.datasets["a"].auc == 1.0 and r.datasets["b"].auc == 0.0
    assert r.mean_auc == pytest.approx(0.5)
    j = r.to_json()
    assert j["scorer"] == "sig"
    assert set(j["datasets"]["a"]) >= {"n", "auc", "balanced_accuracy", "threshold"}
    assert j["mean"]["auc"] == pytest.approx(0.5)


def test_best_shared_threshold_maximises_mean_balanced_accuracy():
    a = ([0.1, 0.5, 0.6, 0.9], [0, 0, 1, 1])  # perfect at 0.55
    b = ([0.2, 0.3, 0.7, 0.8], [0, 0, 1, 1])  # perfect anywhere in (0.3, 0.7)
    t = best_shared_threshold([a, b])
    assert 0.5 < t < 0.6


def test_flag_rates_by_hand():
    from evalharness.metaeval.metrics import flag_rates
    fr = flag_rates([0.1, 0.5, 0.9, 0.2, 0.3], [1, 1, 1, 0, 0], 0.4)
    assert (fr.consistent, fr.inconsistent) == (1 / 3, 1.0)
    assert abs(fr.balanced_accuracy - (2 / 3 + 1.0) / 2) < 1e-12


def test_precision_first_threshold_keeps_the_flag_budget_per_dataset():
    from evalharness.metaeval.metrics import flag_rates, precision_first_threshold
    a = ([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.05], [1] * 10 + [0])
    b = ([0.35, 0.45, 0.55, 0.65, 0.75, 0.01], [1] * 5 + [0])
    t = precision_first_threshold([a, b], 0.2)
    # a: 2 of 10 consistent may fall below -> up to 0.3; b: 1 of 5 -> up to 0.45: the stricter wins
    assert 0.2 < t < 0.3
    for s, y in (a, b):
        assert flag_rates(s, y, t).consistent <= 0.2


def test_span_agreement_hand_counted():
    from evalharness.metaeval.metrics import span_agreement
    rows = [
        (0, [(0, 5), (10, 12)], [(3, 8)]),   # hit; 1 of 2 spans on target
        (0, [(20, 25)], [(0, 4)]),           # miss; 0 of 1
        (0, [], [(1, 2)]),                   # nothing flagged
        (0, [(0, 3)], []),                   # no annotation: left out
        (1, [(0, 2)], []),                   # consistent with a flag
        (1, [], []),                         # consistent, clean
    ]
    r = span_agreement(rows)
    assert (r.n_annotated, r.n_consistent, r.n_flagged_spans) == (3, 2, 3)
    assert r.hit_rate == 1 / 3 and r.span_precision == 1 / 3 and r.clean_flag_rate == 0.5
def test_one_label_class_is_undefined_not_one_recall():
    """Was: "AUC n/a, BAcc 83.3" and a recommended threshold for a dataset of consistent rows only."""
    from evalharness.metaeval.metrics import evaluate_dataset, meta_evaluate
    d = evaluate_dataset("ones", [0.1, 0.5, 0.9, 0.7, 0.3, 0.8], [1] * 6)
    assert math.isnan(d.auc) and math.isnan(d.balanced_accuracy) and math.isnan(d.threshold)
    assert d.folds == () and d.undefined.startswith("every row is labelled consistent (1)")
    assert d.to_json()["balanced_accuracy"] is None
    res = meta_evaluate("s", "score", [("ones", s, 1, None) for s in (0.1, 0.5, 0.9)])
    assert math.isnan(res.recommended_threshold) and res.no_recommendation == d.undefined
    assert math.isnan(res.mean_balanced_accuracy)


def test_the_recommendation_uses_only_datasets_with_both_classes():
    from evalharness.metaeval.metrics import meta_evaluate
    both = [("mixed", s, y, None) for s, y in ((0.2, 0), (0.3, 0), (0.8, 1), (0.9, 1))]
    ones = [("ones", s, 1, None) for s in (0.05, 0.1)]   # alone it would pull the cut below 0.05
    res = meta_evaluate("s", "score", both + ones)
    assert res.no_recommendation is None
    assert 0.3 < res.recommended_threshold < 0.8
    assert res.mean_balanced_accuracy == res.datasets["mixed"].balanced_accuracy


def test_a_fold_that_measures_one_class_is_left_out():
    from evalharness.metaeval.metrics import evaluate_dataset
    # 2-fold by row order: odd rows are all label 1, so the fold that measures them is left out
    d = evaluate_dataset("x", [0.2, 0.9, 0.3, 0.8, 0.1, 0.7], [0, 1, 0, 1, 0, 1])
    assert d.folds == () and math.isnan(d.balanced_accuracy)
    assert d.undefined.startswith("no fold holds both classes")
    assert d.auc == 1.0   # AUC over all rows is defined


def test_recommend_band_by_hand():
    from evalharness.metaeval.metrics import recommend_band
    scores = [0.1, 0.55, 0.62, 0.8, 0.7, 0.9, 0.95, 0.99]
    labels = [0, 0, 0, 0, 1, 1, 1, 1]
    # 4 inconsistent rows, coverage 0.9 -> ceil(3.6) = 4: all four, so high = 0.8 (rounded up: 0.8)
    b = recommend_band(scores, labels, threshold=0.5)
    assert (b.low, b.high) == (0.5, 0.8)
    assert b.sent == 5 / 8            # 0.1, 0.55, 0.62, 0.8 and the consistent 0.7
    # coverage 0.5 -> ceil(2) = 2: the two lowest, high = 0.55
    b = recommend_band(scores, labels, threshold=0.5, coverage=0.5)
    assert (b.low, b.high, b.sent) == (0.5, 0.55, 2 / 8)
    # the band never starts above its top, and never drops below the screen's threshold
    b = recommend_band([0.1, 0.2, 0.9], [0, 0, 1], threshold=0.6)
    assert (b.low, b.high) == (0.6, 0.6)
    assert recommend_band([0.4, 0.9], [1, 1], threshold=0.5) is None
