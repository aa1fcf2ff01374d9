"""The Markdown summary for PR comments and $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

from evalharness.verdict.compare import compare_reports
from evalharness.core.config import CompareConfig, RegressionRule
from evalharness.render.markdown import render_markdown
from tests.helpers.report_factory import case, cand, claim, make_report

SRC = "The bridge repair costs 12 million pounds."


def _reports(n=12):
    bad = "The bridge repair costs 21 million pounds. <img src=x onerror=alert(1)>"
    base = make_report([case(f"c{i:02d}", SRC, cand("A", SRC, {"rouge.rouge1": 0.8})) for i in range(n)])
    new = make_report([case(f"c{i:02d}", SRC, cand("A", bad, {"rouge.rouge1": 0.8 - 0.01 * i},
                                                    [claim(bad, bad, False, SRC, SRC, ("21",))]))
                       for i in range(n)])
    return base, new


def test_verdict_first_then_table_then_collapsed_worst_cases():
    base, new = _reports()
    comp = compare_reports(base, new, CompareConfig(rules=(RegressionRule("rouge.rouge1", significant=False),)))
    import dataclasses
    md = render_markdown(dataclasses.replace(new, gate=comp.gate), comp)
    lines = md.splitlines()
    assert lines[0] == "## evalharness: ❌ gate failed (1 failure(s))"
    # newly flagged claims come first, right under the verdict, with their offending words
    assert lines[2] == "### 🚩 Newly flagged against the baseline (12 claim(s))"
    assert lines[4].startswith("- case **c00**, **A**: “The bridge repair costs 21 million pounds\\. &lt;img")
    assert lines[5] == "  - offending: “21”"
    assert md.index("### 🚩 Newly flagged") < md.index("Compared with the baseline on 12 shared case(s): 12 (case, "
                                                       "system) pair(s) got worse, 12 claim(s) newly flagged, 0 no "
                                                       "longer flagged.") < md.index("- **regression**")
    assert md.index("### Against the baseline") < md.index("### Systems") < md.index("### Worst cases")
    assert "### Worst cases (10 of 12 that got worse)" in md
    assert md.count("<details>") == 10                          # capped
    assert "<img" not in md and "&lt;img src=x onerror=alert\\(1\\)&gt;" in md
    # ties on new flags are broken by the size of the drop: c11 lost the most
    assert md.index("case c11 / A") < md.index("case c10 / A")


def test_without_a_baseline_worst_cases_are_the_flagged_ones():
    _, new = _reports(3)
    md = render_markdown(new)
    assert md.startswith("## evalharness: ✅ gate passed\n")
    assert "### Worst cases (3 of 3 with flags or errors)" in md
    assert "offending: “21”" in md
