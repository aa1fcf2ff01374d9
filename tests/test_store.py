"""The one key-value store behind every cache: namespaces, checksums, damaged entries,
NaN never accepted, a full disk, and the one cache policy."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from evalharness.cache import store as store_mod
from evalharness.cache.scores import ScoreCache, dump_score
from evalharness.metaeval.run import RowScore, RowScoreCache
from evalharness.core.results import ItemScore
from evalharness.scorers.support.vectorcache import VectorCache
from evalharness.cache.store import CachePolicy, Store

ROOT = Path(__file__).resolve().parent.parent


def _db(folder: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(folder / "cache.sqlite3"), isolation_level=None)


def _set_value(folder: Path, ns: str, key: str, value: bytes, *, fix_checksum: bool) -> None:
    """Overwrite a stored value, as a bit flip would (checksum left) or a buggy writer (checksum redone)."""
    db = _db(folder)
    meta = db.execute("SELECT meta FROM entries WHERE ns=? AND key=?", (ns, key)).fetchone()[0]
    db.execute("UPDATE entries SET value=? WHERE ns=? AND key=?", (value, ns, key))
    if fix_checksum:
        db.execute("UPDATE entries SET checksum=? WHERE ns=? AND key=?",
                   (store_mod.checksum(ns, key, meta, value), ns, key))
    db.close()


def _scores(folder: Path, policy: CachePolicy | None = None) -> ScoreCache:
    return ScoreCache(policy=policy or CachePolicy(folder))


GOOD = ItemScore(scores={"rouge1": 0.533, "rouge1_precision": 0.5}, not_applicable={"rouge2": "too short"})


def test_namespaces_share_one_file_and_do_not_see_each_other(tmp_path):
    with Store(tmp_path) as st:
        st.put("scores", [("k", "rouge", b"a", "")])
        st.put("llm", [("k", "judge", b"b", "")])
        assert st.get("scores", ["k"]) == {"k": (b"a", "")}
        assert st.get("llm", ["k", "other"]) == {"k": (b"b", "")}
        stats = st.stats()
        assert stats.entries == 2
        assert {n: s.entries for n, s in stats.namespaces.items()} == {
            "scores": 1, "embeddings": 0, "llm": 1, "summaries": 0, "metaeval-rows": 0}
        assert st.clear("llm") == 1 and st.get("scores", ["k"])
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite3") == ["cache.sqlite3"]


def test_more_than_one_chunk_of_keys_reads_back(tmp_path):
    keys = [f"k{i}" for i in range(store_mod.CHUNK * 2 + 7)]
    with Store(tmp_path) as st:
        st.put("summaries", [(k, "t", k.encode(), "") for k in keys])
        assert len(st.get("summaries", keys + ["missing"])) == len(keys)


def test_a_read_of_more_keys_than_one_query_may_bind_returns_every_entry(tmp_path):
    """Reads are cut into chunks of store_mod.CHUNK keys (SQLite binds at most 32,766
    variables a query): a read of several chunks, duplicates and absent keys included,
    gives back exactly what was stored."""
    n = 2 * store_mod.CHUNK + 7
    ns = CachePolicy(tmp_path).open("summaries")
    ns.put([(f"k{i}", "t", str(i).encode(), "") for i in range(n)])
    keys = [f"k{i}" for i in range(n)] + ["k0", "absent"]
    got = ns.get(keys)
    ns.close()
    assert len(got) == n and got["k0"] == (b"0", "") and got[f"k{n - 1}"] == (str(n - 1).encode(), "")
    assert "absent" not in got


def test_a_new_namespace_can_be_registered(tmp_path):
    store_mod.register_namespace("lm-test", "lm feature cache")
    try:
        ns = CachePolicy(tmp_path).open("lm-test")
        ns.put([("x", "m", b"1", "")])
        assert ns.get(["x"]) == {"x": (b"1", "")}
        ns.close()
        with pytest.raises(ValueError, match="unknown cache namespace"):
            CachePolicy(tmp_path).open("nope")
    finally:
        store_mod.NAMESPACES.pop("lm-test")


def test_a_changed_digit_is_caught_by_the_checksum_and_recomputed(tmp_path):
    """Issue 13: one digit changed inside a stored value moved rouge1 from 0.533 to 0.933."""
    policy = CachePolicy(tmp_path)
    with _scores(tmp_path, policy) as c:
        c.put_many("rouge", "sig", [("a", GOOD), ("b", GOOD)])
    _set_value(tmp_path, "scores", "a", dump_score(GOOD).replace("0.533", "0.933").encode(), fix_checksum=False)
    with _scores(tmp_path, policy) as c:
        got = c.get_many(["a", "b"])
        assert list(got) == ["b"] and (c.hits, c.misses) == (1, 1)
    assert policy.health.notes() == ["score cache: 1 damaged entry recomputed"]
    assert _db(tmp_path).execute("SELECT COUNT(*) FROM entries WHERE key='a'").fetchone()[0] == 0  # dropped


@pytest.mark.parametrize("edit", [
    lambda v: v.replace('"rouge1":0.533', '"rouge1":NaN'),
    lambda v: v.replace('"rouge1":0.533', '"rouge1":Infinity'),
    lambda v: v.replace('"rouge1":0.533', '"rouge1":"0.533"'),
    lambda v: v.replace('"rouge1":0.533,', ''),                      # a metric deleted
    lambda v: v.replace('"rouge1":0.533', '"rogue1":0.533'),        # a metric the scorer does not give
    lambda v: v[:-3],                                                # not JSON
], ids=["nan", "inf", "string", "missing-metric", "unknown-metric", "truncated"])
def test_a_bad_value_is_dropped_even_with_a_valid_checksum(tmp_path, edit):
    policy = CachePolicy(tmp_path)
    with _scores(tmp_path, policy) as c:
        c.put_many("rouge", "sig", [("a", GOOD), ("b", GOOD)])
    _set_value(tmp_path, "scores", "a", edit(dump_score(GOOD)).encode(), fix_checksum=True)
    with _scores(tmp_path, policy) as c:
        got = c.get_many(["a", "b"], metrics=("rouge1", "rouge1_precision", "rouge2"))
    assert list(got) == ["b"] and got["b"] == GOOD
    assert policy.health.damaged == {"scores": 1}


def test_swapped_rows_are_caught(tmp_path):
    other = ItemScore(scores={"rouge1": 0.1, "rouge1_precision": 0.1}, not_applicable={"rouge2": "too short"})
    policy = CachePolicy(tmp_path)
    with _scores(tmp_path, policy) as c:
        c.put_many("rouge", "sig", [("a", GOOD), ("b", other)])
    db = _db(tmp_path)
    rows = dict(db.execute("SELECT key, value || '' FROM entries").fetchall())
    (va, ca), (vb, cb) = (db.execute("SELECT value, checksum FROM entries WHERE key=?", (k,)).fetchone()
                          for k in ("a", "b"))
    db.execute("UPDATE entries SET value=?, checksum=? WHERE key='a'", (vb, cb))
    db.execute("UPDATE entries SET value=?, checksum=? WHERE key='b'", (va, ca))
    db.close()
    assert rows
    with _scores(tmp_path, policy) as c:
        assert c.get_many(["a", "b"]) == {}
    assert policy.health.damaged == {"scores": 2}


def test_nan_is_never_written_either(tmp_path):
    with _scores(tmp_path) as c:
        assert c.put_many("x", "sig", [("a", ItemScore(scores={"m": float("nan")}))]) == 0
        assert c.get_many(["a"]) == {}


def _vectors(policy, dim=4):
    return VectorCache("model-x", policy, dim=dim)


def _unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


@pytest.mark.parametrize("bad", [
    np.array([np.nan, 0, 0, 1], dtype="<f4").tobytes(),
    np.array([np.inf, 0, 0, 0], dtype="<f4").tobytes(),
    _unit(1, 2, 3).astype("<f4").tobytes(),                        # 3 long, the model gives 4
    (np.array([3.0, 0, 0, 0], dtype="<f4")).tobytes(),               # not of unit length
], ids=["nan", "inf", "wrong-length", "not-normalised"])
def test_a_bad_vector_is_dropped_and_recomputed(tmp_path, bad):
    policy = CachePolicy(tmp_path)
    c = _vectors(policy)
    c.put_many({"one": _unit(1, 0, 0, 0), "two": _unit(0, 1, 0, 0)})
    key = store_mod.hashlib.sha256("model-x\x1fone".encode()).hexdigest()
    _set_value(tmp_path, "embeddings", key, bad, fix_checksum=True)
    got = _vectors(policy).get_many(["one", "two"])
    assert list(got) == ["two"]
    assert policy.health.notes() == ["embedding cache: 1 damaged entry recomputed"]


def test_zeroed_or_swapped_vectors_fail_the_checksum(tmp_path):
    policy = CachePolicy(tmp_path)
    _vectors(policy).put_many({"one": _unit(1, 0, 0, 0), "two": _unit(0, 1, 0, 0), "three": _unit(0, 0, 1, 0)})
    db = _db(tmp_path)
    keys = [store_mod.hashlib.sha256(f"model-x\x1f{t}".encode()).hexdigest() for t in ("one", "two")]
    v1, v2 = (db.execute("SELECT value FROM entries WHERE key=?", (k,)).fetchone()[0] for k in keys)
    db.execute("UPDATE entries SET value=? WHERE key=?", (v2, keys[0]))
    db.execute("UPDATE entries SET value=? WHERE key=?", (v1, keys[1]))
    k3 = store_mod.hashlib.sha256("model-x\x1fthree".encode()).hexdigest()
    db.execute("UPDATE entries SET value=zeroblob(16) WHERE key=?", (k3,))
    db.close()
    assert _vectors(policy).get_many(["one", "two", "three"]) == {}
    assert policy.health.damaged == {"embeddings": 3}


def test_vectors_of_another_shape_are_not_read(tmp_path):
    policy = CachePolicy(tmp_path)
    _vectors(policy, dim=4).put_many({"one": _unit(1, 0, 0, 0)})
    assert _vectors(policy, dim=8).get_many(["one"]) == {}


def test_meta_eval_rows_never_give_back_nan_or_infinity(tmp_path):
    policy = CachePolicy(tmp_path)
    rows = RowScoreCache(policy, "support|x")
    rows.put({"a": RowScore(0.25, ((0, 4),)), "b": RowScore(0.5), "c": RowScore(float("nan"))})
    rows.close()
    _set_value(tmp_path, "metaeval-rows", "b", b'{"v": "inf", "f": null}', fix_checksum=True)
    again = RowScoreCache(policy, "support|x")
    again.prefetch(["a", "b", "c"])
    assert (again.get("a"), again.get("b"), again.get("c")) == (RowScore(0.25, ((0, 4),)), None, None)
    assert policy.health.damaged == {"metaeval-rows": 1}
    assert RowScoreCache(CachePolicy.off(), "support|x").get("a") is None


def test_a_full_disk_is_noted_once_and_nothing_is_lost_in_memory(tmp_path, monkeypatch):
    """sqlite's own "database or disk is full" (a tiny max_page_count), not a fake exception."""
    real = store_mod._connect

    def tiny(path):
        db = real(path)
        db.execute("PRAGMA max_page_count = 12")
        return db

    monkeypatch.setattr(store_mod, "_connect", tiny)
    policy = CachePolicy(tmp_path)
    big = ItemScore(scores={"len": 1.0}, notes=("x" * 3000,))
    with _scores(tmp_path, policy) as c:
        written = [c.put_many("w", "sig", [(f"{b}-{i}", big) for i in range(5)]) for b in range(20)]
        assert written[0] == 5 and written[-1] == 0 and set(written) == {0, 5}  # whole batches or none
        assert len(c.get_many([f"0-{i}" for i in range(5)])) == 5            # what was written reads back
    assert policy.health.write_error == "database or disk is full"
    assert policy.health.notes() == ["cache: could not be written (database or disk is full); this run's "
                                     "results are kept in memory and in the report only"]


def test_policy_from_flags_over_the_run_section(tmp_path):
    from evalharness.core.config import RunConfig
    assert CachePolicy.from_settings(RunConfig()) == CachePolicy(None, True)
    assert CachePolicy.from_settings(RunConfig(cache=False)).enabled is False
    assert CachePolicy.from_settings(RunConfig(), no_cache=True).enabled is False
    assert CachePolicy.from_settings(RunConfig(cache_dir=str(tmp_path / "a"))).directory == tmp_path / "a"
    assert CachePolicy.from_settings(RunConfig(cache_dir="a"), cache_dir=tmp_path / "b").directory == tmp_path / "b"
    assert CachePolicy.off().open("scores") is None
    p = CachePolicy(tmp_path)
    assert p.narrowed(enabled=False).enabled is False and p.narrowed(enabled=False).health is p.health
    assert p.narrowed(folder=tmp_path / "llm").directory == tmp_path / "llm"
    assert CachePolicy.off().narrowed(folder=tmp_path).enabled is False  # a scorer can never switch it back on


def test_evaluate_hands_the_policy_to_every_scorer(tmp_path):
    from evalharness.io.cases import Case
    from evalharness.core.config import Config, ScorerConfig
    from evalharness.engine.runner import evaluate
    from evalharness.scorers.rouge import RougeOptions, RougeScorer
    cases = [Case(id="c", source="s", references=("r x",), candidates={"a": "r x"})]
    config = Config(scorers=(ScorerConfig("rouge", RougeOptions()),))
    sc = RougeScorer()
    evaluate(cases, config, scorers=[sc])
    assert sc.cache_policy.enabled is False and not (tmp_path / "c").exists()  # no cache given: none used
    policy = CachePolicy(tmp_path / "c")
    report = evaluate(cases, config, scorers=[sc], cache=policy)
    assert sc.cache_policy is policy and report.run["cache"] == {"hits": 0, "misses": 1}
    assert report.notes == () and "notes" not in report.to_json()
    assert json.loads(json.dumps(report.to_json()))["run"]["cache"]["misses"] == 1


def test_a_store_that_fails_mid_run_only_costs_time(tmp_path):
    policy = CachePolicy(tmp_path)
    with _scores(tmp_path, policy) as c:
        c.put_many("rouge", "sig", [("a", GOOD)])
        c.store._db.close()  # the file went away under the run, say
        assert c.get_many(["a"]) == {} and (c.hits, c.misses) == (0, 1)
        assert c.put_many("rouge", "sig", [("b", GOOD)]) == 0
    notes = policy.health.notes()
    assert len(notes) == 2 and notes[0].startswith("cache: could not be read (ProgrammingError: ")
    assert notes[1].startswith("cache: could not be written (")


def test_policy_and_health_survive_pickling_for_worker_processes(tmp_path):
    import pickle
    policy = CachePolicy(tmp_path)
    policy.health.add_damaged("scores", 2)
    back = pickle.loads(pickle.dumps(policy))
    assert back == policy and back.health.damaged == {}  # a worker's copy reports nothing back
