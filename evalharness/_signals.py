"""Signals: Ctrl-C (SIGINT) and SIGTERM end a run the same way, in every phase.

SIGTERM raises :class:`Terminated`, a :class:`KeyboardInterrupt`, so every cleanup
path written for Ctrl-C (worker processes, summariser process groups, temporary
files, the caches) runs for it too. The process then exits 130 (SIGINT) or 143
(SIGTERM) with one line on stderr, never dying of the signal itself.

Test hook: ``EVALHARNESS_TEST_SIGNAL_AT=PHASE[:SIG]`` makes the process send itself
SIG (INT, TERM or KILL; default INT) the first time it reaches PHASE, so tests hit
each phase deterministically instead of sleeping: ``imports`` (before the command
modules import), ``load`` (before a model scorer's first batch, which loads its
model), ``workers`` (worker processes started, batches submitted), ``scoring`` (the
first batch scored), ``summarise`` (a summariser process started), ``writing`` (an
output's temporary file written, not yet renamed into place).
Importing this module must stay cheap.
"""

from __future__ import annotations

import os
import signal
import sys

EXIT_SIGINT = 130
EXIT_SIGTERM = 143
HOOK_ENV = "EVALHARNESS_TEST_SIGNAL_AT"
PHASES = ("imports", "load", "workers", "scoring", "summarise", "writing")

_fired: set[str] = set()


class Terminated(KeyboardInterrupt):
    """SIGTERM, delivered as an exception like Ctrl-C."""


def _on_sigterm(signum, frame):
    raise Terminated()


def install() -> None:
    """Ctrl-C raises KeyboardInterrupt (Python's default) and SIGTERM raises Terminated."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _on_sigterm)


def exit_code(exc: BaseException) -> int:
    return EXIT_SIGTERM if isinstance(exc, Terminated) else EXIT_SIGINT


def message(exc: BaseException) -> str:
    return "evalharness: terminated" if isinstance(exc, Terminated) else "evalharness: interrupted"


def ignore() -> None:
    """From here on no signal may change the exit code (the outputs are final)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            signal.signal(sig, signal.SIG_IGN)
        except (ValueError, OSError):  # not the main thread
            pass


def hard_exit(code: int) -> None:
    """Flush and leave now: no atexit handler (a pool's join, a library's cleanup) may
    hang or turn an interrupted run into a signal death."""
    ignore()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a closed pipe cannot stop the exit
            pass
    os._exit(code)


def write_raw(line: bytes) -> None:
    """Write a preallocated line to stderr without allocating (for MemoryError)."""
    try:
        os.write(2, line)
    except OSError:
        pass


def phase(name: str) -> None:
    """Test hook (see the module docstring); does nothing unless the variable is set."""
    spec = os.environ.get(HOOK_ENV)
    if not spec:
        return
    want, _, sig = spec.partition(":")
    if want != name or name in _fired or os.getpid() != _main_pid:
        return
    _fired.add(name)
    os.kill(os.getpid(), getattr(signal, f"SIG{(sig or 'INT').upper()}"))


_main_pid = os.getpid()
