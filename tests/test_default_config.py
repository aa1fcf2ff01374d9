"""The built-in default config (package data), the repository's example config, and `evalharness init`."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from conftest import ROOT, run_cli
from evalharness.core.config import BUILTIN_LABEL, builtin_config_text, load_builtin_config, load_config


def test_the_repository_example_agrees_with_the_built_in_default():
    """configs/default.yaml is the built-in default with the gate rule limited to model-a
    (the one bundled system meant to pass); everything else is the same."""
    builtin = load_builtin_config()
    example = load_config(ROOT / "configs" / "default.yaml")
    assert example.scorers == builtin.scorers
    assert example.bootstrap == builtin.bootstrap
    assert example.run == builtin.run
    assert example.compare == builtin.compare
    assert example.gate_no_rules == builtin.gate_no_rules is False
    assert [dataclasses.replace(r, systems=None) for r in example.gate] == list(builtin.gate)
    assert [r.systems for r in example.gate] == [("model-a",)]
    assert [r.systems for r in builtin.gate] == [None]   # a user's own systems are not named


def test_the_built_in_default_fails_a_significant_drop_of_every_headline_metric():
    from evalharness.core import registry
    config = load_builtin_config()
    headline = {f"{s.name}.{m}" for s in config.scorers
                for m in registry.get_scorer_class(s.name)(s.options).default_metrics}
    rules = {r.metric: r for r in config.compare.rules}
    assert set(rules) == headline
    assert all(r.max_drop == 0.0 and r.significant and r.systems is None for r in rules.values())
    assert not config.compare.no_rules and config.compare.allow_missing_systems == ()


def test_the_built_in_default_is_package_data():
    tomllib = pytest.importorskip("tomllib")
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "default_config.yaml" in data["tool"]["setuptools"]["package-data"]["evalharness"]
    assert builtin_config_text() == (ROOT / "evalharness" / "default_config.yaml").read_text()
    assert load_builtin_config().file == BUILTIN_LABEL


def test_a_project_without_configs_uses_the_built_in_default(tmp_path):
    (tmp_path / "cases").mkdir()
    shutil.copy(ROOT / "cases" / "cup-final.yaml", tmp_path / "cases")
    r = run_cli("validate", cwd=tmp_path)
    assert r.returncode == 0, r.stderr   # was: "configs/default.yaml: config file not found"
    assert r.stdout == ("ok: 1 case(s), 3 summaries from 3 system(s) (model-a, model-b, model-c); "
                        "scorers: rouge, bertscore, support; 1 gate rule(s)\n")
    r = run_cli("validate", "--config", "configs/default.yaml", cwd=tmp_path)   # named explicitly: must exist
    assert (r.returncode, r.stderr) == (2, "evalharness: error: configs/default.yaml: config file not found\n")


def test_init_writes_the_built_in_default_and_never_overwrites(tmp_path):
    r = run_cli("init", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("wrote configs/default.yaml: the built-in default config; edit its gate and compare "
                        "rules for your systems\n")
    written = tmp_path / "configs" / "default.yaml"
    assert written.read_text() == builtin_config_text()
    written.write_text(written.read_text() + "# mine\n")
    r = run_cli("init", cwd=tmp_path)
    assert (r.returncode, r.stderr) == (2, "evalharness: error: configs/default.yaml: already exists; not replaced "
                                           "(pass --force to overwrite it)\n")
    assert written.read_text().endswith("# mine\n")
    assert run_cli("init", "--force", cwd=tmp_path).returncode == 0
    assert written.read_text() == builtin_config_text()


def test_the_default_new_flags_rule_follows_the_recorded_false_alarm_rate():
    """docs/ci.md records how often a faithful rewrite gets a new flag (benchmarks/new_flag_rate.py),
    for every new flag and for new flags of a number the source lacks (--checks novel_number);
    the built-in default takes the broadest rule whose latest rate is at most 10%, else none."""
    import re
    text = (ROOT / "docs" / "ci.md").read_text()

    def latest(option: str):
        rows = re.findall(r"^\| (\d{4}-\d\d-\d\d) \| .* \| (\d+) of (\d+) \| ([\d.]+)% \| "
                          r"`python3 benchmarks/new_flag_rate.py" + re.escape(option) + r"` \|$", text, re.M)
        assert rows, f"docs/ci.md lost its new-flag false-alarm table{option}"
        _, alarms, pairs, rate = rows[-1]
        assert float(rate) == round(100 * int(alarms) / int(pairs), 1)
        return int(alarms) / int(pairs)

    every, numbers = latest(""), latest(" --checks novel_number")
    on = load_builtin_config().compare.new_flags
    if every <= 0.10:
        assert on is not None and (on.max, on.systems, on.checks) == (0, None, None)
    elif numbers <= 0.10:
        assert on is not None and (on.max, on.systems, on.checks) == (0, None, ("novel_number",))
    else:
        assert on is None
    assert load_config(ROOT / "configs" / "default.yaml").compare.new_flags == on
