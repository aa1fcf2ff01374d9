"""Typed results: verdicts and gate failure kinds are str enums that read and write as their values."""

from __future__ import annotations

import json

import pytest

from evalharness.core.report import FailureKind, GateCheck, GateFailure, GateResult
from evalharness.core.results import VERDICTS, Claim, Verdict


def _claim(verdict) -> Claim:
    return Claim(text="x", start=0, end=1, supported=False, score=0.1, evidence=None, verdict=verdict)


def test_a_verdict_given_as_text_becomes_the_enum_and_writes_back_as_text():
    c = _claim("contradicted")
    assert c.verdict is Verdict.CONTRADICTED
    assert json.loads(json.dumps(c.to_json()))["verdict"] == "contradicted"
    assert Claim.from_json(c.to_json()) == c
    assert f"{c.verdict} / {c.verdict:>14}" == "contradicted /   contradicted"
    assert str(Verdict.ERROR) == "error" and VERDICTS == ("supported", "unsupported", "contradicted", "error")


def test_an_unknown_verdict_is_refused():
    with pytest.raises(ValueError, match="'maybe' is not a valid Verdict"):
        _claim("maybe")


def test_failure_kinds_read_and_write_as_their_values():
    g = GateResult(False, (GateFailure("error", "scorer failed"),), (GateCheck("rule", "r", "a", None, True),))
    assert g.failures[0].kind is FailureKind.ERROR and g.checks[0].kind is FailureKind.RULE and g.has_errors
    assert GateResult.from_json(json.loads(json.dumps(g.to_json()))) == g
    assert json.loads(json.dumps(g.to_json()))["failures"][0]["kind"] == "error"
    assert f"[{g.checks[0].kind}]" == "[rule]"
    with pytest.raises(ValueError):
        GateFailure("rules", "typo")


def test_a_metric_key_is_a_string_with_its_scorer_and_metric():
    from evalharness.core.results import MetricKey
    k = MetricKey.of("support", "supported_rate")
    assert k == "support.supported_rate" and {k: 1} == {"support.supported_rate": 1}
    assert (k.scorer, k.metric) == ("support", "supported_rate")
    assert json.dumps({k: 0.5}) == '{"support.supported_rate": 0.5}'
    assert MetricKey("rouge.rougeLsum").metric == "rougeLsum"
    for bad in ("rouge", ".f1", "bertscore."):
        with pytest.raises(ValueError, match="'<scorer>.<metric>'"):
            MetricKey(bad)


def test_the_config_knows_its_metrics_as_keys():
    from evalharness.core.config import ScorerConfig, known_metrics
    from evalharness.core.registry import get_scorer_class
    cls = get_scorer_class("bertscore")
    metrics = known_metrics((ScorerConfig("bertscore", cls.Options()),))
    assert all(m.scorer == "bertscore" for m in metrics) and "bertscore.f1" in metrics
