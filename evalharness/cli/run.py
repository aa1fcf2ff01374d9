"""``evalharness run``: score the cases, compare systems, write report.json, gate."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import EXIT_GATE_FAILED, EXIT_OK, EXIT_SCORER_FAILED
from .common import add_inputs, load_inputs

DEFAULT_OUT = "evalharness-out"

ORDER = 10


def add_parser(sub) -> None:
    from ..render import FORMATS
    p = sub.add_parser("run", help="score cases, compare systems, gate on the result")
    add_inputs(p)
    p.add_argument("--out", default=DEFAULT_OUT, metavar="DIR", help=f"where report.json goes (default: {DEFAULT_OUT})")
    p.add_argument("--format", default="text", choices=FORMATS, help="what to print on stdout")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..render import render
    from ..report import write_report
    from ..runner import evaluate

    config, cases, root = load_inputs(args)
    report = evaluate(cases, config, cases_root=root)
    out = Path(args.out)
    write_report(report, out / "report.json")
    sys.stdout.write(render(report, args.format))
    if args.format != "json":
        print(f"report: {out / 'report.json'}", file=sys.stderr)
    if report.gate.has_errors:
        return EXIT_SCORER_FAILED
    return EXIT_OK if report.gate.passed else EXIT_GATE_FAILED
