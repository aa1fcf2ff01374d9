"""``evalharness validate``: check cases, runs and config; load no model."""

from __future__ import annotations

from .common import add_inputs, load_inputs

ORDER = 20


def add_parser(sub) -> None:
    p = sub.add_parser("validate", help="check cases and config without loading any model")
    add_inputs(p)
    p.set_defaults(func=run)


def run(args) -> int:
    config, cases, _, missing = load_inputs(args)
    n = sum(len(c.candidates) for c in cases)
    systems = sorted({s for c in cases for s in c.candidates})
    print(f"ok: {len(cases)} case(s), {n} summaries from {len(systems)} system(s) ({', '.join(systems)}); "
          f"scorers: {', '.join(s.name for s in config.scorers)}; {len(config.gate)} gate rule(s)")
    from ..render.text import missing_lines
    for line in missing_lines(missing, len(cases)):
        print(line)
    return 0
