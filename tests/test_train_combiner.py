"""The combiner's training script (scripts/train_support_combiner.py): the fit stays finite
whatever the spread of claim scores, and its summary score is the worst claim's."""

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
torch = pytest.importorskip("torch")

from evalharness.scorers.support.checks import FEATURE_NAMES  # noqa: E402
from train_support_combiner import fit, summary_scores  # noqa: E402


def row(label, claims, dataset="d"):
    return {"id": f"{dataset}-{label}-{len(claims)}-{claims[0][0]}", "dataset": dataset, "label": label,
            "claims": claims}


def claim(sim, **fired):
    v = [0.0] * len(FEATURE_NAMES)
    v[FEATURE_NAMES.index("sim")] = sim
    for name, x in fired.items():
        v[FEATURE_NAMES.index(name)] = x
    return v


def test_fit_stays_finite_when_summaries_lie_far_apart():
    # summaries whose claim logits differ by hundreds of units: a soft minimum shifted by the
    # minimum over all summaries underflowed to log(0) for the others and the fit diverged
    rows = []
    for k in range(12):
        rows.append(row(1, [claim(1000.0 + k), claim(1001.0 + k)], "a"))
        rows.append(row(0, [claim(0.5 + k / 100, novel_number=1.0), claim(980.0 + k)], "a"))
        rows.append(row(1, [claim(2.0 + k / 10)], "b"))
        rows.append(row(0, [claim(1.0 + k / 10, negation=1.0)], "b"))
    w, b = fit(rows, 0.1, hard=frozenset({"novel_number", "negation"}))
    assert all(math.isfinite(x) for x in w) and math.isfinite(b)
    assert max(abs(x) for x in w) < 100
    assert w[FEATURE_NAMES.index("novel_number")] <= -4.0   # hard: at most -4


def test_summary_score_is_the_worst_claims_probability():
    w = [0.0] * len(FEATURE_NAMES)
    w[FEATURE_NAMES.index("sim")] = 1.0
    (s,) = summary_scores([row(1, [claim(2.0), claim(-1.0)])], w, 0.5)
    assert s == pytest.approx(1 / (1 + math.exp(-(-1.0 + 0.5))))
