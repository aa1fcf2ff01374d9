"""BERTScore in half precision stays within the stated tolerance (1e-3) of fp32."""

import pytest

from evalharness.core.results import ScoreItem
from evalharness.scorers.bertscore import BertScoreOptions, BertScoreScorer

pytestmark = pytest.mark.slow


def test_fp16_within_stated_tolerance_and_named_in_signature():
    items = [ScoreItem("a", "s", "src", "The council approved a 12 million pound bridge repair.",
                       ("Millbrook council approved a repair of the Harbour Bridge costing 12 million pounds.",)),
             ScoreItem("b", "s", "src", "Rovers beat United 2-1 in the cup final.",
                       ("Northfield Rovers won the county cup, beating Eastmoor United 2-1.", "Rovers won."))]
    full = BertScoreScorer(BertScoreOptions(num_layers=6))
    half = BertScoreScorer(BertScoreOptions(num_layers=6, precision="fp16"))
    for a, b in zip(full.score_batch(items), half.score_batch(items)):
        for k in ("precision", "recall", "f1"):
            assert b.scores[k] == pytest.approx(a.scores[k], abs=1e-3)
    assert "precision:fp16" in half.signature() and "precision" not in full.signature()
