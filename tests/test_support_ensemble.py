"""The ``ensemble`` backend: an nli model and an llm judge on the same claims."""

from __future__ import annotations


import pytest

from evalharness.core.config import build_dataclass
from evalharness.errors import ScorerError
from evalharness.core.results import ScoreItem
from evalharness.scorers.support import SupportOptions, SupportScorer
from tests.helpers.fake_chat_server import FakeChatServer
from test_support_nli import NLI3, build_model

SOURCE = "The council approved the new bridge on Monday. Construction will cost 40 million euros."
SUMMARY = "The council approved the new bridge. Construction will cost 90 million euros."


@pytest.fixture(scope="module")
def entail_model(tmp_path_factory):
    return build_model(tmp_path_factory.mktemp("ens") / "entail", NLI3, bias=[5.0, 0.0, 0.0])


def make(model: str, url: str, combine: str) -> SupportScorer:
    raw = {"backend": "ensemble", "device": "cpu", "threshold": 0.5,
           "ensemble": {"members": ["nli", "llm"], "combine": combine},
           "nli": {"model": model},
           "llm": {"base_url": url, "model": "fake-judge", "cache": False, "backoff_s": 0.01, "retries": 0}}
    return SupportScorer(build_dataclass(SupportOptions, raw, "scorers.support"))


@pytest.mark.slow
def test_all_needs_every_member_and_mean_averages(entail_model):
    item = ScoreItem("c", "s", SOURCE, SUMMARY)
    with FakeChatServer() as srv:  # the fake judge flags claim 2 ("90" is not in the source)
        [every] = make(entail_model, srv.base_url, "all").score_batch([item])
        [mean] = make(entail_model, srv.base_url, "mean").score_batch([item])
    e = 0.986703  # softmax([5, 0, 0])[0], rounded as claims are
    assert [c.supported for c in every.claims] == [True, False]
    assert every.claims[1].score == 0.0
    assert every.claims[1].unsupported_spans[0].text == "90"
    assert every.claims[1].reasons == ("nli: supported (0.99)", "llm: unsupported (0.00)")
    assert [c.score for c in mean.claims] == pytest.approx([(e + 1) / 2, e / 2], abs=1e-6)
    assert [c.supported for c in mean.claims] == [True, False]  # 0.49 < 0.5
    assert "backend:ensemble" in make(entail_model, "http://x/v1", "all").signature()


@pytest.mark.slow
def test_a_failing_member_fails_the_item(entail_model):
    with FakeChatServer(lambda req, n: ("json", 500, {"error": "down"})) as srv:
        [res] = make(entail_model, srv.base_url, "all").score_batch([ScoreItem("c", "s", SOURCE, SUMMARY)])
    assert isinstance(res, ScorerError) and "backend 'llm'" in str(res) and "case 'c'" in str(res)
