"""Markdown rendering (pull-request comments, step summaries). Every text from
the input is escaped, so a summary can never inject markup."""

from __future__ import annotations

import html
import re

from . import fmt_summary, fmt_value, shown_metrics

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # CommonMark's line endings
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def md_escape(text: str) -> str:
    """Escape a text for Markdown: HTML entities first (``&``, ``<``, ``>``; quotes need
    none in text, and their entities would show literally once ``#`` is escaped),
    then Markdown punctuation."""
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LINE_BREAK.sub(" ", text)


def html_block_escape(text: str) -> str:
    """Escape a text inside a raw HTML block (``<details>`` line), where Markdown
    escapes are not processed and would show as backslashes."""
    return _LINE_BREAK.sub(" ", html.escape(text, quote=True))


def render_markdown(report) -> str:
    g = report.gate
    out = [f"## evalharness: gate {'✅ passed' if g.passed else '❌ failed'}", ""]
    if not g.passed:
        for f in g.failures:
            out.append(f"- **{f.kind}**: {md_escape(f.message)}")
        out.append("")
    systems = list(report.systems)
    out.append("| metric | " + " | ".join(md_escape(s) for s in systems) + " |")
    out.append("|---|" + "---|" * len(systems))
    for m in shown_metrics(report):
        arrow = "↑" if report.metrics.get(m, True) else "↓"
        cells = [fmt_summary(report.systems[s][m]) if m in report.systems[s] else "n/a" for s in systems]
        out.append(f"| {md_escape(m)} {arrow} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("_mean [95% bootstrap CI] n_")
    out.append("")
    for case in report.cases:
        flagged = [(cand, c) for cand in case.candidates for c in cand.flagged]
        errors = [(cand, s, m) for cand in case.candidates for s, m in cand.errors.items()]
        if not flagged and not errors:
            continue
        out.append(f"<details><summary>case {html_block_escape(case.id)}: {len(flagged)} flagged claim(s)</summary>")
        out.append("")
        for cand, scorer, msg in errors:
            out.append(f"- **{md_escape(cand.system)}** error in {md_escape(scorer)}: {md_escape(msg)}")
        for cand, c in flagged:
            spans = ", ".join(f"“{md_escape(s.text)}”" for s in c.unsupported_spans)
            out.append(f"- **{md_escape(cand.system)}**: “{md_escape(c.text)}” (score {fmt_value(c.score)})")
            if spans:
                out.append(f"  - offending: {spans}")
            if c.evidence:
                out.append(f"  - evidence: “{md_escape(c.evidence.text[:300])}”")
        out.append("")
        out.append("</details>")
        out.append("")
    return "\n".join(out) + "\n"
