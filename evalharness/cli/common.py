"""Pieces shared by subcommands: loading cases, runs and config the same way."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

DEFAULT_CONFIG = "configs/default.yaml"
DEFAULT_CASES = "cases"


def add_inputs(p) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help=f"case files or folders (default: {DEFAULT_CASES}/)")
    p.add_argument("--config", default=DEFAULT_CONFIG, metavar="FILE", help=f"config (default: {DEFAULT_CONFIG})")
    p.add_argument("--candidates", action="append", default=[], metavar="SYSTEM=FILE",
                   help="summaries of SYSTEM from a runs JSONL file ({\"case_id\", \"summary\"} per line); repeatable")


def parse_pair(value: str, flag: str) -> tuple[str, str]:
    name, sep, rest = value.partition("=")
    if not sep or not name.strip() or not rest.strip():
        raise InputError(f"expected SYSTEM=FILE, got '{value}'", field=flag)
    return name.strip(), rest.strip()


def load_inputs(args):
    """Config, then cases, then runs: everything validated, no model loaded."""
    from ..cases import load_cases, load_runs, with_runs
    from ..config import load_config

    config = load_config(Path(args.config))
    paths = args.paths or [DEFAULT_CASES]
    cases = load_cases(paths)
    runs = {}
    for spec in args.candidates:
        system, file = parse_pair(spec, "--candidates")
        if system in runs:
            raise InputError(f"system '{system}' given twice", field="--candidates")
        runs[system] = load_runs(file, system, cases)
    if runs:
        cases = with_runs(cases, runs)
    empty = [c.id for c in cases if not c.candidates]
    if empty and not getattr(args, "system", None):  # --system summarises on the fly
        c = next(c for c in cases if not c.candidates)
        raise InputError(f"case '{c.id}' has no candidate summaries (add 'candidates' or pass --candidates)",
                         file=c.file, line=c.line, field="candidates")
    return config, cases, Path(paths[0])
