"""``evalharness run``: score the cases, compare systems, write report.json, gate."""

from __future__ import annotations

import sys
from pathlib import Path

from ._outputs import (add_baseline, add_junit, add_pair, check_output_dir, check_output_file,
                       compare_config_with_pairs, exit_code, remove_stale, write_junit)
from .common import add_inputs, load_inputs

DEFAULT_OUT = "evalharness-out"

ORDER = 10


def add_parser(sub) -> None:
    from ..render import FORMATS
    p = sub.add_parser("run", help="score cases, compare systems, gate on the result")
    add_inputs(p)
    p.add_argument("--out", default=DEFAULT_OUT, metavar="DIR", help=f"where report.json goes (default: {DEFAULT_OUT})")
    p.add_argument("--format", default="text", choices=FORMATS,
                   help="what to print on stdout (html: writes DIR/report.html, one self-contained page)")
    p.add_argument("--system", action="append", default=[], metavar="NAME=cmd:COMMAND|NAME=py:MODULE:FUNC",
                   help="summarise on the fly: a command (source on stdin, summary on stdout) or a Python "
                        "callable (source -> summary); repeatable")
    p.add_argument("--system-version", action="append", default=[], metavar="NAME=VERSION",
                   help="version of an on-the-fly system; with it, its summaries are cached by "
                        "(name, version, source hash)")
    p.add_argument("--system-timeout", type=float, default=120.0, metavar="SECONDS",
                   help="time limit per summarise call (default: 120)")
    p.add_argument("--system-workers", type=int, default=4, metavar="N",
                   help="summarise calls run at once (default: 4)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar (none is shown off a terminal either)")
    add_baseline(p)
    add_pair(p)
    add_junit(p)
    add_execution(p)
    p.set_defaults(func=run)


def add_execution(p) -> None:
    """Flags that change how a run executes (never a score); they override the config's ``run:``."""
    g = p.add_argument_group("execution (overrides the config's run: section)")
    g.add_argument("--workers", type=int, metavar="N", help="worker processes for CPU-bound scorers "
                   "(default: the cores available)")
    g.add_argument("--no-cache", action="store_true", help="neither read nor write any cache (scores, embeddings, "
                   "llm replies, summaries)")
    g.add_argument("--cache-dir", metavar="DIR", help="cache folder for every cache (default: the user cache folder)")
    g.add_argument("--executor", choices=("local", "ray"), help="where scoring runs (default: local)")
    g.add_argument("--ray-address", metavar="ADDR", help="an existing Ray cluster (ray://host:10001 or host:6379); "
                   "without it --executor ray starts a local Ray instance")


def execution(args, config):
    """(executor, cache policy) for a run, from the config's ``run:`` section and the flags.
    The cache is opened here once, so a broken cache is exit 2 before any work."""
    from ..errors import InputError
    from ..engine.executor import RayExecutor, available_cores
    from ..engine.runner import LocalExecutor

    rc = config.run
    workers = args.workers if getattr(args, "workers", None) is not None else rc.workers
    if workers is not None and workers < 1:
        raise InputError(f"must be at least 1, got {workers}", field="--workers")
    workers = workers or available_cores()
    kind = getattr(args, "executor", None) or rc.executor
    address = getattr(args, "ray_address", None) or rc.ray_address
    if address and kind != "ray":
        raise InputError("--ray-address needs --executor ray", field="--ray-address")
    if kind == "ray":
        executor = RayExecutor(address, batch_size=rc.batch_size, num_cpus=workers)
    else:
        executor = LocalExecutor(batch_size=rc.batch_size, workers=workers)
    from ..cache.store import CachePolicy
    policy = CachePolicy.from_settings(rc, no_cache=getattr(args, "no_cache", False),
                                       cache_dir=getattr(args, "cache_dir", None))
    if policy.enabled:
        policy.open("scores").close()
    return executor, policy


def run(args) -> int:
    from ..engine.pipeline import RunRequest, run_evaluation
    from ..engine.progress import make_progress, quiet_library_progress

    config, cases, root, missing = load_inputs(args)
    out = Path(args.out)
    check_output_dir(args.out, "--out")  # every output path is checked before any work
    check_output_file(args.junit, "--junit")
    specs = ()
    if args.system:
        from ..engine.summarise import parse_system_specs
        specs = tuple(parse_system_specs(args.system, args.system_version, timeout=args.system_timeout))
    executor, policy = execution(args, config)
    progress = make_progress(quiet=args.quiet)
    quiet_library_progress()  # model libraries' own bars ("Loading weights"); EVALHARNESS_VERBOSE=1 keeps them
    try:
        base = None
        compare_config = compare_config_with_pairs(config.compare, args.pair)
        if args.pair and not args.baseline:
            from ..errors import InputError
            raise InputError("--pair needs --baseline", field="--pair")
        if args.baseline:
            from ..core.report import read_report
            base = read_report(args.baseline)  # a bad baseline is an input error before any model loads
        request = RunRequest(cases=tuple(cases), config=config, cases_root=root, systems=specs,
                             system_workers=args.system_workers, missing=missing, baseline=base,
                             compare=compare_config, baseline_label=args.baseline or "base",
                             report_label=str(out / "report.json"))
        result = run_evaluation(request, executor=executor, cache=policy, progress=progress)  # a bad pair first
    finally:
        if progress is not None:
            progress.close()
        if hasattr(executor, "close"):
            executor.close()
    code, printed, notices = write_outputs(args, out, result, base)
    sys.stdout.write(printed)
    for line in notices:
        print(line, file=sys.stderr)
    if args.format != "json":
        print(f"report: {out / 'report.json'}", file=sys.stderr)
    return code


def write_outputs(args, out: Path, result, base) -> tuple[int, str, list[str]]:
    """Every output is written before anything is printed: a reader of stdout that goes
    away (``| head``) can then change neither the files nor the exit code. Returns
    (exit code, what to print on stdout, lines for stderr)."""
    from ..render import render
    from ..core.report import write_report
    from ..io.paths import atomic_write

    report, comparison = result.report, result.comparison
    written: set[Path] = set()
    notices: list[str] = []
    if result.fly is not None:
        from ..engine.summarise import write_runs
        for path in write_runs(result.fly, out / "runs"):
            written.add(path)
            notices.append(f"runs: {path}")
    if comparison is not None:
        from ..verdict.compare import dumps_comparison
        atomic_write(out / "comparison.json", dumps_comparison(comparison))
        written.add(out / "comparison.json")
    write_report(report, out / "report.json")
    written.add(out / "report.json")
    # damaged or unwritable caches: the results are right, the user should know
    notices.extend(f"evalharness: warning: {note}" for note in result.notes)
    if args.format == "html":
        html_path = out / "report.html"
        atomic_write(html_path, render(report, "html", comparison=comparison, baseline=base))
        written.add(html_path)
        notices.append(f"html: {html_path}")
    write_junit(report, args.junit, comparison)
    remove_stale(out, written)
    printed = render(report, "text" if args.format == "html" else args.format, comparison=comparison)
    return exit_code(report.gate), printed, notices
