"""CLI: cache flags, `evalharness cache stats|clear`, execution flags and their errors."""

from __future__ import annotations

import json

import pytest

ROUGE_ONLY = "scorers:\n  rouge: {}\n"


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
