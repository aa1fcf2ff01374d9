"""``backend: cascade``: the default detector screens every claim; the flagged claims and
the claims in the uncertain band go to a strong judge whose verdict is final. The judge
here is the llm backend in yes/no mode against the local fake chat server, so the test
decides every answer (overturn a flag, fail), or an nli checker that cannot load."""

from __future__ import annotations

import json

import pytest

from evalharness.core.config import build_dataclass
from evalharness.errors import ScorerError
from evalharness.core.results import ERROR, ItemScore, ScoreItem
from evalharness.scorers.support import SupportOptions, SupportScorer
from tests.helpers.fake_chat_server import FakeChatServer, parse_yes_no

SOURCE = ("The council approved the new bridge on Monday. Construction will cost 40 million euros. "
          "The mayor said work starts in May.")
SUMMARY = "The council approved the new bridge on Monday. Construction will cost 90 million euros."
ITEM = ScoreItem("bridge", "sys", SOURCE, SUMMARY)
GOOD, BAD = "The council approved the new bridge on Monday.", "Construction will cost 90 million euros."


def cascade(url: str, band=(0.0, 0.0), **llm) -> SupportScorer:
    raw = {"backend": "cascade", "device": "cpu", "embedding_cache": False,
           "cascade": {"judge": "llm", "band": list(band)},
           "llm": {"base_url": url, "model": "fake-judge", "mode": "yes-no", "cache": False, "backoff_s": 0.01,
                   "timeout_s": 5, "retries": 0, **llm}}
    return SupportScorer(build_dataclass(SupportOptions, raw, "scorers.support"))


@pytest.fixture(scope="module")
def screened():
    """What the default detector alone says: the wrong number is flagged, the rest is not."""
    sc = SupportScorer(build_dataclass(SupportOptions, {"device": "cpu", "embedding_cache": False}, "scorers.support"))
    [res] = sc.score_batch([ITEM])
    good, bad = res.claims
    assert (good.text, good.supported) == (GOOD, True) and (bad.text, bad.supported) == (BAD, False)
    return res


def claims_asked(srv) -> list[str]:
    return [parse_yes_no(json.loads(r["body"]))[1] for r in srv.requests]


@pytest.mark.slow
def test_the_judge_overturns_a_flag_and_only_flagged_claims_cost_a_call(screened):
    with FakeChatServer(lambda req, n: ("reply", "Yes")) as srv:
        [res] = cascade(srv.base_url).score_batch([ITEM])
    assert isinstance(res, ItemScore), res
    good, bad = res.claims
    assert claims_asked(srv) == [BAD]                     # the claim the screen passed cost nothing
    assert bad.supported and bad.verdict == "supported"   # the judge's verdict is final
    assert bad.reasons[0] == (f"decided by the judge llm:fake-judge (yes-no) (screen embedding "
                              f"{screened.claims[1].score:.2f}, flagged)")
    assert good.supported and good.score == screened.claims[0].score  # the screen's own verdict and score
    assert good.reasons[-1].startswith("decided by the screen (embedding; score ")
    assert res.scores["consistent"] == 1.0 and res.scores["unsupported_claims"] == 0.0
    assert res.notes[-1] == "cascade: 1 of 2 claim(s) went to the judge llm:fake-judge (yes-no); 1 judge call(s) saved"


@pytest.mark.slow
def test_a_claim_in_the_band_gets_a_second_look_and_the_judge_can_flag_it(screened):
    def respond(req, n):
        return "reply", "No" if parse_yes_no(req)[1] == GOOD else "Yes"
    with FakeChatServer(respond) as srv:
        [res] = cascade(srv.base_url, band=(0.0, 1.0)).score_batch([ITEM])
    assert sorted(claims_asked(srv)) == sorted([GOOD, BAD])  # every claim lies in [0, 1]
    good, bad = res.claims
    assert not good.supported and good.verdict == "unsupported" and bad.supported
    assert good.reasons[0].startswith("decided by the judge llm:fake-judge (yes-no) (screen embedding ")
    assert "in the band [0, 1]" in good.reasons[0]
    assert res.scores["consistent"] == 0.0  # one decision: a flagged claim makes the summary inconsistent
    assert res.scores["score"] == min(c.score for c in res.claims)
    assert res.notes[-1].endswith("2 of 2 claim(s) went to the judge llm:fake-judge (yes-no); 0 judge call(s) saved")


@pytest.mark.slow
@pytest.mark.parametrize("reply", [("status", 500, b"boom"), ("reply", "Maybe")])
def test_a_failing_judge_leaves_the_claim_not_evaluated_never_supported(screened, reply):
    with FakeChatServer(lambda req, n: reply) as srv:
        [res] = cascade(srv.base_url).score_batch([ITEM])
    assert isinstance(res, ScorerError), res        # the summary is not evaluated: an error, the gate fails
    good, bad = res.claims                          # the report still shows what was judged
    assert bad.verdict == ERROR and not bad.supported
    assert bad.reasons[0].startswith("not evaluated: the judge llm:fake-judge (yes-no) failed (screen embedding ")
    assert good.supported and good.verdict == "supported"  # the screen's pass was never sent
    assert "1 of 2 claim(s) without a valid verdict" in str(res)
    assert claims_asked(srv) == [BAD]


@pytest.mark.slow
def test_a_judge_that_cannot_start_is_an_error_for_the_claims_sent_to_it(tmp_path, screened):
    raw = {"backend": "cascade", "device": "cpu", "embedding_cache": False,
           "cascade": {"judge": "nli", "band": [0.0, 0.0]}, "nli": {"model": str(tmp_path), "preset": "hhem-2.1-open"}}
    [res] = SupportScorer(build_dataclass(SupportOptions, raw, "scorers.support")).score_batch([ITEM])
    assert isinstance(res, ScorerError)
    good, bad = res.claims
    assert bad.verdict == ERROR and "not evaluated: the judge nli:hhem-2.1-open failed" in bad.reasons[0]
    assert "backend 'nli': cannot read the HHEM" in bad.reasons[0] and good.supported


@pytest.mark.slow
def test_a_summary_the_screen_passes_outside_the_band_never_reaches_the_judge():
    with FakeChatServer(lambda req, n: ("status", 500, b"must not be asked")) as srv:
        [res] = cascade(srv.base_url).score_batch([ScoreItem("ok", "s", SOURCE, GOOD)])
    assert isinstance(res, ItemScore) and res.scores["consistent"] == 1.0
    assert srv.requests == []
    assert res.notes[-1] == "cascade: 0 of 1 claim(s) went to the judge llm:fake-judge (yes-no); 1 judge call(s) saved"


def test_the_signature_holds_band_screen_and_judge():
    raw = {"backend": "cascade", "cascade": {"judge": "llm", "band": [0.35, 0.55]},
           "llm": {"base_url": "http://127.0.0.1:9/v1", "model": "m", "mode": "yes-no"}}
    sc = SupportScorer(build_dataclass(SupportOptions, raw, "scorers.support"))
    embedding = SupportScorer(build_dataclass(SupportOptions, {}, "scorers.support")).signature()
    sig = sc.signature()
    assert sig.startswith("support|backend:cascade|screen:embedding|judge:llm|band:0.35-0.55|model:")
    # the screen signs as it does alone (with its own calibrated threshold), the judge after it
    screen_parts = embedding.split("|")[2:-1]
    assert "|".join(screen_parts) in sig
    assert "|llm:m|endpoint:http://127.0.0.1:9/v1|mode:yes-no|" in sig and "|llm.threshold:0.5|" in sig
    other = dict(raw, cascade={"judge": "llm", "band": [0.35, 0.6]})
    assert SupportScorer(build_dataclass(SupportOptions, other, "scorers.support")).signature() != sig
    assert sc.options.threshold == 0.5  # the cascade flags as its judge does (what meta-eval reads)


@pytest.mark.slow
def test_meta_eval_measures_the_cascade_like_any_backend(cli, tmp_path):
    rows = [{"id": f"r{i}", "dataset": "tiny", "source": SOURCE, "summary": s, "label": lab}
            for i, (s, lab) in enumerate([(GOOD, 1), (BAD, 0), ("The mayor said work starts in May.", 1),
                                          ("The mayor said work starts in June.", 0)])]
    data = tmp_path / "rows.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    def respond(req, n):  # a judge that is always right on these rows
        return "reply", "No" if any(w in parse_yes_no(req)[1] for w in ("90", "June")) else "Yes"
    with FakeChatServer(respond) as srv:
        cfg = tmp_path / "c.yaml"
        cfg.write_text("scorers:\n  support:\n    backend: cascade\n    device: cpu\n"
                       "    cascade: {judge: llm, band: [0.0, 1.0]}\n"
                       f"    llm: {{base_url: '{srv.base_url}', model: fake-judge, mode: yes-no, retries: 0}}\n")
        out = tmp_path / "m.json"
        r = cli("meta-eval", str(data), "--config", str(cfg), "--json", str(out), "--no-cache")
    assert r.returncode == 0, r.stderr
    result = json.loads(out.read_text())
    assert result["scorer"].startswith("support|backend:cascade|screen:embedding|judge:llm|band:0-1|")
    assert len(srv.requests) == 4  # band [0, 1]: every claim had its second look
    tiny = result["datasets"]["tiny"]
    # the judge was right on every row: each flag rate and accuracy shows it
    assert (tiny["n"], tiny["auc"]) == (4, 1.0)
    assert tiny["flag_rate"] == {"threshold": 0.5, "consistent": 0.0, "inconsistent": 1.0}
    assert r.stdout.startswith("meta-eval of support|backend:cascade|")
    # the band comes from the screen alone: it starts at the screen's threshold and reaches the
    # worst claim of the inconsistent rows (both here), with the config line to paste
    from evalharness.scorers.support.claims import default_threshold
    band = result["recommended_band"]
    low, high = band["band"]
    assert low == round(default_threshold("embedding"), 4) and low <= high <= 1.0
    assert band["coverage"] == 0.9 and 0.5 <= band["summaries_sent"] <= 1.0
    assert f"  config:  scorers: {{support: {{cascade: {{band: [{low:g}, {high:g}]}}}}}}" in r.stdout.splitlines()
