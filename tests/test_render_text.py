"""Plain-text rendering: one number format per metric, the kind of a failure said once,
missing summaries listed, and meta-eval's speed line for cached rows."""

from __future__ import annotations

from evalharness.render.text import render_text, system_table
from evalharness.core.report import GateCheck, GateFailure, GateResult
from report_factory import case, cand, make_report

SRC = "The council approved the repair."


def _report():
    return make_report([
        case("c1", SRC, cand("A", "x", {"support.supported_rate": 1.0, "rouge.rouge1": 0.5}),
             cand("B", "y", {"support.supported_rate": 0.0, "rouge.rouge1": 1.0})),
        case("c2", SRC, cand("A", "x", {"support.supported_rate": 1.0, "rouge.rouge1": 0.25}),
             cand("B", "y", {"support.supported_rate": 0.0, "rouge.rouge1": 0.75})),
    ])


def test_one_number_format_per_metric_row_and_column():
    """Was: "1 [1, 1]" next to "0.000 [0.000, 0.000]" in one row, and "rouge1=1" next to "rouge1=0.500"."""
    rows = system_table(_report())
    assert rows[2] == "rouge.rouge1 ↑            0.375 [0.250, 0.500] n=2  0.875 [0.750, 1.000] n=2"
    assert rows[3] == "support.supported_rate ↑  1 [1, 1] n=2              0 [0, 0] n=2"
    text = render_text(_report())
    assert "  B: rouge.rouge1=1.000, support.supported_rate=0" in text.splitlines()
    assert "  A: rouge.rouge1=0.500, support.supported_rate=1" in text.splitlines()


def test_missing_summaries_are_listed():
    import dataclasses
    rep = dataclasses.replace(_report(), missing_summaries={"B": ("c3", "c4")})
    assert ("missing summaries: system 'B' has none for 2 of 2 case(s) (accepted by --allow-missing / "
            "run.allow_missing): c3, c4") in render_text(rep).splitlines()


def test_a_regression_failure_names_its_kind_once():
    from evalharness.verdict.compare import describe_rule
    from evalharness.core.config import RegressionRule
    name = describe_rule(RegressionRule("rouge.rouge1", max_drop=0.0, significant=True))
    assert name == "rouge.rouge1: drop <= 0, significant"
    g = GateResult(passed=False, failures=(GateFailure("regression", f"{name}: A dropped by 0.1000", rule=name),),
                   checks=(GateCheck("regression", name, "A", None, False, "..."),))
    text = render_text(dataclasses_replace(_report(), gate=g))
    assert text.splitlines()[-1] == "  [regression] rouge.rouge1: drop <= 0, significant: A dropped by 0.1000"


def dataclasses_replace(obj, **kw):
    import dataclasses
    return dataclasses.replace(obj, **kw)


def test_meta_eval_says_cached_instead_of_a_rate():
    """Was: "scored 6 rows in 0.0s (39239.5 summaries/s, cached rows included)"."""
    from evalharness.cli.metaeval import render
    from evalharness.metaeval.metrics import meta_evaluate
    from evalharness.scorers.rouge import RougeScorer
    res = meta_evaluate("sig", "score", [("d", s, y, None) for s, y in ((0.1, 0), (0.2, 0), (0.8, 1), (0.9, 1))])
    assert render(res, "rouge", RougeScorer, 0.0001, 4, n_cached=4).splitlines()[-1] == "all 4 rows cached (0.0s)"
    assert render(res, "rouge", RougeScorer, 2.0, 4, n_cached=1).splitlines()[-1] == (
        "scored 3 rows in 2.0s (1.5 summaries/s); 1 more cached")
