"""Build small reports by hand (no model), for compare, render and plugin tests."""

from __future__ import annotations

from evalharness.stats.aggregate import bootstrap_mean
from evalharness.core.report import CandidateResult, CaseResult, GateResult, Report
from evalharness.core.results import Claim, Span

METRICS = {"rouge.rouge1": True, "support.supported_rate": True, "support.unsupported_claims": False}


def claim(summary: str, text: str, supported: bool, source: str = "", evidence: str | None = None,
          spans: tuple[str, ...] = (), checks: tuple[str, ...] = ()) -> Claim:
    a = summary.index(text)
    ev = None
    if evidence is not None:
        e = source.index(evidence)
        ev = Span(evidence, e, e + len(evidence))
    sp = tuple(Span(s, summary.index(s), summary.index(s) + len(s)) for s in spans)
    return Claim(text=text, start=a, end=a + len(text), supported=supported, score=0.9 if supported else 0.1,
                 evidence=ev, unsupported_spans=sp, verdict="supported" if supported else "unsupported",
                 checks=checks)


def cand(system: str, summary: str, scores: dict, claims=(), errors=None) -> CandidateResult:
    return CandidateResult(system=system, summary=summary, scores=dict(scores), claims=tuple(claims),
                           errors=dict(errors or {}))


def make_report(cases: list[CaseResult], gate: GateResult | None = None, config: dict | None = None,
                metrics: dict | None = None) -> Report:
    metrics = metrics or METRICS
    systems: dict = {}
    for case in cases:
        for c in case.candidates:
            for m in metrics:
                if m in c.scores:
                    systems.setdefault(c.system, {}).setdefault(m, []).append(c.scores[m])
    summ = {s: {m: bootstrap_mean(v, seed=1) for m, v in ms.items()} for s, ms in sorted(systems.items())}
    return Report(signatures={"rouge": "rouge|test", "support": "support|test"}, metrics=metrics, systems=summ,
                  cases=tuple(cases), gate=gate or GateResult(passed=True), config=config or {},
                  headline=tuple(metrics))


def case(cid: str, source: str, *cands: CandidateResult) -> CaseResult:
    return CaseResult(id=cid, source=source, references=(), candidates=tuple(cands))
