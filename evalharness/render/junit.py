"""JUnit XML: one test case per (case, system, gate rule).

Gate failures are ``<failure>``; a scorer (or summariser) that failed at run time
is an ``<error>``, so CI dashboards keep "the model got worse" apart from "the
harness could not score it". Rules that judge a whole system (a mean, an end of
the interval, a regression against the baseline) have no single case: their test
case is named for the system, under the class ``evalharness.<kind>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..core.report import FailureKind
from .claims import ClaimStyle, claim_lines, offending_words

WHOLE = ClaimStyle(evidence_width=None)  # a CI log shows the whole evidence sentence
_BAD_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _BAD_XML.sub("\ufffd", str(text))


def _every_rules(report) -> list[tuple[str, str, tuple | None]]:
    """(name, metric, systems) of the config's per-case (``on: every``) rules."""
    return [(r.describe(), r.metric, r.systems) for r in report.config.gate if r.on == "every"]


def _claims_text(cand) -> str:
    return "\n".join(line for c in cand.flagged for line in claim_lines(c, "unsupported: ", style=WHOLE))


def _new_flag_text(c) -> str:
    return "\n".join(claim_lines(c, "newly flagged against the baseline: ", style=WHOLE))


NOT_GATED = "not gated: compare.new_flags is off"


def render_junit(report, suite: str = "evalharness", comparison=None) -> str:
    """With ``comparison``, the first test cases are the newly flagged claims, one per
    claim, named by its system and text: a ``<failure>`` when the system's ``new_flags``
    check failed, else ``<skipped>`` (visible, with the claim's offending words) when
    ``compare.new_flags`` is off, else a pass that still carries the claim."""
    cases_el: list[ET.Element] = []
    counts = {"failures": 0, "errors": 0, "skipped": 0}

    def add(classname: str, name: str, *, failure: str | None = None, error: str | None = None,
            detail: str = "", skipped: str | None = None, out: str | None = None) -> None:
        tc = ET.Element("testcase", classname=_clean(classname), name=_clean(name), time="0")
        if skipped is not None:
            el = ET.SubElement(tc, "skipped", message=_clean(skipped))
            el.text = _clean(detail or skipped)
            counts["skipped"] += 1
        if out is not None:
            ET.SubElement(tc, "system-out").text = _clean(out)
        if error is not None:
            el = ET.SubElement(tc, "error", message=_clean(error), type="ScorerError")
            el.text = _clean(detail or error)
            counts["errors"] += 1
        elif failure is not None:
            el = ET.SubElement(tc, "failure", message=_clean(failure), type="GateFailure")
            el.text = _clean(detail or failure)
            counts["failures"] += 1
        cases_el.append(tc)

    g = report.gate
    nf_checks = {c.system: c for c in g.checks if c.kind == FailureKind.REGRESSION and c.name.startswith("new_flags <=")}
    for ch in (comparison.newly_flagged() if comparison is not None else ()):
        check = nf_checks.get(ch.system)
        for c in ch.newly_flagged:
            cls = f"evalharness.case.{ch.case_id}"
            words = offending_words(c)
            name = f"{ch.system} :: newly flagged: \"{c.text}\"" + (f" (offending: {words})" if words else "")
            detail = _new_flag_text(c)
            if check is not None and not check.passed and f"\"{c.text}\"" in check.message:
                # a claim the rule counted (a rule limited to some checks lists only those)
                add(cls, name, failure=f"{check.name}: {detail.splitlines()[0]}", detail=detail)
            elif check is None:
                add(cls, name, skipped=NOT_GATED, detail=detail)
            else:
                add(cls, name, out=detail)
    covered = {s for s, c in nf_checks.items() if not c.passed and comparison is not None
               and any(ch.system == s for ch in comparison.newly_flagged())}
    every = _every_rules(report)
    every_names = {name for name, _, _ in every}
    rule_fail = {}
    for f in g.failures:
        if f.kind == FailureKind.RULE and f.case_id is not None:
            rule_fail.setdefault((f.rule, f.system, f.case_id), []).append(f.message)
    expect_checks = {(c.case_id, c.system): c for c in g.checks if c.kind == FailureKind.EXPECT}

    for case in report.cases:
        for cand in case.candidates:
            cls = f"evalharness.case.{case.id}"
            if cand.errors:
                msg = "; ".join(f"{s}: {m}" for s, m in cand.errors.items())
                add(cls, f"{cand.system} :: scored", error=msg)
            else:
                add(cls, f"{cand.system} :: scored")
            check = expect_checks.get((case.id, cand.system))
            if check is not None:
                if check.passed:
                    add(cls, f"{cand.system} :: {check.name}")
                else:
                    detail = check.message + ("\n" + _claims_text(cand) if cand.flagged else "")
                    add(cls, f"{cand.system} :: {check.name}", failure=check.message, detail=detail)
            for name, metric, systems in every:
                if systems is not None and cand.system not in systems:
                    continue
                if metric not in cand.scores:
                    continue
                msgs = rule_fail.get((name, cand.system, case.id))
                if msgs:
                    add(cls, f"{cand.system} :: {name}", failure="; ".join(msgs),
                        detail="; ".join(msgs) + ("\n" + _claims_text(cand) if cand.flagged else ""))
                else:
                    add(cls, f"{cand.system} :: {name}")

    for check in g.checks:
        if check.kind == FailureKind.EXPECT:
            continue
        if check.kind == FailureKind.REGRESSION and check.system in covered and check.name.startswith("new_flags <="):
            continue  # failed: one failing test case per newly flagged claim above
        if check.kind == FailureKind.RULE and check.name in every_names:
            failed_cases = [k for k in rule_fail if k[0] == check.name and k[1] == check.system]
            if check.passed or failed_cases:
                continue  # covered by the per-case test cases above
        cls = f"evalharness.{check.kind}"
        name = f"{check.system} :: {check.name}" if check.system else check.name
        if check.passed:
            add(cls, name)
        else:
            add(cls, name, failure=check.message)

    suite_el = ET.Element("testsuite", name=suite, tests=str(len(cases_el)), failures=str(counts["failures"]),
                          errors=str(counts["errors"]), skipped=str(counts["skipped"]), time="0")
    suite_el.extend(cases_el)
    root = ET.Element("testsuites", name=suite, tests=str(len(cases_el)), failures=str(counts["failures"]),
                      errors=str(counts["errors"]))
    root.append(suite_el)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
