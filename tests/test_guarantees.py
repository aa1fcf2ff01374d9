"""The run-level guarantees: deterministic reports, recorded provenance, no network
on a default run, and API keys that never leak.

Extension points (see docs/guarantees.md):
- EXECUTOR_VARIANTS: ways to run one job (workers, cache on/off, cold/warm) that
  must give the same report bytes; add ("ray", ["--executor", "ray"]) where Ray runs.
- SECRET_ENV: every environment variable that gets the sentinel key; a new backend's
  key variable goes here, and its run (against a 127.0.0.1 server) next to
  test_llm_backend_uses_the_key_only_in_its_request_and_reaches_only_loopback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

SENTINEL = "sk-evalharness-SENTINEL-5f0c1a9e"
SECRET_ENV = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "EVALHARNESS_API_KEY", "EVALHARNESS_LLM_API_KEY",
              "LLM_API_KEY", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")
ROUGE_ONLY = "scorers:\n  rouge: {}\ngate:\n  rules:\n    - metric: rouge.rouge1\n      min: 0.1\n"


def report_without_run(text: str) -> str:
    """The report text up to the "run" key, which holds timing and provenance only.
    The key must be last, so everything before it is compared byte for byte."""
    data = json.loads(text)
    assert list(data)[-1] == "run"
    head, sep, _ = text.rpartition('\n  "run": ')
    assert sep
    return head


def assert_no_secret(*texts_or_paths) -> None:
    for item in texts_or_paths:
        if isinstance(item, Path):
            files = [p for p in item.rglob("*") if p.is_file()] if item.is_dir() else [item]
            for f in files:
                assert SENTINEL.encode() not in f.read_bytes(), f"secret found in {f}"
        else:
            assert SENTINEL not in item


def secret_env() -> dict:
    return {name: SENTINEL for name in SECRET_ENV}


# -- determinism -----------------------------------------------------------------------------

# Ways to run the same job that must not change a byte of the report (apart from "run").
# Each runs after the previous one with the same score cache, so the list also
# covers a cold cache (first), a warm one (later) and no cache at all.
EXECUTOR_VARIANTS = [
    ("1 worker, cold cache", ["--workers", "1"]),
    ("2 workers, warm cache", ["--workers", "2"]),
    ("no cache, 2 workers", ["--no-cache", "--workers", "2"]),
    ("1 worker, warm cache", ["--workers", "1"]),
]


def test_runs_give_identical_reports_apart_from_run(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(ROUGE_ONLY)
    texts = []
    for i, (name, flags) in enumerate(EXECUTOR_VARIANTS):
        r = run_cli("run", "cases", "--config", str(config), "--out", str(tmp_path / f"out{i}"), "-q", *flags)
        assert r.returncode in (0, 1), (name, r.stderr)
        texts.append((tmp_path / f"out{i}" / "report.json").read_text(encoding="utf-8"))
    for (name, _), text in zip(EXECUTOR_VARIANTS[1:], texts[1:]):
        assert report_without_run(text) == report_without_run(texts[0]), name
    run1, run2 = json.loads(texts[0])["run"], json.loads(texts[1])["run"]
    assert set(run1) >= {"started_at", "duration_s", "provenance"}


def test_report_is_independent_of_case_order_of_runs_in_process():
    """Same inputs in process twice (fresh scorer objects) -> same dumps."""
    from evalharness.io.cases import load_cases
    from evalharness.core.config import config_from_document
    from evalharness.io.safe_yaml import load_yaml
    from evalharness.core.report import dumps
    from evalharness.engine.runner import evaluate

    config = config_from_document(load_yaml(Path("c.yaml"), text=ROUGE_ONLY))
    cases = load_cases([ROOT / "cases"])
    a = dumps(evaluate(cases, config))
    b = dumps(evaluate(cases, config))
    assert report_without_run(a) == report_without_run(b)


# -- provenance ------------------------------------------------------------------------------

def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
                                   GIT_COMMITTER_EMAIL="t@t")).stdout.strip()


def test_report_records_what_reproduces_it(tmp_path):
    repo = tmp_path / "repo"
    (repo / "cases").mkdir(parents=True)
    (repo / "cases" / "c.yaml").write_text((ROOT / "tests/fixtures/broken/valid/case.yaml").read_text())
    config = repo / "config.yaml"
    config.write_text(ROUGE_ONLY)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "cases")
    head = _git(repo, "rev-parse", "HEAD")

    r = run_cli("run", "cases", "--config", "config.yaml", "--out", "out", cwd=repo)
    assert r.returncode == 0, r.stderr
    rep = json.loads((repo / "out" / "report.json").read_text())
    prov = rep["run"]["provenance"]
    assert prov["git"] == {"commit": head, "dirty": False}
    for pkg in ("evalharness", "pyyaml", "numpy", "rouge-score"):
        assert prov["packages"][pkg]
    assert prov["python"] == sys.version.split()[0]
    import importlib.metadata as md
    assert rep["signatures"]["rouge"] == (f"rouge|types:rouge1,rouge2,rougeL,rougeLsum|stem:yes|lsum_split:yes|"
                                          f"multiref:max|v:{md.version('rouge-score')}")
    assert rep["config"]["scorers"] == {"rouge": {"types": ["rouge1", "rouge2", "rougeL", "rougeLsum"],
                                                  "use_stemmer": True, "split_summaries": True}}
    assert rep["config"]["gate"][0]["metric"] == "rouge.rouge1" and rep["config"]["gate"][0]["min"] == 0.1
    assert rep["config"]["bootstrap"] == {"resamples": 1000, "confidence": 0.95, "seed": 12345}

    # An edit to the case tree makes it dirty; the report says so.
    with open(repo / "cases" / "c.yaml", "a") as fh:
        fh.write("# edited\n")
    r = run_cli("run", "cases", "--config", "config.yaml", "--out", "out", cwd=repo)
    assert json.loads((repo / "out" / "report.json").read_text())["run"]["provenance"]["git"] == {
        "commit": head, "dirty": True}


def test_provenance_outside_a_repository_has_no_git(tmp_path):
    from evalharness.engine.runner import provenance
    (tmp_path / "cases").mkdir()
    prov = provenance(tmp_path / "cases")
    assert "git" not in prov and prov["packages"]["evalharness"]


# -- secrets ---------------------------------------------------------------------------------

def test_api_keys_never_reach_reports_logs_or_errors(tmp_path):
    env = secret_env()
    config = tmp_path / "config.yaml"
    config.write_text(ROUGE_ONLY)
    ok = run_cli("run", "cases", "--config", str(config), "--out", str(tmp_path / "out"), "--format", "json",
                 env=env)
    assert ok.returncode in (0, 1), ok.stderr
    bad = run_cli("run", "cases", "--config", str(ROOT / "tests/fixtures/broken/configs/unknown-scorer.yaml"),
                  env=env)
    assert bad.returncode == 2
    rendered = [run_cli("report", str(tmp_path / "out" / "report.json"), "--format", f, env=env).stdout
                for f in ("text", "markdown")]
    cache = Path(os.environ["EVALHARNESS_CACHE_DIR"])  # each test's own (conftest); the run filled it
    assert any(f.is_file() for f in cache.rglob("*"))
    assert_no_secret(ok.stdout, ok.stderr, bad.stdout, bad.stderr, *rendered, tmp_path / "out", cache)


def test_no_config_option_holds_a_secret_value():
    """Keys come from the environment only: no scorer option is named like a key or token."""
    import dataclasses
    from evalharness.core import registry

    for name in registry.names():
        cls = registry.get_scorer_class(name)
        for f in dataclasses.fields(cls.Options):
            assert not any(w in f.name.lower() for w in ("key", "token", "secret", "password")), (name, f.name)


# -- network ---------------------------------------------------------------------------------

SITECUSTOMIZE = textwrap.dedent('''
    import os, socket
    _LOG = os.environ["EVALHARNESS_NET_LOG"]
    _LOCAL = ("127.", "::1", "localhost", "0.0.0.0")

    def _check(address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, bytes):
            host = host.decode()
        if isinstance(host, str) and not host.startswith(_LOCAL) and "/" not in host:
            with open(_LOG, "a") as fh:
                fh.write(f"{host}\\n")
            raise OSError(f"network blocked by test: {host}")

    _connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address)
        return _connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address)
        return _connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host is not None:
            _check((host,))
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
''')


def guarded_env(tmp_path: Path) -> tuple[dict, Path]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "network-attempts.log"
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(secret_env())
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
    env["EVALHARNESS_NET_LOG"] = str(log)
    return env, log


def run_guarded(env: dict, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evalharness", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)


def test_network_guard_really_blocks(tmp_path):
    """The guard itself works: a connection to a public address is refused and logged."""
    env, log = guarded_env(tmp_path)
    r = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('93.184.216.34', 80), 1)"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "network blocked by test" in r.stderr
    assert log.read_text() == "93.184.216.34\n"


def test_validate_and_rouge_run_open_no_network(tmp_path):
    env, log = guarded_env(tmp_path)
    config = tmp_path / "config.yaml"
    config.write_text(ROUGE_ONLY)
    assert run_guarded(env, "validate").returncode == 0
    r = run_guarded(env, "run", "cases", "--config", str(config), "--out", str(tmp_path / "out"))
    assert r.returncode in (0, 1), r.stderr
    assert not log.exists(), log.read_text()


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """The README's main job once, uninterrupted: cold cache, 1 worker, every
    non-loopback connection refused, offline switches unset, sentinel API keys set.
    Shared by the slow tests below as the reference report."""
    tmp = tmp_path_factory.mktemp("default-run")
    env, log = guarded_env(tmp)
    env["EVALHARNESS_CACHE_DIR"] = str(tmp / "cache")
    out = tmp / "out"
    r = run_guarded(env, "run", "cases/", "--config", "configs/default.yaml", "--out", str(out), "-q",
                    "--workers", "1")
    return tmp, env, log, r, (out / "report.json").read_text(encoding="utf-8") if (out / "report.json").exists() else ""


@pytest.mark.slow
def test_default_run_is_deterministic_offline_and_keeps_secrets(default_run):
    """The main job twice (cold cache and 1 worker, then warm cache and 2 workers):
    it opens no connection, leaks no key, and gives byte-identical reports apart from "run"."""
    tmp, env, log, first, first_text = default_run
    assert first.returncode in (0, 1), first.stderr  # 0/1 = gate verdict; 3 would be a scorer failure
    out = tmp / "out2"
    r = run_guarded(env, "run", "cases/", "--config", "configs/default.yaml", "--out", str(out), "-q",
                    "--workers", "2")
    assert r.returncode == first.returncode, r.stderr
    for run in (first, r):
        assert "Traceback" not in run.stderr
        assert_no_secret(run.stdout, run.stderr)
    assert_no_secret(tmp / "out", out, tmp / "cache")
    assert not log.exists(), "network attempts: " + log.read_text()
    assert report_without_run((out / "report.json").read_text(encoding="utf-8")) == report_without_run(first_text)
    rep = json.loads(first_text)
    assert set(rep["signatures"]) == {"rouge", "bertscore", "support"}
    assert "all-MiniLM-L6-v2" in rep["signatures"]["bertscore"]


# -- crashes and kills -----------------------------------------------------------------------

def test_internal_error_never_reads_as_a_gate_verdict(monkeypatch, capsys):
    """A bug (any unexpected exception) exits 3, never 1 ("gate failed") or 0."""
    from evalharness.cli import main
    from evalharness.cli import validate

    def boom(args):
        raise RuntimeError("simulated bug\nsecond line")

    monkeypatch.setattr(validate, "run", boom)
    monkeypatch.chdir(ROOT)
    assert main(["validate"]) == 3
    err = capsys.readouterr().err
    assert err == ("evalharness: internal error: RuntimeError: simulated bug\\nsecond line "
                   "(set EVALHARNESS_DEBUG=1 for the traceback)\n")


KILL_DURING_WRITE = textwrap.dedent('''
    import os, signal, sys
    from pathlib import Path
    from evalharness.io import paths
    sig = getattr(signal, sys.argv[2])
    real_replace = os.replace
    def replace(src, dst):
        os.kill(os.getpid(), sig)  # killed after the temporary file is written, before the rename
        real_replace(src, dst)
    os.replace = replace
    paths.atomic_write(Path(sys.argv[1]), "new report " * 100000)
''')


@pytest.mark.parametrize("sig", ["SIGINT", "SIGKILL"])
def test_kill_while_writing_leaves_previous_report_intact(tmp_path, sig):
    target = tmp_path / "report.json"
    target.write_text("previous report\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", KILL_DURING_WRITE, str(target), sig], env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode != 0
    assert target.read_text() == "previous report\n"
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "report.json")
    if sig == "SIGINT":
        assert leftovers == []  # KeyboardInterrupt: the temporary file is removed
    else:
        # SIGKILL cannot be caught: a hidden temporary file may stay, never a partial report.json
        assert all(n.startswith(".report.json.") and n.endswith(".tmp") for n in leftovers)


@pytest.mark.slow
def test_killed_runs_leave_nothing_partial_and_rerun_matches(tmp_path, default_run):
    """The main job interrupted (Ctrl-C) in each phase: imports, model loading, scoring,
    writing; then killed (SIGKILL) mid-scoring; then run again to the end (resuming from
    the score cache the killed runs filled). Each interrupted run exits 130 with one
    line, leaves no output and no process; the last run gives the same report as an
    uninterrupted run; the cache still opens after the kills. Each phase is reached
    through the EVALHARNESS_TEST_SIGNAL_AT hook (the process signals itself when it gets
    there), so the test hits the same phase on a cold machine and a warm one; an
    earlier version sent SIGINT 8 s in and hit the imports on a fresh machine (issue 12).
    (Worker start-up is a phase of bigger jobs: tests/test_cli_faults.py covers it.)"""
    import signal

    from test_cli_faults import assert_gone

    out = tmp_path / "out"
    base = [sys.executable, "-m", "evalharness", "run", "cases/", "--config", "configs/default.yaml", "-q"]
    for i, (phase, sig) in enumerate((("imports", "INT"), ("load", "INT"), ("scoring", "INT"), ("writing", "INT"),
                                      ("scoring", "KILL"))):
        # each step starts from an empty cache of its own: a warm one would skip the phase it aims at
        cache = tmp_path / f"cache-{i}"
        env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", EVALHARNESS_CACHE_DIR=str(cache))
        p = subprocess.Popen(base + ["--out", str(out)], cwd=ROOT, env=dict(env, EVALHARNESS_TEST_SIGNAL_AT=f"{phase}:{sig}"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        _, err = p.communicate(timeout=600)
        if sig == "INT":
            assert p.returncode == 130, (phase, err[-500:])
            assert err.splitlines()[-1] == "evalharness: interrupted" and "Traceback" not in err, (phase, err[-500:])
        else:
            assert p.returncode == -signal.SIGKILL, err[-500:]
        names = sorted(x.name for x in out.iterdir()) if out.exists() else []
        # nothing partial: no output at all (a SIGKILL could only leave a hidden .tmp file)
        assert [n for n in names if sig == "INT" or not n.endswith(".tmp")] == [], (phase, names)
        assert_gone([], pgid=p.pid)
    # The cache the SIGKILL hit still opens and reports its entries; the rerun resumes from it.
    stats = subprocess.run([sys.executable, "-m", "evalharness", "cache", "stats", "--cache-dir",
                            str(cache)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert stats.returncode == 0, stats.stderr
    r = subprocess.run(base + ["--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    _, _, _, first, first_text = default_run  # the uninterrupted reference run, with a cache of its own
    assert r.returncode == first.returncode, r.stderr
    assert report_without_run((out / "report.json").read_text()) == report_without_run(first_text)


# -- the llm backend (issue 4): key from the environment, loopback only ----------------------

def _llm_config(tmp_path: Path, url: str, **extra) -> Path:
    llm = {"base_url": url, "model": "fake-judge", "api_key_env": "EVALHARNESS_LLM_API_KEY", "cache": True,
           "cache_dir": str(tmp_path / "llm-cache"), "backoff_s": 0.01, "timeout_s": 5, **extra}
    path = tmp_path / "llm.yaml"
    path.write_text(json.dumps({"scorers": {"rouge": {}, "support": {"backend": "llm", "llm": llm}}}))
    return path


def test_llm_backend_uses_the_key_only_in_its_request_and_reaches_only_loopback(tmp_path):
    """A real CLI run with the llm backend against a chat server on 127.0.0.1, every
    other connection refused and the sentinel key in the named variable: the key goes
    in the Authorization header and nowhere else (report, renderings, stdout, stderr,
    both caches); a server that echoes the key in a 401 error does not leak it either."""
    from tests.helpers.fake_chat_server import FakeChatServer

    env, log = guarded_env(tmp_path)
    env["EVALHARNESS_CACHE_DIR"] = str(tmp_path / "score-cache")
    case = str(ROOT / "cases" / "kursk-truce.yaml")
    with FakeChatServer() as srv:
        r = run_guarded(env, "run", case, "--config", str(_llm_config(tmp_path, srv.base_url)), "--out",
                        str(tmp_path / "out"), "-q", "--format", "markdown")
    assert r.returncode in (0, 1), r.stderr
    assert srv.requests and all(q["headers"]["Authorization"] == f"Bearer {SENTINEL}" for q in srv.requests)
    html = run_guarded(env, "report", str(tmp_path / "out" / "report.json"), "--format", "html")
    assert html.returncode == r.returncode, html.stderr  # report exits with the verdict of the run
    assert_no_secret(r.stdout, r.stderr, html.stdout, tmp_path / "out", tmp_path / "llm-cache",
                     tmp_path / "score-cache")
    assert any(f.is_file() for f in (tmp_path / "llm-cache").rglob("*"))

    with FakeChatServer(lambda req, n: ("json", 401, {"error": f"Incorrect API key provided: {SENTINEL}"})) as srv:
        bad = run_guarded(env, "run", case, "--config", str(_llm_config(tmp_path, srv.base_url, cache=False)),
                          "--out", str(tmp_path / "out-401"), "-q")
    assert bad.returncode == 3, bad.stdout + bad.stderr
    assert "HTTP 401" in bad.stdout
    assert_no_secret(bad.stdout, bad.stderr, tmp_path / "out-401")
    assert not log.exists(), "non-loopback connection attempts: " + log.read_text()


@pytest.mark.slow
def test_the_readme_sample_is_what_the_main_job_prints(default_run):
    """Every line of the README's sample output (between its sample markers; made by
    scripts/readme_sample.py) is a line the main job prints, and the main job passes its
    gate: the README's first command must succeed on a fresh machine."""
    _, _, _, first, _ = default_run
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- sample:start -->", 1)[1].split("<!-- sample:end -->", 1)[0]
    shown = [x for x in block.strip().strip("`").strip("\n").splitlines() if x.strip()]
    printed = set(first.stdout.splitlines())
    assert shown and [x for x in shown if x not in printed] == []
