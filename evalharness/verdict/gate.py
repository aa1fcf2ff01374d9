"""The gate: config rules and case expectations -> pass/fail with reasons.

A scorer error is always a failure (kind "error"): the gate never passes on
missing scores. :func:`evaluate_gate` is a run's own gate; :func:`final_gate` joins
it with a comparison's regression gate into the verdict (through
:func:`evalharness.engine.pipeline.judge`, the one place a verdict is assembled).
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

from ..stats.aggregate import MetricSummary
from ..io.cases import Case
from ..core.config import GateRule
from ..core.report import CaseResult, FailureKind, GateCheck, GateFailure, GateResult
from ..core.results import SUPPORT


def _violates(value: float, rule: GateRule) -> float | None:
    """The bound that ``value`` misses, or None."""
    if rule.min is not None and value < rule.min:
        return rule.min
    if rule.max is not None and value > rule.max:
        return rule.max
    return None


def check_rules(rules: Sequence[GateRule], systems: Mapping[str, Mapping[str, MetricSummary]],
                cases: Sequence[CaseResult]) -> tuple[list[GateFailure], list[GateCheck]]:
    failures, checks = [], []
    in_cases = [c.system for case in cases for c in case.candidates]
    everyone = tuple(dict.fromkeys([*systems, *in_cases]))  # a system whose every case failed is still here
    for rule in rules:
        targets = rule.systems if rule.systems is not None else everyone
        for system in targets:
            name = rule.describe()
            if system not in systems and system not in in_cases:
                msg = f"{name}: system '{system}' is not in this run"
                failures.append(GateFailure(FailureKind.RULE, msg, rule=name, metric=rule.metric, system=system))
                checks.append(GateCheck(FailureKind.RULE, name, system, None, False, msg))
                continue
            summary = systems.get(system, {}).get(rule.metric)
            if summary is None:
                msg = f"{name}: system '{system}' {_no_value_reason(system, cases)}"
                failures.append(GateFailure(FailureKind.RULE, msg, rule=name, metric=rule.metric, system=system))
                checks.append(GateCheck(FailureKind.RULE, name, system, None, False, msg))
                continue
            bad: list[GateFailure] = []
            if rule.on == "every":
                for case in cases:
                    cand = case.candidate(system)
                    if cand is None or rule.metric not in cand.scores:
                        continue
                    value = cand.scores[rule.metric]
                    bound = _violates(value, rule)
                    if bound is not None:
                        bad.append(GateFailure(FailureKind.RULE, f"{name}: {system} on case '{case.id}' is {value:.4f} "
                                               f"(bound {bound:g})", rule=name, metric=rule.metric,
                                               system=system, case_id=case.id, value=value, bound=bound))
            else:
                value = getattr(summary, rule.on)
                bound = _violates(value, rule)
                if bound is not None:
                    bad.append(GateFailure(FailureKind.RULE, f"{name}: {system} has {rule.on} {value:.4f} (bound {bound:g})",
                                           rule=name, metric=rule.metric, system=system, value=value, bound=bound))
            failures.extend(bad)
            checks.append(GateCheck(FailureKind.RULE, name, system, None, not bad, "; ".join(f.message for f in bad)))
    return failures, checks


def _no_value_reason(system: str, cases: Sequence[CaseResult]) -> str:
    """Why a rule has no value for ``system``: never "checked nothing" for a system that
    was asked for and failed."""
    cands = [c for case in cases for c in case.candidates if c.system == system]
    if cands and all("summarise" in c.errors for c in cands):
        return "not evaluated: no summaries (its summariser failed on every case)"
    if cands and all(c.errors for c in cands):
        return "not evaluated: a scorer failed on every case"
    return "has no value (metric not applicable to any case)"


def _phrase_flagged(summary: str, phrase: str, spans) -> bool:
    for m in re.finditer(re.escape(phrase), summary):
        if any(s.start <= m.start() and m.end() <= s.end for s in spans):
            return True
    return False


def check_expectations(cases: Sequence[Case], results: Sequence[CaseResult],
                       scorers: Sequence[str] = (SUPPORT,)) -> tuple[list[GateFailure], list[GateCheck]]:
    """Check each case's ``expect`` entries. An entry that nothing in this run can check
    (flags without the support scorer, a bound on a scorer that did not run) fails: the
    gate never counts an unchecked expectation as met."""
    by_id = {r.id: r for r in results}
    failures, checks = [], []
    for case in cases:
        result = by_id.get(case.id)
        if result is None:
            continue
        for system, exp in case.expect.items():
            cand = result.candidate(system)
            if cand is None:
                continue
            name = f"expect {case.id}/{system}"
            bad: list[str] = []
            if exp.flags is not None and SUPPORT not in scorers:
                bad.append("flags cannot be checked: the support scorer is not in this run")
            elif exp.flags is not None:
                if SUPPORT in cand.errors:
                    bad.append("flags cannot be checked: the support scorer failed")
                else:
                    spans = [s for c in cand.flagged for s in c.unsupported_spans]
                    if not exp.flags and cand.flagged:
                        bad.append("expected no flagged claim, got: " +
                                   "; ".join(f"'{c.text}'" for c in cand.flagged))
                    for phrase in exp.flags:
                        if not _phrase_flagged(cand.summary, phrase, spans):
                            bad.append(f"expected '{phrase}' inside an unsupported span; flagged spans: " +
                                       (", ".join(f"'{s.text}'" for s in spans) or "none"))
            for kind, bounds in (("min", exp.min), ("max", exp.max)):
                for metric, bound in bounds.items():
                    if metric.split(".", 1)[0] not in scorers:
                        bad.append(f"{metric} cannot be checked: the {metric.split('.', 1)[0]} scorer is not in "
                                   "this run")
                        continue
                    value = cand.scores.get(metric)
                    if value is None:
                        bad.append(f"{metric} has no value" +
                                   (f" ({cand.not_applicable[metric]})" if metric in cand.not_applicable else ""))
                    elif (kind == "min" and value < bound) or (kind == "max" and value > bound):
                        bad.append(f"{metric} = {value:.4f}, expected {'>=' if kind == 'min' else '<='} {bound:g}")
            for msg in bad:
                failures.append(GateFailure(FailureKind.EXPECT, f"{name}: {msg}", rule=name, system=system, case_id=case.id))
            checks.append(GateCheck(FailureKind.EXPECT, name, system, case.id, not bad, "; ".join(bad)))
    return failures, checks


def error_failures(results: Iterable[CaseResult]) -> list[GateFailure]:
    out = []
    for case in results:
        for cand in case.candidates:
            for scorer, msg in cand.errors.items():
                out.append(GateFailure(FailureKind.ERROR, f"{scorer} failed on case '{case.id}', system '{cand.system}': {msg}",
                                       system=cand.system, case_id=case.id, metric=scorer))
    return out


NO_CHECKS = ("the gate checked nothing: no gate rule and no case 'expect' entry applies to these cases "
             "(add gate.rules or expect entries, or set 'gate: {no_rules: true}' to accept a gate that fails "
             "only on scorer errors)")
NO_CHECKS_NAME = "the gate checks something"


def evaluate_gate(rules: Sequence[GateRule], systems, cases: Sequence[Case], results: Sequence[CaseResult],
                  scorers: Sequence[str] = (SUPPORT,), *, no_rules: bool = False) -> GateResult:
    """Fail closed: a gate with no check at all fails (kind "gate") unless
    ``no_rules`` (the config's ``gate.no_rules``) says explicitly that this is wanted."""
    errors = error_failures(results)
    rule_f, rule_c = check_rules(rules, systems, results)
    exp_f, exp_c = check_expectations(cases, results, scorers)
    checks = rule_c + exp_c
    empty: list[GateFailure] = []
    if not checks and not no_rules:
        empty.append(GateFailure(FailureKind.GATE, NO_CHECKS, rule=NO_CHECKS_NAME))
        checks.append(GateCheck(FailureKind.GATE, NO_CHECKS_NAME, None, None, False, NO_CHECKS))
    failures = tuple(errors + rule_f + exp_f + empty)
    return GateResult(passed=not failures, failures=failures, checks=tuple(checks))


def final_gate(run_gate: GateResult, regression: GateResult | None = None) -> GateResult:
    """The verdict: the run's own gate plus a comparison's regression checks (a scorer
    error, which both hold, counted once). A gate that already holds regression checks
    (a report that went through ``--baseline``) keeps only the new ones."""
    if regression is None:
        return run_gate
    kept_f = tuple(f for f in run_gate.failures if f.kind != "regression")
    kept_c = tuple(c for c in run_gate.checks if c.kind != "regression")
    have = set(kept_f)
    failures = kept_f + tuple(f for f in regression.failures if f.kind != "error" or f not in have)
    return GateResult(passed=not failures, failures=failures, checks=kept_c + regression.checks)
