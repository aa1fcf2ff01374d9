"""``evalharness report``: render a saved report.json."""

from __future__ import annotations

import sys

ORDER = 30


def add_parser(sub) -> None:
    from ..render import FORMATS
    p = sub.add_parser("report", help="render a saved report.json")
    p.add_argument("report", metavar="REPORT.json")
    p.add_argument("--format", default="text", choices=FORMATS)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..render import render
    from ..report import read_report
    report = read_report(args.report)
    sys.stdout.write(render(report, args.format))
    return 0
