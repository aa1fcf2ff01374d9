"""Renderers: a report in, text out. They never compute a score."""

from __future__ import annotations

from ..errors import InputError
from .fmt import fmt_summary, fmt_value, number_format, shown_metrics, summary_format  # noqa: F401 (their old home)

FORMATS = ("text", "markdown", "json", "html")


def render(report, fmt: str, comparison=None, baseline=None) -> str:
    """Render ``report``; with ``comparison`` (and the ``baseline`` report) the
    renderings show the deltas against the baseline too."""
    if fmt == "text":
        from .text import render_text
        out = render_text(report)
        if comparison is not None:
            from ..errors import terminal_safe
            from .compare import new_flag_lines, render_comparison_text, warning_lines
            first = new_flag_lines(comparison) + warning_lines(comparison)
            if first:  # newly flagged claims before anything else
                out = terminal_safe("\n".join(first)) + "\n\n" + out
            out += "\n" + render_comparison_text(comparison, flags_first=False)
        return out
    if fmt == "markdown":
        from .markdown import render_markdown
        return render_markdown(report, comparison)
    if fmt == "json":
        from ..core.report import dumps
        return dumps(report)
    if fmt == "html":
        from .html import render_html
        return render_html(report, comparison=comparison, baseline=baseline)
    from ..errors import did_you_mean
    raise InputError(f"unknown format '{fmt}'{did_you_mean(fmt, FORMATS)}", field="--format")
