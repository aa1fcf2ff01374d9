"""Output options shared by ``run``, ``compare`` and ``report``: JUnit XML and a
baseline comparison. Kept out of ``common`` so subcommands stay independent."""

from __future__ import annotations

from pathlib import Path

from ..errors import EXIT_GATE_FAILED, EXIT_OK, EXIT_SCORER_FAILED, InputError


def add_junit(p) -> None:
    p.add_argument("--junit", metavar="FILE", help="also write JUnit XML: one test case per (case, system, gate rule)")


def add_baseline(p) -> None:
    p.add_argument("--baseline", metavar="BASE.json",
                   help="compare with this baseline report; its regression rules (config 'compare.rules') "
                        "join the gate")


def check_output_file(path: str | None, flag: str) -> None:
    """An output file that cannot be written is a usage error before any work: a
    folder, a path under a file, a folder we may not write in."""
    if not path:
        return
    p = Path(path)
    if p.is_dir():
        raise InputError(f"'{path}' is a folder; give a file name", field=flag)
    _check_writable_folder(p.parent, path, flag)


def check_output_dir(path: str, flag: str) -> None:
    """The output folder: a folder (or nothing yet) that can be written, checked before any work."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(f"'{path}' exists and is not a folder", field=flag)
    _check_writable_folder(p, path, flag)


def _check_writable_folder(folder: Path, shown: str, flag: str) -> None:
    import os
    import tempfile
    existing = folder if str(folder) else Path(".")
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(f"'{shown}' is under '{existing}', which is a file, not a folder", field=flag)
    try:  # probe: permissions, a read-only file system, a name too long
        fd, probe = tempfile.mkstemp(prefix=".evalharness-probe.", dir=existing)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(f"cannot write in '{existing}': {exc.strerror}", field=flag) from None
    if folder != existing:
        name_max = os.pathconf(existing, "PC_NAME_MAX") if hasattr(os, "pathconf") else 255
        for part in folder.relative_to(existing).parts:
            if len(part.encode("utf-8", "surrogateescape")) > name_max:
                raise InputError(f"'{shown}': the name '{part[:40]}...' is longer than {name_max} bytes", field=flag)


def emit(text: str, output: str | None, label: str) -> None:
    """Write a rendering to ``output`` atomically (and say where), or to stdout."""
    import sys
    if output:
        from ..io.paths import atomic_write
        atomic_write(Path(output), text)
        print(f"{label}: {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def remove_stale(out: Path, written: set) -> None:
    """Rerunning into an old output folder: remove what an earlier run wrote there and
    this one did not (only the tool's own file names), so no old page or comparison
    sits beside the new report."""
    out = Path(out)
    for name in ("comparison.json", "report.html"):
        p = out / name
        if p not in written and p.is_file():
            p.unlink()
    runs = out / "runs"
    if runs.is_dir():
        for p in runs.glob("*.jsonl"):
            if p not in written:
                p.unlink()
        try:
            runs.rmdir()  # only when empty
        except OSError:
            pass


def write_junit(report, path: str | None, comparison=None) -> None:
    if not path:
        return
    from ..render.junit import render_junit
    from ..io.paths import atomic_write
    atomic_write(Path(path), render_junit(report, comparison=comparison))


def add_pair(p) -> None:
    p.add_argument("--pair", action="append", default=[], metavar="NEW=OLD",
                   help="compare system NEW of the new run with system OLD of the baseline (names that differ); "
                        "repeatable; joins the config's compare.pair")


def load_compare_config(path: str | None, new_report):
    """--config FILE when given, else the ``compare`` section recorded in the new report."""
    from ..verdict.compare import compare_config_from_report
    if path:
        from ..core.config import load_config
        return load_config(Path(path)).compare
    return compare_config_from_report(new_report)


def compare_config_with_pairs(config, pairs):
    """``config`` (a CompareConfig) with the ``--pair`` values over its ``compare.pair``."""
    from ..verdict.compare import parse_pairs, with_pairs
    return with_pairs(config, parse_pairs(pairs))


def exit_code(gate) -> int:
    if gate.has_errors:
        return EXIT_SCORER_FAILED
    return EXIT_OK if gate.passed else EXIT_GATE_FAILED
