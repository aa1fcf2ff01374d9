"""The one pipeline (``evalharness.run_evaluation``): the CLI and the pytest plugin both call
it, and its gate holds every failure source (ROUGE only: no model). ROUGE-1 values are
hand-computed: a summary equal to the reference is 1.0, one with no word of it 0.0, and
"the bridge" against "the bridge opened today" is P 1, R 0.5, F 2/3."""

from __future__ import annotations

import dataclasses
import json
import sys

import pytest

import evalharness
from evalharness.core.config import load_config
from evalharness.engine.pipeline import RunRequest, run_evaluation

CONFIG = """\
scorers:
  rouge: {types: [rouge1]}
gate:
  rules:
    - {metric: rouge.rouge1, min: 0.5, on: every}
compare:
  rules:
    - {metric: rouge.rouge1, max_drop: 0.0, significant: false}
"""

CASES = {
    "c1": {"id": "c1", "source": "The bridge opened today after years of work.",
           "references": ["the bridge opened today"],
           "candidates": {"good": "the bridge opened today", "bad": "rain fell"}},
    "c2": {"id": "c2", "source": "The council met on Monday to vote.",
           "references": ["the council met"],
           "candidates": {"good": "the council met", "bad": "the council met"}},
}

# An on-the-fly summariser: the reference of the bridge case; it fails on the council case.
FLY = """\
import sys
src = sys.stdin.read()
if "council" in src:
    sys.stderr.write("no summary for councils\\n"); sys.exit(1)
print("the bridge opened today")
"""


def _write_cases(folder, cases):
    folder.mkdir()
    for cid, case in cases.items():
        (folder / f"{cid}.yaml").write_text(json.dumps(case))
    return folder


@pytest.fixture
def setup(tmp_path):
    _write_cases(tmp_path / "cases", CASES)
    (tmp_path / "cfg.yaml").write_text(CONFIG)
    (tmp_path / "fly.py").write_text(FLY)
    return tmp_path


def _pipeline(folder, cfg, **kw):
    cases = evalharness.load_cases([folder])
    request = RunRequest(cases=tuple(cases), config=load_config(cfg), cases_root=folder, **kw)
    return run_evaluation(request)


def _gate_json(path):
    return json.loads(path.read_text())["gate"]


def test_pipeline_gives_the_gate_of_the_cli_run(cli, setup):
    result = _pipeline(setup / "cases", setup / "cfg.yaml")
    assert [f.message for f in result.gate.failures] == [
        "rouge.rouge1 (every) >= 0.5: bad on case 'c1' is 0.0000 (bound 0.5)"]
    assert result.comparison is None and result.fly is None
    r = cli("run", str(setup / "cases"), "--config", str(setup / "cfg.yaml"), "--out", str(setup / "out"),
            "--quiet", "--no-cache")
    assert r.returncode == 1, r.stdout + r.stderr
    assert _gate_json(setup / "out" / "report.json") == result.gate.to_json()


def test_a_summarise_failure_is_in_the_one_gate(setup):
    from evalharness.engine.summarise import parse_system_specs
    specs = parse_system_specs([f"fly=cmd:{sys.executable} {setup / 'fly.py'}"], timeout=60)
    result = _pipeline(setup / "cases", setup / "cfg.yaml", systems=tuple(specs))
    assert result.fly["fly"]["c1"].summary == "the bridge opened today"
    errors = [f for f in result.gate.failures if f.kind == "error"]
    assert [(f.case_id, f.system, f.metric) for f in errors] == [("c2", "fly", "summarise")]
    assert errors[0].message.startswith("summarise failed on case 'c2', system 'fly': ")
    assert "no summary for councils" in errors[0].message
    assert result.gate.has_errors and not result.gate.passed
    # the rule failure of the same run is still there beside it
    assert [f.message for f in result.gate.failures if f.kind == "rule"] == [
        "rouge.rouge1 (every) >= 0.5: bad on case 'c1' is 0.0000 (bound 0.5)"]


def _new_cases():
    """System 'bad' retired; 'good' says less on c1 (ROUGE-1 2/3 there, 1.0 on c2)."""
    new = {}
    for cid, case in CASES.items():
        cands = {"good": "the bridge" if cid == "c1" else case["candidates"]["good"]}
        new[cid] = {**case, "candidates": cands}
    return new


REGRESSIONS = [
    "system 'bad' is in the baseline but missing from the new run (list it under compare.allow_missing_systems "
    "if it was retired on purpose)",
    "rouge.rouge1: drop <= 0: good dropped by 0.1667 (1.0000 -> 0.8333",
]


def _regressions(gate):
    return [(f.kind, f.message[:len(want)]) for f, want in zip(gate.failures, REGRESSIONS)]


def test_a_missing_system_and_a_comparison_rule_are_in_the_one_gate(setup):
    base = _pipeline(setup / "cases", setup / "cfg.yaml").report
    new_cases = _write_cases(setup / "new-cases", _new_cases())
    result = _pipeline(new_cases, setup / "cfg.yaml", baseline=base)
    assert len(result.gate.failures) == 2
    assert _regressions(result.gate) == [("regression", m) for m in REGRESSIONS]
    assert result.comparison is not None and result.comparison.missing_systems == ("bad",)
    assert result.report.gate.checks[-1].kind == "regression"


def test_pipeline_with_a_baseline_gives_the_gate_of_run_baseline(cli, setup):
    r = cli("run", str(setup / "cases"), "--config", str(setup / "cfg.yaml"), "--out", str(setup / "base"),
            "--quiet", "--no-cache")
    assert (setup / "base" / "report.json").is_file(), r.stderr
    new_cases = _write_cases(setup / "new-cases", _new_cases())
    base = evalharness.read_report(setup / "base" / "report.json")
    result = _pipeline(new_cases, setup / "cfg.yaml", baseline=base)
    r = cli("run", str(new_cases), "--config", str(setup / "cfg.yaml"), "--out", str(setup / "new"),
            "--quiet", "--no-cache", "--baseline", str(setup / "base" / "report.json"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert _gate_json(setup / "new" / "report.json") == result.gate.to_json()
    assert _regressions(result.gate) == [("regression", m) for m in REGRESSIONS]


# ---- the plugin and the CLI agree ---------------------------------------------------------------------------
# They used to disagree: an `on: every` rule whose metric has no value for a system (ROUGE on a
# case without references) failed `run` (exit 1) but fell on no pytest item, so `pytest` passed.

NO_REFERENCE = """\
id: noref
source: |
  Millbrook council approved a 12 million pound repair of the Harbour Bridge on Tuesday.
candidates:
  good: Millbrook council approved a 12 million pound repair of the Harbour Bridge.
"""

EVERY = """\
scorers:
  rouge: {types: [rouge1]}
gate:
  rules:
    - {metric: rouge.rouge1, min: 0.5, on: every}
"""

NOT_APPLICABLE = "rouge.rouge1 (every) >= 0.5: system 'good' has no value (metric not applicable to any case)"


@pytest.fixture
def no_reference(pytester):
    pytester.makefile(".yaml", **{"configs/eh": EVERY})
    (pytester.path / "cases").mkdir()
    (pytester.path / "cases" / "noref.yaml").write_text(NO_REFERENCE)
    return pytester


def test_run_fails_a_rule_with_no_value(cli, no_reference):
    p = no_reference.path
    r = cli("run", str(p / "cases"), "--config", str(p / "configs" / "eh.yaml"), "--out", str(p / "out"),
            "--quiet", "--no-cache")
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"[rule] {NOT_APPLICABLE}" in r.stdout


def test_the_plugin_fails_the_same_rule(no_reference):
    from test_pytest_plugin import run
    result = run(no_reference, "cases", "--evalharness-config", "configs/eh.yaml", "--evalharness-no-cache")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*noref*good*", f"*[[]rule[]] {NOT_APPLICABLE}*"])
