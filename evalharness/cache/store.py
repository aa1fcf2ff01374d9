"""The one on-disk key-value store behind every cache, and the cache policy.

Every cache of the harness (scores, sentence embeddings, llm replies, on-the-fly
summaries, meta-eval's per-row scores, and any namespace registered later) is a
*namespace* in one SQLite file, ``<folder>/cache.sqlite3``. One
:class:`CachePolicy` (folder, enabled) is made from the command line or the
pytest options and passed down to every user of a cache; nothing else decides
where a cache lives or whether it is used.

Concurrency and crashes: WAL mode, a busy timeout, and one transaction per
batch, so two processes can share the store and a process killed at any instant
(SIGKILL included) leaves either a whole batch or none of it.

Integrity: each entry carries a checksum of its namespace, key, shape/metadata
and value. An entry whose checksum does not match (or that its namespace's reader
rejects: NaN, infinity, a wrong vector length, a missing metric) is dropped,
recomputed, and counted in the policy's :class:`CacheHealth`, whose notes go into
the report. A cache only ever costs or saves time: a store that cannot be written
any more (a full disk) is noted once and the run goes on with what it computed
in memory.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from ..errors import ConfigError

DB_NAME = "cache.sqlite3"
SCHEMA_VERSION = 2
ENV_DIR = "EVALHARNESS_CACHE_DIR"
BUSY_TIMEOUT_MS = 60_000
CHUNK = 500  # keys per ``IN (...)`` query (SQLite's variable limit is 999 on old builds)

#: namespace -> how notes and ``cache stats`` name it. Add one with :func:`register_namespace`.
NAMESPACES: dict[str, str] = {
    "scores": "score cache",
    "embeddings": "embedding cache",
    "llm": "llm reply cache",
    "summaries": "summaries cache",
    "metaeval-rows": "meta-eval row cache",
}

#: files of the layout before the one store (ignored; ``cache clear`` removes them)
LEGACY_PATTERNS = ("scores.sqlite3", "scores.sqlite3-wal", "scores.sqlite3-shm", "embeddings/*.sqlite",
                   "llm/*/*.json", "summaries/*.json", "metaeval-*.jsonl")


def register_namespace(name: str, label: str) -> None:
    """Declare a new namespace (e.g. ``lm`` for language-model features)."""
    NAMESPACES.setdefault(name, label)


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


def checksum(namespace: str, key: str, meta: str, value: bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{namespace}\x1f{key}\x1f{meta}\x1f".encode("utf-8"))
    h.update(value)
    return h.hexdigest()


class CacheHealth:
    """What went wrong with the caches in one run: damaged entries per namespace,
    and the first error that stopped writing or reading. Shared by every handle
    opened from one policy (thread-safe); a copy sent to another process starts empty."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.damaged: dict[str, int] = {}
        self.write_error: str | None = None
        self.read_error: str | None = None

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state) -> None:
        self.__init__()

    def add_damaged(self, namespace: str, n: int = 1) -> None:
        if n:
            with self._lock:
                self.damaged[namespace] = self.damaged.get(namespace, 0) + n

    def failed_write(self, message: str) -> None:
        with self._lock:
            self.write_error = self.write_error or message

    def failed_read(self, message: str) -> None:
        with self._lock:
            self.read_error = self.read_error or message

    def notes(self) -> list[str]:
        """One line per problem, e.g. "score cache: 2 damaged entries recomputed"; none when all was well."""
        out = []
        for ns in sorted(self.damaged):
            n = self.damaged[ns]
            out.append(f"{NAMESPACES.get(ns, ns)}: {n} damaged entr{'y' if n == 1 else 'ies'} recomputed")
        if self.read_error:
            out.append(f"cache: could not be read ({self.read_error}); everything was computed afresh")
        if self.write_error:
            out.append(f"cache: could not be written ({self.write_error}); this run's results are kept in "
                       "memory and in the report only")
        return out


@dataclass(frozen=True)
class CachePolicy:
    """Where the caches live and whether they are used: made once (CLI flags over the
    config's ``run:`` section, or the pytest options) and passed to every cache user."""

    folder: Path | None = None        # None: default_cache_dir() when used
    enabled: bool = True
    health: CacheHealth = field(default_factory=CacheHealth, compare=False, repr=False)

    @classmethod
    def off(cls) -> "CachePolicy":
        return cls(enabled=False)

    @classmethod
    def from_settings(cls, run_config=None, *, no_cache: bool = False,
                      cache_dir: str | Path | None = None) -> "CachePolicy":
        """The flags (``--no-cache``, ``--cache-dir``) over the config's ``run.cache`` and ``run.cache_dir``."""
        enabled = not no_cache and (run_config is None or bool(run_config.cache))
        folder = cache_dir or (run_config.cache_dir if run_config is not None else None)
        return cls(folder=Path(folder).expanduser() if folder else None, enabled=enabled)

    @property
    def directory(self) -> Path:
        return Path(self.folder).expanduser() if self.folder else default_cache_dir()

    def narrowed(self, *, enabled: bool = True, folder: str | Path | None = None) -> "CachePolicy":
        """This policy for one user that may only switch its cache off, or keep it in a
        folder of its own (the llm backend's ``cache_dir``); problems still go to the same notes."""
        return replace(self, enabled=self.enabled and enabled,
                       folder=Path(folder).expanduser() if folder else self.folder)

    def open(self, namespace: str) -> "Namespace | None":
        """A handle on one namespace, or None when caching is off. Raises ConfigError
        when the store cannot be opened (the CLI checks this before any work)."""
        if not self.enabled:
            return None
        return Namespace(Store(self.directory, self.health), namespace)

    def try_open(self, namespace: str) -> "Namespace | None":
        """As :meth:`open`, but a store that cannot be opened only costs time (noted)."""
        try:
            return self.open(namespace)
        except ConfigError as exc:
            self.health.failed_read(str(exc))
            return None


@dataclass(frozen=True)
class NamespaceStats:
    entries: int
    size_bytes: int
    by_tag: Mapping[str, int]

    def to_json(self) -> dict:
        return {"entries": self.entries, "size_bytes": self.size_bytes, "by_tag": dict(self.by_tag)}


@dataclass(frozen=True)
class CacheStats:
    path: str
    entries: int
    size_bytes: int                          # the files on disk
    namespaces: Mapping[str, NamespaceStats]

    @property
    def by_scorer(self) -> Mapping[str, int]:
        ns = self.namespaces.get("scores")
        return dict(ns.by_tag) if ns else {}

    def to_json(self) -> dict:
        return {"path": self.path, "entries": self.entries, "size_bytes": self.size_bytes,
                "by_scorer": dict(self.by_scorer),
                "namespaces": {n: s.to_json() for n, s in self.namespaces.items()}}


def _connect(path: Path) -> sqlite3.Connection:
    """One connection (tests wrap this to simulate a full disk with ``max_page_count``)."""
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)


class Store:
    """A handle on the store file. Thread-safe; open one per process and user."""

    def __init__(self, directory: Path | str | None = None, health: CacheHealth | None = None) -> None:
        self.directory = Path(directory).expanduser() if directory else default_cache_dir()
        self.path = self.directory / DB_NAME
        self.health = health if health is not None else CacheHealth()
        self._lock = threading.RLock()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._db = _connect(self.path)
            self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a killed process never corrupts or loses committed
            # transactions; only a power cut may drop the last few.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._db.execute("CREATE TABLE IF NOT EXISTS entries (ns TEXT NOT NULL, key TEXT NOT NULL, "
                             "tag TEXT NOT NULL, meta TEXT NOT NULL, value BLOB NOT NULL, checksum TEXT NOT NULL, "
                             "created REAL NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID")
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"cannot open the cache {self.path}: {exc} "
                              "(run 'evalharness cache clear' or pass --no-cache)", field="run.cache_dir") from None
        except OSError as exc:
            raise ConfigError(f"cannot create the cache folder {self.directory}: {exc}",
                              field="run.cache_dir") from None
        if row and row[0] != str(SCHEMA_VERSION):
            self._db.close()
            raise ConfigError(f"the cache {self.path} has schema version {row[0]}, this evalharness "
                              f"reads {SCHEMA_VERSION} (run 'evalharness cache clear')", field="run.cache_dir")

    # -- reading and writing ------------------------------------------------------
    def get(self, namespace: str, keys: Iterable[str]) -> dict[str, tuple[bytes, str]]:
        """key -> (value, meta) for the stored keys whose checksum holds. The others
        are dropped (deleted, counted as damaged) and so recomputed by the caller."""
        uniq = list(dict.fromkeys(keys))
        out: dict[str, tuple[bytes, str]] = {}
        bad: list[str] = []
        try:
            with self._lock:
                for i in range(0, len(uniq), CHUNK):
                    chunk = uniq[i:i + CHUNK]
                    q = (f"SELECT key, meta, value, checksum FROM entries WHERE ns = ? "
                         f"AND key IN ({','.join('?' * len(chunk))})")
                    for key, meta, value, check in self._db.execute(q, [namespace, *chunk]):
                        value = bytes(value) if isinstance(value, (bytes, memoryview)) else None
                        if value is None or not isinstance(meta, str) or check != checksum(namespace, key, meta,
                                                                                            value):
                            bad.append(key)
                        else:
                            out[key] = (value, meta)
        except sqlite3.Error as exc:
            self.health.failed_read(f"{type(exc).__name__}: {exc}")
            return {}
        self.discard(namespace, bad)
        return out

    def put(self, namespace: str, rows: Iterable[tuple[str, str, bytes, str]]) -> int:
        """Store (key, tag, value, meta) rows in one transaction (all or nothing). Returns
        how many; 0 once the store could not be written (the health says why)."""
        now = time.time()
        data = [(namespace, k, tag, meta, value, checksum(namespace, k, meta, value), now)
                for k, tag, value, meta in rows]
        if not data or self.health.write_error:
            return 0
        try:
            with self._lock, self._db:  # BEGIN ... COMMIT, or ROLLBACK on error
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)", data)
        except sqlite3.Error as exc:  # "database or disk is full", a read-only file, ...
            self.health.failed_write(str(exc))
            return 0
        return len(data)

    def discard(self, namespace: str, keys: Sequence[str]) -> None:
        """Drop entries found damaged (best effort: a failed delete is overwritten later)."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return
        self.health.add_damaged(namespace, len(keys))
        if self.health.write_error:
            return
        try:
            with self._lock, self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("DELETE FROM entries WHERE ns = ? AND key = ?", [(namespace, k) for k in keys])
        except sqlite3.Error:
            pass

    # -- inspecting and clearing -----------------------------------------------------
    def stats(self) -> CacheStats:
        with self._lock:
            rows = self._db.execute("SELECT ns, tag, COUNT(*), SUM(LENGTH(value)) FROM entries "
                                    "GROUP BY ns, tag ORDER BY ns, tag").fetchall()
        per: dict[str, dict] = {}
        for ns, tag, n, size in rows:
            d = per.setdefault(ns, {"entries": 0, "size": 0, "by_tag": {}})
            d["entries"] += n
            d["size"] += int(size or 0)
            d["by_tag"][tag] = n
        names = [n for n in NAMESPACES] + sorted(set(per) - set(NAMESPACES))
        namespaces = {n: NamespaceStats(per.get(n, {}).get("entries", 0), per.get(n, {}).get("size", 0),
                                        per.get(n, {}).get("by_tag", {})) for n in names}
        size = sum(p.stat().st_size for p in self.directory.glob(DB_NAME + "*") if p.is_file())
        return CacheStats(path=str(self.path), entries=sum(s.entries for s in namespaces.values()),
                          size_bytes=size, namespaces=namespaces)

    def clear(self, namespace: str | None = None, tag: str | None = None) -> int:
        where, args = [], []
        if namespace:
            where.append("ns = ?")
            args.append(namespace)
        if tag:
            where.append("tag = ?")
            args.append(tag)
        with self._lock:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                cur = self._db.execute("DELETE FROM entries" + (f" WHERE {' AND '.join(where)}" if where else ""),
                                       args)
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.execute("VACUUM")
        return cur.rowcount

    def close(self) -> None:
        try:
            self._db.close()
        except (sqlite3.Error, AttributeError):
            pass

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Namespace:
    """One namespace of a store: what a cache user holds."""

    def __init__(self, store: Store, name: str) -> None:
        if name not in NAMESPACES:
            raise ValueError(f"unknown cache namespace {name!r} (register it first)")
        self.store = store
        self.name = name

    def get(self, keys: Iterable[str]) -> dict[str, tuple[bytes, str]]:
        return self.store.get(self.name, keys)

    def put(self, rows: Iterable[tuple[str, str, bytes, str]]) -> int:
        return self.store.put(self.name, rows)

    def reject(self, keys: Sequence[str]) -> None:
        """Entries whose checksum held but whose value the reader refused (NaN, a wrong shape)."""
        self.store.discard(self.name, keys)

    def close(self) -> None:
        self.store.close()


def legacy_files(directory: Path | str) -> list[Path]:
    """Files of the layout before the one store (no longer read)."""
    directory = Path(directory)
    return [p for pattern in LEGACY_PATTERNS for p in sorted(directory.glob(pattern)) if p.is_file()]


def remove_files(directory: Path | str, *, store: bool = True) -> list[Path]:
    """Delete the old layout's files and, with ``store``, the store's own files outright
    (how ``cache clear`` empties a cache too damaged to open). Returns what was removed."""
    directory = Path(directory)
    files = legacy_files(directory)
    if store:
        files += [p for p in (directory / n for n in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm")) if p.is_file()]
    for p in files:
        p.unlink()
    for sub in ("llm", "embeddings", "summaries"):  # the old layout's folders, once empty
        d = directory / sub
        if d.is_dir():
            for child in [c for c in d.iterdir() if c.is_dir()]:
                if not any(child.iterdir()):
                    child.rmdir()
            if not any(d.iterdir()):
                d.rmdir()
    return files
