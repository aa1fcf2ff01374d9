"""The ``llm`` backend's yes/no mode against the local fake chat server: log-probabilities
when the server returns them, the answer text when it does not, a grammar where the
server takes one, and failure (an answer "Maybe", a 500) never counted as supported."""

from __future__ import annotations

import json

import pytest

from evalharness.core.config import build_dataclass
from evalharness.errors import ConfigError, ScorerError
from evalharness.core.results import ItemScore, ScoreItem
from evalharness.scorers.support import SupportOptions, SupportScorer
from evalharness.scorers.support.backends.yesno import SYSTEM_PROMPT, answer_word, p_yes
from tests.helpers.fake_chat_server import FakeChatServer, honest_yes_no, parse_yes_no, top_logprobs

SOURCE = ("The council approved the new bridge on Monday. Construction will cost 40 million euros. "
          "The mayor said work starts in May.")
SUMMARY = "The council approved the new bridge. Construction will cost 90 million euros."
ITEM = ScoreItem("bridge", "sys", SOURCE, SUMMARY)


def make(url: str, **llm) -> SupportScorer:
    raw = {"backend": "llm", "threshold": 0.5,
           "llm": {"base_url": url, "model": "fake-judge", "cache": False, "backoff_s": 0.01, "timeout_s": 5,
                   "mode": "yes-no", **llm}}
    return SupportScorer(build_dataclass(SupportOptions, raw, "scorers.support"))


def test_text_answers_without_logprobs_give_verdicts_evidence_and_words():
    with FakeChatServer(lambda req, n: ("reply", honest_yes_no(req))) as srv:
        [res] = make(srv.base_url).score_batch([ITEM])
    assert isinstance(res, ItemScore), res
    c1, c2 = res.claims
    assert (c1.verdict, c1.score) == ("supported", 1.0) and (c2.verdict, c2.score) == ("unsupported", 0.0)
    # the evidence is the chunk narrowed to its best sentence; the words come from the detector's checks
    assert c1.evidence.text == "The council approved the new bridge on Monday."
    assert c2.evidence.text == "Construction will cost 40 million euros."
    assert SOURCE[c2.evidence.start:c2.evidence.end] == c2.evidence.text
    assert [s.text for s in c2.unsupported_spans] == ["90"]
    assert res.scores["supported_rate"] == 0.5 and "contradicted_claims" in res.not_applicable
    reqs = [json.loads(r["body"]) for r in srv.requests]
    assert len(reqs) == 2  # one request per claim and chunk
    # requests run concurrently: take the first claim's by its text, not by arrival order
    [r] = [q for q in reqs if q["messages"][1]["content"].endswith("Claim: The council approved the new bridge.")]
    assert r["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert r["messages"][1]["content"] == f"Document: {SOURCE}\nClaim: The council approved the new bridge."
    assert (r["max_tokens"], r["logprobs"], r["top_logprobs"]) == (3, True, 5)
    assert r["grammar"] == 'root ::= "Yes" | "No"' and r["guided_choice"] == ["Yes", "No"]


def test_logprobs_give_the_score_and_the_verdict_at_temperature_0():
    def respond(req, n):
        _, claim = parse_yes_no(req)
        probs = {"Yes": 0.7, "No": 0.2, "Maybe": 0.1} if "council" in claim else {"Yes": 0.3, "No": 0.6}
        # the drawn text says Yes both times: at temperature 0 the verdict follows P(Yes)
        return ("reply", "Yes", "stop", top_logprobs(probs))
    with FakeChatServer(respond) as srv:
        [res] = make(srv.base_url).score_batch([ITEM])
    c1, c2 = res.claims
    assert c1.score == pytest.approx(0.7 / 0.9, abs=1e-6) and c1.verdict == "supported"
    assert c2.score == pytest.approx(0.3 / 0.9, abs=1e-6) and c2.verdict == "unsupported"


def test_maybe_is_retried_then_an_error_never_supported():
    with FakeChatServer(lambda req, n: ("reply", "Maybe", "stop", top_logprobs({"Maybe": 0.9, "Yes": 0.1}))) as srv:
        [res] = make(srv.base_url, retries=1).score_batch([ITEM])
    assert isinstance(res, ScorerError)
    assert [c.verdict for c in res.claims] == ["error", "error"]
    assert not any(c.supported for c in res.claims)
    assert "the answer 'Maybe' is not Yes or No" in str(res)
    assert len(srv.requests) == 4  # two claims, one retry each
    [repair, _] = [m for m in (json.loads(r["body"])["messages"] for r in srv.requests) if len(m) == 4]
    assert repair[-2] == {"role": "assistant", "content": "Maybe"} and "Yes or No" in repair[-1]["content"]


def test_maybe_then_yes_is_accepted():
    with FakeChatServer(lambda req, n: ("reply", "Maybe") if len(req["messages"]) == 2 else ("reply", "Yes.")) as srv:
        [res] = make(srv.base_url).score_batch([ScoreItem("c", "s", SOURCE, "The mayor said work starts in May.")])
    assert isinstance(res, ItemScore) and res.claims[0].verdict == "supported"


def test_a_500_fails_the_item_never_supported():
    with FakeChatServer(lambda req, n: ("json", 500, {"error": "boom"})) as srv:
        [res] = make(srv.base_url, retries=1).score_batch([ITEM])
    assert isinstance(res, ScorerError) and "HTTP 500 after 2 attempts" in str(res)
    assert "case 'bridge'" in str(res) and not getattr(res, "claims", ())


def test_a_server_without_grammar_or_logprobs_gets_plain_requests():
    def respond(req, n):
        if "grammar" in req:
            return ("json", 400, {"error": "unknown field: grammar"})
        if "logprobs" in req:
            return ("json", 400, {"error": "logprobs are not supported"})
        return ("reply", honest_yes_no(req))
    with FakeChatServer(respond) as srv:
        [res] = make(srv.base_url, retries=0, concurrency=1).score_batch([ITEM])
    assert isinstance(res, ItemScore), res
    assert [c.verdict for c in res.claims] == ["supported", "unsupported"]
    assert any("refused" in n and "grammar" in n for n in res.notes)
    assert any("refused logprobs" in n for n in res.notes)


def test_long_sources_are_chunked_and_the_best_chunk_wins():
    source = " ".join(f"Filler sentence number {i} says nothing." for i in range(40)) + " " + SOURCE
    with FakeChatServer(lambda req, n: ("reply", honest_yes_no(req))) as srv:
        [res] = make(srv.base_url, chunk_words=60).score_batch(
            [ScoreItem("c", "s", source, "The mayor said work starts in May.")])
    [c] = res.claims
    assert c.verdict == "supported" and c.evidence.text == "The mayor said work starts in May."
    chunks = [parse_yes_no(json.loads(r["body"]))[0] for r in srv.requests]
    assert len(chunks) > 3 and all(len(ch.split()) <= 60 for ch in chunks)
    assert all(ch in source for ch in chunks)


def test_three_samples_vote_and_report_agreement():
    def respond(req, n):
        _, claim = parse_yes_no(req)
        if "council" in claim:
            return ("reply", "Yes")
        return ("reply", "Yes" if req.get("seed") == 0 else "No")  # the samples disagree on claim 2
    with FakeChatServer(respond) as srv:
        [res] = make(srv.base_url, samples=3, temperature=0.7).score_batch([ITEM])
    assert [c.verdict for c in res.claims] == ["supported", "unsupported"]
    assert res.scores["agreement"] == 0.5
    assert res.claims[1].score == pytest.approx(1 / 3, abs=1e-6)
    assert "2 of 3 samples say unsupported" in res.claims[1].reasons[1]


def test_parsing():
    assert [answer_word(x) for x in ("Yes", " no.", '"Yes"', "Yes, because", "Maybe", None)] == \
        ["yes", "no", "yes", None, None, None]
    assert p_yes(top_logprobs({"Yes": 0.5, " yes": 0.1, "No": 0.2})) == pytest.approx(0.6 / 0.8)
    legacy = {"tokens": [" ", "No"], "top_logprobs": [{" ": -0.1}, {"No": -0.2, "Yes": -2.0}]}
    assert p_yes(legacy) == pytest.approx(1 / (1 + 2.718281828 ** 1.8), abs=1e-6)
    assert p_yes({"content": [{"token": "Maybe", "logprob": -0.1, "top_logprobs": []}]}) is None
    assert p_yes(None) is None


def test_options():
    with pytest.raises(ConfigError, match="yes-no mode constrains"):
        make("http://127.0.0.1:9/v1", structured_output="json_schema")
    sig = make("http://127.0.0.1:9/v1").signature()
    assert "|mode:yes-no|prompt:minicheck-yes-no-v1|" in sig and "|chunk:500w|" in sig


def test_answers_are_kept_in_the_run_cache_and_asked_again_when_anything_changes(tmp_path):
    calls = []

    def respond(req, n):
        calls.append(parse_yes_no(req))
        return "reply", honest_yes_no(req), "stop", top_logprobs({"Yes": 0.6, "No": 0.4})
    with FakeChatServer(respond) as srv:
        [first] = make(srv.base_url, cache=True, cache_dir=str(tmp_path)).score_batch([ITEM])
        assert len(calls) == 2
        [again] = make(srv.base_url, cache=True, cache_dir=str(tmp_path)).score_batch([ITEM])
        assert len(calls) == 2  # every answer came from the cache
        assert [(c.verdict, c.score) for c in again.claims] == [(c.verdict, c.score) for c in first.claims]
        assert first.claims[0].score == pytest.approx(0.6)
        make(srv.base_url, cache=True, cache_dir=str(tmp_path), model="other").score_batch([ITEM])
        assert len(calls) == 4  # another model: asked again
        make(srv.base_url, cache=True, cache_dir=str(tmp_path), chunk_words=16).score_batch([ITEM])
        assert len(calls) > 4   # other chunks: asked again
        n = len(calls)
        make(srv.base_url, cache=False, cache_dir=str(tmp_path)).score_batch([ITEM])
        assert len(calls) == n + 2  # cache: false reads nothing
    assert list(tmp_path.iterdir())  # the store lives in the configured folder
