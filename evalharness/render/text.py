"""Plain-text rendering for terminals and logs."""

from __future__ import annotations

from .claims import ClaimStyle, claim_lines
from .fmt import fmt_summary, number_format, shown_metrics, summary_format


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for j, r in enumerate(rows):
        out.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if j == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def system_table(report) -> list[str]:
    systems = list(report.systems)
    if not systems:
        return ["(no systems)"]
    rows = [["metric"] + systems]
    for m in shown_metrics(report):
        arrow = "↑" if report.metrics.get(m, True) else "↓"
        row = [f"{m} {arrow}"]
        fmt = summary_format([report.systems[s].get(m) for s in systems])
        for s in systems:
            summ = report.systems[s].get(m)
            row.append(fmt_summary(summ, fmt) if summ else "n/a")
        rows.append(row)
    return _table(rows)


def flagged_claim_lines(cand, indent: str = "  ", width: int = 220) -> list[str]:
    """Each flagged claim of a candidate: its text, offending words, closest evidence, reasons."""
    style = ClaimStyle(evidence_width=width, offsets=True)
    return [line for c in cand.flagged
            for line in claim_lines(c, f"✗ {c.verdict} (score {c.score:.2f}): ", indent=indent, style=style)]


def render_text(report) -> str:
    lines = ["evalharness report", "=" * 18, ""]
    n_cases = len(report.cases)
    lines.append(f"{n_cases} case(s), {len(report.systems)} system(s); mean [95% bootstrap CI] n")
    lines.append("")
    lines.extend(system_table(report))
    lines.append("")
    missing = missing_lines(report.missing_summaries, n_cases)
    if missing:
        lines.extend(missing + [""])
    shown = shown_metrics(report)
    formats = {m: number_format([c.scores[m] for case in report.cases for c in case.candidates if m in c.scores])
               for m in shown}
    for case in report.cases:
        lines.append(f"case {case.id}")
        for cand in case.candidates:
            scores = ", ".join(f"{m}={formats[m](cand.scores[m])}" for m in shown if m in cand.scores)
            lines.append(f"  {cand.system}: {scores}")
            for m, why in sorted(cand.not_applicable.items()):
                if m in shown_metrics(report) and m.endswith(tuple(f".{x}" for x in ("rouge1", "f1", "supported_rate"))):
                    lines.append(f"    n/a {m}: {why}")
            for scorer, msg in cand.errors.items():
                lines.append(f"    ERROR {scorer}: {msg}")
            for note in cand.notes:
                lines.append(f"    note: {note}")
            lines.extend(flagged_claim_lines(cand, indent="    "))
        lines.append("")
    lines.append(gate_text(report))
    from ..errors import terminal_safe  # summaries may hold terminal escapes; show them, never run them
    return terminal_safe("\n".join(lines)) + "\n"


def missing_lines(missing, n_cases: int) -> list[str]:
    """The cases a runs file left out (accepted with --allow-missing), one line per system."""
    return [f"missing summaries: system '{system}' has none for {len(ids)} of {n_cases} case(s) "
            f"(accepted by --allow-missing / run.allow_missing): {', '.join(ids)}"
            for system, ids in missing.items()]


def gate_text(report) -> str:
    g = report.gate
    if g.passed:
        n = len(g.checks)
        if n == 0:
            return "GATE PASSED (0 checks: gate.no_rules is set, so only a scorer error could fail it)"
        return f"GATE PASSED ({n} check(s))"
    lines = [f"GATE FAILED ({len(g.failures)} failure(s))"]
    for f in g.failures:
        lines.append(f"  [{f.kind}] {f.message}")
    return "\n".join(lines)
