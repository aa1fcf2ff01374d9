"""``evalharness compare BASE.json NEW.json``: paired deltas, claim changes, regression gate."""

from __future__ import annotations

from ._outputs import (add_junit, add_pair, check_output_file, compare_config_with_pairs, emit, exit_code,
                       load_compare_config, write_junit)

ORDER = 25


def add_parser(sub) -> None:
    from ..render import FORMATS
    p = sub.add_parser("compare", help="compare a run with a baseline run: deltas, significance, claim changes")
    p.add_argument("base", metavar="BASE.json", help="the baseline report")
    p.add_argument("new", metavar="NEW.json", help="the new report")
    p.add_argument("--config", metavar="FILE", default=None,
                   help="take 'compare' (alpha, rules) from this config (default: the one recorded in NEW.json)")
    p.add_argument("--format", default="text", choices=FORMATS,
                   help="text, markdown (PR comment), json (the comparison), html (one self-contained page)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the rendering to FILE instead of stdout")
    add_pair(p)
    add_junit(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..verdict.compare import dumps_comparison
    from ..engine.pipeline import judge
    from ..render import render
    from ..render.compare import render_comparison_text
    from ..core.report import read_report

    check_output_file(args.output, "--output")
    check_output_file(args.junit, "--junit")
    base = read_report(args.base)
    new = read_report(args.new)
    config = compare_config_with_pairs(load_compare_config(args.config, new), args.pair)
    # The verdict is the one ``run --baseline`` and ``report --baseline`` give for the same two
    # reports (one judge): the new run's own gate plus the regression gate, and so is the JUnit file.
    result = judge(new, baseline=base, compare=config, baseline_label=args.base, report_label=args.new)
    comp, shown = result.comparison, result.report
    if args.format == "json":
        text = dumps_comparison(comp)
    elif args.format == "text":
        text = render_comparison_text(comp, run_gate=new.gate)
    else:
        text = render(shown, args.format, comparison=comp, baseline=base)
    code = exit_code(shown.gate)
    write_junit(shown, args.junit, comp)  # files first: a closed stdout cannot lose them or change the code
    emit(text, args.output, args.format)
    return code
