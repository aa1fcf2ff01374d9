"""Every ``support`` backend keeps the one ``Backend`` contract (types.Backend): the
same test, run on the embedding backend (bundled model), nli (a tiny classifier the
test builds), llm (the local fake chat server), an ensemble of nli and llm, and a cascade
(the embedding screen and the nli judge)."""

from __future__ import annotations

import pytest

from evalharness.core.config import build_dataclass
from evalharness.core.results import SUPPORTED, VERDICTS, ScoreItem
from evalharness.scorers.support import SupportOptions, SupportScorer
from evalharness.scorers.support.backends import BACKENDS, make_backend
from evalharness.scorers.support.types import Backend, ItemError, Judged
from tests.helpers.fake_chat_server import FakeChatServer
from test_support_nli import NLI3, build_model

SOURCE = "The council approved the new bridge on Monday. Construction will cost 40 million euros."
ITEMS = [ScoreItem("a", "s", SOURCE, "The council approved the new bridge. Construction will cost 90 million euros."),
         ScoreItem("b", "s", SOURCE, "The mayor resigned."),
         ScoreItem("c", "s", SOURCE, "   ")]  # no claim at all


@pytest.fixture(scope="module")
def server():
    with FakeChatServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def nli_model(tmp_path_factory):
    return build_model(tmp_path_factory.mktemp("contract") / "nli", NLI3, seed=3)


def options(name: str, nli_model: str, url: str) -> SupportOptions:
    raw = {"backend": name, "device": "cpu",
           "nli": {"model": nli_model},
           "llm": {"base_url": url, "model": "fake-judge", "cache": False, "backoff_s": 0.01, "retries": 0},
           "ensemble": {"members": ["nli", "llm"]}, "cascade": {"judge": "nli", "band": [0.0, 1.0]}}
    return build_dataclass(SupportOptions, raw, "scorers.support")


def test_the_mapping_names_every_backend_the_config_accepts():
    import typing
    accepted = typing.get_args(typing.get_type_hints(SupportOptions)["backend"])
    assert sorted(BACKENDS) == sorted(accepted)
    assert all(cls.name == name for name, cls in BACKENDS.items())


@pytest.mark.slow
@pytest.mark.parametrize("name", ["embedding", "nli", "llm", "ensemble", "cascade"])
def test_backend_contract(name, nli_model, server):
    o = options(name, nli_model, server.base_url)
    sent = len(server.requests)
    backend = make_backend(o)
    assert backend.name == name
    before = backend.signature_parts()          # from the options alone, nothing loaded
    assert before and all(isinstance(k, str) and isinstance(v, (str, int, float, bool)) for k, v in before.items())
    assert len(server.requests) == sent and getattr(backend, "model", None) is None  # building opened nothing

    out = backend.judge(ITEMS)
    assert len(out) == len(ITEMS)
    for item, j in zip(ITEMS, out):
        assert isinstance(j, (Judged, ItemError)), type(j)
        if isinstance(j, ItemError):
            assert j.case_id == item.case_id
            assert not any(c.supported for c in j.claims)
            continue
        assert j.contradiction == backend.can_contradict
        for c in j.claims:
            assert item.summary[c.start:c.end] == c.text
            assert c.verdict in VERDICTS and c.supported == (c.verdict == SUPPORTED)
            assert 0.0 <= c.score <= 1.0
            if c.evidence is not None:
                assert item.source[c.evidence.start:c.evidence.end] == c.evidence.text
            for s in c.unsupported_spans:
                assert type(s).__name__ == "Span" and item.summary[s.start:s.end] == s.text
            assert c.supported or c.unsupported_spans  # a flagged claim points at words
    assert [isinstance(j, Judged) and j.claims == () for j in out][2]  # an empty summary: judged, no claims
    assert isinstance(backend.can_contradict, bool)
    assert isinstance(backend, Backend)  # (after judge: isinstance reads can_contradict, which may load)
    assert backend.signature_parts() == before  # judging changes nothing the signature pins
    backend.close()
    backend.close()  # idempotent

    # the scorer only talks to the contract
    sc = SupportScorer(o)
    assert sc.signature().startswith(f"support|backend:{name}|")
    assert len(sc.score_batch(ITEMS)) == len(ITEMS)
    sc.close()


def test_an_ensemble_member_signs_as_it_does_alone(nli_model):
    """One signature function per backend: the embedding member carries the checks
    version and the window, as the embedding backend alone does (it used not to)."""
    o = build_dataclass(SupportOptions, {"backend": "ensemble", "nli": {"model": nli_model},
                                         "ensemble": {"members": ["embedding", "nli"]}}, "scorers.support")
    alone = make_backend(build_dataclass(SupportOptions, {"backend": "embedding"}, "scorers.support"))
    parts = make_backend(o).signature_parts()
    for k, v in alone.signature_parts().items():
        assert parts[k] == v
    assert "checks" in parts and parts["window"].startswith("lex-top2+ties2+pair")
    assert parts["nli.window"].startswith("sent,overlap")  # the nli member's own window, kept apart
    sig = SupportScorer(o).signature()
    assert f"|checks:{alone.signature_parts()['checks']}|" in sig


def test_an_ensemble_member_keeps_its_own_calibrated_default(nli_model):
    """Decided: with no threshold set, each member flags at its own calibrated default, as
    it does alone (embedding: the shipped weights' 0.417, not the ensemble's 0.5); a
    threshold the config sets applies to every member."""
    from evalharness.scorers.support.combiner import load_combiner
    shipped = load_combiner().recommended_threshold
    assert shipped is not None and shipped != 0.5

    def ensemble(raw):
        return make_backend(build_dataclass(SupportOptions, {"backend": "ensemble", "nli": {"model": nli_model},
                                                             "ensemble": {"members": ["embedding", "nli"]}, **raw},
                                            "scorers.support"))

    alone = make_backend(build_dataclass(SupportOptions, {"backend": "embedding"}, "scorers.support"))
    ens = ensemble({})
    members = dict(ens.members)
    assert alone.options.threshold == members["embedding"].options.threshold == shipped
    assert members["nli"].options.threshold == 0.5 and ens.options.threshold == 0.5
    parts = ens.signature_parts()
    assert parts["threshold"] == f"{shipped:g}" and parts["ensemble.threshold"] == "0.5"
    set_ = ensemble({"threshold": 0.3})
    assert {b.options.threshold for _, b in set_.members} == {0.3} and set_.options.threshold == 0.3


def test_a_failed_start_is_an_error_for_every_item_never_supported(tmp_path):
    o = build_dataclass(SupportOptions, {"backend": "nli", "nli": {"model": str(tmp_path)}}, "scorers.support")
    res = SupportScorer(o).score_batch(ITEMS[:2])
    assert all(isinstance(r, ItemError) and "cannot load model" in str(r) for r in res)
    assert [r.case_id for r in res] == ["a", "b"]


def test_signatures_stay_what_main_writes(nli_model):
    """The embedding, nli and llm signatures are the strings main wrote before the Backend
    contract (caches and baselines keyed by them stay valid); an unset threshold is resolved
    before the signature is built."""
    from evalharness.scorers.base import harness_version
    from evalharness.scorers.support.combiner import load_combiner
    from evalharness.scorers.support.checks import checks_version
    v, comb = harness_version(), load_combiner().version

    def sig(raw):
        return SupportScorer(build_dataclass(SupportOptions, raw, "scorers.support")).signature()

    assert sig({}) == (f"support|backend:embedding|model:all-MiniLM-L6-v2|combiner:{comb}|checks:{checks_version()}|"
                       f"threshold:{load_combiner().recommended_threshold:g}|decision:consistent=no-flag|para:0.75|"
                       f"topk:2|window:lex-top2+ties2+pair,max80w|v:{v}")
    assert sig({"threshold": 0.3}).count("|threshold:0.3|") == 1
    assert sig({"backend": "nli", "nli": {"model": "x/y"}}) == (
        f"support|backend:nli|nli:x/y|rev:default|labels:from-model|maxlen:model|window:sent,overlap0.5|"
        f"threshold:0.5|v:{v}")
    assert sig({"backend": "llm", "llm": {"base_url": "http://h:1/v1", "model": "m"}}) == (
        f"support|backend:llm|llm:m|endpoint:http://h:1/v1|prompt:claims-json-v3|temp:0|samples:1|maxtok:1024|"
        f"structured:auto|threshold:0.5|v:{v}")
    assert sig({"backend": "ensemble", "nli": {"model": "x/y"}, "llm": {"base_url": "http://h:1/v1", "model": "m"},
                "ensemble": {"members": ["nli", "llm"]}, "cascade": {"judge": "nli", "band": [0.0, 1.0]}}).endswith("|threshold:0.5|v:" + v)


def test_the_judging_backend_gets_the_run_cache_policy_set_after_the_signature(tmp_path):
    """The runner asks for the signature, then sets the run's cache policy: the backend that
    judges must still take that policy (``--no-cache`` reaches the llm and embedding caches)."""
    from evalharness.cache.store import CachePolicy
    o = build_dataclass(SupportOptions, {"backend": "llm", "llm": {"base_url": "http://127.0.0.1:9/v1",
                                                                   "model": "m"}}, "scorers.support")
    sc = SupportScorer(o)
    sig = sc.signature()
    sc.cache_policy = CachePolicy.off()
    assert sc.backend()._policy.enabled is False
    assert sc.signature() == sig
