"""Output options shared by ``run``, ``compare`` and ``report``: JUnit XML and a
baseline comparison. Kept out of ``common`` so subcommands stay independent."""

from __future__ import annotations

from pathlib import Path

from ..errors import EXIT_GATE_FAILED, EXIT_OK, EXIT_SCORER_FAILED


def add_junit(p) -> None:
    p.add_argument("--junit", metavar="FILE", help="also write JUnit XML: one test case per (case, system, gate rule)")


def add_baseline(p) -> None:
    p.add_argument("--baseline", metavar="BASE.json",
                   help="compare with this baseline report; its regression rules (config 'compare.rules') "
                        "join the gate")


def emit(text: str, output: str | None, label: str) -> None:
    """Write a rendering to ``output`` atomically (and say where), or to stdout."""
    import sys
    if output:
        from ..report import atomic_write
        atomic_write(Path(output), text)
        print(f"{label}: {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def write_junit(report, path: str | None) -> None:
    if not path:
        return
    from ..render.junit import render_junit
    from ..report import atomic_write
    atomic_write(Path(path), render_junit(report))


def load_compare_config(path: str | None, new_report):
    """--config FILE when given, else the ``compare`` section recorded in the new report."""
    from ..compare import compare_config_from_report
    if path:
        from ..config import load_config
        return load_config(Path(path)).compare
    return compare_config_from_report(new_report)


def exit_code(gate) -> int:
    if gate.has_errors:
        return EXIT_SCORER_FAILED
    return EXIT_OK if gate.passed else EXIT_GATE_FAILED
