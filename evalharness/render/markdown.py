"""Markdown rendering (pull-request comments, step summaries). Every text from
the input is escaped, so a summary can never inject markup."""

from __future__ import annotations

import html
import re

from .claims import ClaimStyle, claim_lines
from .fmt import fmt_summary, fmt_value, shown_metrics, summary_format

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # CommonMark's line endings
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def md_escape(text: str) -> str:
    """Escape a text for Markdown: HTML entities first (``&``, ``<``, ``>``; quotes need
    none in text, and their entities would show literally once ``#`` is escaped),
    then Markdown punctuation."""
    from ..errors import one_line
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return one_line(_LINE_BREAK.sub(" ", text))  # ESC, NUL, bidi overrides shown as escapes, as elsewhere


#: a claim in Markdown: bullets under the claim's own bullet, curly quotes, every text escaped
MARKDOWN = ClaimStyle(quote=("“", "”"), escape=md_escape, detail="  - ", evidence_width=300)


def html_block_escape(text: str) -> str:
    """Escape a text inside a raw HTML block (``<details>`` line), where Markdown
    escapes are not processed and would show as backslashes."""
    from ..errors import one_line
    return one_line(_LINE_BREAK.sub(" ", html.escape(text, quote=True)))


MAX_FAILURES = 20
MAX_NEW_FLAGS = 20
WORST_CASES = 10


def _verdict(report, comparison) -> list[str]:
    g = report.gate
    if g.passed:
        head = "## evalharness: ✅ gate passed"
    elif g.has_errors:
        head = f"## evalharness: 💥 scorer errors ({len(g.failures)} failure(s))"
    else:
        head = f"## evalharness: ❌ gate failed ({len(g.failures)} failure(s))"
    out = [head, ""]
    if comparison is not None:
        out.extend(new_flag_section(comparison))
        for w in comparison.warnings:
            out.append(f"> ⚠️ **warning**: {md_escape(w)}")
            out.append("")
        n_reg = sum(1 for c in comparison.changes if c.regressed)
        out.append(f"Compared with the baseline on {len(comparison.shared_cases)} shared case(s): "
                   f"{n_reg} (case, system) pair(s) got worse, "
                   f"{sum(len(c.newly_flagged) for c in comparison.changes)} claim(s) newly flagged, "
                   f"{sum(len(c.no_longer_flagged) for c in comparison.changes)} no longer flagged.")
        out.append("")
    for f in g.failures[:MAX_FAILURES]:
        out.append(f"- **{f.kind}**: {md_escape(f.message)}")
    if len(g.failures) > MAX_FAILURES:
        out.append("")
        out.append(f"<details><summary>{len(g.failures) - MAX_FAILURES} more failure(s)</summary>")
        out.append("")
        for f in g.failures[MAX_FAILURES:]:
            out.append(f"- **{f.kind}**: {md_escape(f.message)}")
        out.append("")
        out.append("</details>")
    if g.failures:
        out.append("")
    return out


def new_flag_section(comparison) -> list[str]:
    """Claims flagged now and not in the baseline, first in the comment (never collapsed)."""
    changes = comparison.newly_flagged()
    if not changes:
        return []
    n = sum(len(c.newly_flagged) for c in changes)
    out = [f"### 🚩 Newly flagged against the baseline ({n} claim(s))", ""]
    shown = 0
    for ch in changes:
        old = comparison.baseline_name(ch.system)
        where = f"case **{md_escape(ch.case_id)}**" + (f" (baseline: {md_escape(old)})" if old != ch.system else "")
        for c in ch.newly_flagged:
            if shown == MAX_NEW_FLAGS:
                out.append(f"- … and {n - shown} more (every one is in comparison.json and the JUnit file)")
                break
            out.extend(_claim_lines(ch.system, c, f"{where}, "))
            shown += 1
        if shown == MAX_NEW_FLAGS and n > shown:
            break
    out.append("")
    return out


def power_table(comparison) -> list[str]:
    if not comparison.power:
        return []
    out = [f"<details><summary>What the paired test can detect at this size (alpha {comparison.alpha:g})"
           "</summary>", "", "| system | metric | n | smallest p | smallest detectable drop |", "|---|---|---|---|---|"]
    for p in comparison.power:
        drop = "none at this n" if p.detectable_drop is None else f"{p.detectable_drop:.4g}"
        out.append(f"| {md_escape(p.system)} | {md_escape(p.metric)} | {p.n} | {p.smallest_p:.4g} | {drop} |")
    out.extend(["", "_smallest mean drop that the observed paired differences, re-centred on it, would make "
                "significant_", "", "</details>", ""])
    return out


def comparison_table(comparison) -> list[str]:
    out = ["### Against the baseline", "",
           "| system | metric | base | new | delta [CI] | p |", "|---|---|---|---|---|---|"]
    from .compare import metric_formats
    formats = metric_formats(comparison)
    for d in comparison.deltas:
        if d.metric not in comparison.headline:
            continue
        s = d.stats
        fmt = formats[d.metric]
        arrow = "↑" if d.higher_is_better else "↓"
        worse = d.drop > 1e-12
        mark = (" 🔻" if worse else " 🔺") if d.significant and s.delta != 0 else ""
        out.append(f"| {md_escape(d.system)} | {md_escape(d.metric)} {arrow} | {fmt(s.base_mean)} | "
                   f"{fmt(s.new_mean)} | {s.delta:+.3f} [{s.ci_low:+.3f}, {s.ci_high:+.3f}]{mark} | "
                   f"{s.p_value:.3g} |")
    out.append("")
    out.append(f"_paired over shared cases; bootstrap CI of the delta at {1 - comparison.alpha:.0%}, "
               f"sign-flip permutation p; 🔻/🔺 = significantly worse/better at {comparison.alpha:g}_")
    out.append("")
    cov = []
    if comparison.missing_cases:
        cov.append(f"- cases only in the baseline ({len(comparison.missing_cases)}): "
                   + ", ".join(md_escape(c) for c in comparison.missing_cases))
    if comparison.extra_cases:
        cov.append(f"- cases only in this run ({len(comparison.extra_cases)}): "
                   + ", ".join(md_escape(c) for c in comparison.extra_cases))
    if comparison.changed_cases:
        cov.append(f"- cases changed, not paired ({len(comparison.changed_cases)}): "
                   + ", ".join(md_escape(c) for c in comparison.changed_cases))
    for new, old in comparison.pairs:
        cov.append(f"- paired: **{md_escape(new)}** (this run) with **{md_escape(old)}** (baseline)")
    if comparison.missing_systems:
        cov.append("- systems only in the baseline: " + ", ".join(md_escape(s) for s in comparison.missing_systems))
    if comparison.extra_systems:
        cov.append("- systems only in this run: " + ", ".join(md_escape(s) for s in comparison.extra_systems))
    for cid, system in comparison.missing_candidates:
        cov.append(f"- case {md_escape(cid)}: {md_escape(system)} has a summary on one side only")
    for n in comparison.notes:
        cov.append(f"- note: {md_escape(n)}")
    if cov:
        out.extend(cov)
        out.append("")
    out.extend(power_table(comparison))
    return out


def _claim_lines(cand_system: str, c, prefix: str = "") -> list[str]:
    return claim_lines(c, f"- {prefix}**{md_escape(cand_system)}**: ", f" (score {fmt_value(c.score)})",
                       style=MARKDOWN)


def render_markdown(report, comparison=None, *, worst: int = WORST_CASES) -> str:
    """Verdict first, then the comparison table(s), then collapsed details of the worst cases.

    Fit for a pull-request comment and ``$GITHUB_STEP_SUMMARY``: the details are
    capped at ``worst`` cases, so a 500-case run stays far below comment limits.
    """
    out = _verdict(report, comparison)
    if comparison is not None:
        out.extend(comparison_table(comparison))
    systems = list(report.systems)
    out.append("### Systems" if comparison is not None else "### Systems (mean [95% bootstrap CI] n)")
    out.append("")
    out.append("| metric | " + " | ".join(md_escape(s) for s in systems) + " |")
    out.append("|---|" + "---|" * len(systems))
    for m in shown_metrics(report):
        arrow = "↑" if report.metrics.get(m, True) else "↓"
        fmt = summary_format([report.systems[s].get(m) for s in systems])
        cells = [fmt_summary(report.systems[s][m], fmt) if m in report.systems[s] else "n/a" for s in systems]
        out.append(f"| {md_escape(m)} {arrow} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("_mean [95% bootstrap CI] n_")
    out.append("")
    for system, ids in report.missing_summaries.items():
        out.append(f"- missing summaries: **{md_escape(system)}** has none for {len(ids)} of {len(report.cases)} "
                   f"case(s): " + ", ".join(md_escape(i) for i in ids))
    if report.missing_summaries:
        out.append("")
    by_id = {c.id: c for c in report.cases}
    if comparison is not None:
        worst_changes = comparison.worst(worst)
        n_bad = sum(1 for c in comparison.changes if c.regressed)
        if worst_changes:
            out.append(f"### Worst cases ({len(worst_changes)} of {n_bad} that got worse)")
            out.append("")
        for ch in worst_changes:
            moved = ", ".join(f"{md_escape(m)} {v:+.3f}" for m, v in ch.deltas.items() if m in comparison.headline)
            out.append(f"<details><summary>case {md_escape(ch.case_id)} / {md_escape(ch.system)}: "
                       f"{len(ch.newly_flagged)} newly flagged</summary>")
            out.append("")
            if moved:
                out.append(f"- deltas: {moved}")
            for c in ch.newly_flagged:
                out.extend(_claim_lines(ch.system, c, "newly flagged, "))
            for c in ch.no_longer_flagged:
                out.append(f"- no longer flagged, **{md_escape(ch.system)}**: “{md_escape(c.text)}”")
            case = by_id.get(ch.case_id)
            cand = case.candidate(ch.system) if case else None
            if cand is not None:
                for scorer, msg in cand.errors.items():
                    out.append(f"- **{md_escape(cand.system)}** error in {md_escape(scorer)}: {md_escape(msg)}")
            out.append("")
            out.append("</details>")
            out.append("")
        return "\n".join(out) + "\n"

    ranked = []
    for case in report.cases:
        flagged = [(cand, c) for cand in case.candidates for c in cand.flagged]
        errors = [(cand, s, m) for cand in case.candidates for s, m in cand.errors.items()]
        if flagged or errors:
            ranked.append((-len(errors), -len(flagged), case, flagged, errors))
    ranked.sort(key=lambda r: (r[0], r[1]))
    if ranked:
        out.append(f"### Worst cases ({min(worst, len(ranked))} of {len(ranked)} with flags or errors)")
        out.append("")
    for _, _, case, flagged, errors in ranked[:worst]:
        out.append(f"<details><summary>case {html_block_escape(case.id)}: {len(flagged)} flagged claim(s)</summary>")
        out.append("")
        for cand, scorer, msg in errors:
            out.append(f"- **{md_escape(cand.system)}** error in {md_escape(scorer)}: {md_escape(msg)}")
        for cand, c in flagged:
            out.extend(_claim_lines(cand.system, c))
        out.append("")
        out.append("</details>")
        out.append("")
    return "\n".join(out) + "\n"
