from evalharness.stats.aggregate import MetricSummary
from evalharness.io.cases import Case, Expectation
from evalharness.core.config import GateRule
from evalharness.verdict.gate import evaluate_gate
from evalharness.core.report import CandidateResult, CaseResult
from evalharness.core.results import Claim, Span

SUMMARY = "Rovers won 3-1. Fans cheered."


def _results(errors=None):
    flagged = Claim(text="Rovers won 3-1.", start=0, end=15, supported=False, score=0.1,
                    evidence=Span("Rovers won 2-1.", 0, 15), unsupported_spans=(Span("3-1", 11, 14),),
                    verdict="unsupported")
    ok = Claim(text="Fans cheered.", start=16, end=29, supported=True, score=0.9, evidence=None)
    a = CandidateResult("a", SUMMARY, {"support.supported_rate": 0.5, "rouge.rouge1": 0.4}, claims=(flagged, ok),
                        errors=errors or {})
    b = CandidateResult("b", "Fans cheered.", {"support.supported_rate": 1.0, "rouge.rouge1": 0.2}, claims=(ok,))
    return [CaseResult("c1", "src", (), (a, b))]


SYSTEMS = {"a": {"support.supported_rate": MetricSummary(0.5, 0.5, 0.5, 1), "rouge.rouge1": MetricSummary(0.4, 0.3, 0.5, 1)},
           "b": {"support.supported_rate": MetricSummary(1.0, 1.0, 1.0, 1), "rouge.rouge1": MetricSummary(0.2, 0.1, 0.3, 1)}}


def _case(expect):
    return Case(id="c1", source="src", references=(), candidates={"a": SUMMARY, "b": "Fans cheered."}, expect=expect)


def test_min_rule_fails_with_value_and_bound():
    g = evaluate_gate([GateRule("support.supported_rate", min=0.8)], SYSTEMS, [_case({})], _results())
    assert not g.passed
    assert [f.system for f in g.failures] == ["a"]
    f = g.failures[0]
    assert (f.value, f.bound, f.kind) == (0.5, 0.8, "rule")
    assert "support.supported_rate >= 0.8: a has mean 0.5000 (bound 0.8)" == f.message


def test_rule_limited_to_named_systems_and_ci_ends():
    assert evaluate_gate([GateRule("support.supported_rate", min=0.8, systems=("b",))], SYSTEMS, [_case({})],
                         _results()).passed
    g = evaluate_gate([GateRule("rouge.rouge1", max=0.45, on="ci_high")], SYSTEMS, [_case({})], _results())
    assert [(f.system, f.value) for f in g.failures] == [("a", 0.5)]


def test_every_rule_checks_each_case():
    g = evaluate_gate([GateRule("rouge.rouge1", min=0.3, on="every")], SYSTEMS, [_case({})], _results())
    assert [(f.system, f.case_id) for f in g.failures] == [("b", "c1")]


def test_unknown_system_in_rule_fails():
    g = evaluate_gate([GateRule("rouge.rouge1", min=0.1, systems=("zzz",))], SYSTEMS, [_case({})], _results())
    assert not g.passed and "not in this run" in g.failures[0].message


def test_expect_flags_pass_and_fail():
    ok = evaluate_gate([], SYSTEMS, [_case({"a": Expectation(flags=("3-1",)), "b": Expectation(flags=())})],
                       _results())
    assert ok.passed and len(ok.checks) == 2
    bad = evaluate_gate([], SYSTEMS, [_case({"a": Expectation(flags=("Fans",)), "b": Expectation(flags=("Fans",))})],
                        _results())
    msgs = [f.message for f in bad.failures]
    assert msgs == ["expect c1/a: expected 'Fans' inside an unsupported span; flagged spans: '3-1'",
                    "expect c1/b: expected 'Fans' inside an unsupported span; flagged spans: none"]
    none = evaluate_gate([], SYSTEMS, [_case({"a": Expectation(flags=())})], _results())
    assert none.failures[0].message == "expect c1/a: expected no flagged claim, got: 'Rovers won 3-1.'"


def test_expect_metric_bounds():
    g = evaluate_gate([], SYSTEMS, [_case({"a": Expectation(min={"rouge.rouge1": 0.5}, max={"rouge.rouge2": 1.0})})],
                      _results(), scorers=("rouge", "support"))
    assert [f.message for f in g.failures] == ["expect c1/a: rouge.rouge1 = 0.4000, expected >= 0.5",
                                               "expect c1/a: rouge.rouge2 has no value"]


def test_scorer_errors_always_fail_the_gate():
    g = evaluate_gate([], SYSTEMS, [_case({})], _results(errors={"support": "boom"}))
    assert not g.passed and g.has_errors
    assert g.failures[0].message == "support failed on case 'c1', system 'a': boom"


def test_expectations_nothing_in_the_run_can_check_fail_the_gate():
    """Was: counted as a passed check. An expectation that cannot be checked is never met."""
    g = evaluate_gate([], SYSTEMS, [_case({"a": Expectation(flags=("Fans",), min={"bertscore.f1": 0.9})})],
                      _results(), scorers=("rouge",))
    assert not g.passed
    assert [f.message for f in g.failures] == [
        "expect c1/a: flags cannot be checked: the support scorer is not in this run",
        "expect c1/a: bertscore.f1 cannot be checked: the bertscore scorer is not in this run"]
    assert [c.passed for c in g.checks] == [False]


def test_a_system_whose_every_case_failed_is_not_evaluated_never_checked_nothing():
    failed = CandidateResult("c", "", {}, errors={"summarise": "exit 1"})
    results = [CaseResult("c1", "src", (), (failed,))]
    g = evaluate_gate([GateRule("rouge.rouge1", min=0.1)], {}, [], results, scorers=("rouge",))
    assert [f.kind for f in g.failures] == ["error", "rule"]
    assert g.failures[1].message == ("rouge.rouge1 >= 0.1: system 'c' not evaluated: no summaries "
                                     "(its summariser failed on every case)")
    assert not [f for f in g.failures if f.kind == "gate"]
