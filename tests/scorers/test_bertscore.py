"""BERTScore through the harness must equal bert_score.score called directly."""

import pytest

from evalharness.scorers.models import bundled_model_path
from evalharness.core.results import ScoreItem
from evalharness.scorers.bertscore import BertScoreOptions, BertScoreScorer

pytestmark = pytest.mark.slow

CANDS = ["The council approved a 12 million pound bridge repair.",
         "Rovers beat United 2-1 in the cup final.",
         "A nasal vaccine cut colds by 41 percent."]
REFS = [("Millbrook council approved a repair of the Harbour Bridge costing 12 million pounds.",),
        ("Northfield Rovers won the county cup, beating Eastmoor United 2-1.", "Rovers won the final."),
        ()]


@pytest.fixture(scope="module")
def scorer():
    return BertScoreScorer(BertScoreOptions(num_layers=6))


def test_parity_with_bert_score(scorer):
    from bert_score import score

    items = [ScoreItem(f"c{i}", "s", "src", c, r) for i, (c, r) in enumerate(zip(CANDS, REFS))]
    ours = scorer.score_batch(items)
    path = str(bundled_model_path())
    P, R, F = score(CANDS[:2], [list(REFS[0]), list(REFS[1])], model_type=path, num_layers=6)
    for i in range(2):
        assert ours[i].scores["precision"] == pytest.approx(float(P[i]), abs=1e-6)
        assert ours[i].scores["recall"] == pytest.approx(float(R[i]), abs=1e-6)
        assert ours[i].scores["f1"] == pytest.approx(float(F[i]), abs=1e-6)
    assert ours[2].scores == {}
    assert "no reference" in ours[2].not_applicable["f1"]


def test_batched_equals_one_by_one(scorer):
    items = [ScoreItem(f"c{i}", "s", "src", c, r) for i, (c, r) in enumerate(zip(CANDS[:2], REFS[:2]))]
    batch = scorer.score_batch(items)
    for item, b in zip(items, batch):
        single = scorer.score_batch([item])[0]
        for m in ("precision", "recall", "f1"):
            assert single.scores[m] == pytest.approx(b.scores[m], abs=1e-6)


def test_long_text_is_noted_not_silently_cut(scorer):
    long_ref = " ".join(["the council met again to discuss the bridge"] * 80)
    out = scorer.score_batch([ScoreItem("c", "s", "src", "The council met.", (long_ref,))])[0]
    assert any("truncates" in n for n in out.notes)


def test_signature_states_model_and_layer(scorer):
    sig = scorer.signature()
    assert sig.startswith("bertscore|model:all-MiniLM-L6-v2|layer:6|idf:no|")


def test_default_layer_is_the_models_last():
    assert BertScoreScorer().signature().split("|")[2] == "layer:6"
