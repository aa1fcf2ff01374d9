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


class _Stdout:
    """stdout for a command: a reader that went away (``| head``, ``| true``) never
    changes the exit code (the outputs are written before anything is printed, and the
    rest of the text is dropped), and a terminal that cannot show a character (an ASCII
    or Latin-1 locale) gets ASCII arrows and escapes instead of a UnicodeEncodeError."""

    _ASCII = str.maketrans({"\u2191": "^", "\u2193": "v", "\u2192": "->", "\u2190": "<-", "\u2026": "...",
                            "\u2014": "--", "\u2013": "-", "\u00b1": "+/-", "\u274c": "[x]", "\u2705": "[ok]"})

    def __init__(self, inner) -> None:
        self._inner = inner
        self.broken = False

    def _broke(self) -> None:
        self.broken = True
        import os
        try:  # the interpreter's own flush at exit must not fail on the closed pipe either
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._inner.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def write(self, text: str) -> int:
        if self.broken:
            return len(text)
        try:
            try:
                return self._inner.write(text)
            except UnicodeEncodeError:
                enc = getattr(self._inner, "encoding", None) or "ascii"
                safe = text.translate(self._ASCII).encode(enc, "backslashreplace").decode(enc)
                return self._inner.write(safe)
        except BrokenPipeError:
            self._broke()
            return len(text)

    def flush(self) -> None:
        if self.broken:
            return
        try:
            self._inner.flush()
        except BrokenPipeError:
            self._broke()
        except ValueError:  # closed
            pass

    def __getattr__(self, name):
        return getattr(self._inner, name)


_MEMORY_LINE = b"evalharness: internal error: out of memory (MemoryError); the run was stopped\n"
_INTERNAL_LINE = b"evalharness: internal error: the error handler itself failed\n"


def main(argv: list[str] | None = None) -> int:
    saved = sys.stdout
    if not isinstance(saved, _Stdout):
        sys.stdout = _Stdout(saved)
    try:
        return _main(argv)
    finally:
        try:
            sys.stdout.flush()
        finally:
            sys.stdout = saved


def _main(argv: list[str] | None) -> int:
    from .. import _signals
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return EXIT_USAGE
        return int(args.func(args) or 0)
    except EvalHarnessError as exc:
        print(f"evalharness: error: {one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (raised as _signals.Terminated)
        print(_signals.message(exc), file=sys.stderr)
        return _signals.exit_code(exc)
    except MemoryError:
        # The handler must not need memory: one preallocated line, written raw.
        _signals.write_raw(_MEMORY_LINE)
        return EXIT_SCORER_FAILED
    except BrokenPipeError:  # stdout is guarded (_Stdout); this is stderr or another pipe: fail closed
        return EXIT_SCORER_FAILED
    except Exception as exc:  # noqa: BLE001 - a bug must never read as "gate failed" (exit 1)
        import os
        import traceback
        if os.environ.get("EVALHARNESS_DEBUG"):
            traceback.print_exc()
        print(f"evalharness: internal error: {one_line(f'{type(exc).__name__}: {exc}')} "
              "(set EVALHARNESS_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_SCORER_FAILED


def entry() -> None:
    from .. import _signals
    _signals.install()
    try:
        code = main()
    except KeyboardInterrupt as exc:  # landed between main's handlers: still one line and 130/143
        try:
            print(_signals.message(exc), file=sys.stderr)
        except BaseException:  # noqa: BLE001
            pass
        _signals.hard_exit(_signals.exit_code(exc))
    except SystemExit:
        raise
    except BaseException:  # noqa: BLE001 - MemoryError inside a handler, or worse: still exit 3, never 1
        _signals.write_raw(_MEMORY_LINE if isinstance(sys.exc_info()[1], MemoryError) else _INTERNAL_LINE)
        _signals.hard_exit(EXIT_SCORER_FAILED)
    # The run is over and its outputs are written: a signal that lands during
    # interpreter shutdown must not turn the exit code into a signal death, and
    # an interrupted run leaves at once (no atexit handler may hang or re-raise).
    _signals.ignore()
    if code in (_signals.EXIT_SIGINT, _signals.EXIT_SIGTERM):
        _signals.hard_exit(code)
    sys.exit(code)
