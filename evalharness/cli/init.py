"""``evalharness init``: write a copy of the built-in default config to edit."""

from __future__ import annotations

from pathlib import Path

from .common import DEFAULT_CONFIG

ORDER = 5


def add_parser(sub) -> None:
    p = sub.add_parser("init", help=f"write the built-in default config to {DEFAULT_CONFIG} (to edit)")
    p.add_argument("path", nargs="?", default=DEFAULT_CONFIG, metavar="FILE",
                   help=f"where to write it (default: {DEFAULT_CONFIG}, which every command then reads)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..core.config import builtin_config_text
    from ..errors import InputError
    from ..io.paths import atomic_write

    path = Path(args.path)
    if path.exists() and not args.force:
        raise InputError("already exists; not replaced (pass --force to overwrite it)", file=str(path))
    if path.is_dir():
        raise InputError("is a directory", file=str(path))
    atomic_write(path, builtin_config_text())
    print(f"wrote {path}: the built-in default config; edit its gate and compare rules for your systems")
    return 0
