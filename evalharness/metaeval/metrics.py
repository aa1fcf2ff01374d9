"""Meta-evaluation arithmetic: how well a detector's scores agree with human labels.

Pure functions over numpy arrays (no model, no I/O). Conventions:

* ``label`` 1 = consistent, 0 = not; a *higher* score means "more consistent".
* A row is predicted consistent when ``score >= threshold`` (the ``support``
  scorer flags a claim when its score is below ``threshold``, and a summary's
  ``support.score`` is its lowest claim score, so "nothing flagged" is exactly
  ``support.score >= threshold``).
* Balanced accuracy is measured only on rows that did not choose the threshold:
  rows whose split is ``test`` are measured with a threshold tuned on all other
  rows; without splits, two-fold cross-fitting by row order (tune on even rows,
  measure odd rows, then the reverse) and the mean of the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np


def roc_auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Area under the ROC curve (Mann-Whitney U, ties count one half).
    NaN when only one class is present."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=float)
    sorted_s = s[order]
    i = 0
    while i < len(s):  # average ranks over ties
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    u = ranks[y == 1].sum() - len(pos) * (len(pos) + 1) / 2.0
    return float(u / (len(pos) * len(neg)))


def balanced_accuracy(scores: Sequence[float], labels: Sequence[int], threshold: float) -> float:
    """Mean of the recall on consistent rows and the recall on inconsistent rows,
    predicting consistent when ``score >= threshold``. With one class present,
    its recall alone."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    pred = s >= threshold
    recalls = []
    if (y == 1).any():
        recalls.append(float(pred[y == 1].mean()))
    if (y == 0).any():
        recalls.append(float((~pred[y == 0]).mean()))
    if not recalls:
        return float("nan")
    return float(np.mean(recalls))


def candidate_thresholds(scores: Sequence[float]) -> np.ndarray:
    """Midpoints between consecutive distinct scores, plus one below the lowest
    and one above the highest: every distinct way to cut the rows."""
    u = np.unique(np.asarray(scores, dtype=float))
    if len(u) == 0:
        return np.array([0.5])
    mids = (u[:-1] + u[1:]) / 2.0
    return np.concatenate([[u[0] - 1e-6], mids, [u[-1] + 1e-6]])


def best_threshold(scores: Sequence[float], labels: Sequence[int]) -> float:
    """The threshold with the highest balanced accuracy on these rows. Among
    equally good thresholds, the middle one of the best run (a stable choice)."""
    cands = candidate_thresholds(scores)
    ba = np.array([balanced_accuracy(scores, labels, t) for t in cands])
    best = np.flatnonzero(ba >= ba.max() - 1e-12)
    return float(cands[best[len(best) // 2]])


def best_shared_threshold(groups: Sequence[tuple[Sequence[float], Sequence[int]]]) -> float:
    """One threshold for several datasets: highest unweighted mean balanced accuracy."""
    all_scores = np.concatenate([np.asarray(s, dtype=float) for s, _ in groups]) if groups else np.array([])
    cands = candidate_thresholds(all_scores)
    mean_ba = np.array([np.nanmean([balanced_accuracy(s, y, t) for s, y in groups]) for t in cands])
    best = np.flatnonzero(mean_ba >= np.nanmax(mean_ba) - 1e-12)
    return float(cands[best[len(best) // 2]])


@dataclass(frozen=True)
class FlagRates:
    """At one claim threshold: the share of consistent and of inconsistent summaries that
    carry at least one flag (score below the threshold), and the balanced accuracy."""

    threshold: float
    consistent: float      # NaN without consistent rows
    inconsistent: float    # NaN without inconsistent rows

    @property
    def balanced_accuracy(self) -> float:
        if self.consistent != self.consistent or self.inconsistent != self.inconsistent:
            return float("nan")
        return ((1.0 - self.consistent) + self.inconsistent) / 2.0


def flag_rates(scores: Sequence[float], labels: Sequence[int], threshold: float) -> FlagRates:
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    flagged = s < threshold
    cons = float(flagged[y == 1].mean()) if (y == 1).any() else float("nan")
    inc = float(flagged[y == 0].mean()) if (y == 0).any() else float("nan")
    return FlagRates(float(threshold), cons, inc)


def precision_first_threshold(groups: Sequence[tuple[Sequence[float], Sequence[int]]],
                              max_rate: float = 0.2) -> float:
    """Precision first: the highest threshold at which at most ``max_rate`` of the
    consistent summaries of every dataset carry a flag (so as many errors as possible are
    flagged within that budget). NaN when no dataset has consistent rows."""
    limits = []
    for s, y in groups:
        all_s = np.unique(np.asarray(s, dtype=float))
        cons = np.sort(np.asarray(s, dtype=float)[np.asarray(y, dtype=int) == 1])
        if len(cons) == 0:
            continue
        k = int(np.floor(max_rate * len(cons)))  # at most k consistent rows may fall below
        if k >= len(cons):
            limits.append(float(cons[-1]) + 1e-6)
            continue
        # flagged = score < t: t may rise up to the (k+1)-th lowest consistent score; take the
        # midpoint below it, so no row sits on the cut and rounding cannot move a verdict
        lower = all_s[all_s < cons[k]]
        limits.append(float((lower[-1] + cons[k]) / 2.0) if len(lower) else float(cons[k]) - 1e-6)
    if not limits:
        return float("nan")
    return float(min(limits))


@dataclass(frozen=True)
class SpanResult:
    """Span-level agreement on one dataset's annotated rows.

    ``hit_rate``: of the erroneous summaries with annotated spans, the share whose flagged
    spans overlap an annotated span; ``span_precision``: of the spans flagged on those
    summaries, the share that overlap one; ``clean_flag_rate``: of the consistent summaries,
    the share with any flag. NaN where the denominator is empty."""

    n_annotated: int
    n_consistent: int
    hit_rate: float
    span_precision: float
    clean_flag_rate: float
    n_flagged_spans: int

    def to_json(self) -> dict:
        return {"n_annotated": self.n_annotated, "n_consistent": self.n_consistent,
                "hit_rate": json_number(self.hit_rate), "span_precision": json_number(self.span_precision),
                "clean_flag_rate": json_number(self.clean_flag_rate), "n_flagged_spans": self.n_flagged_spans}


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def span_agreement(rows: Sequence[tuple[int, Sequence[tuple[int, int]], Sequence[tuple[int, int]]]]) -> SpanResult:
    """``rows``: (label, flagged spans, annotated error spans) per summary, spans as
    (start, end) character offsets into the summary."""
    hits = annotated = flagged_total = flagged_hit = consistent = clean_flagged = 0
    for label, flagged, errors in rows:
        if label == 1:
            consistent += 1
            clean_flagged += bool(flagged)
            continue
        if not errors:
            continue
        annotated += 1
        over = [f for f in flagged if any(_overlaps(f, e) for e in errors)]
        hits += bool(over)
        flagged_total += len(flagged)
        flagged_hit += len(over)
    nan = float("nan")
    return SpanResult(annotated, consistent, hits / annotated if annotated else nan,
                      flagged_hit / flagged_total if flagged_total else nan,
                      clean_flagged / consistent if consistent else nan, flagged_total)


@dataclass(frozen=True)
class Fold:
    tune: tuple[int, ...]     # row indices that chose the threshold
    measure: tuple[int, ...]  # row indices it was measured on
    threshold: float
    balanced_accuracy: float


@dataclass(frozen=True)
class DatasetResult:
    name: str
    n: int
    n_consistent: int
    auc: float
    balanced_accuracy: float
    threshold: float           # best on all rows of this dataset: the one to deploy
    protocol: str              # "split" or "2-fold"
    folds: tuple[Fold, ...]
    undefined: str | None = None   # why AUC, balanced accuracy and threshold are undefined (NaN)

    def to_json(self) -> dict:
        return {"n": self.n, "n_consistent": self.n_consistent, "auc": json_number(self.auc),
                "balanced_accuracy": json_number(self.balanced_accuracy), "threshold": json_number(self.threshold),
                "protocol": self.protocol, "undefined": self.undefined,
                "folds": [{"n_tune": len(f.tune), "n_measure": len(f.measure), "threshold": json_number(f.threshold),
                           "balanced_accuracy": json_number(f.balanced_accuracy)} for f in self.folds]}


def json_number(x: float):
    return None if x is None or not np.isfinite(x) else round(float(x), 6)


def folds_for(splits: Sequence[str | None]) -> tuple[str, list[tuple[list[int], list[int]]]]:
    """Which rows tune and which are measured. With any ``test`` split: test rows
    are measured, all others tune. Otherwise two folds by row order."""
    n = len(splits)
    if any(s == "test" for s in splits):
        test = [i for i, s in enumerate(splits) if s == "test"]
        tune = [i for i, s in enumerate(splits) if s != "test"]
        return "split", [(tune, test)]
    even = list(range(0, n, 2))
    odd = list(range(1, n, 2))
    return "2-fold", [(even, odd), (odd, even)]


def one_class_reason(labels: Sequence[int]) -> str | None:
    """Why balanced accuracy and a threshold are undefined for these labels, or None."""
    y = np.asarray(labels, dtype=int)
    if len(y) == 0:
        return "no rows"
    if (y == 1).all():
        return "every row is labelled consistent (1): balanced accuracy and a threshold need both classes"
    if (y == 0).all():
        return "every row is labelled inconsistent (0): balanced accuracy and a threshold need both classes"
    return None


def evaluate_dataset(name: str, scores: Sequence[float], labels: Sequence[int],
                     splits: Sequence[str | None] | None = None) -> DatasetResult:
    """Undefined is undefined: with one label class, AUC, balanced accuracy and the
    threshold are NaN with the reason; a fold whose tuning or measured rows hold one
    class only is left out (its "balanced accuracy" would be one recall)."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    splits = list(splits) if splits is not None else [None] * len(s)
    protocol, plan = folds_for(splits)
    nan = float("nan")
    why = one_class_reason(y)
    if why is not None:
        return DatasetResult(name=name, n=len(s), n_consistent=int((y == 1).sum()), auc=nan, balanced_accuracy=nan,
                             threshold=nan, protocol=protocol, folds=(), undefined=why)
    folds = []
    for tune, measure in plan:
        if not tune or not measure or one_class_reason(y[tune]) or one_class_reason(y[measure]):
            continue
        t = best_threshold(s[tune], y[tune])
        folds.append(Fold(tuple(tune), tuple(measure), t, balanced_accuracy(s[measure], y[measure], t)))
    ba = float(np.mean([f.balanced_accuracy for f in folds])) if folds else nan
    undefined = None if folds else ("no fold holds both classes in its tuning and its measured rows: balanced "
                                    "accuracy is undefined (add rows of the rarer class)")
    return DatasetResult(name=name, n=len(s), n_consistent=int((y == 1).sum()), auc=roc_auc(s, y),
                         balanced_accuracy=ba, threshold=best_threshold(s, y), protocol=protocol,
                         folds=tuple(folds), undefined=undefined)


@dataclass(frozen=True)
class MetaEvalResult:
    scorer: str                # the scorer's signature
    metric: str                # which per-summary metric was thresholded
    datasets: Mapping[str, DatasetResult]
    mean_auc: float
    mean_balanced_accuracy: float
    recommended_threshold: float
    no_recommendation: str | None = None   # why there is no recommended threshold

    def to_json(self) -> dict:
        return {"scorer": self.scorer, "metric": self.metric,
                "datasets": {k: v.to_json() for k, v in self.datasets.items()},
                "mean": {"auc": json_number(self.mean_auc), "balanced_accuracy": json_number(self.mean_balanced_accuracy)},
                "recommended_threshold": json_number(self.recommended_threshold),
                "no_recommendation": self.no_recommendation}


def meta_evaluate(scorer: str, metric: str, rows: Sequence[tuple[str, float, int, str | None]]) -> MetaEvalResult:
    """``rows``: (dataset, score, label, split) in file order. Datasets keep first-seen order."""
    by: dict[str, list] = {}
    for ds, score, label, split in rows:
        by.setdefault(ds, []).append((score, label, split))
    results = {}
    for ds, items in by.items():
        results[ds] = evaluate_dataset(ds, [r[0] for r in items], [r[1] for r in items], [r[2] for r in items])
    aucs = [r.auc for r in results.values() if np.isfinite(r.auc)]
    bas = [r.balanced_accuracy for r in results.values() if np.isfinite(r.balanced_accuracy)]
    # only datasets with both classes can choose a threshold (one class alone would pick a trivial cut)
    groups = [([r[0] for r in items], [r[1] for r in items]) for items in by.values()
              if one_class_reason([r[1] for r in items]) is None]
    rec = best_shared_threshold(groups) if groups else float("nan")
    why = None
    if not groups:
        labels = [r[1] for items in by.values() for r in items]
        why = one_class_reason(labels) or "no dataset holds both classes (consistent and inconsistent rows)"
    return MetaEvalResult(scorer=scorer, metric=metric, datasets=results,
                          mean_auc=float(np.mean(aucs)) if aucs else float("nan"),
                          mean_balanced_accuracy=float(np.mean(bas)) if bas else float("nan"),
                          recommended_threshold=rec, no_recommendation=why)


@dataclass(frozen=True)
class BandAdvice:
    """A cascade band [low, high] recommended from the screen's per-summary scores (the
    worst claim's): ``low`` is the screen's threshold (below it a claim is flagged and goes
    to the judge anyway); ``high`` is the lowest score that still sends the worst claim of
    at least ``coverage`` of the inconsistent summaries to the judge. ``sent`` is the share
    of all summaries whose worst claim the judge would see (the cost)."""

    low: float
    high: float
    coverage: float
    sent: float


def recommend_band(scores: Sequence[float], labels: Sequence[int], threshold: float,
                   coverage: float = 0.9) -> BandAdvice | None:
    """None without inconsistent rows (nothing says where the errors score)."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=int)
    bad = np.sort(s[y == 0])
    if len(bad) == 0:
        return None
    k = int(np.ceil(coverage * len(bad))) - 1          # the k-th lowest inconsistent score must be inside
    high = max(float(bad[k]), float(threshold))
    high = min(1.0, float(np.ceil(high * 1e4) / 1e4))   # rounded up: the band is inclusive, the row stays in
    low = min(float(threshold), high)
    return BandAdvice(low=round(low, 4), high=high, coverage=coverage, sent=float((s <= high).mean()))
