"""Safe file names for anything named by the user (case ids, system names), and the one
atomic file writer.

A case id such as ``../../x`` or ``/etc/passwd`` must never become a path. Every
per-case or per-system output file goes through :func:`safe_filename` (or
:func:`safe_join`, which also checks the result stays inside its folder).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from ..errors import InputError

_SAFE = re.compile(r"[a-z0-9][a-z0-9._-]*")
_KEEP = re.compile(r"[^a-z0-9._-]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
MAX_NAME = 100


def safe_filename(name: str, suffix: str = "", max_len: int = MAX_NAME) -> str:
    """A file name for ``name``: lowercase ASCII letters, digits, ``.``, ``_``, ``-``.

    A name that is already safe is kept as it is; any other name is cleaned and
    gets ``~`` plus a hash of the original, so two different names never share a
    file (``~`` never occurs in a kept name), also on case-insensitive file
    systems. The result never contains a path separator, never starts with a dot
    and is never a reserved device name.
    """
    base = name
    ok = (_SAFE.fullmatch(name) is not None and len(name) + len(suffix) <= max_len and ".." not in name
          and name.split(".")[0] not in _RESERVED)
    if not ok:
        cleaned = _KEEP.sub("_", name.lower()).strip("._-")
        cleaned = re.sub(r"\.{2,}", ".", cleaned)
        if cleaned.split(".")[0] in _RESERVED:
            cleaned = "_" + cleaned
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        room = max(1, max_len - len(suffix) - len(digest) - 1)
        base = f"{cleaned[:room].rstrip('._-')}~{digest}" if cleaned else f"~{digest}"
    return base + suffix


def safe_join(folder: Path | str, name: str, suffix: str = "") -> Path:
    """``folder / safe_filename(name, suffix)``, checked to stay inside ``folder``."""
    folder = Path(folder)
    path = folder / safe_filename(name, suffix)
    if path.resolve().parent != folder.resolve():  # cannot happen; a guard against future edits
        raise InputError(f"refusing to write '{name}' outside {folder}")
    return path


def atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the mode open() would
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        from .._signals import phase
        phase("writing")  # test hook: the temporary file is whole, not yet in place
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
