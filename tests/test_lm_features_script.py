"""The arithmetic of scripts/lm_features.py (row choice, evidence windows, AUC, spans); no model."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

from scripts import lm_features as lmf


def brute_auc(scores, labels):
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    return sum((p > n) + 0.5 * (p == n) for p, n in itertools.product(pos, neg)) / (len(pos) * len(neg))


def test_roc_auc_with_ties_matches_the_pair_count():
    rng = random.Random(3)
    for _ in range(20):
        scores = [rng.choice([0.0, 0.5, 1.0, 2.0]) for _ in range(30)]
        labels = [rng.randint(0, 1) for _ in range(30)]
        if 0 < sum(labels) < 30:
            assert abs(lmf.roc_auc(scores, labels) - brute_auc(scores, labels)) < 1e-12
    assert lmf.roc_auc([1.0, 2.0], [1, 1]) is None
    assert lmf.roc_auc([0.0, 1.0], [0, 1]) == 1.0


def test_pick_rows_is_balanced_deterministic_and_capped():
    rows = [{"id": f"d-{i}", "dataset": "d", "label": int(i % 3 == 0)} for i in range(30)]
    picked = lmf.pick_rows(rows, 5)
    assert sorted(r["label"] for r in picked) == [0] * 5 + [1] * 5
    assert picked == lmf.pick_rows(list(reversed(rows)), 5)  # not file order
    few = lmf.pick_rows(rows, 15)
    assert sum(r["label"] for r in few) == 10 and len(few) == 25  # fewer where a class has fewer


def test_evidence_window_is_the_best_sentences_in_source_order():
    source = ("The weather was mild. The council approved the harbour budget on Tuesday. "
              "Nobody came. The harbour budget is 12 million euros.")
    text, idx = lmf.Evidence(source, 2).window("The harbour budget of 12 million euros was approved.")
    assert idx == [1, 3]
    assert text == "The council approved the harbour budget on Tuesday. The harbour budget is 12 million euros."


def test_span_offsets_and_entity_words():
    assert lmf.span_offsets("a 21 b 21", "21") == [(2, 4), (7, 9)]
    assert lmf.span_offsets("abc", "") == []
    assert lmf.is_entity(["21", 0, 2, -1.0, 0.0], first=True)
    assert lmf.is_entity(["Oslo", 0, 4, -1.0, 0.0], first=False)
    assert not lmf.is_entity(["The", 0, 3, -1.0, 0.0], first=True)
