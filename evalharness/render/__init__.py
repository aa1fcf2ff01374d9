"""Renderers: a report in, text out. They never compute a score."""

from __future__ import annotations

from ..errors import InputError

FORMATS = ("text", "markdown", "json")


def render(report, fmt: str) -> str:
    if fmt == "text":
        from .text import render_text
        return render_text(report)
    if fmt == "markdown":
        from .markdown import render_markdown
        return render_markdown(report)
    if fmt == "json":
        from ..report import dumps
        return dumps(report)
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
