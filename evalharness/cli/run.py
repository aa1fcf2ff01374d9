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
    add_execution(p)
    p.set_defaults(func=run)


def add_execution(p) -> None:
    """Flags that change how a run executes (never a score); they override the config's ``run:``."""
    g = p.add_argument_group("execution (overrides the config's run: section)")
    g.add_argument("--workers", type=int, metavar="N", help="worker processes for CPU-bound scorers "
                   "(default: the cores available)")
    g.add_argument("--no-cache", action="store_true", help="neither read nor write the persistent score cache")
    g.add_argument("--cache-dir", metavar="DIR", help="score cache folder (default: the user cache folder)")
    g.add_argument("--executor", choices=("local", "ray"), help="where scoring runs (default: local)")
    g.add_argument("--ray-address", metavar="ADDR", help="an existing Ray cluster (ray://host:10001 or host:6379); "
                   "without it --executor ray starts a local Ray instance")


def execution(args, config):
    """(executor, cache) for a run, from the config's ``run:`` section and the flags."""
    from ..errors import InputError
    from ..executor import RayExecutor, available_cores
    from ..runner import LocalExecutor

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
    cache = None
    if rc.cache and not getattr(args, "no_cache", False):
        from ..cache import ScoreCache
        cache = ScoreCache(getattr(args, "cache_dir", None) or rc.cache_dir)
    return executor, cache


def run(args) -> int:
    from ..render import render
    from ..report import write_report
    from ..runner import evaluate

    config, cases, root = load_inputs(args)
    executor, cache = execution(args, config)
    try:
        report = evaluate(cases, config, cases_root=root, executor=executor, cache=cache)
    finally:
        if cache is not None:
            cache.close()
        if hasattr(executor, "close"):
            executor.close()
    out = Path(args.out)
    write_report(report, out / "report.json")
    sys.stdout.write(render(report, args.format))
    if args.format != "json":
        print(f"report: {out / 'report.json'}", file=sys.stderr)
    if report.gate.has_errors:
        return EXIT_SCORER_FAILED
    return EXIT_OK if report.gate.passed else EXIT_GATE_FAILED
