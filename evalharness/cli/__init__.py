"""Command line: argument parsing and wiring only, one module per subcommand.

Importing this package must stay cheap: no torch, no numpy, no models.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import EXIT_SCORER_FAILED, EXIT_USAGE, EvalHarnessError, one_line

def _command_modules() -> list:
    """Every module in this package that defines ``add_parser`` is a subcommand,
    ordered by its ``ORDER`` (then name). Adding a command means adding a module."""
    import pkgutil

    mods = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "common":
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "add_parser"):
            mods.append(mod)
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 50), m.__name__))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like every other usage error
        self.exit(EXIT_USAGE, f"evalharness: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__
    parser = _Parser(prog="evalharness", description="Score summarisers, compare systems, flag unsupported "
                     "claims, and gate CI on the result.")
    parser.add_argument("--version", action="version", version=f"evalharness {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in _command_modules():
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except EvalHarnessError as exc:
        print(f"evalharness: error: {one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("evalharness: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - a bug must never read as "gate failed" (exit 1)
        import os
        import traceback
        if os.environ.get("EVALHARNESS_DEBUG"):
            traceback.print_exc()
        print(f"evalharness: internal error: {one_line(f'{type(exc).__name__}: {exc}')} "
              "(set EVALHARNESS_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_SCORER_FAILED


def entry() -> None:
    code = main()
    # The run is over and its outputs are written: a Ctrl-C that lands during
    # interpreter shutdown must not turn the exit code into a signal death.
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)
