"""Statistics, written once: means, seeded bootstrap intervals, paired comparisons.

Every metric reduces to one number per item, so the same functions serve every
scorer (the sacrebleu idea). All randomness comes from an explicit seed, so a
report is reproducible bit for bit.
"""

from __future__ import annotations

import itertools
import math
import zlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np


@dataclass(frozen=True)
class MetricSummary:
    mean: float
    ci_low: float
    ci_high: float
    n: int

    def to_json(self) -> dict:
        return {"mean": self.mean, "ci_low": self.ci_low, "ci_high": self.ci_high, "n": self.n}


@dataclass(frozen=True)
class PairedComparison:
    """New minus base over paired items, with a bootstrap CI and a permutation p-value."""

    base_mean: float
    new_mean: float
    delta: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in ("base_mean", "new_mean", "delta", "ci_low", "ci_high", "p_value", "n")}


def derive_seed(seed: int, *keys: str) -> int:
    """A stable per-metric seed, so adding a metric never shifts another's interval."""
    return (seed * 1_000_003 + zlib.crc32("\x1f".join(keys).encode("utf-8"))) % (2**32)


def _round(x: float) -> float:
    # Bootstrap sums are order-dependent at the last bit; 12 digits keeps reports byte-stable.
    return float(round(float(x), 12))


def bootstrap_mean(values: Sequence[float], *, resamples: int = 1000, confidence: float = 0.95,
                   seed: int = 12345) -> MetricSummary:
    """Mean with a percentile bootstrap interval. Raises ValueError on no values."""
    x = np.asarray(values, dtype=np.float64)
    n = int(x.size)
    if n == 0:
        raise ValueError("no values to aggregate")
    if not np.all(np.isfinite(x)):
        raise ValueError("non-finite value in aggregation")
    mean = float(x.mean())
    if n == 1 or float(x.min()) == float(x.max()):
        return MetricSummary(_round(mean), _round(mean), _round(mean), n)
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    chunk = max(1, 2_000_000 // n)
    for start in range(0, resamples, chunk):
        k = min(chunk, resamples - start)
        idx = rng.integers(0, n, size=(k, n))
        means[start:start + k] = x[idx].mean(axis=1)
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(means, [alpha, 1.0 - alpha])
    return MetricSummary(_round(mean), _round(min(lo, mean)), _round(max(hi, mean)), n)


def paired_compare(base: Sequence[float], new: Sequence[float], *, resamples: int = 1000,
                   confidence: float = 0.95, seed: int = 12345, permutations: int = 10000) -> PairedComparison:
    """Compare paired per-item values (same items, same order).

    The interval is a paired bootstrap of the mean difference; the p-value is a
    two-sided sign-flip permutation test (exact when there are 2**n <= permutations
    arrangements, otherwise Monte Carlo with the add-one correction).
    """
    b = np.asarray(base, dtype=np.float64)
    a = np.asarray(new, dtype=np.float64)
    if b.shape != a.shape:
        raise ValueError("paired values must have the same length")
    n = int(b.size)
    if n == 0:
        raise ValueError("no paired values")
    d = a - b
    delta = float(d.mean())
    summary = bootstrap_mean(d, resamples=resamples, confidence=confidence, seed=seed)
    observed = abs(d.sum())
    tol = 1e-12 * max(1.0, float(np.abs(d).sum()))
    if not np.any(d):
        p = 1.0
    elif 2 ** n <= permutations:
        signs = np.array(list(itertools.product((1.0, -1.0), repeat=n)))
        stats = np.abs(signs @ d)
        p = float(np.mean(stats >= observed - tol))
    else:
        rng = np.random.default_rng(seed + 1)
        signs = rng.choice((-1.0, 1.0), size=(permutations, n))
        stats = np.abs(signs @ d)
        p = float((np.sum(stats >= observed - tol) + 1) / (permutations + 1))
    return PairedComparison(base_mean=_round(b.mean()), new_mean=_round(a.mean()), delta=_round(delta),
                            ci_low=summary.ci_low, ci_high=summary.ci_high, p_value=_round(min(1.0, p)), n=n)


def is_finite(x: float) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)
