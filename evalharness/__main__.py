from ._signals import exit_code, hard_exit, install, message, phase

try:
    install()
    phase("imports")
    from .cli import entry
except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM while the command modules import
    import sys
    print(message(exc), file=sys.stderr)
    hard_exit(exit_code(exc))
except MemoryError:
    from ._signals import write_raw
    write_raw(b"evalharness: internal error: out of memory (MemoryError); the run was stopped\n")
    hard_exit(3)

entry()
