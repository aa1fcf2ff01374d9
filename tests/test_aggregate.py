import itertools

import numpy as np
import pytest

from evalharness.stats.aggregate import bootstrap_mean, derive_seed, paired_compare


def test_mean_and_n_hand_computed():
    s = bootstrap_mean([1.0, 2.0, 3.0, 6.0], resamples=500, seed=1)
    assert s.mean == 3.0
    assert s.n == 4
    assert 1.0 <= s.ci_low <= s.mean <= s.ci_high <= 6.0


def test_single_value_and_constant_have_zero_width():
    assert bootstrap_mean([0.4]).to_json() == {"mean": 0.4, "ci_low": 0.4, "ci_high": 0.4, "n": 1}
    s = bootstrap_mean([2.0, 2.0, 2.0])
    assert (s.ci_low, s.mean, s.ci_high) == (2.0, 2.0, 2.0)


def test_bootstrap_is_seeded_and_matches_a_direct_percentile_bootstrap():
    x = [0.1, 0.5, 0.9, 0.3, 0.7]
    a = bootstrap_mean(x, resamples=2000, seed=7)
    b = bootstrap_mean(x, resamples=2000, seed=7)
    assert a == b
    rng = np.random.default_rng(7)
    means = np.asarray(x)[rng.integers(0, 5, size=(2000, 5))].mean(axis=1)
    lo, hi = np.quantile(means, [0.025, 0.975])
    assert a.ci_low == pytest.approx(lo, abs=1e-12)
    assert a.ci_high == pytest.approx(hi, abs=1e-12)


def test_interval_narrows_with_more_data():
    rng = np.random.default_rng(0)
    small = bootstrap_mean(rng.random(10), seed=3)
    large = bootstrap_mean(rng.random(1000), seed=3)
    assert (large.ci_high - large.ci_low) < (small.ci_high - small.ci_low)


def test_refuses_empty_and_non_finite():
    with pytest.raises(ValueError):
        bootstrap_mean([])
    with pytest.raises(ValueError):
        bootstrap_mean([1.0, float("nan")])


def test_paired_permutation_p_value_is_exact_for_small_n():
    base = [0.0, 0.0, 0.0, 0.0]
    new = [1.0, 2.0, 3.0, -1.0]
    r = paired_compare(base, new, seed=1)
    assert r.delta == pytest.approx(1.25)
    assert r.base_mean == 0.0 and r.new_mean == pytest.approx(1.25)
    # Hand count: the observed |sum| of d = (1, 2, 3, -1) is 5. Among the 16 sign
    # flips, |s.d| >= 5 for signs (+,+,+,-) -> 7, (+,+,+,+) -> 5, (-,+,+,-) -> 5,
    # and their three mirrors: 6 of 16.
    d = np.array(new) - np.array(base)
    count = sum(abs(np.dot(s, d)) >= 5 - 1e-12 for s in itertools.product((1, -1), repeat=4))
    assert count == 6
    assert r.p_value == pytest.approx(6 / 16)


def test_paired_identical_runs_have_p_one_and_zero_delta():
    r = paired_compare([0.3, 0.5], [0.3, 0.5])
    assert r.delta == 0.0 and r.p_value == 1.0 and r.ci_low == r.ci_high == 0.0


def test_paired_large_n_detects_a_shift_and_not_noise():
    rng = np.random.default_rng(5)
    base = rng.random(200)
    shifted = paired_compare(base, base + 0.05 + rng.normal(0, 0.01, 200), seed=2)
    assert shifted.p_value < 0.001 and shifted.ci_low > 0
    noise = paired_compare(base, base + rng.normal(0, 0.01, 200), seed=2)
    assert noise.p_value > 0.01


def test_paired_requires_same_length():
    with pytest.raises(ValueError):
        paired_compare([1.0], [1.0, 2.0])


def test_derived_seeds_differ_per_key_and_are_stable():
    assert derive_seed(1, "a", "m") == derive_seed(1, "a", "m")
    assert derive_seed(1, "a", "m") != derive_seed(1, "b", "m")
