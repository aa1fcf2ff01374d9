"""The ``llm`` backend of ``support`` against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time

import pytest

from evalharness.core.config import build_dataclass
from evalharness.errors import ScorerError
from evalharness.core.results import ItemScore, ScoreItem
from evalharness.scorers.support import SupportOptions, SupportScorer
from evalharness.scorers.support.backends.llm import check_reply, extract_json
from tests.helpers.fake_chat_server import FakeChatServer, honest_answer, parse_prompt

SOURCE = ("The council approved the new bridge on Monday. Construction will cost 40 million euros. "
          "The mayor said work starts in May.")
SUMMARY = "The council approved the new bridge. Construction will cost 90 million euros."
ITEM = ScoreItem("bridge", "sys", SOURCE, SUMMARY)


def make(url: str, **llm) -> SupportScorer:
    raw = {"backend": "llm", "llm": {"base_url": url, "model": "fake-judge", "cache": False, "backoff_s": 0.01,
                                     "timeout_s": 5, **llm}}
    return SupportScorer(build_dataclass(SupportOptions, raw, "scorers.support"))


def answer(*entries) -> str:
    return json.dumps({"claims": [dict(zip(("id", "verdict", "evidence", "offending"), e)) for e in entries]})


GOOD = answer((1, "supported", "The council approved the new bridge on Monday.", ""),
              (2, "contradicted", "Construction will cost 40 million euros.", "90 million"))


def test_good_answer_maps_quotes_and_spans_to_offsets():
    with FakeChatServer(lambda req, n: ("reply", GOOD)) as srv:
        [res] = make(srv.base_url).score_batch([ITEM])
    assert isinstance(res, ItemScore)
    c1, c2 = res.claims
    assert (c1.verdict, c1.supported, c1.score) == ("supported", True, 1.0)
    assert (c1.evidence.start, c1.evidence.end) == (0, 46)
    assert (c2.verdict, c2.supported, c2.score) == ("contradicted", False, 0.0)
    assert SOURCE[c2.evidence.start:c2.evidence.end] == "Construction will cost 40 million euros."
    [span] = c2.unsupported_spans
    assert (span.text, span.start, span.end) == ("90 million", 60, 70)
    assert SUMMARY[span.start:span.end] == "90 million"
    assert res.scores == {"supported_rate": 0.5, "unsupported_claims": 1.0, "score": 0.0, "contradicted_claims": 1.0,
                          "consistent": 0.0}
    req = json.loads(srv.requests[0]["body"])
    assert srv.requests[0]["path"] == "/v1/chat/completions"
    assert (req["model"], req["temperature"]) == ("fake-judge", 0.0)
    assert req["response_format"]["type"] == "json_schema"
    assert parse_prompt(req) == (SOURCE, ["The council approved the new bridge.",
                                          "Construction will cost 90 million euros."])


def test_malformed_json_is_retried_then_every_claim_is_an_error_never_supported():
    with FakeChatServer(lambda req, n: ("reply", '{"claims": [{"id": 1, "verdict": "supported"')) as srv:
        [res] = make(srv.base_url, retries=2).score_batch([ITEM])
    assert isinstance(res, ScorerError)
    assert "backend 'llm'" in str(res) and "case 'bridge'" in str(res)
    assert "2 of 2 claim(s) without a valid verdict" in str(res)
    assert [c.verdict for c in res.claims] == ["error", "error"]
    assert not any(c.supported for c in res.claims)
    assert len(srv.requests) == 3
    repair = json.loads(srv.requests[1]["body"])["messages"]
    assert repair[-1]["role"] == "user" and "malformed JSON" in repair[-1]["content"]


def test_malformed_then_good_reply_is_accepted_and_the_rejection_noted():
    with FakeChatServer(lambda req, n: ("reply", "Sure! Here is my answer.") if n == 1 else ("reply", GOOD)) as srv:
        [res] = make(srv.base_url).score_batch([ITEM])
    assert isinstance(res, ItemScore)
    assert [c.verdict for c in res.claims] == ["supported", "contradicted"]
    assert any("no JSON object in the reply" in note for note in res.notes)
    assert len(srv.requests) == 2


def test_supported_with_a_quote_not_in_the_source_is_never_supported():
    fake = answer((1, "supported", "The council rejected the bridge.", ""), (2, "unsupported", "", "90"))
    with FakeChatServer(lambda req, n: ("reply", fake)) as srv:
        [res] = make(srv.base_url, retries=1).score_batch([ITEM])
    assert isinstance(res, ScorerError)
    assert [c.verdict for c in res.claims] == ["error", "unsupported"]
    assert "is not in the source" in res.claims[0].reasons[0]
    assert len(srv.requests) == 2


def test_unsupported_with_a_quote_not_in_the_source_has_no_evidence():
    fake = answer((1, "supported", "the  new bridge on MONDAY", ""), (2, "unsupported", "It cost 90 million.", ""))
    with FakeChatServer(lambda req, n: ("reply", fake)) as srv:
        [res] = make(srv.base_url).score_batch([ITEM])
    c1, c2 = res.claims
    # whitespace and case differences still locate the quote, with the source's own text
    assert c1.evidence.text == "the new bridge on Monday" and SOURCE[c1.evidence.start:c1.evidence.end] == c1.evidence.text
    assert c2.evidence is None and c2.verdict == "unsupported"
    assert c2.unsupported_spans[0].text == "Construction will cost 90 million euros."


def test_429_then_success():
    with FakeChatServer(lambda req, n: ("json", 429, {"error": "slow down"}) if n == 1 else ("reply", GOOD)) as srv:
        [res] = make(srv.base_url).score_batch([ITEM])
    assert isinstance(res, ItemScore) and len(srv.requests) == 2


def test_500s_exhaust_retries_and_fail_the_item():
    with FakeChatServer(lambda req, n: ("json", 500, {"error": "boom"})) as srv:
        [res] = make(srv.base_url, retries=2).score_batch([ITEM])
    assert isinstance(res, ScorerError)
    assert "HTTP 500 after 3 attempts" in str(res) and "fake-judge" in str(res)
    assert len(srv.requests) == 3


def test_slowness_past_the_timeout_fails_in_bounded_time():
    with FakeChatServer(lambda req, n: ("sleep", 3, ("reply", GOOD))) as srv:
        t0 = time.monotonic()
        [res] = make(srv.base_url, timeout_s=0.3, retries=1).score_batch([ITEM])
        elapsed = time.monotonic() - t0
    assert isinstance(res, ScorerError) and "no complete reply within 0.3s after 2 attempts" in str(res)
    assert elapsed < 2.5  # two 0.3 s attempts, not two 3 s waits


def test_dropped_connection_is_retried():
    with FakeChatServer(lambda req, n: ("drop",) if n == 1 else ("reply", GOOD)) as srv:
        [res] = make(srv.base_url).score_batch([ITEM])
    assert isinstance(res, ItemScore) and len(srv.requests) == 2
    with FakeChatServer(lambda req, n: ("drop",)) as srv:
        [res] = make(srv.base_url, retries=1).score_batch([ITEM])
    assert isinstance(res, ScorerError) and "connection failed" in str(res)


def test_unreachable_endpoint_fails_every_item_fast():
    with FakeChatServer() as srv:
        url = srv.base_url
    items = [ScoreItem(f"c{i}", "sys", SOURCE, SUMMARY) for i in range(6)]
    res = make(url, retries=1, concurrency=1).score_batch(items)
    assert all(isinstance(r, ScorerError) for r in res)
    assert "connection failed" in str(res[0])
    assert all("not attempted: an earlier request failed" in str(r) for r in res[1:])


def test_api_key_comes_from_the_named_variable_and_is_never_written(tmp_path, monkeypatch):
    secret = "sk-test-5d41402abc4b2a76b9719d911017c592"
    monkeypatch.setenv("JUDGE_KEY", secret)
    with FakeChatServer(lambda req, n: ("reply", GOOD)) as srv:
        sc = make(srv.base_url, api_key_env="JUDGE_KEY", cache=True, cache_dir=str(tmp_path / "c"))
        [res] = sc.score_batch([ITEM])
    assert srv.requests[0]["headers"]["Authorization"] == f"Bearer {secret}"
    assert secret not in sc.signature()
    assert secret not in json.dumps([c.to_json() for c in res.claims]) + " ".join(res.notes)
    files = list((tmp_path / "c").rglob("*"))
    assert any(f.is_file() for f in files)
    assert all(secret.encode() not in f.read_bytes() for f in files if f.is_file())
    monkeypatch.delenv("JUDGE_KEY")
    [res] = make(srv.base_url, api_key_env="JUDGE_KEY").score_batch([ITEM])
    assert isinstance(res, ScorerError)
    assert str(res) == ("scorer 'support', case 'bridge': backend 'llm': the environment variable JUDGE_KEY "
                        "(api_key_env) is not set")


def test_http_error_messages_do_not_leak_the_key(monkeypatch):
    secret = "sk-leaky-0123456789"
    monkeypatch.setenv("JUDGE_KEY", secret)
    with FakeChatServer(lambda req, n: ("json", 401, {"error": f"Incorrect API key provided: {secret}"})) as srv:
        [res] = make(srv.base_url, api_key_env="JUDGE_KEY").score_batch([ITEM])
    assert isinstance(res, ScorerError) and "HTTP 401" in str(res)
    assert secret not in str(res) and "***" in str(res)
    assert len(srv.requests) == 1  # a 401 is not retried


def test_cache_by_model_prompt_source_and_summary(tmp_path):
    with FakeChatServer() as srv:
        first = make(srv.base_url, cache=True, cache_dir=str(tmp_path)).score_batch([ITEM])
        again = make(srv.base_url, cache=True, cache_dir=str(tmp_path)).score_batch([ITEM])
        assert len(srv.requests) == 1
        assert again[0].claims == first[0].claims
        make(srv.base_url, cache=True, cache_dir=str(tmp_path), model="other").score_batch([ITEM])
        assert len(srv.requests) == 2
        other = ScoreItem("bridge", "sys", SOURCE, SUMMARY.replace("90", "40"))
        make(srv.base_url, cache=True, cache_dir=str(tmp_path)).score_batch([other])
        assert len(srv.requests) == 3


def test_failed_replies_are_not_cached(tmp_path):
    with FakeChatServer(lambda req, n: ("reply", "not json")) as srv:
        make(srv.base_url, cache=True, cache_dir=str(tmp_path), retries=0).score_batch([ITEM])
        srv.set(lambda req, n: ("reply", GOOD))
        [res] = make(srv.base_url, cache=True, cache_dir=str(tmp_path)).score_batch([ITEM])
    assert isinstance(res, ItemScore) and len(srv.requests) == 2


def test_voting_over_samples_reports_agreement():
    verdicts = {0: "supported", 1: "unsupported", 2: "supported"}

    def respond(req, n):
        v = verdicts[req["seed"]]
        ev = "The council approved the new bridge on Monday." if v == "supported" else ""
        return ("reply", answer((1, v, ev, ""), (2, "unsupported", "", "90")))

    with FakeChatServer(respond) as srv:
        sc = make(srv.base_url, samples=3, temperature=0.7)
        [res] = sc.score_batch([ITEM])
    assert len(srv.requests) == 3
    assert {json.loads(r["body"])["temperature"] for r in srv.requests} == {0.7}
    c1, c2 = res.claims
    assert (c1.verdict, c1.score) == ("supported", round(2 / 3, 6))
    assert (c2.verdict, c2.score) == ("unsupported", 0.0)
    assert res.scores["agreement"] == 0.5  # claim 2 unanimous, claim 1 split
    assert "agreement" in sc.default_metrics and "samples:3" in sc.signature()


def test_no_majority_is_an_error():
    def respond(req, n):
        v = ["supported", "unsupported", "contradicted"][req["seed"]]
        ev = "The council approved the new bridge on Monday." if v == "supported" else ""
        return ("reply", answer((1, v, ev, ""), (2, "unsupported", "", "90")))

    with FakeChatServer(respond) as srv:
        [res] = make(srv.base_url, samples=3, temperature=1.0).score_batch([ITEM])
    assert isinstance(res, ScorerError) and res.claims[0].verdict == "error"
    assert "no majority among 3 samples" in res.claims[0].reasons[0]


def test_concurrency_limit():
    state = {"now": 0, "max": 0}
    lock = threading.Lock()

    def respond(req, n):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.15)
        with lock:
            state["now"] -= 1
        return ("reply", honest_answer(req))

    items = [ScoreItem(f"c{i}", "sys", SOURCE, f"The mayor said work starts in May. Item {i}.") for i in range(6)]
    with FakeChatServer(respond) as srv:
        res = make(srv.base_url, concurrency=2).score_batch(items)
    assert all(isinstance(r, ItemScore) for r in res) and len(srv.requests) == 6
    assert state["max"] == 2


def test_structured_output_steps_down_when_the_server_refuses_it():
    def respond(req, n):
        fmt = req.get("response_format")
        if fmt and fmt["type"] == "json_schema":
            return ("json", 400, {"error": "response_format type json_schema is not supported"})
        if fmt and fmt["type"] == "json_object":
            return ("json", 422, {"detail": "unknown field: response_format.schema"})
        return ("reply", GOOD)

    with FakeChatServer(respond) as srv:
        [res] = make(srv.base_url, retries=0).score_batch([ITEM])
    types = [(json.loads(r["body"]).get("response_format") or {}).get("type") for r in srv.requests]
    assert types == ["json_schema", "json_object", None]
    assert isinstance(res, ItemScore)
    assert any("refused response_format json_schema" in n for n in res.notes)


def test_structured_output_off_sends_no_response_format():
    with FakeChatServer(lambda req, n: ("reply", GOOD)) as srv:
        make(srv.base_url, structured_output="off").score_batch([ITEM])
        make(srv.base_url, structured_output="json_object").score_batch([ITEM])
    assert "response_format" not in json.loads(srv.requests[0]["body"])
    assert json.loads(srv.requests[1]["body"])["response_format"]["type"] == "json_object"


# -- the checks on a reply, one by one ----------------------------------------
from evalharness.scorers.text import split_claims  # noqa: E402

SPANS = split_claims(SUMMARY)


@pytest.mark.parametrize("content, finish, expected", [
    ("", "stop", "empty reply"),
    ('{"claims": [{"id": 1, "verdict": "supp', "length", "the reply was cut off at max_tokens"),
    ("[1, 2]", "stop", "is a JSON list"),
    ('{"verdicts": []}', "stop", "not a JSON object with a 'claims' list"),
    ("SOURCE:\n<<<\nThe council ...\nCLAIMS:\n1. ...", "stop", "echoes the prompt"),
])
def test_unusable_replies(content, finish, expected):
    got = check_reply(content, finish, SOURCE, SUMMARY, SPANS)
    assert expected in got.reply_problem and not got.judged


@pytest.mark.parametrize("entry, expected", [
    ({"id": 1, "verdict": True, "evidence": "", "offending": ""}, "verdict must be text, got bool"),
    ({"id": 1, "verdict": "yes", "evidence": "", "offending": ""}, "verdict 'yes' is not one of"),
    ({"id": 1, "verdict": "supported", "evidence": "", "offending": ""}, "needs an evidence quote"),
    ({"id": 1, "verdict": "supported", "evidence": 3, "offending": ""}, "evidence must be text, got int"),
    ({"id": 1, "verdict": "unsupported", "evidence": "", "offending": "pancakes"}, "are not in the claim"),
])
def test_invalid_entries(entry, expected):
    got = check_reply(json.dumps({"claims": [entry, {"id": 2, "verdict": "unsupported"}]}), "stop", SOURCE,
                      SUMMARY, SPANS)
    assert expected in got.problems[1]
    assert got.judged[2].verdict == "unsupported"


def test_missing_and_duplicate_entries():
    got = check_reply(answer((1, "unsupported", "", ""), (1, "supported", SOURCE[:10], "")), "stop", SOURCE,
                      SUMMARY, SPANS)
    assert got.problems == {1: "two entries for this claim", 2: "no entry for this claim"}


def test_prose_and_fences_around_the_json_are_accepted_and_noted():
    assert extract_json("Here you go:\n" + GOOD + "\nHope this helps")[1] == ["prose around the JSON"]
    assert extract_json("```json\n" + GOOD + "\n```")[1] == ["JSON inside a code fence"]
    assert extract_json(GOOD)[1] == []


# -- the CLI, end to end --------------------------------------------------------
def _config(tmp_path, url: str, **extra) -> str:
    llm = {"base_url": url, "model": "fake-judge", "cache": False, "backoff_s": 0.01, "timeout_s": 5, **extra}
    cfg = {"scorers": {"support": {"backend": "llm", "llm": llm}}}
    path = tmp_path / "llm.yaml"
    path.write_text(json.dumps(cfg))
    return str(path)


def test_cli_run_with_the_llm_backend(cli, tmp_path, root):
    with FakeChatServer() as srv:
        r = cli("run", str(root / "cases" / "kursk-truce.yaml"), "--config", _config(tmp_path, srv.base_url),
                "--out", str(tmp_path / "out"), "--format", "json")
    assert r.returncode in (0, 1), r.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert "backend:llm" in report["signatures"]["support"]
    claims = [c for case in report["cases"] for cand in case["candidates"] for c in cand["claims"]]
    assert claims and all(c["verdict"] in ("supported", "unsupported") for c in claims)
    # the fake judge flags a claim whose words are missing from the article, with exact offsets
    for case in report["cases"]:
        for cand in case["candidates"]:
            for c in cand["claims"]:
                assert cand["summary"][c["start"]:c["end"]] == c["text"]
                for s in c["unsupported_spans"]:
                    assert cand["summary"][s["start"]:s["end"]] == s["text"]
    model_c = next(c for c in report["cases"][0]["candidates"] if c["system"] == "model-c")
    assert any(not c["supported"] for c in model_c["claims"])
    assert "Traceback" not in r.stderr


def test_cli_exits_3_naming_backend_and_case_when_the_endpoint_fails(cli, tmp_path, root):
    with FakeChatServer(lambda req, n: ("json", 503, {"error": "overloaded"})) as srv:
        r = cli("run", str(root / "cases" / "kursk-truce.yaml"), "--config",
                _config(tmp_path, srv.base_url, retries=1), "--out", str(tmp_path / "out"))
    assert r.returncode == 3, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert "backend 'llm'" in r.stdout and "case 'kursk-truce'" in r.stdout and "HTTP 503" in r.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["gate"]["passed"] is False
    assert all("support" in cand["errors"] for case in report["cases"] for cand in case["candidates"])
    assert all("support.supported_rate" not in cand["scores"] for case in report["cases"]
               for cand in case["candidates"])


def test_signature_names_model_endpoint_prompt_and_sampling_but_no_credentials():
    from evalharness import __version__
    sc = make("http://user:hunter2@127.0.0.1:8080/v1?key=abc", samples=3, temperature=0.7)
    assert sc.signature() == ("support|backend:llm|llm:fake-judge|endpoint:http://127.0.0.1:8080/v1"
                              "|prompt:claims-json-v3|temp:0.7|samples:3|maxtok:1024|structured:auto"
                              f"|threshold:0.5|v:{__version__}")


def test_an_item_error_keeps_its_claims_through_pickling():
    import pickle
    with FakeChatServer(lambda req, n: ("reply", "{")) as srv:
        [res] = make(srv.base_url, retries=0).score_batch([ITEM])
    back = pickle.loads(pickle.dumps(res))
    assert str(back) == str(res) and back.claims == res.claims and back.case_id == "bridge"


def test_instructions_can_go_in_the_user_turn_for_chat_formats_without_a_system_role():
    with FakeChatServer(lambda req, n: ("reply", GOOD)) as srv:
        [res] = make(srv.base_url, instructions_in="user").score_batch([ITEM])
    messages = json.loads(srv.requests[0]["body"])["messages"]
    assert [m["role"] for m in messages] == ["user"]
    assert messages[0]["content"].startswith("You check whether each claim") and "SOURCE:\n<<<\n" in messages[0]["content"]
    assert isinstance(res, ItemScore)
    assert "instructions:user" in make(srv.base_url, instructions_in="user").signature()


# -- meta-eval with the llm backend (the local fake server) ------------------------
def _rows(tmp_path):
    rows = [{"id": f"r{i}", "dataset": "toy", "source": SOURCE, "summary": s, "label": lab}
            for i, (s, lab) in enumerate([
                ("The council approved the new bridge on Monday.", 1),
                ("Construction will cost 40 million euros.", 1),
                ("The mayor said work starts in May.", 1),
                ("Construction will cost 90 million euros.", 0),
                ("The council rejected the new tunnel.", 0),
                ("The mayor said work starts in June.", 0)])]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_meta_eval_with_the_llm_backend(cli, tmp_path):
    rows = _rows(tmp_path)
    with FakeChatServer() as srv:
        r = cli("meta-eval", str(rows), "--config", _config(tmp_path, srv.base_url), "--json", str(tmp_path / "m.json"))
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "m.json").read_text())
    assert "backend:llm" in data["scorer"]
    # the word-matching fake judge gets all six right: AUC 1
    assert data["datasets"]["toy"]["n"] == 6 and data["datasets"]["toy"]["auc"] == 1.0


def test_meta_eval_exits_3_when_the_llm_backend_fails(cli, tmp_path):
    rows = _rows(tmp_path)
    with FakeChatServer(lambda req, n: ("json", 500, {"error": "down"})) as srv:
        r = cli("meta-eval", str(rows), "--config", _config(tmp_path, srv.base_url, retries=0))
    assert r.returncode == 3, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert "backend 'llm'" in r.stderr and "case 'r0'" in r.stderr and "HTTP 500" in r.stderr


def test_a_500_that_names_response_format_steps_down_like_llama_cpp_python():
    # llama-cpp-python answers an unknown response_format type with HTTP 500 and a validation message
    refusal = {"error": {"message": "1 validation error: ('body', 'response_format', 'type') Input should be "
                                    "'text' or 'json_object'", "type": "internal_server_error"}}

    def respond(req, n):
        fmt = req.get("response_format")
        return ("json", 500, refusal) if fmt and fmt["type"] == "json_schema" else ("reply", GOOD)

    with FakeChatServer(respond) as srv:
        [res] = make(srv.base_url, retries=0).score_batch([ITEM])
    assert isinstance(res, ItemScore)
    types = [(json.loads(r["body"]).get("response_format") or {}).get("type") for r in srv.requests]
    assert types == ["json_schema", "json_object"]


def test_a_reply_copying_the_format_placeholders_is_never_supported():
    # what Gemma 3 270M did under a JSON grammar: the template's placeholders as the quote and the words
    copied = answer((1, "supported", "<quote copied exactly from the source, or empty>", ""),
                    (2, "unsupported", "", "<words copied exactly from the claim that the source does not support>"))
    with FakeChatServer(lambda req, n: ("reply", copied)) as srv:
        [res] = make(srv.base_url, retries=1).score_batch([ITEM])
    assert isinstance(res, ScorerError) and [c.verdict for c in res.claims] == ["error", "error"]
    assert len(srv.requests) == 2


def test_schema_limits_claim_ids_to_the_claims_of_the_request():
    from evalharness.scorers.support.backends.llm import SCHEMA, response_format
    fmt = response_format("json_schema", 3)
    claims = fmt["json_schema"]["schema"]["properties"]["claims"]
    assert claims["items"]["properties"]["id"] == {"type": "integer", "enum": [1, 2, 3]}
    assert claims["minItems"] == claims["maxItems"] == 3
    assert SCHEMA["properties"]["claims"]["items"]["properties"]["id"] == {"type": "integer"}  # shared schema untouched
    assert response_format("json_object", 2)["schema"]["properties"]["claims"]["maxItems"] == 2
    assert response_format("off", 2) is None
