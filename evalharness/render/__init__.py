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
            from .compare import render_comparison_text
            out += "\n" + render_comparison_text(comparison)
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


def fmt_summary(s) -> str:
    return f"{fmt_value(s.mean)} [{fmt_value(s.ci_low)}, {fmt_value(s.ci_high)}] n={s.n}"


def shown_metrics(report) -> list[str]:
    present = {m for ms in report.systems.values() for m in ms}
    head = [m for m in report.headline if m in present]
    return head or sorted(present)
