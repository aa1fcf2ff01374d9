"""Persistent score cache: one SQLite file, shared safely by concurrent runs.

A cached entry is one scorer's :class:`ItemScore` for one item, keyed by
(scorer signature + code fingerprint, source hash, summary hash, reference hash).
The signature pins the options, model and library versions; the code
fingerprint (a hash of the scorer's own source files) makes an edited scorer miss
instead of returning stale numbers during development.

Concurrency and crashes: the database runs in WAL mode with a busy timeout, and
every write is one transaction, so two runs can share a cache, and a run killed
at any instant (SIGKILL included) leaves either the whole batch or none of it.
Only successful results are stored; a failed item is always recomputed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from .errors import ConfigError
from .results import Claim, ItemScore, ScoreItem

SCHEMA_VERSION = 1
DB_NAME = "scores.sqlite3"
ENV_DIR = "EVALHARNESS_CACHE_DIR"
BUSY_TIMEOUT_MS = 60_000


def default_cache_dir() -> Path:
    """``$EVALHARNESS_CACHE_DIR``, else the platform's user cache folder
    (platformdirs when installed), else ``$XDG_CACHE_HOME`` or ``~/.cache``."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env).expanduser()
    try:
        import platformdirs
        return Path(platformdirs.user_cache_dir("evalharness", appauthor=False))
    except ImportError:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "evalharness"


def _h(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def item_key(scorer_key: str, item: ScoreItem) -> str:
    """The cache key of one item for one scorer (hex sha256 of the four parts)."""
    refs = _h(json.dumps(list(item.references), ensure_ascii=False))
    return _h("\x1f".join((scorer_key, _h(item.source), _h(item.summary), refs)))


def code_fingerprint(scorer) -> str:
    """Hash of the source files a scorer's numbers depend on: its own module (or
    package, for a scorer split over a folder) plus the shared text, model and
    result code. Editing any of them invalidates that scorer's cache entries."""
    import importlib
    mod = importlib.import_module(type(scorer).__module__)
    here = Path(__file__).resolve().parent
    files: list[Path] = []
    origin = Path(mod.__file__).resolve()
    if origin.name == "__init__.py":
        files.extend(sorted(p for p in origin.parent.rglob("*") if p.suffix in (".py", ".json")))
    else:
        files.append(origin)
    files.extend(here / f for f in ("text.py", "models.py", "results.py", "scorers/base.py"))
    h = hashlib.sha256()
    for f in files:
        if f.is_file():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def scorer_key(scorer) -> str:
    return f"{scorer.signature()}|code:{code_fingerprint(scorer)}"


def dump_score(s: ItemScore) -> str:
    return json.dumps({"scores": dict(s.scores), "not_applicable": dict(s.not_applicable),
                       "claims": [c.to_json() for c in s.claims], "notes": list(s.notes)},
                      ensure_ascii=False, separators=(",", ":"))


def load_score(text: str) -> ItemScore:
    d = json.loads(text)
    return ItemScore(scores={k: float(v) for k, v in d["scores"].items()},
                     not_applicable=dict(d.get("not_applicable", {})),
                     claims=tuple(Claim.from_json(c) for c in d.get("claims", ())),
                     notes=tuple(d.get("notes", ())))


@dataclass(frozen=True)
class CacheStats:
    path: str
    entries: int
    size_bytes: int
    by_scorer: Mapping[str, int]

    def to_json(self) -> dict:
        return {"path": self.path, "entries": self.entries, "size_bytes": self.size_bytes,
                "by_scorer": dict(self.by_scorer)}


class ScoreCache:
    """A handle on the cache database. Open one per run (per process)."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory).expanduser() if directory else default_cache_dir()
        self.path = self.directory / DB_NAME
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a killed process never corrupts or loses committed
            # transactions; only a power cut may drop the last few.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._db.execute("CREATE TABLE IF NOT EXISTS scores (key TEXT PRIMARY KEY, scorer TEXT NOT NULL, "
                             "signature TEXT NOT NULL, value TEXT NOT NULL, created REAL NOT NULL)")
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"cannot open the score cache {self.path}: {exc} "
                              "(run 'evalharness cache clear' or pass --no-cache)", field="run.cache_dir") from None
        except OSError as exc:
            raise ConfigError(f"cannot create the score cache folder {self.directory}: {exc}",
                              field="run.cache_dir") from None
        if row and row[0] != str(SCHEMA_VERSION):
            raise ConfigError(f"the score cache {self.path} has schema version {row[0]}, this evalharness "
                              f"reads {SCHEMA_VERSION} (run 'evalharness cache clear')", field="run.cache_dir")
        self.hits = 0
        self.misses = 0

    def get_many(self, keys: Sequence[str]) -> dict[str, ItemScore]:
        out: dict[str, ItemScore] = {}
        uniq = list(dict.fromkeys(keys))
        for i in range(0, len(uniq), 500):
            chunk = uniq[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for key, value in self._db.execute(f"SELECT key, value FROM scores WHERE key IN ({marks})", chunk):
                out[key] = load_score(value)
        self.hits += sum(1 for k in keys if k in out)
        self.misses += sum(1 for k in keys if k not in out)
        return out

    def put_many(self, scorer: str, signature: str, entries: Iterable[tuple[str, ItemScore]]) -> int:
        """Store results in one transaction (all or nothing). Returns how many."""
        now = time.time()
        rows = [(k, scorer, signature, dump_score(s), now) for k, s in entries]
        if not rows:
            return 0
        with self._db:  # BEGIN ... COMMIT, or ROLLBACK on error
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?)", rows)
        return len(rows)

    def stats(self) -> CacheStats:
        n = self._db.execute("SELECT COUNT(*) FROM scores").fetchone()[0]
        by = dict(self._db.execute("SELECT scorer, COUNT(*) FROM scores GROUP BY scorer ORDER BY scorer"))
        size = sum(p.stat().st_size for p in self.directory.glob(DB_NAME + "*") if p.is_file())
        return CacheStats(path=str(self.path), entries=int(n), size_bytes=size, by_scorer=by)

    def clear(self, scorer: str | None = None) -> int:
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if scorer:
                cur = self._db.execute("DELETE FROM scores WHERE scorer = ?", (scorer,))
            else:
                cur = self._db.execute("DELETE FROM scores")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.execute("VACUUM")
        return cur.rowcount

    def close(self) -> None:
        try:
            self._db.close()
        except sqlite3.Error:
            pass

    def __enter__(self) -> "ScoreCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
