"""Renderers: a report in, text out. They never compute a score."""

from __future__ import annotations

from ..errors import InputError

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
        from ..report import dumps
        return dumps(report)
    if fmt == "html":
        from .html import render_html
        return render_html(report, comparison=comparison, baseline=baseline)
    from ..errors import did_you_mean
    raise InputError(f"unknown format '{fmt}'{did_you_mean(fmt, FORMATS)}", field="--format")


def fmt_value(v: float) -> str:
    if float(v).is_integer() and abs(v) >= 1:
        return f"{v:.0f}"
    return f"{v:.3f}"


def number_format(values):
    """One format for a set of numbers shown together (a metric's row or column):
    whole numbers when every value is whole, else three decimals for all of them,
    so a column never shows "1" next to "0.000"."""
    vals = [float(v) for v in values if v is not None]
    if vals and all(v.is_integer() for v in vals):
        return lambda v: f"{float(v):.0f}"
    return lambda v: f"{float(v):.3f}"


def fmt_summary(s, fmt=None) -> str:
    fmt = fmt or number_format((s.mean, s.ci_low, s.ci_high))
    return f"{fmt(s.mean)} [{fmt(s.ci_low)}, {fmt(s.ci_high)}] n={s.n}"


def summary_format(summaries):
    """The number format of a row of summaries (one metric over several systems)."""
    return number_format([x for s in summaries if s is not None for x in (s.mean, s.ci_low, s.ci_high)])


def shown_metrics(report) -> list[str]:
    present = {m for ms in report.systems.values() for m in ms}
    head = [m for m in report.headline if m in present]
    return head or sorted(present)
