"""A warm rerun of the default evaluation loads no model and does no scoring work."""

from __future__ import annotations

import pytest

from evalharness.cache.scores import ScoreCache
from evalharness.io.cases import load_cases
from evalharness.core.config import load_config
from evalharness.engine.runner import evaluate


@pytest.mark.slow
def test_warm_default_run_loads_no_model_and_matches_cold(root, tmp_path, monkeypatch):
    config = load_config(root / "configs" / "default.yaml")
    cases = load_cases([root / "cases"])
    with ScoreCache(tmp_path) as cache:
        cold = evaluate(cases, config, cache=cache).to_json()
        assert cache.misses == 3 * sum(len(c.candidates) for c in cases)

    def no_model(*a, **k):
        raise AssertionError("a model was loaded on a warm run")

    import bert_score.utils
    import rouge_score.rouge_scorer
    from evalharness.scorers import models
    monkeypatch.setattr(models, "Encoder", no_model)
    monkeypatch.setattr(models, "_ENCODERS", {})
    monkeypatch.setattr(bert_score.utils, "get_model", no_model)
    monkeypatch.setattr(bert_score.utils, "bert_cos_score_idf", no_model)
    monkeypatch.setattr(rouge_score.rouge_scorer, "RougeScorer", no_model)
    with ScoreCache(tmp_path) as cache:
        warm = evaluate(cases, config, cache=cache).to_json()
        assert cache.misses == 0 and cache.hits == 3 * sum(len(c.candidates) for c in cases)
    assert all(not c.get("errors") for case in cold["cases"] for c in case["candidates"])
    cold_run, warm_run = cold.pop("run"), warm.pop("run")
    assert warm == cold
    assert warm_run["cache"] == {"hits": 36, "misses": 0}


@pytest.mark.slow
def test_support_encodes_each_source_once_per_run(root, monkeypatch):
    """Every distinct text goes through the model once, however many candidates share a source."""
    from evalharness.scorers.models import get_encoder
    from evalharness.scorers.support import SupportScorer
    config = load_config(root / "configs" / "default.yaml")
    cases = load_cases([root / "cases"])
    enc = get_encoder("bundled", "auto")
    enc.clear()
    seen: list[str] = []
    real = enc.tokenizer

    class Spy:
        def __call__(self, texts, **kw):
            seen.extend(texts)
            return real(texts, **kw)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(enc, "tokenizer", Spy())
    evaluate(cases, config, scorers=[SupportScorer(config.scorer("support").options)])
    assert seen and len(seen) == len(set(seen))
    first_source_sentence = cases[0].source.strip().split("\n")[0][:40]
    assert sum(1 for t in seen if t.startswith(first_source_sentence)) <= 2  # as a unit, and in one pair at most
