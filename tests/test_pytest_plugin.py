"""The pytest plugin, run with ``pytester``: items per (case, system), expect and gate
rules, readable failures, and no collection where none was asked for."""

from __future__ import annotations

import importlib.metadata as md
import subprocess
import sys

import pytest

from conftest import ROOT


def _installed() -> bool:
    return any(ep.name == "evalharness" for ep in md.entry_points(group="pytest11"))


# With the entry point installed (pip install -e .) the plugin is already loaded; else load it by hand.
PLUGIN = [] if _installed() else ["-p", "evalharness.pytest_plugin"]


def run(pytester, *args):
    """A separate pytest process (numpy and torch cannot be re-imported in this one)."""
    pytester._monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester._monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return pytester.runpytest_subprocess(*PLUGIN, *args)

ROUGE_CONFIG = """\
scorers:
  rouge: {types: [rouge1]}
gate:
  rules:
    - {metric: rouge.rouge1, min: 0.9, systems: [weak]}
"""

CASE = """\
id: bridge
source: |
  Millbrook council approved a 12 million pound repair of the Harbour Bridge on Tuesday.
references:
  - Millbrook council approved a 12 million pound repair of the Harbour Bridge.
candidates:
  good: Millbrook council approved a 12 million pound repair of the Harbour Bridge.
  weak: The weather was mild in the north.
expect:
  good: {min: {rouge.rouge1: 0.9}}
  weak: {min: {rouge.rouge1: 0.5}}
"""


@pytest.fixture
def project(pytester):
    pytester.makefile(".yaml", **{"configs/eh": ROUGE_CONFIG})
    (pytester.path / "cases").mkdir()
    (pytester.path / "cases" / "bridge.yaml").write_text(CASE)
    pytester.makeini("[pytest]\ntestpaths = tests\n")
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_plain.py").write_text("def test_ok():\n    assert True\n")
    return pytester


def test_one_item_per_case_and_system_with_readable_failures(project):
    r = run(project, "cases/", "--evalharness-config", "configs/eh.yaml", "-v")
    r.assert_outcomes(passed=1, failed=2)
    r.stdout.fnmatch_lines(["*cases/bridge.yaml::bridge[[]good[]] PASSED*",
                            "*cases/bridge.yaml::bridge[[]weak[]] FAILED*",
                            "evalharness::gate[[]weak[]] FAILED*"])
    out = r.stdout.str()
    assert "bridge / weak: 1 gate failure(s)" in out
    # rouge1 of "The weather was mild in the north." against the reference: only "the" is shared,
    # P = 1/7, R = 1/12, F = 2/19 = 0.1053
    assert "[expect] expect bridge/weak: rouge.rouge1 = 0.1053, expected >= 0.5" in out
    assert "weak: 1 gate rule(s) failed" in out
    assert "rouge.rouge1 >= 0.9: weak has mean 0.1053 (bound 0.9)" in out
    assert "Traceback" not in out and "def runtest" not in out


def test_a_plain_run_never_collects_cases(project):
    r = run(project)                       # testpaths = tests: only the Python test
    r.assert_outcomes(passed=1)
    assert "bridge" not in r.stdout.str()


def test_yaml_inside_the_test_folders_is_not_a_case(project):
    (project.path / "tests" / "fixture.yaml").write_text(CASE.replace("id: bridge", "id: fixture"))
    r = run(project, "tests/", "--evalharness-config", "configs/eh.yaml")
    r.assert_outcomes(passed=1)


def test_other_yaml_is_left_alone(project):
    (project.path / "cases" / "workflow.yaml").write_text("name: ci\non: [push]\njobs: {}\n")
    r = run(project, "cases/", "--evalharness-config", "configs/eh.yaml", "--collect-only", "-q")
    assert r.ret == pytest.ExitCode.OK
    assert "workflow" not in r.stdout.str()
    r.stdout.fnmatch_lines(["cases/bridge.yaml::bridge[[]good[]]", "cases/bridge.yaml::bridge[[]weak[]]",
                            "evalharness::gate[[]weak[]]"])


def test_a_broken_case_is_a_collection_error_with_file_and_line(project):
    (project.path / "cases" / "bridge.yaml").write_text(CASE.replace("candidates:", "candidatez:"))
    r = run(project, "cases/", "--evalharness-config", "configs/eh.yaml")
    assert r.ret == pytest.ExitCode.INTERRUPTED
    r.stdout.fnmatch_lines(["*evalharness: *cases/bridge.yaml:6: field 'candidatez': unknown key 'candidatez' "
                            "(did you mean 'candidates'?)*"])


def test_a_bad_config_is_a_collection_error(project):
    r = run(project, "cases/", "--evalharness-config", "configs/missing.yaml")
    assert r.ret == pytest.ExitCode.INTERRUPTED
    r.stdout.fnmatch_lines(["*evalharness: *configs/missing.yaml: *"])
    assert "Traceback" not in r.stdout.str()


def _cli_cache_counts(project, *flags):
    """What `evalharness run` on the same cases finds in the cache: (hits, misses)."""
    import json
    from conftest import run_cli
    out = project.path / "cli-out"
    r = run_cli("run", str(project.path / "cases"), "--config", str(project.path / "configs" / "eh.yaml"),
                "--out", str(out), "--format", "json", *flags)
    assert r.returncode == 1, r.stderr  # the weak system fails its gate rule
    cache = json.loads(r.stdout)["run"]["cache"]
    return cache["hits"], cache["misses"]


def test_the_plugin_reads_and_writes_the_cli_score_cache(project, tmp_path, monkeypatch):
    """Issue 12: the plugin never read or wrote the score cache (13.5 s every run)."""
    monkeypatch.setenv("EVALHARNESS_CACHE_DIR", str(tmp_path / "shared"))
    run(project, "cases/", "--evalharness-config", "configs/eh.yaml").assert_outcomes(passed=1, failed=2)
    assert _cli_cache_counts(project) == (2, 0)      # the CLI finds what the plugin scored
    cdir = tmp_path / "flag"
    assert _cli_cache_counts(project, "--cache-dir", str(cdir)) == (0, 2)
    # and with --evalharness-cache-dir the plugin reads what the CLI scored there (the policy is reported)
    (project.path / "conftest.py").write_text(
        "import json, pytest\n"
        "def pytest_sessionfinish(session):\n"
        "    from evalharness.pytest_plugin import _state\n"
        "    st = _state(session.config)\n"
        "    print('CACHE=' + json.dumps(st.report.run.get('cache')))\n")
    r = run(project, "cases/", "--evalharness-config", "configs/eh.yaml", "--evalharness-cache-dir", str(cdir), "-s")
    assert 'CACHE={"hits": 2, "misses": 0}' in r.stdout.str()
    r = run(project, "cases/", "--evalharness-config", "configs/eh.yaml", "--evalharness-cache-dir",
            str(tmp_path / "never"), "-s", "--evalharness-no-cache")
    r.assert_outcomes(passed=1, failed=2)
    assert "CACHE=null" in r.stdout.str()
    assert not (tmp_path / "never").exists()


def test_importing_the_plugin_imports_no_harness_module():
    code = ("import sys, evalharness.pytest_plugin; "
            "bad = [m for m in ('evalharness.io.cases', 'evalharness.engine.runner', 'numpy', 'torch', 'yaml') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


SUPPORT_CASE = """\
id: bridge
source: |
  Millbrook council approved a 12 million pound repair of the Harbour Bridge on Tuesday.
  Work will start in May and take two years.
candidates:
  sys: Millbrook council approved a 21 million pound repair of the Harbour Bridge.
expect:
  sys: {flags: []}
"""


@pytest.mark.slow
def test_a_failing_item_lists_unsupported_claims_with_evidence(pytester):
    pytester.makefile(".yaml", **{"configs/s": "scorers: [support]\n"})
    (pytester.path / "cases").mkdir()
    (pytester.path / "cases" / "b.yaml").write_text(SUPPORT_CASE)
    r = run(pytester, "cases/", "--evalharness-config", "configs/s.yaml")
    r.assert_outcomes(failed=1)
    out = r.stdout.str()
    assert "[expect] expect bridge/sys: expected no flagged claim" in out
    assert '✗ unsupported' in out and '"21"' in out
    assert ('closest evidence [0:86]: "Millbrook council approved a 12 million pound repair of the Harbour Bridge '
            'on Tuesday."') in out
    assert "Traceback" not in out


def test_gate_items_have_their_own_node_id_and_the_count_adds_up(project):
    (project.path / "cases" / "zzz.yaml").write_text(CASE.replace("id: bridge", "id: zzz"))
    r = run(project, "cases/", "--evalharness-config", "configs/eh.yaml", "-v")
    r.stdout.fnmatch_lines(["*collected 5 items"])
    r.assert_outcomes(passed=2, failed=3)   # 4 case items + 1 gate item = 5
    out = r.stdout.str()
    assert "evalharness::gate[weak] FAILED" in out
    assert "zzz.yaml::evalharness-gate" not in out and "bridge.yaml::evalharness-gate" not in out


def test_a_rule_naming_an_absent_system_is_refused_as_validate_refuses_it(project, cli):
    (project.path / "configs" / "eh.yaml").write_text(ROUGE_CONFIG.replace("systems: [weak]", "systems: [model-a]"))
    r = run(project, "cases/", "--evalharness-config", "configs/eh.yaml")
    assert r.ret == pytest.ExitCode.INTERRUPTED
    v = cli("validate", "cases/", "--config", "configs/eh.yaml", cwd=project.path)
    assert v.returncode == 2
    line = ("configs/eh.yaml:5: field 'gate.rules[0].systems': names system 'model-a', which no case or runs file "
            "provides; systems here: good, weak")
    assert v.stderr == f"evalharness: error: {line}\n"
    assert f"evalharness: {line}" in r.stdout.str()
    assert "Traceback" not in r.stdout.str()


def test_a_gate_that_checks_nothing_fails_in_the_plugin_too(project):
    (project.path / "configs" / "none.yaml").write_text("scorers:\n  rouge: {types: [rouge1]}\n")
    (project.path / "cases" / "bridge.yaml").write_text(CASE.split("expect:")[0])
    r = run(project, "cases/", "--evalharness-config", "configs/none.yaml", "-v")
    r.stdout.fnmatch_lines(["*collected 3 items", "*evalharness::gate-checks-something FAILED*"])
    r.assert_outcomes(passed=2, failed=1)
    assert "[gate] the gate checked nothing: no gate rule and no case 'expect' entry applies" in r.stdout.str()
    (project.path / "configs" / "none.yaml").write_text("scorers:\n  rouge: {types: [rouge1]}\ngate: {no_rules: true}\n")
    r = run(project, "cases/", "--evalharness-config", "configs/none.yaml")
    r.stdout.fnmatch_lines(["*collected 2 items"])
    r.assert_outcomes(passed=2)
