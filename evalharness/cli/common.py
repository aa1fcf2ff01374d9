"""Pieces shared by subcommands: loading cases, runs and config the same way."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

DEFAULT_CONFIG = "configs/default.yaml"
DEFAULT_CASES = "cases"


def add_inputs(p) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help=f"case files or folders (default: {DEFAULT_CASES}/)")
    p.add_argument("--config", default=None, metavar="FILE",
                   help=f"config (default: {DEFAULT_CONFIG} when it exists, else the built-in default; "
                        "`evalharness init` writes a copy)")
    p.add_argument("--candidates", action="append", default=[], metavar="SYSTEM=FILE",
                   help="summaries of SYSTEM from a runs JSONL file ({\"case_id\", \"summary\"} per line); repeatable")
    p.add_argument("--allow-missing", action="store_true",
                   help="accept a runs file that leaves cases out (the system is scored on the cases it has and "
                        "the missing ones are listed); default: an error (config: run.allow_missing)")


def parse_pair(value: str, flag: str) -> tuple[str, str]:
    name, sep, rest = value.partition("=")
    if not sep or not name.strip() or not rest.strip():
        raise InputError(f"expected SYSTEM=FILE, got '{value}'", field=flag)
    return name.strip(), rest.strip()


def load_inputs(args):
    """Config, then cases, then runs: everything validated, no model loaded.

    Returns (config, cases, root, missing): ``missing`` maps a system of a runs file
    to the case ids it has no summary for (only with --allow-missing or
    ``run.allow_missing``; else a runs file that leaves a case out is an error)."""
    from ..io.cases import load_cases, load_runs, with_runs
    from ..core.config import check_rule_systems, resolve_config

    config = resolve_config(args.config)
    paths = args.paths or [DEFAULT_CASES]
    cases = load_cases(paths)
    allow_missing = bool(getattr(args, "allow_missing", False)) or config.run.allow_missing
    runs = {}
    missing: dict[str, tuple[str, ...]] = {}
    for spec in args.candidates:
        system, file = parse_pair(spec, "--candidates")
        if system in runs:
            raise InputError(f"system '{system}' given twice", field="--candidates")
        runs[system] = load_runs(file, system, cases)
        left_out = tuple(c.id for c in cases if c.id not in runs[system])
        if left_out and not allow_missing:
            shown = ", ".join(left_out[:10]) + (f" and {len(left_out) - 10} more" if len(left_out) > 10 else "")
            raise InputError(f"runs file of system '{system}' covers {len(cases) - len(left_out)} of {len(cases)} "
                             f"case(s); missing: {shown} (pass --allow-missing, or set run.allow_missing: true, "
                             "to score it on the cases it has)", file=file)
        if left_out:
            missing[system] = left_out
    if runs:
        cases = with_runs(cases, runs)
    fly = [spec.partition("=")[0].strip() for spec in getattr(args, "system", None) or ()]  # checked when run
    check_rule_systems(config, [s for c in cases for s in c.candidates] + list(runs) + fly)
    empty = [c.id for c in cases if not c.candidates]
    if empty and not getattr(args, "system", None):  # --system summarises on the fly
        c = next(c for c in cases if not c.candidates)
        raise InputError(f"case '{c.id}' has no candidate summaries (add 'candidates' or pass --candidates)",
                         file=c.file, line=c.line, field="candidates")
    return config, cases, Path(paths[0]), missing
