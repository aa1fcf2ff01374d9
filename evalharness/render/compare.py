"""Plain-text rendering of a baseline comparison (``evalharness compare``)."""

from __future__ import annotations

from .claims import claim_lines
from .fmt import number_format
from .text import _table


def fmt_delta(d) -> str:
    s = d.stats
    star = " *" if d.significant else ""
    return f"{s.delta:+.3f} [{s.ci_low:+.3f}, {s.ci_high:+.3f}] p={s.p_value:.3g}{star}"


def coverage_lines(comp) -> list[str]:
    out = [f"{len(comp.shared_cases)} shared case(s), {len(comp.shared_systems)} shared system(s)"]
    if comp.missing_cases:
        out.append(f"cases only in the baseline ({len(comp.missing_cases)}): {', '.join(comp.missing_cases)}")
    if comp.extra_cases:
        out.append(f"cases only in the new run ({len(comp.extra_cases)}): {', '.join(comp.extra_cases)}")
    if comp.changed_cases:
        out.append(f"cases changed (source or references differ; not paired) ({len(comp.changed_cases)}): "
                   f"{', '.join(comp.changed_cases)}")
    for new, old in comp.pairs:
        out.append(f"paired: system '{new}' of the new run with '{old}' of the baseline")
    if comp.missing_systems:
        out.append(f"systems only in the baseline: {', '.join(comp.missing_systems)}")
    if comp.extra_systems:
        out.append(f"systems only in the new run: {', '.join(comp.extra_systems)}")
    for cid, system in comp.missing_candidates:
        out.append(f"case {cid}: system {system} has a summary on one side only; not paired")
    out.extend(f"note: {n}" for n in comp.notes)
    return out


def metric_formats(comp) -> dict:
    """One number format per metric for the base and new means of every system."""
    vals: dict = {}
    for d in comp.deltas:
        vals.setdefault(d.metric, []).extend((d.stats.base_mean, d.stats.new_mean))
    return {m: number_format(v) for m, v in vals.items()}


def delta_rows(comp, metrics=None) -> list[list[str]]:
    metrics = metrics or comp.headline
    rows = [["system", "metric", "base", "new", "delta [CI] p"]]
    formats = metric_formats(comp)
    for d in comp.deltas:
        if d.metric not in metrics:
            continue
        arrow = "↑" if d.higher_is_better else "↓"
        fmt = formats[d.metric]
        rows.append([d.system, f"{d.metric} {arrow}", fmt(d.stats.base_mean), fmt(d.stats.new_mean),
                     fmt_delta(d)])
    return rows


def new_flag_lines(comp) -> list[str]:
    """The claims flagged now and not in the baseline (same case, same system), with their
    offending words and evidence: the first thing every rendering of a comparison shows."""
    changes = comp.newly_flagged()
    if not changes:
        return []
    n = sum(len(c.newly_flagged) for c in changes)
    out = [f"NEWLY FLAGGED against the baseline: {n} claim(s) in {len(changes)} (case, system) pair(s)"]
    for ch in changes:
        old = comp.baseline_name(ch.system)
        out.append(f"  case {ch.case_id} / {ch.system}" + (f" (baseline: {old})" if old != ch.system else ""))
        for c in ch.newly_flagged:
            out.extend(claim_lines(c, "+ newly flagged: ", indent="    "))
    return out


def warning_lines(comp) -> list[str]:
    return [f"warning: {w}" for w in comp.warnings]


def power_rows(comp) -> list[list[str]]:
    """Per (system, metric) under a 'significant' rule: what the paired test can detect at this n."""
    rows = [["system", "metric", "n", "smallest p", "smallest detectable drop"]]
    for p in comp.power:
        drop = "none (no p below alpha at this n)" if p.detectable_drop is None else f"{p.detectable_drop:.4g}"
        rows.append([p.system, p.metric, str(p.n), f"{p.smallest_p:.4g}", drop])
    return rows


def render_comparison_text(comp, run_gate=None, *, flags_first: bool = True) -> str:
    """The comparison, newly flagged claims first; with ``run_gate`` (the new run's own
    gate, as ``compare`` passes it) also the failures of that gate, which count towards
    the verdict too. ``flags_first=False`` leaves out the newly flagged block (``run``
    prints it above the whole report instead)."""
    from ..errors import terminal_safe
    lines = []
    if flags_first:
        lines.extend(new_flag_lines(comp))
        lines.extend(warning_lines(comp))
        if len(lines):
            lines.append("")
    lines.extend([f"evalharness compare: {comp.base_label} -> {comp.new_label}", ""])
    lines.extend(coverage_lines(comp))
    lines.append("")
    rows = delta_rows(comp)
    lines.extend(_table(rows) if len(rows) > 1 else ["(no paired values)"])
    lines.append(f"paired bootstrap CI of the delta at {1 - comp.alpha:.0%}; sign-flip permutation p; "
                 f"* = p < {comp.alpha:g}")
    lines.append("")
    prows = power_rows(comp)
    if len(prows) > 1:
        lines.append(f"what the paired test can detect (metrics under a 'significant' rule, alpha {comp.alpha:g}):")
        lines.extend(_table(prows))
        lines.append("smallest detectable drop: the smallest mean drop that the observed paired differences, "
                     "re-centred on it, would make significant")
        lines.append("")
    for ch in comp.changes:
        if not ch.no_longer_flagged:
            continue
        lines.append(f"case {ch.case_id} / {ch.system}")
        for c in ch.no_longer_flagged:
            lines.append(f"  - no longer flagged: \"{c.text}\"")
    lines.append("")
    lines.append(comparison_gate_text(comp))
    own = [f for f in (run_gate.failures if run_gate is not None else ()) if f.kind not in ("regression", "error")]
    if own:
        lines.append(f"NEW RUN'S OWN GATE FAILED ({len(own)} failure(s))")
        lines.extend(f"  [{f.kind}] {f.message}" for f in own)
    return terminal_safe("\n".join(lines)) + "\n"


def comparison_gate_text(comp) -> str:
    g = comp.gate
    if g.passed:
        if not g.checks:
            return "REGRESSION GATE PASSED (0 checks: compare.no_rules is set, so only a scorer error could fail it)"
        return f"REGRESSION GATE PASSED ({len(g.checks)} check(s))"
    out = [f"REGRESSION GATE FAILED ({len(g.failures)} failure(s))"]
    out.extend(f"  [{f.kind}] {f.message}" for f in g.failures)
    return "\n".join(out)
