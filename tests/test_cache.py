"""The persistent score cache: keys, round trips, no work twice, concurrency, crashes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from evalharness.cache.scores import ScoreCache, default_cache_dir, dump_score, item_key, load_score, scorer_key
from evalharness.core.results import Claim, ItemScore, ScoreItem, Span
from evalharness.engine.runner import LocalExecutor, run_cached
from evalharness.scorers.base import Scorer

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class _Opts:
    fail_on: str = ""


class CountingScorer(Scorer):
    """Scores = summary length; counts the items it scores (its 'model work')."""

    name = "counting"
    higher_is_better: ClassVar = {"len": True}
    Options = _Opts

    def __init__(self, options=None):
        super().__init__(options)
        self.calls: list[str] = []

    def signature(self) -> str:
        return "counting|v:1"

    def score_batch(self, items):
        self.calls.extend(it.summary for it in items)
        if any(it.summary == self.options.fail_on for it in items):
            raise RuntimeError("boom")
        return [ItemScore(scores={"len": float(len(it.summary))}, notes=(f"n={len(it.summary)}",)) for it in items]


def items(n: int, prefix: str = "s") -> list[ScoreItem]:
    return [ScoreItem(f"c{i}", "sys", f"source {i % 3}", f"{prefix}{'x' * i}", ("ref",)) for i in range(n)]


def test_item_score_round_trips_through_json_exactly():
    claim = Claim(text="It rained.", start=0, end=10, supported=False, score=0.1234567890123,
                  evidence=Span("Sun.", 4, 8), unsupported_spans=(Span("rained", 3, 9),), verdict="unsupported",
                  reasons=("not in source",))
    s = ItemScore(scores={"a": 1 / 3, "b": 0.0}, not_applicable={"c": "no references"}, claims=(claim,),
                  notes=("a note",))
    back = load_score(dump_score(s))
    assert back == s
    assert back.scores["a"] == 1 / 3  # bit-exact float


def test_key_changes_with_each_part_and_only_then():
    base = ScoreItem("c", "s", "src", "sum", ("r1", "r2"))
    k = item_key("sig", base)
    assert item_key("sig", ScoreItem("other-case", "other-system", "src", "sum", ("r1", "r2"))) == k
    assert item_key("sig2", base) != k
    assert item_key("sig", ScoreItem("c", "s", "src!", "sum", ("r1", "r2"))) != k
    assert item_key("sig", ScoreItem("c", "s", "src", "sum!", ("r1", "r2"))) != k
    assert item_key("sig", ScoreItem("c", "s", "src", "sum", ("r1",))) != k
    # parts are hashed separately: moving text between fields changes the key
    assert item_key("sig", ScoreItem("c", "s", "srcs", "um", ("r1", "r2"))) != k


def test_scorer_key_has_signature_and_code_fingerprint():
    from evalharness.scorers.rouge import RougeScorer
    key = scorer_key(RougeScorer())
    assert key.startswith(RougeScorer().signature() + "|code:")
    assert scorer_key(RougeScorer()) == key


def test_warm_rerun_does_no_work_and_gives_the_same_results(tmp_path):
    data = items(10)
    cold_scorer = CountingScorer()
    with ScoreCache(tmp_path) as cache:
        cold = run_cached(cold_scorer, data, LocalExecutor(batch_size=4), cache)
    assert len(cold_scorer.calls) == 10
    warm_scorer = CountingScorer()
    with ScoreCache(tmp_path) as cache:
        warm = run_cached(warm_scorer, data, LocalExecutor(batch_size=4), cache)
        assert (cache.hits, cache.misses) == (10, 0)
    assert warm_scorer.calls == []
    assert warm == cold
    assert warm[3] == ItemScore(scores={"len": 4.0}, notes=("n=4",))  # 's' + 'xxx'


def test_only_new_items_are_scored_and_duplicates_once(tmp_path):
    with ScoreCache(tmp_path) as cache:
        run_cached(CountingScorer(), items(5), LocalExecutor(), cache)
        sc = CountingScorer()
        data = items(7) + items(7)  # two new items, every item twice
        out = run_cached(sc, data, LocalExecutor(), cache)
    assert sorted(sc.calls) == ["s" + "x" * 5, "s" + "x" * 6]
    assert [r.scores["len"] for r in out] == [float(1 + i) for i in range(7)] * 2


def test_failed_items_are_not_cached(tmp_path):
    data = items(4)
    with ScoreCache(tmp_path) as cache:
        out = run_cached(CountingScorer(_Opts(fail_on="sxx")), data, LocalExecutor(batch_size=2), cache)
        assert isinstance(out[2], RuntimeError) and isinstance(out[3], RuntimeError)
        assert cache.stats().entries == 2
        sc = CountingScorer()
        out = run_cached(sc, data, LocalExecutor(batch_size=2), cache)
    assert sc.calls == ["sxx", "sxxx"]
    assert out[2].scores == {"len": 3.0}


class InterruptingScorer(CountingScorer):
    def score_batch(self, batch):
        if len(self.calls) >= 4:
            raise KeyboardInterrupt  # the user presses Ctrl-C during the third batch
        return super().score_batch(batch)


def test_an_interrupted_run_keeps_its_finished_batches(tmp_path):
    data = items(10)
    with ScoreCache(tmp_path) as cache:
        with pytest.raises(KeyboardInterrupt):
            run_cached(InterruptingScorer(), data, LocalExecutor(batch_size=2), cache)
        assert cache.stats().entries == 4
        sc = CountingScorer()
        run_cached(sc, data, LocalExecutor(batch_size=2), cache)
    assert len(sc.calls) == 6  # only what the interrupted run had not finished


def test_stats_and_clear(tmp_path):
    with ScoreCache(tmp_path) as cache:
        run_cached(CountingScorer(), items(3), LocalExecutor(), cache)
        st = cache.stats()
        assert (st.entries, dict(st.by_scorer)) == (3, {"counting": 3})
        assert st.size_bytes > 0
        assert cache.clear("other") == 0
        assert cache.clear("counting") == 3
        assert cache.stats().entries == 0


def test_default_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EVALHARNESS_CACHE_DIR", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "x"
    monkeypatch.delenv("EVALHARNESS_CACHE_DIR")
    assert "evalharness" in str(default_cache_dir())


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    from evalharness.errors import ConfigError
    (tmp_path / "cache.sqlite3").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ConfigError, match="cannot open the cache .*cache clear"):
        ScoreCache(tmp_path)


# --- two processes, and processes killed mid-write ---------------------------

WRITER = textwrap.dedent("""
    import signal, sys, time
    # Ctrl-C stops it even where the parent ignores SIGINT (a job started in the background by a
    # non-interactive shell passes SIG_IGN on, and Python then keeps it)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.path.insert(0, {root!r})
    from evalharness.cache.scores import ScoreCache
    from evalharness.core.results import ItemScore
    cache = ScoreCache({dir!r})
    tag, batches, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print("ready", flush=True)
    b = 0
    while batches == 0 or b < batches:
        cache.put_many("w", "sig", [(f"{{tag}}-{{b}}-{{i}}", ItemScore(scores={{"i": float(i)}}, notes=("x" * 2000,)))
                                    for i in range(size)])
        b += 1
""")


def _writer(tmp_path, tag: str, batches: int, size: int) -> subprocess.Popen:
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT), dir=str(tmp_path / "cache")))
    return subprocess.Popen([sys.executable, str(script), tag, str(batches), str(size)], stdout=subprocess.PIPE,
                            text=True)


def _integrity(path) -> tuple[str, int]:
    db = sqlite3.connect(str(path / "cache" / "cache.sqlite3"))
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0], db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    finally:
        db.close()


def test_two_processes_share_one_cache(tmp_path):
    ScoreCache(tmp_path / "cache").close()
    procs = [_writer(tmp_path, tag, 40, 25) for tag in ("a", "b")]
    for p in procs:
        assert p.wait(timeout=120) == 0
    ok, n = _integrity(tmp_path)
    assert (ok, n) == ("ok", 2 * 40 * 25)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_process_killed_mid_write_leaves_whole_batches(tmp_path, sig):
    ScoreCache(tmp_path / "cache").close()
    proc = _writer(tmp_path, "k", 0, 50)  # writes 50-entry batches until killed
    try:
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.time() + 60
        while time.time() < deadline:  # let it commit some batches, then kill it while it writes more
            time.sleep(0.2)
            if _integrity(tmp_path)[1] >= 100:
                break
        os.kill(proc.pid, sig)
        proc.wait(timeout=30)
    finally:  # never leave a writer behind: it writes until killed (once, 67 GB)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    ok, n = _integrity(tmp_path)
    assert ok == "ok"
    assert n >= 100 and n % 50 == 0  # all of a batch or none of it
    with ScoreCache(tmp_path / "cache") as cache:  # and the cache still reads and writes
        cache.put_many("w", "sig", [("after", ItemScore(scores={"i": 1.0}))])
        assert cache.get_many(["after"])["after"].scores == {"i": 1.0}


class BatchDependentScorer(CountingScorer):
    cacheable = False


def test_a_scorer_that_is_not_cacheable_always_runs(tmp_path):
    from evalharness.io.cases import Case
    from evalharness.core.config import BootstrapConfig, Config, ScorerConfig
    from evalharness.engine.runner import evaluate
    from evalharness.scorers.bertscore import BertScoreOptions, BertScoreScorer
    assert BertScoreScorer(BertScoreOptions(idf=True)).cacheable is False
    assert BertScoreScorer().cacheable is True
    cases = [Case(id="c", source="s", references=("r",), candidates={"a": "x", "b": "yy"})]
    config = Config(scorers=(ScorerConfig("counting", _Opts()),), bootstrap=BootstrapConfig(resamples=10))
    with ScoreCache(tmp_path) as cache:
        for _ in range(2):
            sc = BatchDependentScorer()
            evaluate(cases, config, scorers=[sc], cache=cache)
            assert sc.calls == ["x", "yy"]
        assert cache.stats().entries == 0
