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

from ..stats.aggregate import PairedComparison, derive_seed, paired_compare
from ..core.config import CompareConfig, NewFlagsRule, RegressionRule
from ..errors import InputError, did_you_mean
from ..core.report import FailureKind, GateCheck, GateFailure, GateResult, Report
from ..core.results import SUPPORT, Claim

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
class Power:
    """What the paired test can detect for one (system, metric) at this many cases:
    the smallest p it can give at all, and the smallest mean drop it would call
    significant given the spread of the observed paired differences (None: none)."""

    system: str
    metric: str
    n: int
    smallest_p: float
    detectable_drop: float | None

    def to_json(self) -> dict:
        return {"system": self.system, "metric": self.metric, "n": self.n, "smallest_p": self.smallest_p,
                "detectable_drop": self.detectable_drop}

    @classmethod
    def from_json(cls, d: Mapping) -> "Power":
        return cls(system=d["system"], metric=d["metric"], n=int(d["n"]), smallest_p=float(d["smallest_p"]),
                   detectable_drop=None if d.get("detectable_drop") is None else float(d["detectable_drop"]))


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
    pairs: tuple[tuple[str, str], ...] = ()   # (new-run system, baseline system) compared under different names
    warnings: tuple[str, ...] = ()       # what the user must know about the verdict (small samples, ungated flags)
    power: tuple[Power, ...] = ()        # per (system, metric) under a 'significant' rule

    def delta(self, system: str, metric: str) -> MetricDelta | None:
        return next((d for d in self.deltas if d.system == system and d.metric == metric), None)

    def change(self, case_id: str, system: str) -> CaseChange | None:
        return next((c for c in self.changes if c.case_id == case_id and c.system == system), None)

    def newly_flagged(self) -> list[CaseChange]:
        """The (case, system) pairs with newly flagged claims: most first, then by case and system."""
        out = [c for c in self.changes if c.newly_flagged]
        out.sort(key=lambda c: (-len(c.newly_flagged), c.case_id, c.system))
        return out

    def baseline_name(self, system: str) -> str:
        """The baseline system that ``system`` of the new run is compared with."""
        return dict(self.pairs).get(system, system)

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
                "gate": self.gate.to_json(), "notes": list(self.notes),
                "pairs": [list(p) for p in self.pairs], "warnings": list(self.warnings),
                "power": [p.to_json() for p in self.power]}

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
                   headline=tuple(d.get("headline", ())),
                   pairs=tuple(tuple(p) for p in d.get("pairs", ())), warnings=tuple(d.get("warnings", ())),
                   power=tuple(Power.from_json(p) for p in d.get("power", ())))


def dumps_comparison(comp: Comparison) -> str:
    return json.dumps(comp.to_json(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def compare_config_from_report(report: Report) -> CompareConfig:
    """The ``compare`` section a report was produced with (the new run's config)."""
    return report.config.compare


def parse_pairs(values: Sequence[str], flag: str = "--pair") -> tuple[tuple[str, str], ...]:
    """``--pair NEW=OLD`` values: (new-run system, baseline system)."""
    out: dict[str, str] = {}
    for value in values:
        new, sep, old = value.partition("=")
        if not sep or not new.strip() or not old.strip():
            raise InputError(f"expected NEW=OLD (a system of the new run = a system of the baseline), got '{value}'",
                             field=flag)
        if new.strip() in out:
            raise InputError(f"system '{new.strip()}' is paired twice", field=flag)
        out[new.strip()] = old.strip()
    return tuple(out.items())


def with_pairs(config: CompareConfig, pairs: Sequence[tuple[str, str]]) -> CompareConfig:
    """``config`` with the command line's pairs over its ``compare.pair``."""
    if not pairs:
        return config
    merged = dict(config.pair)
    merged.update(dict(pairs))
    return dataclasses.replace(config, pair=tuple(merged.items()))


def check_pairs(pairs: Sequence[tuple[str, str]], new_systems: Sequence[str], base_systems: Sequence[str]) -> None:
    """Each pair names a system of the new run and one of the baseline (exit 2 otherwise)."""
    for new, old in pairs:
        if new not in new_systems:
            raise InputError(f"pair {new}={old}: the new run has no system '{new}'{did_you_mean(new, new_systems)}; "
                             f"its systems: {', '.join(new_systems) or 'none'}", field="--pair / compare.pair")
        if old not in base_systems:
            raise InputError(f"pair {new}={old}: the baseline has no system '{old}'{did_you_mean(old, base_systems)}; "
                             f"its systems: {', '.join(base_systems) or 'none'}", field="--pair / compare.pair")


def smallest_p(n: int, permutations: int = 10000) -> float:
    """The smallest p-value ``aggregate.paired_compare`` can give over n paired cases:
    2/2^n while the test is exact (2^n <= permutations), else 1/(permutations + 1)."""
    if n <= 0:
        return 1.0
    if 2 ** n <= permutations:
        return 2.0 / 2 ** n
    return 1.0 / (permutations + 1)


def cases_needed(alpha: float, permutations: int = 10000) -> int:
    """The fewest paired cases at which the paired test can give p < alpha."""
    n = 1
    while smallest_p(n, permutations) >= alpha and n < 64:
        n += 1
    return n


def smallest_detectable_drop(diffs: Sequence[float], *, higher_is_better: bool, alpha: float, seed: int = 12345,
                             permutations: int = 10000, rel_tol: float = 1e-4) -> float | None:
    """The smallest mean drop the paired test would call significant at ``alpha``, given the
    spread of the observed paired differences ``diffs`` (new minus base, one per case).

    The observed differences, turned so that positive is worse, are re-centred on a mean
    drop t (``x - mean(x) + t``); the answer is the smallest t with p < alpha, found by
    bisection on the real test (``aggregate.paired_compare``, with the permutations and
    seed of the comparison) to ``rel_tol`` of the search range. At t = 0 the sum is 0 and
    p = 1; once t exceeds ``mean(x) - min(x)`` every difference is a drop and p is the
    smallest the test can give, so when even that is not below alpha (n <= 5 at alpha
    0.05) no drop can be detected and the answer is None."""
    import numpy as np
    x = np.asarray(diffs, dtype=np.float64)
    x = -x if higher_is_better else x           # positive = worse
    n = int(x.size)
    if n == 0 or smallest_p(n, permutations) >= alpha:
        return None
    centred = x - x.mean()
    zeros = np.zeros(n)

    def p(t: float) -> float:
        return paired_compare(zeros, centred + t, resamples=1, seed=seed, permutations=permutations).p_value

    hi = -float(centred.min())
    hi = max(hi + abs(hi) * 1e-9, 1e-9)        # just past it: every difference a drop
    if p(hi) >= alpha:
        return None
    lo, step = 0.0, hi * rel_tol
    while hi - lo > step:
        mid = (lo + hi) / 2
        if p(mid) < alpha:
            hi = mid
        else:
            lo = mid
    return float(round(hi, 9))


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


def report_systems(rep: Report) -> list[str]:
    """The systems of a report: those with summaries, then any whose every case failed."""
    seen = dict.fromkeys(rep.systems)
    for c in rep.cases:
        for cand in c.candidates:
            seen.setdefault(cand.system)
    return list(seen)


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

    bs, ns = report_systems(base), report_systems(new)
    check_pairs(config.pair, ns, bs)
    pair = dict(config.pair)                      # new-run system -> the baseline system it is compared with

    def base_name(system: str) -> str:
        return pair.get(system, system)

    shared_sys = tuple(s for s in ns if base_name(s) in bs)
    used = {base_name(s) for s in shared_sys}
    missing_sys = tuple(s for s in bs if s not in used)
    extra_sys = tuple(s for s in ns if s not in shared_sys)

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
            b, n = bc.candidate(base_name(system)), nc.candidate(system)
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

    power: list[Power] = []
    for system in shared_sys:
        for m, hib in metrics.items():
            if (system, m) not in pairs:
                continue
            pb, pn = pairs[(system, m)]
            seed = derive_seed(config.seed, system, m)
            stats = paired_compare(pb, pn, resamples=config.resamples, confidence=1.0 - config.alpha, seed=seed)
            deltas.append(MetricDelta(system=system, metric=m, higher_is_better=hib, stats=stats,
                                      significant=stats.p_value < config.alpha))
            if len(pb) <= POWER_MAX_CASES and any(
                    r.significant and r.metric == m and (r.systems is None or system in r.systems)
                    for r in config.rules):
                diffs = [a - b for a, b in zip(pn, pb)]
                power.append(Power(system=system, metric=m, n=len(diffs), smallest_p=smallest_p(len(diffs)),
                                   detectable_drop=smallest_detectable_drop(diffs, higher_is_better=hib,
                                                                            alpha=config.alpha, seed=seed)))

    warnings = _warnings(config, power, changes)
    used_pairs = tuple((s, base_name(s)) for s in shared_sys if base_name(s) != s)
    gate = _regression_gate(config, deltas, shared_sys, metrics, new, missing_sys, base, changes=changes,
                            base_systems=bs, new_systems=ns)
    return Comparison(base_label=base_label, new_label=new_label, alpha=config.alpha, shared_cases=shared,
                      missing_cases=missing, extra_cases=extra, shared_systems=shared_sys,
                      missing_systems=missing_sys, extra_systems=extra_sys,
                      missing_candidates=tuple(missing_cands), deltas=tuple(deltas), changes=tuple(changes),
                      gate=gate, notes=tuple(notes), headline=headline, changed_cases=changed, pairs=used_pairs,
                      warnings=warnings, power=tuple(power))


POWER_MAX_CASES = 50   # above this the detectable drop is not computed (each is a bisection on the test)

NEW_FLAGS_OFF = ("{n} claim(s) newly flagged against the baseline, not gated: compare.new_flags is off. Set "
                 "'compare: {{new_flags: {{max: 0}}}}' to fail on them (docs/ci.md says how often a faithful rewrite "
                 "gets a new flag)")


def _warnings(config: CompareConfig, power: Sequence[Power], changes: Sequence[CaseChange]) -> tuple[str, ...]:
    out = []
    n_new = sum(len(c.newly_flagged) for c in changes)
    if n_new and config.new_flags is None:
        out.append(NEW_FLAGS_OFF.format(n=n_new))
    small = sorted({p.n for p in power if p.detectable_drop is None and p.smallest_p >= config.alpha})
    for n in small:
        out.append(f"with {n} paired case(s) no 'significant: true' rule can fail: the smallest p the paired test "
                   f"can give is {smallest_p(n):.4g}, not below alpha {config.alpha:g} (it needs at least "
                   f"{cases_needed(config.alpha)} cases)")
    return tuple(out)


NOTHING_COMPARED = "no system is in both reports: nothing was compared (pair them with --pair {hint})"
NOTHING_COMPARED_NAME = "some system is compared"


def _new_flags_check(rule: NewFlagsRule, systems: Sequence[str], changes: Sequence[CaseChange], new: Report,
                     base: Report | None) -> tuple[list[GateFailure], list[GateCheck]]:
    name = rule.describe()
    failures: list[GateFailure] = []
    checks: list[GateCheck] = []
    scored = SUPPORT in new.signatures and (base is None or SUPPORT in base.signatures)
    for system in (rule.systems if rule.systems is not None else tuple(systems)):
        if system not in systems:
            msg = f"{name}: system '{system}' is not in both runs"
        elif not scored:
            msg = f"{name}: the support scorer is not in both runs, so newly flagged claims cannot be counted"
        else:
            mine = [(c, [x for x in c.newly_flagged if rule.counts(x)]) for c in changes if c.system == system]
            mine = [(c, xs) for c, xs in mine if xs]
            count = sum(len(xs) for _, xs in mine)
            if count <= rule.max:
                checks.append(GateCheck(FailureKind.REGRESSION, name, system, None, True,
                                        f"{count} newly flagged claim(s)" if count else ""))
                continue
            shown = "; ".join(f"case {c.case_id}: \"{claim.text}\"" + (
                f" (offending: {', '.join(repr(s.text) for s in claim.unsupported_spans)})"
                if claim.unsupported_spans else "") for c, xs in mine for claim in xs)
            msg = f"{name}: {system} has {count} newly flagged claim(s): {shown}"
            failures.append(GateFailure(FailureKind.REGRESSION, msg, rule=name, metric="new_flags", system=system,
                                        value=float(count), bound=float(rule.max)))
            checks.append(GateCheck(FailureKind.REGRESSION, name, system, None, False, msg))
            continue
        failures.append(GateFailure(FailureKind.REGRESSION, msg, rule=name, metric="new_flags", system=system))
        checks.append(GateCheck(FailureKind.REGRESSION, name, system, None, False, msg))
    return failures, checks


def _regression_gate(config: CompareConfig, deltas: Sequence[MetricDelta], systems: Sequence[str],
                     metrics: Mapping[str, bool], new: Report, missing_systems: Sequence[str] = (),
                     base: Report | None = None, *, changes: Sequence[CaseChange] = (),
                     base_systems: Sequence[str] = (), new_systems: Sequence[str] = ()) -> GateResult:
    """Fails closed: a baseline system missing from the new run fails (unless
    ``compare.allow_missing_systems`` names it), and a gate without any check fails
    (unless ``compare.no_rules``)."""
    from .gate import error_failures

    failures: list[GateFailure] = list(error_failures(new.cases))
    checks: list[GateCheck] = []
    if not systems and base_systems and new_systems:
        hint = (f"{new_systems[0]}={base_systems[0]}" if len(base_systems) == 1 and len(new_systems) == 1
                else "NEW=OLD")
        msg = NOTHING_COMPARED.format(hint=hint)
        failures.append(GateFailure(FailureKind.REGRESSION, msg, rule=NOTHING_COMPARED_NAME))
        checks.append(GateCheck(FailureKind.REGRESSION, NOTHING_COMPARED_NAME, None, None, False, msg))
    if config.new_flags is not None and systems:
        nf_f, nf_c = _new_flags_check(config.new_flags, systems, changes, new, base)
        failures.extend(nf_f)
        checks.extend(nf_c)
    for system in missing_systems:
        if system in config.allow_missing_systems:
            checks.append(GateCheck(FailureKind.REGRESSION, SYSTEMS_KEPT, system, None, True,
                                    f"system '{system}' is missing from the new run (allowed by "
                                    "compare.allow_missing_systems)"))
            continue
        msg = (f"system '{system}' is in the baseline but missing from the new run (list it under "
               "compare.allow_missing_systems if it was retired on purpose)")
        failures.append(GateFailure(FailureKind.REGRESSION, msg, rule=SYSTEMS_KEPT, system=system))
        checks.append(GateCheck(FailureKind.REGRESSION, SYSTEMS_KEPT, system, None, False, msg))
    by_key = {(d.system, d.metric): d for d in deltas}
    for rule in config.rules:
        name = describe_rule(rule)
        targets = rule.systems if rule.systems is not None else tuple(systems)
        for system in targets:
            d = by_key.get((system, rule.metric))
            if d is None and system in systems and rule.metric in metrics and base is not None \
                    and rule.metric not in base.systems.get(system, {}) and rule.metric not in new.systems.get(system, {}):
                checks.append(GateCheck(FailureKind.REGRESSION, name, system, None, True,
                                        f"{rule.metric} has no value for '{system}' in either run (not applicable "
                                        "to these cases)"))
                continue
            if d is None:
                why = ("is not in both runs" if system not in systems
                       else f"has no paired values of {rule.metric}" if rule.metric in metrics
                       else f"{rule.metric} is not in both runs")
                msg = f"{name}: system '{system}' {why}"
                failures.append(GateFailure(FailureKind.REGRESSION, msg, rule=name, metric=rule.metric, system=system))
                checks.append(GateCheck(FailureKind.REGRESSION, name, system, None, False, msg))
                continue
            too_far = d.drop > rule.max_drop + 1e-12
            failed = too_far and (d.significant or not rule.significant)
            direction = "dropped" if d.higher_is_better else "rose"
            msg = ""
            if failed:
                msg = (f"{name}: {system} {direction} by {abs(d.stats.delta):.4f} "
                       f"({d.stats.base_mean:.4f} -> {d.stats.new_mean:.4f}, p={d.stats.p_value:.4g}, "
                       f"n={d.stats.n})")
                failures.append(GateFailure(FailureKind.REGRESSION, msg, rule=name, metric=rule.metric, system=system,
                                            value=d.drop, bound=rule.max_drop))
            elif too_far:
                msg = f"{name}: {system} moved by {d.drop:.4f} but not significantly (p={d.stats.p_value:.4g})"
            checks.append(GateCheck(FailureKind.REGRESSION, name, system, None, not failed, msg))
    if not any(c.name not in (SYSTEMS_KEPT, NOTHING_COMPARED_NAME) for c in checks) and not config.no_rules \
            and not (not systems and base_systems and new_systems):
        why = ("compare.rules is empty" if not config.rules else
               "the two runs share no system" if not systems else "no rule applies to the shared systems")
        msg = NO_REGRESSION_CHECKS.format(why=why)
        failures.append(GateFailure(FailureKind.REGRESSION, msg, rule=NO_REGRESSION_CHECKS_NAME))
        checks.append(GateCheck(FailureKind.REGRESSION, NO_REGRESSION_CHECKS_NAME, None, None, False, msg))
    return GateResult(passed=not failures, failures=tuple(failures), checks=tuple(checks))

