"""compare: pairing, hand-computed deltas and p-values, claim changes, regression rules, CLI exit codes."""

from __future__ import annotations

import json

import pytest

from evalharness.verdict.compare import Comparison, compare_reports
from evalharness.engine.pipeline import judge
from evalharness.core.config import CompareConfig, RegressionRule
from evalharness.core.report import write_report
from tests.helpers.report_factory import case, cand, claim, make_report

SRC = "The council approved a 12 million pound repair on Tuesday. Work starts in May."


def _pair():
    s_base = "The council approved a repair. Work starts in May."
    s_new = "The council approved a 21 million pound repair. Work starts in June."
    base = make_report([
        case("c1", SRC, cand("A", s_base, {"rouge.rouge1": 0.5, "support.unsupported_claims": 0.0},
                             [claim(s_base, "The council approved a repair.", True, SRC, "The council approved")])),
        case("c2", SRC, cand("A", "Work starts in May.", {"rouge.rouge1": 0.6, "support.unsupported_claims": 1.0},
                             [claim("Work starts in May.", "Work starts in May.", False)])),
        case("c3", SRC, cand("A", "x", {"rouge.rouge1": 0.7, "support.unsupported_claims": 0.0})),
        case("gone", SRC, cand("A", "x", {"rouge.rouge1": 0.9})),
    ])
    new = make_report([
        case("c1", SRC, cand("A", s_new, {"rouge.rouge1": 0.4, "support.unsupported_claims": 2.0},
                             [claim(s_new, "The council approved a 21 million pound repair.", False, SRC,
                                    "The council approved", ("21",), checks=("novel_number",)),
                              claim(s_new, "Work starts in June.", False, checks=("date",))])),
        case("c2", SRC, cand("A", "Work starts in May.", {"rouge.rouge1": 0.5, "support.unsupported_claims": 0.0},
                             [claim("Work starts in May.", "Work starts in May.", True)])),
        case("c3", SRC, cand("A", "x", {"rouge.rouge1": 0.6, "support.unsupported_claims": 0.0})),
        case("added", SRC, cand("A", "x", {"rouge.rouge1": 0.1})),
    ])
    return base, new


def test_deltas_and_exact_p_value_are_hand_computed():
    base, new = _pair()
    comp = compare_reports(base, new, CompareConfig(alpha=0.3))
    d = comp.delta("A", "rouge.rouge1")
    # shared cases c1..c3: 0.5,0.6,0.7 -> 0.4,0.5,0.6; every difference is -0.1
    assert d.stats.n == 3
    assert d.stats.base_mean == pytest.approx(0.6)
    assert d.stats.new_mean == pytest.approx(0.5)
    assert d.stats.delta == pytest.approx(-0.1)
    # sign flips of three equal differences: only the two all-same-sign arrangements reach |sum| = 0.3 -> 2/8
    assert d.stats.p_value == pytest.approx(0.25)
    assert d.significant  # 0.25 < alpha 0.3
    assert d.stats.ci_low == pytest.approx(-0.1) and d.stats.ci_high == pytest.approx(-0.1)
    assert d.drop == pytest.approx(0.1)
    u = comp.delta("A", "support.unsupported_claims")
    assert u.stats.delta == pytest.approx(1 / 3)  # (2-0) + (0-1) + 0 over 3
    assert u.drop == pytest.approx(1 / 3)          # lower is better: a rise is a drop


def test_missing_and_extra_cases_are_listed_not_dropped():
    base, new = _pair()
    comp = compare_reports(base, new)
    assert comp.shared_cases == ("c1", "c2", "c3")
    assert comp.missing_cases == ("gone",)
    assert comp.extra_cases == ("added",)


def test_claims_newly_flagged_and_no_longer_flagged():
    base, new = _pair()
    comp = compare_reports(base, new)
    c1 = comp.change("c1", "A")
    assert [c.text for c in c1.newly_flagged] == ["The council approved a 21 million pound repair.",
                                                  "Work starts in June."]
    assert c1.no_longer_flagged == () and c1.summary_changed and c1.regressed
    c2 = comp.change("c2", "A")
    assert c2.newly_flagged == ()
    assert [c.text for c in c2.no_longer_flagged] == ["Work starts in May."]
    # c1: two new flags; c2 and c3 both lost 0.1 of rouge1 (c2's fewer unsupported claims do not offset it)
    assert [w.case_id for w in comp.worst()] == ["c1", "c2", "c3"]


@pytest.mark.parametrize("rule, alpha, passed", [
    (RegressionRule("rouge.rouge1", max_drop=0.05, significant=False), 0.05, False),  # drop 0.1 > 0.05
    (RegressionRule("rouge.rouge1", max_drop=0.05, significant=True), 0.05, True),    # p=0.25: not significant
    (RegressionRule("rouge.rouge1", max_drop=0.05, significant=True), 0.3, False),    # p=0.25 < 0.3
    (RegressionRule("rouge.rouge1", max_drop=0.15, significant=False), 0.05, True),   # within the allowed drop
    (RegressionRule("support.unsupported_claims", max_drop=0.3, significant=False), 0.05, False),  # rose 1/3
    (RegressionRule("rouge.rouge1", systems=("B",), significant=False), 0.05, False),  # no such system
])
def test_regression_rules(rule, alpha, passed):
    base, new = _pair()
    comp = compare_reports(base, new, CompareConfig(alpha=alpha, rules=(rule,)))
    assert comp.gate.passed is passed
    assert all(f.kind == "regression" for f in comp.gate.failures)
    assert len(comp.gate.checks) == 1


def test_scorer_errors_in_the_new_run_fail_the_comparison_as_errors():
    base, new = _pair()
    broken = make_report([case("c1", SRC, cand("A", "x", {}, errors={"support": "boom"}))])
    comp = compare_reports(base, broken)
    assert comp.gate.has_errors and not comp.gate.passed
    assert comp.missing_candidates == ()
    assert comp.delta("A", "rouge.rouge1") is None


def test_judge_adds_regressions_to_the_run_gate():
    base, new = _pair()
    merged = judge(new, baseline=base, compare=CompareConfig(rules=(RegressionRule("rouge.rouge1",
                                                                                   significant=False),))).report
    assert not merged.gate.passed
    assert [f.kind for f in merged.gate.failures] == ["regression"]


def test_comparison_json_round_trips():
    base, new = _pair()
    comp = compare_reports(base, new)
    assert Comparison.from_json(json.loads(json.dumps(comp.to_json()))) == comp


def test_rules_come_from_the_new_reports_recorded_config():
    base, new = _pair()
    import dataclasses
    new = dataclasses.replace(new, config={"compare": {"alpha": 0.05, "resamples": 200, "seed": 1, "rules": [
        {"metric": "rouge.rouge1", "max_drop": 0.0, "significant": False, "systems": None}]}})
    comp = compare_reports(base, new)
    assert not comp.gate.passed and comp.gate.failures[0].metric == "rouge.rouge1"


# ---- CLI ---------------------------------------------------------------------------------------------------

@pytest.fixture
def reports(tmp_path):
    base, new = _pair()
    write_report(base, tmp_path / "base.json")
    write_report(new, tmp_path / "new.json")
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("scorers: [rouge]\ncompare:\n  rules:\n    - metric: rouge.rouge1\n      max_drop: 0.05\n"
                   "      significant: false\n")
    return tmp_path


NO_CHECKS_LINE = ("  [regression] the regression gate checked nothing: compare.rules is empty (add compare.rules, "
                  "or set 'compare: {no_rules: true}' to accept a comparison that fails only on scorer errors)")


def test_cli_compare_without_rules_fails_loudly(cli, reports):
    r = cli("compare", str(reports / "base.json"), str(reports / "new.json"))
    assert r.returncode == 1, r.stderr
    assert "cases only in the baseline (1): gone" in r.stdout
    assert "cases only in the new run (1): added" in r.stdout
    assert "+ newly flagged: \"Work starts in June.\"" in r.stdout
    assert "- no longer flagged: \"Work starts in May.\"" in r.stdout
    assert r.stdout.splitlines()[-2:] == ["REGRESSION GATE FAILED (1 failure(s))", NO_CHECKS_LINE]


def test_cli_compare_no_rules_switch_passes_and_says_so(cli, reports):
    cfg = reports / "none.yaml"
    cfg.write_text("scorers: [rouge]\ncompare:\n  no_rules: true\n")
    r = cli("compare", str(reports / "base.json"), str(reports / "new.json"), "--config", str(cfg))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == ("REGRESSION GATE PASSED (0 checks: compare.no_rules is set, so only a "
                                         "scorer error could fail it)")


def test_cli_compare_no_rules_with_rules_is_a_config_error(cli, reports):
    cfg = reports / "both.yaml"
    cfg.write_text("scorers: [rouge]\ncompare:\n  no_rules: true\n  rules:\n    - {metric: rouge.rouge1}\n")
    r = cli("compare", str(reports / "base.json"), str(reports / "new.json"), "--config", str(cfg))
    assert r.returncode == 2
    assert r.stderr == (f"evalharness: error: {cfg}:3: field 'compare.no_rules': 'no_rules: true' contradicts the 1 "
                        "rule(s) under 'compare.rules'; keep one of the two\n")


def _with_system_b(report, drop_b=False):
    import dataclasses
    cases = []
    for c in report.cases:
        extra = () if drop_b else (cand("B", "y", {"rouge.rouge1": 0.5}),)
        cases.append(dataclasses.replace(c, candidates=c.candidates + extra))
    return make_report(list(cases))


def test_a_system_missing_from_the_new_run_fails_unless_allowed(cli, tmp_path):
    base, new = _pair()
    write_report(_with_system_b(base), tmp_path / "base.json")
    write_report(_with_system_b(new, drop_b=True), tmp_path / "new.json")
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("scorers: [rouge]\ncompare:\n  rules:\n    - {metric: rouge.rouge1, max_drop: 0.5}\n")
    r = cli("compare", str(tmp_path / "base.json"), str(tmp_path / "new.json"), "--config", str(cfg))
    assert r.returncode == 1, r.stdout + r.stderr
    assert ("  [regression] system 'B' is in the baseline but missing from the new run (list it under "
            "compare.allow_missing_systems if it was retired on purpose)") in r.stdout.splitlines()
    cfg.write_text("scorers: [rouge]\ncompare:\n  allow_missing_systems: [B]\n  rules:\n"
                   "    - {metric: rouge.rouge1, max_drop: 0.5}\n")
    r = cli("compare", str(tmp_path / "base.json"), str(tmp_path / "new.json"), "--config", str(cfg))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == "REGRESSION GATE PASSED (2 check(s))"


HEADLINE = {"rouge.rouge1": True, "rouge.rouge2": True, "rouge.rougeL": True, "rouge.rougeLsum": True,
            "bertscore.f1": True, "support.supported_rate": True, "support.unsupported_claims": False,
            "support.score": True, "support.consistent": True}


def test_the_default_config_fails_a_significant_drop_of_a_headline_metric(cli, root, tmp_path):
    """The issue's case: supported_rate fell from 0.6 to 0.1 and compare said PASSED (0 check(s))."""
    def rep(rates):
        cases = [case(f"c{i}", SRC, cand("model-a", "x", {**{m: 0.5 for m in HEADLINE}, "support.supported_rate": r,
                                                           "support.unsupported_claims": 1.0}))
                 for i, r in enumerate(rates)]
        return make_report(cases, metrics=HEADLINE)
    write_report(rep([0.6] * 10), tmp_path / "base.json")
    write_report(rep([0.1] * 10), tmp_path / "new.json")
    for config in (root / "configs" / "default.yaml", root / "evalharness" / "default_config.yaml"):
        r = cli("compare", str(tmp_path / "base.json"), str(tmp_path / "new.json"), "--config", str(config))
        assert r.returncode == 1, r.stdout + r.stderr
        assert r.stdout.splitlines()[-2:] == [
            "REGRESSION GATE FAILED (1 failure(s))",
            "  [regression] support.supported_rate: drop <= 0, significant: model-a dropped by 0.5000 "
            "(0.6000 -> 0.1000, p=0.001953, n=10)"]
    # the same two reports, each rule checked once for the one system: 9 metric rules and the
    # new_flags rule (numbers the source lacks), 10 passing or failing checks
    from evalharness.verdict.compare import compare_reports
    from evalharness.core.config import load_config
    from evalharness.core.report import read_report
    comp = compare_reports(read_report(tmp_path / "base.json"), read_report(tmp_path / "new.json"),
                           load_config(root / "configs" / "default.yaml").compare)
    assert len(comp.gate.checks) == 10
    assert [c.name for c in comp.gate.checks if c.name.startswith("new_flags")] == ["new_flags <= 0 (novel_number)"]


def test_cli_compare_fails_on_regression_with_junit(cli, reports):
    junit = reports / "j.xml"
    r = cli("compare", str(reports / "base.json"), str(reports / "new.json"), "--config", str(reports / "cfg.yaml"),
            "--format", "markdown", "--junit", str(junit))
    assert r.returncode == 1, r.stderr
    assert r.stdout.startswith("## evalharness: ❌ gate failed (1 failure(s))")
    assert r"| A | rouge\.rouge1 ↑ | 0.600 | 0.500 | -0.100 [-0.100, -0.100] | 0.25 |" in r.stdout
    assert 'failures="1"' in junit.read_text()


def test_cli_compare_json(cli, reports):
    r = cli("compare", str(reports / "base.json"), str(reports / "new.json"), "--format", "json")
    data = json.loads(r.stdout)
    assert data["cases"] == {"shared": ["c1", "c2", "c3"], "missing": ["gone"], "extra": ["added"], "changed": []}


def test_cli_compare_bad_input_is_exit_2(cli, reports):
    (reports / "bad.json").write_text("{not json")
    r = cli("compare", str(reports / "base.json"), str(reports / "bad.json"))
    assert r.returncode == 2
    assert r.stderr.startswith(f"evalharness: error: {reports / 'bad.json'}:1: not a JSON report")
    assert "Traceback" not in r.stderr


def test_cli_compare_scorer_errors_exit_3(cli, reports, tmp_path):
    broken = make_report([case("c1", SRC, cand("A", "x", {}, errors={"support": "boom"}))])
    write_report(broken, tmp_path / "broken.json")
    r = cli("compare", str(reports / "base.json"), str(tmp_path / "broken.json"))
    assert r.returncode == 3


def test_judging_twice_keeps_one_copy_of_the_regressions():
    base, new = _pair()
    config = CompareConfig(rules=(RegressionRule("rouge.rouge1", significant=False),))
    once = judge(new, baseline=base, compare=config).report
    twice = judge(once, baseline=base, compare=config).report
    assert twice.gate == once.gate


# ---- newly flagged claims: the new_flags rule ---------------------------------------------------------------

def test_new_flags_rule_fails_above_max_and_names_each_claim_and_its_words():
    from evalharness.core.config import NewFlagsRule
    base, new = _pair()
    comp = compare_reports(base, new, CompareConfig(new_flags=NewFlagsRule(max=1)))
    assert not comp.gate.passed
    [f] = comp.gate.failures
    assert (f.kind, f.rule, f.metric, f.system, f.value, f.bound) == ("regression", "new_flags <= 1", "new_flags",
                                                                     "A", 2.0, 1.0)
    assert f.message == ("new_flags <= 1: A has 2 newly flagged claim(s): case c1: \"The council approved a 21 "
                         "million pound repair.\" (offending: '21'); case c1: \"Work starts in June.\"")
    assert comp.warnings == ()   # the rule is on, and no 'significant' rule: nothing to warn about
    ok = compare_reports(base, new, CompareConfig(new_flags=NewFlagsRule(max=2)))
    assert ok.gate.passed and [c.message for c in ok.gate.checks] == ["2 newly flagged claim(s)"]


def test_a_new_flags_rule_limited_to_checks_counts_only_their_claims():
    from evalharness.core.config import NewFlagsRule
    base, new = _pair()
    comp = compare_reports(base, new, CompareConfig(new_flags=NewFlagsRule(max=0, checks=("novel_number",))))
    [f] = comp.gate.failures
    assert (f.rule, f.value) == ("new_flags <= 0 (novel_number)", 1.0)
    assert f.message == ("new_flags <= 0 (novel_number): A has 1 newly flagged claim(s): case c1: \"The council "
                         "approved a 21 million pound repair.\" (offending: '21')")
    ok = compare_reports(base, new, CompareConfig(new_flags=NewFlagsRule(max=0, checks=("negation",))))
    assert ok.gate.passed   # neither new flag came from a negation check
    assert NewFlagsRule(checks=("novel_numbr",)).validate() == (
        "checks", NewFlagsRule(checks=("novel_numbr",)).validate()[1])
    assert "did you mean 'novel_number'" in NewFlagsRule(checks=("novel_numbr",)).validate()[1]


def test_new_flags_off_is_a_warning_not_a_pass_in_silence():
    base, new = _pair()
    comp = compare_reports(base, new, CompareConfig(rules=(RegressionRule("rouge.rouge1", max_drop=1.0),)))
    assert comp.gate.passed
    assert comp.warnings[0].startswith("2 claim(s) newly flagged against the baseline, not gated: "
                                       "compare.new_flags is off")


def test_new_flags_needs_the_support_scorer_in_both_runs():
    import dataclasses
    from evalharness.core.config import NewFlagsRule
    base, new = _pair()
    base = dataclasses.replace(base, signatures={"rouge": "rouge|test"})
    comp = compare_reports(base, new, CompareConfig(new_flags=NewFlagsRule(max=5)))
    assert [f.message for f in comp.gate.failures] == [
        "new_flags <= 5: the support scorer is not in both runs, so newly flagged claims cannot be counted"]


# ---- systems named differently: --pair / compare.pair -----------------------------------------------------

def _renamed(report, old, new_name):
    import dataclasses
    cases = tuple(dataclasses.replace(c, candidates=tuple(dataclasses.replace(x, system=new_name)
                                                          for x in c.candidates if x.system == old))
                  for c in report.cases)
    return dataclasses.replace(report, cases=cases, systems={new_name: report.systems[old]})


def test_differently_named_systems_compare_nothing_and_fail_saying_so():
    base, new = _pair()
    base = _renamed(base, "A", "old")
    comp = compare_reports(base, new, CompareConfig(rules=(RegressionRule("rouge.rouge1", max_drop=1.0),)))
    assert comp.shared_systems == () and comp.deltas == ()
    assert not comp.gate.passed
    assert comp.gate.failures[0].message == ("no system is in both reports: nothing was compared (pair them with "
                                            "--pair A=old)")
    # even a config that accepts a gate without rules does not accept comparing nothing
    none = compare_reports(base, new, CompareConfig(no_rules=True, allow_missing_systems=("old",)))
    assert [f.message for f in none.gate.failures] == [comp.gate.failures[0].message]


def test_a_pair_compares_the_two_names_as_one_system():
    base, new = _pair()
    base = _renamed(base, "A", "old")
    paired = compare_reports(base, new, CompareConfig(rules=(RegressionRule("rouge.rouge1", significant=False),),
                                                      pair=(("A", "old"),)))
    plain = compare_reports(_pair()[0], new, CompareConfig(rules=(RegressionRule("rouge.rouge1", significant=False),)))
    assert paired.shared_systems == ("A",) and paired.missing_systems == () and paired.pairs == (("A", "old"),)
    assert paired.deltas == plain.deltas and paired.changes == plain.changes
    assert [f.message for f in paired.gate.failures] == [f.message for f in plain.gate.failures]


def test_a_pair_naming_an_absent_system_is_an_input_error():
    from evalharness.errors import InputError
    base, new = _pair()
    with pytest.raises(InputError) as e:
        compare_reports(base, new, CompareConfig(pair=(("A", "olld"),)))
    assert str(e.value) == ("field '--pair / compare.pair': pair A=olld: the baseline has no system 'olld'; "
                            "its systems: A")


def test_cli_compare_pair(cli, tmp_path):
    base, new = _pair()
    write_report(_renamed(base, "A", "old"), tmp_path / "base.json")
    write_report(new, tmp_path / "new.json")
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("scorers: [rouge]\ncompare:\n  rules:\n    - {metric: rouge.rouge1, max_drop: 0.5}\n")
    args = ("compare", str(tmp_path / "base.json"), str(tmp_path / "new.json"), "--config", str(cfg))
    r = cli(*args)
    assert r.returncode == 1, r.stderr
    assert "  [regression] no system is in both reports: nothing was compared (pair them with --pair A=old)" \
        in r.stdout.splitlines()
    r = cli(*args, "--pair", "A=old")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "paired: system 'A' of the new run with 'old' of the baseline" in r.stdout
    lines = r.stdout.splitlines()
    assert lines[0] == "NEWLY FLAGGED against the baseline: 2 claim(s) in 1 (case, system) pair(s)"
    assert lines[1] == "  case c1 / A (baseline: old)"
    r = cli(*args, "--pair", "A")
    assert (r.returncode, r.stderr) == (2, "evalharness: error: field '--pair': expected NEW=OLD (a system of the "
                                           "new run = a system of the baseline), got 'A'\n")


# ---- small samples: what the paired test can detect -------------------------------------------------------

def test_smallest_detectable_drop_is_hand_computed():
    from evalharness.verdict.compare import cases_needed, smallest_detectable_drop, smallest_p
    # n=6, alpha=0.05: the exact test's p is a multiple of 2/64, so p < 0.05 needs p = 2/64, i.e. every re-centred
    # difference a drop. x (positive = worse) = -d = [-0.1, 0, 0.2, -0.05, 0, 0.1], mean 0.025: x - 0.025 + t > 0
    # for all i exactly when t > 0.025 - min(x) = 0.125.
    d = [0.1, 0.0, -0.2, 0.05, 0.0, -0.1]
    assert smallest_detectable_drop(d, higher_is_better=True, alpha=0.05) == pytest.approx(0.125, abs=1e-4)
    assert smallest_detectable_drop([-x for x in d], higher_is_better=False, alpha=0.05) == \
        pytest.approx(0.125, abs=1e-4)
    # a slightly smaller drop is not significant on the real test
    from evalharness.stats.aggregate import paired_compare
    x = [-v - 0.025 + 0.12 for v in d]
    assert paired_compare([0.0] * 6, x).p_value == pytest.approx(4 / 64)
    # n=5: the smallest possible p is 2/32 = 0.0625 >= 0.05: no drop can ever be significant
    assert smallest_detectable_drop(d[:5], higher_is_better=True, alpha=0.05) is None
    assert (smallest_p(5), smallest_p(6), cases_needed(0.05), cases_needed(0.01)) == (0.0625, 0.03125, 6, 8)
    assert smallest_p(14) == pytest.approx(1 / 10001)


def test_a_comparison_too_small_for_significance_says_so():
    base, new = _pair()
    comp = compare_reports(base, new, CompareConfig(rules=(RegressionRule("rouge.rouge1", max_drop=0.05),)))
    assert comp.gate.passed                      # 3 cases: p is at least 0.25
    [p] = comp.power
    assert (p.system, p.metric, p.n, p.smallest_p, p.detectable_drop) == ("A", "rouge.rouge1", 3, 0.25, None)
    assert comp.warnings[-1] == ("with 3 paired case(s) no 'significant: true' rule can fail: the smallest p the "
                                 "paired test can give is 0.25, not below alpha 0.05 (it needs at least 6 cases)")
    from evalharness.render.compare import render_comparison_text
    text = render_comparison_text(comp)
    assert "warning: with 3 paired case(s) no 'significant: true' rule can fail" in text
    assert "A       rouge.rouge1  3  0.25        none (no p below alpha at this n)" in text
