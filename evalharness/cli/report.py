"""``evalharness report``: render a saved report.json."""

from __future__ import annotations


from ._outputs import (add_baseline, add_junit, add_pair, check_output_file, compare_config_with_pairs, emit,
                       exit_code, load_compare_config, write_junit)

ORDER = 30


def add_parser(sub) -> None:
    from ..render import FORMATS
    p = sub.add_parser("report", help="render a saved report.json (exits like `run`: 0 gate passed, 1 gate "
                       "failed, 3 scorer errors; with --baseline the regression gate joins it)")
    p.add_argument("report", metavar="REPORT.json")
    p.add_argument("--format", default="text", choices=FORMATS)
    p.add_argument("--output", "-o", metavar="FILE", help="write the rendering to FILE instead of stdout")
    add_baseline(p)
    add_pair(p)
    add_junit(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..render import render
    from ..core.report import read_report
    check_output_file(args.output, "--output")
    check_output_file(args.junit, "--junit")
    report = read_report(args.report)
    base = None
    if args.pair and not args.baseline:
        from ..errors import InputError
        raise InputError("--pair needs --baseline", field="--pair")
    config = None
    if args.baseline:
        base = read_report(args.baseline)
        config = compare_config_with_pairs(load_compare_config(None, report), args.pair)
    from ..engine.pipeline import judge
    result = judge(report, baseline=base, compare=config, baseline_label=args.baseline or "base",
                   report_label=args.report)
    text = render(result.report, args.format, comparison=result.comparison, baseline=base)
    code = exit_code(result.gate)
    # files first: a closed stdout cannot lose them or change the code
    write_junit(result.report, args.junit, result.comparison)
    emit(text, args.output, args.format)
    return code
