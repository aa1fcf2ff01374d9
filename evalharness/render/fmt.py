"""Formatting helpers the text, markdown and comparison renderers share (their own module,
so that no renderer imports the render package that imports it)."""

from __future__ import annotations


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
