"""Baseline comparison: two reports in, paired deltas, claim changes and a regression gate out.

Only the cases both reports hold are paired; cases and systems present on one side
only are listed in the result (never dropped silently). The statistics come from
``aggregate.paired_compare``; this module only pairs the values and applies the
``compare.rules`` of the config.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Mapping, Sequence

from .aggregate import PairedComparison, derive_seed, paired_compare
from .config import CompareConfig, RegressionRule
from .report import GateCheck, GateFailure, GateResult, Report
from .results import Claim

COMPARISON_VERSION = 1


@dataclass(frozen=True)
class MetricDelta:
    """New minus base for one (system, metric) over the paired cases."""

    system: str
    metric: str
    higher_is_better: bool
    stats: PairedComparison
    significant: bool            # p < alpha

    @property
    def drop(self) -> float:
        """How far the metric moved in its bad direction (negative = improved)."""
        return -self.stats.delta if self.higher_is_better else self.stats.delta

    def to_json(self) -> dict:
        return {"system": self.system, "metric": self.metric, "higher_is_better": self.higher_is_better,
                "significant": self.significant, **self.stats.to_json()}

    @classmethod
    def from_json(cls, d: Mapping) -> "MetricDelta":
        stats = PairedComparison(**{k: d[k] for k in ("base_mean", "new_mean", "delta", "ci_low", "ci_high",
                                                       "p_value", "n")})
        return cls(system=d["system"], metric=d["metric"], higher_is_better=bool(d["higher_is_better"]),
                   stats=stats, significant=bool(d["significant"]))


@dataclass(frozen=True)
class CaseChange:
    """What changed for one (case, system) between the two runs."""

    case_id: str
    system: str
    newly_flagged: tuple[Claim, ...]
    no_longer_flagged: tuple[Claim, ...]
    deltas: Mapping[str, float]          # metric -> new - base, for metrics both sides have
    worsening: float                     # sum over headline metrics of the move in the bad direction (>= 0)
    summary_changed: bool

    @property
    def regressed(self) -> bool:
        return bool(self.newly_flagged) or self.worsening > 1e-12

    def to_json(self) -> dict:
        return {"case_id": self.case_id, "system": self.system,
                "newly_flagged": [c.to_json() for c in self.newly_flagged],
                "no_longer_flagged": [c.to_json() for c in self.no_longer_flagged],
                "deltas": dict(self.deltas), "worsening": self.worsening, "regressed": self.regressed,
                "summary_changed": self.summary_changed}

    @classmethod
    def from_json(cls, d: Mapping) -> "CaseChange":
        return cls(case_id=d["case_id"], system=d["system"],
                   newly_flagged=tuple(Claim.from_json(c) for c in d.get("newly_flagged", ())),
                   no_longer_flagged=tuple(Claim.from_json(c) for c in d.get("no_longer_flagged", ())),
                   deltas=dict(d.get("deltas", {})), worsening=float(d.get("worsening", 0.0)),
                   summary_changed=bool(d.get("summary_changed", False)))


@dataclass(frozen=True)
class Comparison:
    base_label: str
    new_label: str
    alpha: float
    shared_cases: tuple[str, ...]
    missing_cases: tuple[str, ...]       # in the baseline, not in the new run
    extra_cases: tuple[str, ...]         # in the new run, not in the baseline
    shared_systems: tuple[str, ...]
    missing_systems: tuple[str, ...]     # systems only the baseline has
    extra_systems: tuple[str, ...]       # systems only the new run has
    missing_candidates: tuple[tuple[str, str], ...]   # (case, system) pairs of a shared case/system absent on one side
    deltas: tuple[MetricDelta, ...]
    changes: tuple[CaseChange, ...]
    gate: GateResult
    notes: tuple[str, ...] = ()
    headline: tuple[str, ...] = ()
    changed_cases: tuple[str, ...] = ()  # same id on both sides, different source or references: not paired

    def delta(self, system: str, metric: str) -> MetricDelta | None:
        return next((d for d in self.deltas if d.system == system and d.metric == metric), None)

    def change(self, case_id: str, system: str) -> CaseChange | None:
        return next((c for c in self.changes if c.case_id == case_id and c.system == system), None)

    def worst(self, k: int = 5) -> list[CaseChange]:
        bad = [c for c in self.changes if c.regressed]
        bad.sort(key=lambda c: (-len(c.newly_flagged), -c.worsening, c.case_id, c.system))
        return bad[:k]

    def to_json(self) -> dict:
        return {"comparison_version": COMPARISON_VERSION, "tool": "evalharness",
                "base": self.base_label, "new": self.new_label, "alpha": self.alpha,
                "headline": list(self.headline),
                "cases": {"shared": list(self.shared_cases), "missing": list(self.missing_cases),
                          "extra": list(self.extra_cases), "changed": list(self.changed_cases)},
                "systems": {"shared": list(self.shared_systems), "missing": list(self.missing_systems),
                            "extra": list(self.extra_systems)},
                "missing_candidates": [list(p) for p in self.missing_candidates],
                "deltas": [d.to_json() for d in self.deltas],
                "changes": [c.to_json() for c in self.changes],
                "gate": self.gate.to_json(), "notes": list(self.notes)}

    @classmethod
    def from_json(cls, d: Mapping) -> "Comparison":
        return cls(base_label=d["base"], new_label=d["new"], alpha=float(d["alpha"]),
                   shared_cases=tuple(d["cases"]["shared"]), missing_cases=tuple(d["cases"]["missing"]),
                   extra_cases=tuple(d["cases"]["extra"]), shared_systems=tuple(d["systems"]["shared"]),
                   missing_systems=tuple(d["systems"]["missing"]), extra_systems=tuple(d["systems"]["extra"]),
                   missing_candidates=tuple(tuple(p) for p in d.get("missing_candidates", ())),
                   deltas=tuple(MetricDelta.from_json(x) for x in d["deltas"]),
                   changes=tuple(CaseChange.from_json(x) for x in d["changes"]),
                   gate=GateResult.from_json(d["gate"]), notes=tuple(d.get("notes", ())),
                   changed_cases=tuple(d["cases"].get("changed", ())),
                   headline=tuple(d.get("headline", ())))


def dumps_comparison(comp: Comparison) -> str:
    return json.dumps(comp.to_json(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def compare_config_from_report(report: Report) -> CompareConfig:
    """The ``compare`` section a report was produced with (the new run's config)."""
    raw = (report.config or {}).get("compare") or {}
    rules = []
    for r in raw.get("rules", ()):
        systems = r.get("systems")
        rules.append(RegressionRule(metric=r["metric"], max_drop=float(r.get("max_drop", 0.0)),
                                    significant=bool(r.get("significant", True)),
                                    systems=tuple(systems) if systems is not None else None))
    return CompareConfig(alpha=float(raw.get("alpha", 0.05)), resamples=int(raw.get("resamples", 1000)),
                         seed=int(raw.get("seed", 12345)), rules=tuple(rules),
                         no_rules=bool(raw.get("no_rules", False)),
                         allow_missing_systems=tuple(raw.get("allow_missing_systems", ())))


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def describe_rule(rule: RegressionRule) -> str:
    """The rule's name (its kind, "regression", is shown next to it by every renderer)."""
    sig = ", significant" if rule.significant else ""
    return f"{rule.metric}: drop <= {rule.max_drop:g}{sig}"


NO_REGRESSION_CHECKS = ("the regression gate checked nothing: {why} (add compare.rules, or set "
                        "'compare: {{no_rules: true}}' to accept a comparison that fails only on scorer errors)")
NO_REGRESSION_CHECKS_NAME = "the regression gate checks something"
SYSTEMS_KEPT = "baseline systems are in the new run"


def case_hash(case) -> str:
    """What a case asks: its source and references. Two runs' values of a case are
    paired only when this is the same on both sides."""
    import hashlib
    raw = json.dumps([case.source, list(case.references)], ensure_ascii=True)
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


def compare_reports(base: Report, new: Report, config: CompareConfig | None = None, *,
                    base_label: str = "base", new_label: str = "new") -> Comparison:
    config = config if config is not None else compare_config_from_report(new)
    base_cases = {c.id: c for c in base.cases}
    new_cases = {c.id: c for c in new.cases}
    both = tuple(c.id for c in new.cases if c.id in base_cases)
    changed = tuple(cid for cid in both if case_hash(base_cases[cid]) != case_hash(new_cases[cid]))
    shared = tuple(cid for cid in both if cid not in changed)
    missing = tuple(c.id for c in base.cases if c.id not in new_cases)
    extra = tuple(c.id for c in new.cases if c.id not in base_cases)

    def systems_of(rep: Report) -> list[str]:
        seen = dict.fromkeys(rep.systems)
        for c in rep.cases:
            for cand in c.candidates:
                seen.setdefault(cand.system)
        return list(seen)

    bs, ns = systems_of(base), systems_of(new)
    shared_sys = tuple(s for s in ns if s in bs)
    missing_sys = tuple(s for s in bs if s not in ns)
    extra_sys = tuple(s for s in ns if s not in bs)

    metrics = {m: hib for m, hib in new.metrics.items() if m in base.metrics}
    notes: list[str] = []
    for m in new.metrics:
        if m not in base.metrics:
            notes.append(f"metric {m} is only in the new run; not compared")
    for m in base.metrics:
        if m not in new.metrics:
            notes.append(f"metric {m} is only in the baseline; not compared")
    for scorer in sorted(set(base.signatures) & set(new.signatures)):
        if base.signatures[scorer] != new.signatures[scorer]:
            notes.append(f"scorer {scorer} changed: {base.signatures[scorer]} -> {new.signatures[scorer]}")
    base_errors = sum(len(c.errors) for case in base.cases for c in case.candidates)
    if base_errors:
        notes.append(f"the baseline has {base_errors} scorer error(s); those values are not paired")
    if changed:
        notes.append(f"{len(changed)} case(s) changed their source or references between the runs and are not "
                     f"paired: {', '.join(changed)}")
    headline = tuple(m for m in new.headline if m in metrics) or tuple(sorted(metrics))

    missing_cands: list[tuple[str, str]] = []
    deltas: list[MetricDelta] = []
    changes: list[CaseChange] = []
    pairs: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
    for cid in shared:
        bc, nc = base_cases[cid], new_cases[cid]
        for system in shared_sys:
            b, n = bc.candidate(system), nc.candidate(system)
            if b is None and n is None:
                continue
            if b is None or n is None:
                missing_cands.append((cid, system))
                continue
            d: dict[str, float] = {}
            for m in metrics:
                if m in b.scores and m in n.scores:
                    pb, pn = pairs.setdefault((system, m), ([], []))
                    pb.append(b.scores[m])
                    pn.append(n.scores[m])
                    d[m] = float(n.scores[m] - b.scores[m])
            base_flags = {_norm(c.text) for c in b.flagged}
            new_flags = {_norm(c.text) for c in n.flagged}
            newly = tuple(c for c in n.flagged if _norm(c.text) not in base_flags)
            gone = tuple(c for c in b.flagged if _norm(c.text) not in new_flags)
            worse = sum(max(0.0, -d[m] if metrics[m] else d[m]) for m in headline if m in d)
            changes.append(CaseChange(case_id=cid, system=system, newly_flagged=newly, no_longer_flagged=gone,
                                      deltas=d, worsening=float(round(worse, 12)),
                                      summary_changed=b.summary != n.summary))

    for system in shared_sys:
        for m, hib in metrics.items():
            if (system, m) not in pairs:
                continue
            pb, pn = pairs[(system, m)]
            stats = paired_compare(pb, pn, resamples=config.resamples, confidence=1.0 - config.alpha,
                                   seed=derive_seed(config.seed, system, m))
            deltas.append(MetricDelta(system=system, metric=m, higher_is_better=hib, stats=stats,
                                      significant=stats.p_value < config.alpha))

    gate = _regression_gate(config, deltas, shared_sys, metrics, new, missing_sys, base)
    return Comparison(base_label=base_label, new_label=new_label, alpha=config.alpha, shared_cases=shared,
                      missing_cases=missing, extra_cases=extra, shared_systems=shared_sys,
                      missing_systems=missing_sys, extra_systems=extra_sys,
                      missing_candidates=tuple(missing_cands), deltas=tuple(deltas), changes=tuple(changes),
                      gate=gate, notes=tuple(notes), headline=headline, changed_cases=changed)


def _regression_gate(config: CompareConfig, deltas: Sequence[MetricDelta], systems: Sequence[str],
                     metrics: Mapping[str, bool], new: Report, missing_systems: Sequence[str] = (),
                     base: Report | None = None) -> GateResult:
    """Fails closed: a baseline system missing from the new run fails (unless
    ``compare.allow_missing_systems`` names it), and a gate without any check fails
    (unless ``compare.no_rules``)."""
    from .gate import error_failures

    failures: list[GateFailure] = list(error_failures(new.cases))
    checks: list[GateCheck] = []
    for system in missing_systems:
        if system in config.allow_missing_systems:
            checks.append(GateCheck("regression", SYSTEMS_KEPT, system, None, True,
                                    f"system '{system}' is missing from the new run (allowed by "
                                    "compare.allow_missing_systems)"))
            continue
        msg = (f"system '{system}' is in the baseline but missing from the new run (list it under "
               "compare.allow_missing_systems if it was retired on purpose)")
        failures.append(GateFailure("regression", msg, rule=SYSTEMS_KEPT, system=system))
        checks.append(GateCheck("regression", SYSTEMS_KEPT, system, None, False, msg))
    by_key = {(d.system, d.metric): d for d in deltas}
    for rule in config.rules:
        name = describe_rule(rule)
        targets = rule.systems if rule.systems is not None else tuple(systems)
        for system in targets:
            d = by_key.get((system, rule.metric))
            if d is None and system in systems and rule.metric in metrics and base is not None \
                    and rule.metric not in base.systems.get(system, {}) and rule.metric not in new.systems.get(system, {}):
                checks.append(GateCheck("regression", name, system, None, True,
                                        f"{rule.metric} has no value for '{system}' in either run (not applicable "
                                        "to these cases)"))
                continue
            if d is None:
                why = ("is not in both runs" if system not in systems
                       else f"has no paired values of {rule.metric}" if rule.metric in metrics
                       else f"{rule.metric} is not in both runs")
                msg = f"{name}: system '{system}' {why}"
                failures.append(GateFailure("regression", msg, rule=name, metric=rule.metric, system=system))
                checks.append(GateCheck("regression", name, system, None, False, msg))
                continue
            too_far = d.drop > rule.max_drop + 1e-12
            failed = too_far and (d.significant or not rule.significant)
            direction = "dropped" if d.higher_is_better else "rose"
            msg = ""
            if failed:
                msg = (f"{name}: {system} {direction} by {abs(d.stats.delta):.4f} "
                       f"({d.stats.base_mean:.4f} -> {d.stats.new_mean:.4f}, p={d.stats.p_value:.4g}, "
                       f"n={d.stats.n})")
                failures.append(GateFailure("regression", msg, rule=name, metric=rule.metric, system=system,
                                            value=d.drop, bound=rule.max_drop))
            elif too_far:
                msg = f"{name}: {system} moved by {d.drop:.4f} but not significantly (p={d.stats.p_value:.4g})"
            checks.append(GateCheck("regression", name, system, None, not failed, msg))
    if not any(c.name != SYSTEMS_KEPT for c in checks) and not config.no_rules:
        why = ("compare.rules is empty" if not config.rules else
               "the two runs share no system" if not systems else "no rule applies to the shared systems")
        msg = NO_REGRESSION_CHECKS.format(why=why)
        failures.append(GateFailure("regression", msg, rule=NO_REGRESSION_CHECKS_NAME))
        checks.append(GateCheck("regression", NO_REGRESSION_CHECKS_NAME, None, None, False, msg))
    return GateResult(passed=not failures, failures=tuple(failures), checks=tuple(checks))


def merge_gate(report: Report, comparison: Comparison) -> Report:
    """The run's own gate plus the comparison's regression checks (errors are not counted twice)."""
    g = report.gate
    # A report that already went through --baseline keeps only one copy of the regression checks.
    kept_f = tuple(f for f in g.failures if f.kind != "regression")
    kept_c = tuple(c for c in g.checks if c.kind != "regression")
    have = set(kept_f)
    extra_f = tuple(f for f in comparison.gate.failures if f.kind != "error" or f not in have)
    failures = kept_f + extra_f
    merged = GateResult(passed=not failures, failures=failures, checks=kept_c + comparison.gate.checks)
    return dataclasses.replace(report, gate=merged)
