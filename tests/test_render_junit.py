"""JUnit XML: one test case per (case, system, gate rule); failures and errors kept apart."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from evalharness.render.junit import render_junit
from evalharness.core.report import GateCheck, GateFailure, GateResult
from tests.helpers.report_factory import case, cand, claim, make_report

SRC = "The bridge repair costs 12 million pounds."


def test_cases_rules_expectations_and_errors():
    s = "The bridge repair costs 21 million pounds."
    gate = GateResult(passed=False, failures=(
        GateFailure("error", "support failed on case 'c2', system 'A': boom", system="A", case_id="c2"),
        GateFailure("expect", "expect c1/A: expected no flagged claim", rule="expect c1/A", system="A", case_id="c1"),
        GateFailure("rule", "rouge.rouge1 (every) >= 0.5: A on case 'c1' is 0.4000 (bound 0.5)",
                    rule="rouge.rouge1 (every) >= 0.5", metric="rouge.rouge1", system="A", case_id="c1"),
    ), checks=(
        GateCheck("rule", "rouge.rouge1 (every) >= 0.5", "A", None, False, "..."),
        GateCheck("rule", "support.supported_rate >= 0.5", "A", None, True),
        GateCheck("expect", "expect c1/A", "A", "c1", False, "expected no flagged claim"),
    ))
    report = make_report([
        case("c1", SRC, cand("A", s, {"rouge.rouge1": 0.4},
                             [claim(s, s, False, SRC, SRC, ("21",))])),
        case("c2", SRC, cand("A", "x", {}, errors={"support": "boom"})),
    ], gate=gate, config={"gate": [{"metric": "rouge.rouge1", "min": 0.5, "max": None, "systems": None,
                                    "on": "every"}]})
    root = ET.fromstring(render_junit(report))
    suite = root.find("testsuite")
    got = [(tc.get("classname"), tc.get("name"),
            "failure" if tc.find("failure") is not None else "error" if tc.find("error") is not None else "pass")
           for tc in suite.iter("testcase")]
    assert got == [
        ("evalharness.case.c1", "A :: scored", "pass"),
        ("evalharness.case.c1", "A :: expect c1/A", "failure"),
        ("evalharness.case.c1", "A :: rouge.rouge1 (every) >= 0.5", "failure"),
        ("evalharness.case.c2", "A :: scored", "error"),
        ("evalharness.rule", "A :: support.supported_rate >= 0.5", "pass"),
    ]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "2", "1")
    detail = suite.findall("testcase")[1].find("failure").text
    assert 'unsupported: "The bridge repair costs 21 million pounds."' in detail
    assert 'offending: "21"' in detail and 'closest evidence: "The bridge repair costs 12 million pounds."' in detail


def test_control_characters_and_markup_stay_valid_xml():
    gate = GateResult(passed=False, failures=(GateFailure("error", "bad \x00\x1b <tag> & \"q\"", system="A<",
                                                          case_id="c]]>"),))
    report = make_report([case("c]]>", SRC, cand("A<", "x", {}, errors={"s": "bad \x00\x1b <tag> & \"q\""}))],
                         gate=gate)
    root = ET.fromstring(render_junit(report))   # parses: escaped and cleaned
    tc = root.find("testsuite").find("testcase")
    assert tc.get("classname") == "evalharness.case.c]]>"
    assert tc.find("error").get("message") == "s: bad \ufffd\ufffd <tag> & \"q\""


def _compared(new_flags):
    import dataclasses
    from evalharness.engine.pipeline import judge
    from evalharness.core.config import CompareConfig
    s = "The bridge repair costs 21 million pounds."
    base = make_report([case("c1", SRC, cand("A", SRC, {"rouge.rouge1": 0.8}, [claim(SRC, SRC, True)]))])
    new = make_report([case("c1", SRC, cand("A", s, {"rouge.rouge1": 0.8}, [claim(s, s, False, SRC, SRC, ("21",))]))])
    result = judge(new, baseline=base, compare=CompareConfig(new_flags=new_flags, no_rules=new_flags is None))
    return result.report, result.comparison


def _outcomes(xml):
    suite = ET.fromstring(xml).find("testsuite")
    return suite, [(tc.get("classname"), tc.get("name"), "failure" if tc.find("failure") is not None else
                    "skipped" if tc.find("skipped") is not None else "pass") for tc in suite.iter("testcase")]


def test_a_newly_flagged_claim_is_the_first_test_case_and_fails_under_new_flags():
    from evalharness.core.config import NewFlagsRule
    report, comp = _compared(NewFlagsRule(max=0))
    suite, got = _outcomes(render_junit(report, comparison=comp))
    name = 'A :: newly flagged: "The bridge repair costs 21 million pounds." (offending: "21")'
    assert got == [("evalharness.case.c1", name, "failure"), ("evalharness.case.c1", "A :: scored", "pass")]
    failure = next(suite.iter("testcase")).find("failure")
    assert failure.get("message") == ('new_flags <= 0: newly flagged against the baseline: '
                                      '"The bridge repair costs 21 million pounds."')
    assert 'offending: "21"' in failure.text and suite.get("failures") == "1"


def test_with_new_flags_off_the_claim_is_a_skipped_test_case_not_a_silent_pass():
    report, comp = _compared(None)
    suite, got = _outcomes(render_junit(report, comparison=comp))
    assert got[0] == ("evalharness.case.c1",
                      'A :: newly flagged: "The bridge repair costs 21 million pounds." (offending: "21")', "skipped")
    assert suite.get("skipped") == "1" and suite.get("failures") == "0"
    # without the comparison (a run with no baseline) there is no such test case
    assert all("newly flagged" not in n for _, n, _ in _outcomes(render_junit(report))[1])
