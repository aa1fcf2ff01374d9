"""Summary-level features and the summary combiner behind ``support.score`` (no model)."""

import json
import math

import pytest

from evalharness.errors import ScorerError
from evalharness.scorers.support.combiner import SummaryCombiner, load_combiner
from evalharness.scorers.support.features import SUMMARY_FEATURE_NAMES, ClaimCheck, summary_vector


def test_summary_vector_by_hand():
    a = ClaimCheck(sim=0.9, n_content=10, novel_unexplained=1, n_pairs=9, recombined_pairs=3, novel_numbers=1)
    b = ClaimCheck(sim=0.5, n_content=5, novel_unexplained=2, n_pairs=4, recombined_pairs=0, novel_entities=2)
    v = summary_vector([a, b])
    assert v == pytest.approx([0.5, 0.7, 3 / 15, 3 / 13, 3 / 15, math.log(16)])
    assert len(v) == len(SUMMARY_FEATURE_NAMES)
    assert summary_vector([]) == [0.0] * len(SUMMARY_FEATURE_NAMES)


def test_summary_combiner_by_hand():
    c = SummaryCombiner(features=("a", "b"), mean=(0.5, 1.0), scale=(0.25, 2.0), weights=(1.0, -2.0),
                        claim_weight=0.5, bias=-1.0)
    # z = -1 + 0.5 * 2 + 1 * (1 - 0.5) / 0.25 - 2 * (3 - 1) / 2 = -1 + 1 + 2 - 2 = 0
    assert c.score(2.0, [1.0, 3.0]) == pytest.approx(0.5)
    assert c.score(1000.0, [1.0, 3.0]) == pytest.approx(1 / (1 + math.exp(-24.0)))  # claim logit clipped at 50


def test_shipped_weights_load_with_their_summary_combiner():
    comb = load_combiner()
    assert comb.summary is not None and comb.summary.features == SUMMARY_FEATURE_NAMES


def test_summary_combiner_for_other_features_is_an_error(tmp_path):
    from evalharness.scorers.support.combiner import WEIGHTS_FILE
    data = json.loads(WEIGHTS_FILE.read_text())
    data["summary"]["features"] = ["min_sim"]
    path = tmp_path / "w.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ScorerError, match="summary combiner in .* is for features \\['min_sim'\\]"):
        load_combiner(path)
