"""CLI: cache flags, `evalharness cache stats|clear`, execution flags and their errors."""

from __future__ import annotations

import json

import pytest

ROUGE_ONLY = "scorers: {rouge: {}}\ngate: {no_rules: true}\n"  # the cases have no expect entries


CASES = """
- id: one
  source: "The council approved the repair on Tuesday. Work starts in March."
  references: ["The council approved the repair; work starts in March."]
  candidates: {a: "The council approved a repair.", b: "Work starts in May.", c: "Repairs start in March."}
- id: two
  source: "The team won the final 2-1. The captain scored twice."
  references: ["The team won 2-1 with two goals from the captain.", "A 2-1 win in the final."]
  candidates: {a: "The team won 2-1.", b: "The captain scored once.", c: "The final ended 2-1."}
"""


@pytest.fixture
def rouge_config(tmp_path):
    p = tmp_path / "rouge.yaml"
    p.write_text(ROUGE_ONLY)
    return str(p)


@pytest.fixture
def cli(cli, tmp_path):
    """The CLI on six small summaries (two cases, three systems, references, no expect)."""
    (tmp_path / "cases.yaml").write_text(CASES)

    def run(*args, **kw):
        if args and args[0] in ("run", "validate"):
            args = (args[0], str(tmp_path / "cases.yaml"), *args[1:])
        return cli(*args, **kw)
    return run


def test_run_fills_the_cache_and_a_rerun_hits_it(cli, tmp_path, rouge_config):
    cdir = str(tmp_path / "c")
    r = cli("run", "--config", rouge_config, "--cache-dir", cdir, "--out", str(tmp_path / "o1"), "--format", "json")
    assert r.returncode == 0, r.stderr
    first = json.loads((tmp_path / "o1" / "report.json").read_text())
    assert first["run"]["cache"] == {"hits": 0, "misses": 6}
    r = cli("run", "--config", rouge_config, "--cache-dir", cdir, "--out", str(tmp_path / "o2"), "--format", "json")
    second = json.loads((tmp_path / "o2" / "report.json").read_text())
    assert second["run"]["cache"] == {"hits": 6, "misses": 0}
    first.pop("run"), second.pop("run")
    assert first == second
    r = cli("cache", "stats", "--cache-dir", cdir, "--json")
    assert r.returncode == 0
    assert json.loads(r.stdout)["by_scorer"] == {"rouge": 6}
    r = cli("cache", "clear", "--cache-dir", cdir)
    assert (r.returncode, r.stdout.split(" ")[:2]) == (0, ["cleared", "6"])
    assert "entries: 0" in cli("cache", "stats", "--cache-dir", cdir).stdout


def test_no_cache_writes_nothing(cli, tmp_path, rouge_config):
    cdir = tmp_path / "c"
    r = cli("run", "--config", rouge_config, "--cache-dir", str(cdir), "--no-cache", "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    assert not cdir.exists()
    assert "cache" not in json.loads((tmp_path / "o" / "report.json").read_text())["run"]


def test_config_run_section_sets_cache_dir_and_workers(cli, tmp_path):
    cdir = tmp_path / "from-config"
    cfg = tmp_path / "c.yaml"
    cfg.write_text(ROUGE_ONLY + f"run:\n  cache_dir: {cdir}\n  workers: 2\n  batch_size: 4\n")
    r = cli("run", "--config", str(cfg), "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    assert (cdir / "cache.sqlite3").is_file()


def test_default_cache_goes_to_the_environment_folder(cli, tmp_path, rouge_config, monkeypatch):
    monkeypatch.setenv("EVALHARNESS_CACHE_DIR", str(tmp_path / "env"))
    assert cli("run", "--config", rouge_config, "--out", str(tmp_path / "o")).returncode == 0
    assert (tmp_path / "env" / "cache.sqlite3").is_file()


@pytest.mark.parametrize("args, message", [
    (["--workers", "0"], "evalharness: error: field '--workers': must be at least 1, got 0\n"),
    (["--ray-address", "127.0.0.1:1"], "evalharness: error: field '--ray-address': --ray-address needs --executor ray\n"),
    (["--executor", "dask"], None),
])
def test_bad_execution_flags_exit_2(cli, tmp_path, rouge_config, args, message):
    r = cli("run", "--config", rouge_config, "--out", str(tmp_path / "o"), *args)
    assert r.returncode == 2
    if message:
        assert r.stderr == message
    else:
        assert "invalid choice: 'dask'" in r.stderr and "Traceback" not in r.stderr


def test_bad_run_section_names_file_line_field(cli, tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(ROUGE_ONLY + "run:\n  executer: ray\n")
    r = cli("validate", "--config", str(cfg))
    assert r.returncode == 2
    assert r.stderr == (f"evalharness: error: {cfg}:4: field 'run.executer': unknown option 'executer' "
                        "(did you mean 'executor'?)\n")


def test_a_broken_cache_file_is_exit_2_not_a_traceback(cli, tmp_path, rouge_config):
    cdir = tmp_path / "c"
    cdir.mkdir()
    (cdir / "cache.sqlite3").write_bytes(b"garbage" * 500)
    r = cli("run", "--config", rouge_config, "--cache-dir", str(cdir), "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert r.stderr.startswith(f"evalharness: error: field 'run.cache_dir': cannot open the cache {cdir}")


@pytest.mark.slow
def test_run_with_ray_executor_matches_local(cli, tmp_path, rouge_config):
    pytest.importorskip("ray")
    r = cli("run", "--config", rouge_config, "--no-cache", "--out", str(tmp_path / "local"))
    assert r.returncode == 0, r.stderr
    r = cli("run", "--config", rouge_config, "--no-cache", "--executor", "ray", "--workers", "2",
            "--out", str(tmp_path / "ray"))
    assert r.returncode == 0, r.stderr
    a = json.loads((tmp_path / "local" / "report.json").read_text())
    b = json.loads((tmp_path / "ray" / "report.json").read_text())
    a.pop("run"), b.pop("run")
    assert a == b


# --- one store, one policy: every cache obeys --no-cache and --cache-dir (issues 12, 13, 14) ---------

SUPPORT = "scorers:\n  rouge: {types: [rouge1]}\n  support: {}\n"
SUMMARISER = "import sys; print(sys.stdin.read().split('.')[0] + '.')"


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _stats(cli, cdir):
    r = cli("cache", "stats", "--cache-dir", str(cdir), "--json")
    assert r.returncode == 0, r.stderr
    return {ns: s["entries"] for ns, s in json.loads(r.stdout)["namespaces"].items()}


@pytest.mark.slow
def test_no_cache_and_cache_dir_reach_every_cache(cli, tmp_path, monkeypatch):
    """--cache-dir holds the scores, the embeddings and the on-the-fly summaries, in one file;
    --no-cache writes nothing anywhere (before: embeddings and summaries ignored both flags)."""
    import sys
    env_dir = tmp_path / "env-cache"
    monkeypatch.setenv("EVALHARNESS_CACHE_DIR", str(env_dir))
    cfg = tmp_path / "support.yaml"
    cfg.write_text(SUPPORT)
    (tmp_path / "summ.py").write_text(SUMMARISER)
    fly = ["--system", f"fly=cmd:{sys.executable} {tmp_path / 'summ.py'}", "--system-version", "fly=v1"]
    cdir = tmp_path / "c"
    r = cli("run", "--config", str(cfg), "--cache-dir", str(cdir), "--out", str(tmp_path / "o1"), *fly)
    verdict = r.returncode
    assert verdict in (0, 1), r.stderr  # the gate's verdict on the bundled cases; the caches must not move it
    assert _files(env_dir) == []
    assert [f for f in _files(cdir) if not f.endswith(("-wal", "-shm"))] == ["cache.sqlite3"]
    counts = _stats(cli, cdir)
    assert counts["scores"] == 2 * 8 and counts["summaries"] == 2 and counts["embeddings"] > 0
    r = cli("run", "--config", str(cfg), "--no-cache", "--cache-dir", str(tmp_path / "never"),
            "--out", str(tmp_path / "o2"), *fly)
    assert r.returncode == verdict, r.stderr
    assert _files(env_dir) == [] and not (tmp_path / "never").exists()
    # cache clear covers every namespace
    r = cli("cache", "clear", "--cache-dir", str(cdir), "--namespace", "embeddings")
    assert r.returncode == 0 and r.stdout.startswith(f"cleared {counts['embeddings']} cached entries (embeddings)")
    assert _stats(cli, cdir) == {**counts, "embeddings": 0}
    r = cli("cache", "clear", "--cache-dir", str(cdir))
    assert r.stdout == f"cleared {counts['scores'] + 2} cached entries from {cdir / 'cache.sqlite3'}\n"
    assert set(_stats(cli, cdir).values()) == {0}


def test_cache_stats_lists_every_namespace(cli, tmp_path, rouge_config):
    cdir = tmp_path / "c"
    assert cli("run", "--config", rouge_config, "--cache-dir", str(cdir), "--out", str(tmp_path / "o")).returncode == 0
    r = cli("cache", "stats", "--cache-dir", str(cdir))
    assert r.returncode == 0
    assert r.stdout.splitlines()[1:] == ["entries: 6 (0.0 MB)", "  scores: 6 (rouge: 6)", "  embeddings: 0",
                                         "  llm: 0", "  summaries: 0", "  metaeval-rows: 0"]
    r = cli("cache", "clear", "--cache-dir", str(cdir), "--scorer", "rouge")
    assert r.stdout == f"cleared 6 cached entries ('rouge') from {cdir / 'cache.sqlite3'}\n"


@pytest.mark.parametrize("args, message", [
    (["--namespace", "embedings"], "evalharness: error: field '--namespace': unknown cache namespace 'embedings' "
     "(did you mean 'embeddings'?) (namespaces: scores, embeddings, llm, summaries, metaeval-rows)\n"),
    (["--namespace", "llm", "--scorer", "rouge"],
     "evalharness: error: field '--scorer': selects entries of the scores namespace, not of 'llm'\n"),
])
def test_bad_cache_filters_exit_2(cli, tmp_path, args, message):
    r = cli("cache", "clear", "--cache-dir", str(tmp_path / "c"), *args)
    assert (r.returncode, r.stderr) == (2, message)


def test_cache_clear_works_on_a_cache_too_damaged_to_open(cli, tmp_path, rouge_config):
    """Issue 13: the advice "run `evalharness cache clear`" failed the same way on a garbled header."""
    cdir = tmp_path / "c"
    assert cli("run", "--config", rouge_config, "--cache-dir", str(cdir), "--out", str(tmp_path / "o")).returncode == 0
    db = cdir / "cache.sqlite3"
    db.write_bytes(b"garbage header!!" + db.read_bytes()[16:])
    r = cli("run", "--config", rouge_config, "--cache-dir", str(cdir), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "run 'evalharness cache clear'" in r.stderr
    r = cli("cache", "clear", "--cache-dir", str(cdir))
    assert (r.returncode, r.stdout) == (0, f"cleared the cache at {cdir}: it was too damaged to read, so its 1 "
                                           "file(s) were removed\n")
    assert _files(cdir) == []
    r = cli("run", "--config", rouge_config, "--cache-dir", str(cdir), "--out", str(tmp_path / "o"), "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["run"]["cache"] == {"hits": 0, "misses": 6}


def test_cache_clear_works_on_a_cache_with_a_garbled_page(cli, tmp_path, rouge_config):
    cdir = tmp_path / "c"
    assert cli("run", "--config", rouge_config, "--cache-dir", str(cdir), "--out", str(tmp_path / "o")).returncode == 0
    db = cdir / "cache.sqlite3"
    data = bytearray(db.read_bytes())
    assert len(data) > 3 * 4096
    data[4096:len(data)] = b"\xff" * (len(data) - 4096)  # every page after the header's
    db.write_bytes(bytes(data))
    r = cli("cache", "stats", "--cache-dir", str(cdir))
    assert r.returncode == 2 and r.stderr.startswith("evalharness: error: ") and "cache clear" in r.stderr
    r = cli("run", "--config", rouge_config, "--cache-dir", str(cdir), "--out", str(tmp_path / "o2"))
    assert r.returncode == 2 and r.stderr == (f"evalharness: error: field 'run.cache_dir': cannot open the cache "
                                              f"{db}: database disk image is malformed (run 'evalharness cache "
                                              "clear' or pass --no-cache)\n")
    r = cli("cache", "clear", "--cache-dir", str(cdir))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"cleared the cache at {cdir}: it was too damaged to read, so its ")
    assert _files(cdir) == []
    assert cli("run", "--config", rouge_config, "--cache-dir", str(cdir), "--out", str(tmp_path / "o")).returncode == 0


def test_cache_clear_removes_the_old_layout(cli, tmp_path):
    cdir = tmp_path / "c"
    (cdir / "llm" / "ab").mkdir(parents=True)
    (cdir / "llm" / "ab" / "abc.json").write_text("{}")
    (cdir / "scores.sqlite3").write_bytes(b"old")
    (cdir / "metaeval-0123.jsonl").write_text("{}\n")
    (cdir / "mine.txt").write_text("not ours")
    assert "old cache layout: 3 file(s) no longer read" in cli("cache", "stats", "--cache-dir", str(cdir)).stdout
    r = cli("cache", "clear", "--cache-dir", str(cdir))
    assert r.stdout.endswith("; removed 3 file(s) of the old cache layout\n")
    assert sorted(p.name for p in cdir.iterdir()) == ["cache.sqlite3", "mine.txt"]


def _damage_one_score(cdir):
    import sqlite3
    db = sqlite3.connect(str(cdir / "cache.sqlite3"), isolation_level=None)
    key, text = next((k, v.decode()) for k, v in db.execute("SELECT key, value FROM entries WHERE ns='scores' "
                                                              "ORDER BY key") if b'"rouge1":0.' in v)
    i = text.index('"rouge1":0.') + len('"rouge1":0.')
    db.execute("UPDATE entries SET value=? WHERE ns='scores' AND key=?",
               ((text[:i] + ("9" if text[i] != "9" else "1") + text[i + 1:]).encode(), key))
    db.close()


def test_a_damaged_score_entry_is_recomputed_and_noted(cli, tmp_path, rouge_config):
    """Issue 13: one changed digit moved rouge1 from 0.533 to 0.933 silently."""
    cdir = tmp_path / "c"
    r = cli("run", "--config", rouge_config, "--cache-dir", str(cdir), "--out", str(tmp_path / "o1"))
    assert r.returncode == 0, r.stderr
    _damage_one_score(cdir)
    r = cli("run", "--config", rouge_config, "--cache-dir", str(cdir), "--out", str(tmp_path / "o2"))
    assert r.returncode == 0, r.stderr
    assert "evalharness: warning: score cache: 1 damaged entry recomputed\n" in r.stderr
    first, second = (json.loads((tmp_path / o / "report.json").read_text()) for o in ("o1", "o2"))
    assert second.pop("notes") == ["score cache: 1 damaged entry recomputed"]
    assert second["run"]["cache"] == {"hits": 5, "misses": 1, "damaged": {"scores": 1}}
    assert "notes" not in first
    first.pop("run"), second.pop("run")
    assert first == second  # the recomputed value, never the damaged one


FULL_DISK = """
import sys
from evalharness.cache import store
real = store._connect
def tiny(path):
    db = real(path)
    db.execute("PRAGMA max_page_count = {pages}")
    return db
store._connect = tiny
from evalharness.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_full_disk_for_the_cache_is_a_warning_and_the_report_is_written(cli, tmp_path, rouge_config):
    """Issue 13: "internal error: database or disk is full" and the run was lost. sqlite's own
    SQLITE_FULL, from a max_page_count too small for the run's scores."""
    import os
    import subprocess
    import sys
    from conftest import ROOT, run_cli
    many = tmp_path / "many.yaml"
    many.write_text("".join(f"- id: c{i}\n  source: \"{'Word number %d. ' % i * 40}\"\n  references: [\"ref {i}\"]\n"
                            f"  candidates: {{a: \"{'Word %d. ' % i * 30}\"}}\n" for i in range(60)))
    script = tmp_path / "full.py"
    script.write_text(FULL_DISK.format(pages=8))
    cdir = tmp_path / "c"
    args = ["run", str(many), "--config", rouge_config, "--cache-dir", str(cdir), "--out", str(tmp_path / "o"), "-q"]
    r = subprocess.run([sys.executable, str(script), *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr
    note = ("cache: could not be written (database or disk is full); this run's results are kept in memory and "
            "in the report only")
    assert f"evalharness: warning: {note}\n" in r.stderr and "internal error" not in r.stderr
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert report["notes"] == [note]
    assert report["systems"]["a"]["rouge.rouge1"]["n"] == 60
    fresh = run_cli("run", str(many), "--config", rouge_config, "--no-cache", "--out", str(tmp_path / "fresh"))
    assert fresh.returncode == 0
    again = json.loads((tmp_path / "fresh" / "report.json").read_text())
    report.pop("run"), again.pop("run"), report.pop("notes")
    assert report == again


def _llm_config(tmp_path, url, **llm) -> str:
    p = tmp_path / "llm.yaml"
    p.write_text(json.dumps({"scorers": {"support": {"backend": "llm", "llm": {
        "base_url": url, "model": "fake-judge", "backoff_s": 0.01, "timeout_s": 5, **llm}}}}))
    return str(p)


LLM_VERDICT = 1  # the fake judge's fixed answers fail the bundled cases' expectations


def test_llm_replies_follow_cache_dir_and_no_cache(cli, tmp_path, monkeypatch):
    """Issue 12: the llm reply cache ignored --no-cache and --cache-dir."""
    from fake_chat_server import FakeChatServer
    env_dir = tmp_path / "env-cache"
    monkeypatch.setenv("EVALHARNESS_CACHE_DIR", str(env_dir))
    cdir = tmp_path / "c"
    with FakeChatServer() as srv:
        cfg = _llm_config(tmp_path, srv.base_url)
        run = ["run", "--config", cfg, "--out", str(tmp_path / "o")]
        assert cli(*run, "--cache-dir", str(cdir)).returncode == LLM_VERDICT
        asked = len(srv.requests)
        assert asked == 6 and _stats(cli, cdir)["llm"] == 6   # one reply per summary, kept in --cache-dir
        assert cli("cache", "clear", "--cache-dir", str(cdir), "--namespace", "scores").returncode == 0
        assert cli(*run, "--cache-dir", str(cdir)).returncode == LLM_VERDICT
        assert len(srv.requests) == asked                     # scored again from the cached replies
        assert cli(*run, "--no-cache").returncode == LLM_VERDICT
        assert len(srv.requests) == 2 * asked                 # --no-cache: asked again
    assert _files(env_dir) == []


def test_meta_eval_no_cache_reaches_the_llm_replies(cli, tmp_path, monkeypatch):
    """Issue 12: meta-eval --no-cache poked embedding_cache=False into the options and left the
    llm replies cached; one policy now reaches every cache."""
    from fake_chat_server import FakeChatServer
    monkeypatch.setenv("EVALHARNESS_CACHE_DIR", str(tmp_path / "env-cache"))
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(json.dumps({"id": f"r{i}", "dataset": "d", "source": "The team won the final 2-1.",
                                        "summary": s, "label": y}) + "\n"
                            for i, (s, y) in enumerate([("The team won the final.", 1), ("The team lost.", 0),
                                                        ("The final ended 2-1.", 1), ("The team won 5-0.", 0)])))
    with FakeChatServer() as srv:
        cfg = _llm_config(tmp_path, srv.base_url)
        for _ in range(2):
            r = cli("meta-eval", str(rows), "--config", cfg, "--no-cache")
            assert r.returncode == 0, r.stderr
        assert len(srv.requests) == 8
        cdir = tmp_path / "c"
        for _ in range(2):
            assert cli("meta-eval", str(rows), "--config", cfg, "--cache-dir", str(cdir)).returncode == 0
        assert len(srv.requests) == 12
    assert _stats(cli, cdir)["metaeval-rows"] == 4 and _stats(cli, cdir)["llm"] == 4
    assert _files(tmp_path / "env-cache") == []


def _shuffle_vectors(cdir, *, fix_checksums: bool) -> int:
    """Rotate the stored embeddings by one row: every text gets another text's vector."""
    import sqlite3
    from evalharness.cache.store import checksum
    db = sqlite3.connect(str(cdir / "cache.sqlite3"), isolation_level=None)
    rows = db.execute("SELECT key, meta, value FROM entries WHERE ns='embeddings' ORDER BY key").fetchall()
    for (key, meta, _), (_, _, value) in zip(rows, rows[1:] + rows[:1]):
        db.execute("UPDATE entries SET value=?, checksum=? WHERE ns='embeddings' AND key=?",
                   (value, checksum("embeddings", key, meta, value) if fix_checksums else "x", key))
    db.close()
    return len(rows)


@pytest.mark.slow
def test_shuffled_embeddings_never_reach_a_verdict(cli, tmp_path):
    """Issue 13: NaN, zero or shuffled vectors in the embedding cache turned a failing gate into a
    pass, also with --no-cache."""
    cfg = tmp_path / "support.yaml"
    cfg.write_text("scorers:\n  support: {}\n")
    cdir = tmp_path / "c"
    run = ["run", "--config", str(cfg), "--cache-dir", str(cdir), "--format", "json"]

    def report(r):
        assert r.returncode in (0, 1), r.stderr
        data = json.loads(r.stdout)
        return data, data.pop("run"), data.pop("notes", [])

    first, _, notes = report(cli(*run, "--out", str(tmp_path / "o1")))
    assert notes == []
    assert cli("cache", "clear", "--cache-dir", str(cdir), "--namespace", "scores").returncode == 0
    assert _shuffle_vectors(cdir, fix_checksums=False) > 0
    second, run2, notes = report(cli(*run, "--out", str(tmp_path / "o2")))
    assert second == first
    assert run2["cache"]["damaged"]["embeddings"] > 0
    assert notes == [f"embedding cache: {run2['cache']['damaged']['embeddings']} damaged entries recomputed"]
    # shuffled so that every check passes: --no-cache must not read them at all
    _shuffle_vectors(cdir, fix_checksums=True)
    third, _, notes = report(cli(*run, "--no-cache", "--out", str(tmp_path / "o3")))
    assert third == first and notes == []


def test_cache_stats_and_clear_cover_the_dequantised_lm_weights(cli, tmp_path):
    """Issue 18: the LM's dequantised weights live in the run's cache folder (lm/), and
    `cache stats` / `cache clear` cover them like every other cache."""
    from evalharness.scorers.support.lm import LmOptions, cache_root
    from evalharness.cache.store import CachePolicy
    cdir = tmp_path / "c"
    assert cache_root(LmOptions(), CachePolicy(cdir)) == cdir / "lm"
    assert cache_root(LmOptions(cache_dir=str(tmp_path / "own")), CachePolicy(cdir)) == tmp_path / "own"
    model = cdir / "lm" / "gemma-3-270m-0123456789abcdef"
    model.mkdir(parents=True)
    (model / "model.safetensors").write_bytes(b"x" * 2_000_000)
    r = cli("cache", "stats", "--cache-dir", str(cdir))
    assert r.returncode == 0
    assert f"lm weights: 1 dequantised model folder(s) (2.0 MB) in {cdir / 'lm'}" in r.stdout.splitlines()
    r = cli("cache", "clear", "--cache-dir", str(cdir))
    assert r.returncode == 0 and r.stdout.endswith("; removed 1 dequantised LM model folder(s)\n")
    assert not (cdir / "lm").exists()
