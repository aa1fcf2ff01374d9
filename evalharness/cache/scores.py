"""The score cache: one scorer's :class:`ItemScore` per item, in the ``scores``
namespace of the one store (:mod:`evalharness.cache.store`).

A cached entry is keyed by (scorer signature + code fingerprint, source hash,
summary hash, reference hash). The signature pins the options, model and library
versions; the code fingerprint (a hash of the scorer's own source files) makes an
edited scorer miss instead of returning stale numbers during development.

Only successful results are stored; a failed item is always recomputed. A stored
value is checked on reading (its checksum, finite numbers, every metric its
scorer gives): a bad entry is dropped, recomputed and counted in the report's notes.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Iterable, Sequence

from ..core.results import Claim, ItemScore, ScoreItem
from .store import DB_NAME, CachePolicy, CacheStats, Store, default_cache_dir  # noqa: F401 - re-exported

NAMESPACE = "scores"


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
    package = Path(__file__).resolve().parent.parent
    files: list[Path] = []
    origin = Path(mod.__file__).resolve()
    if origin.name == "__init__.py":
        files.extend(sorted(p for p in origin.parent.rglob("*") if p.suffix in (".py", ".json")))
    else:
        files.append(origin)
    files.extend(package / f for f in ("scorers/text.py", "scorers/models.py", "core/results.py", "scorers/base.py"))
    h = hashlib.sha256()
    for f in files:   # a file missing here is a packaging error: it raises, never a fingerprint of less
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def scorer_key(scorer) -> str:
    return f"{scorer.signature()}|code:{code_fingerprint(scorer)}"


def dump_score(s: ItemScore) -> str:
    return json.dumps({"scores": dict(s.scores), "not_applicable": dict(s.not_applicable),
                       "claims": [c.to_json() for c in s.claims], "notes": list(s.notes)},
                      ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _no_constant(name: str):
    raise ValueError(f"{name} in a cached value")


def load_score(text: str) -> ItemScore:
    """The stored text back as an ItemScore; ValueError (or KeyError, TypeError) for a value
    that is not one: malformed, a NaN or infinite number, a score that is not a number."""
    d = json.loads(text, parse_constant=_no_constant)
    scores = {}
    for k, v in d["scores"].items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ValueError(f"score {k!r} is not a finite number")
        scores[k] = float(v)
    claims = tuple(Claim.from_json(c) for c in d.get("claims", ()))
    if any(not math.isfinite(c.score) for c in claims):
        raise ValueError("a claim score is not finite")
    return ItemScore(scores=scores, not_applicable=dict(d.get("not_applicable", {})), claims=claims,
                     notes=tuple(d.get("notes", ())))


def _metric_names(s: ItemScore) -> frozenset:
    return frozenset(s.scores) | frozenset(s.not_applicable)


class ScoreCache:
    """The ``scores`` namespace, with this run's hit and miss counts. Open one per run
    (per process): ``ScoreCache(policy=...)``, or ``ScoreCache(folder)``."""

    def __init__(self, directory: Path | str | None = None, *, policy: CachePolicy | None = None) -> None:
        if policy is None:
            policy = CachePolicy(folder=Path(directory).expanduser() if directory else None)
        self.policy = policy
        self.store = Store(policy.directory, policy.health)
        self.directory = self.store.directory
        self.path = self.store.path
        self.hits = 0
        self.misses = 0

    def get_many(self, keys: Sequence[str], metrics: Iterable[str] | None = None) -> dict[str, ItemScore]:
        """Cached results for ``keys``. With ``metrics`` (the metric names the scorer may
        give), an entry naming another metric, or lacking one that the other entries of
        this call have, is damaged: dropped, and so recomputed."""
        out: dict[str, ItemScore] = {}
        bad: list[str] = []
        for key, (value, _) in self.store.get(NAMESPACE, keys).items():
            try:
                out[key] = load_score(value.decode("utf-8"))
            except (ValueError, KeyError, TypeError, AttributeError):
                bad.append(key)
        if metrics is not None and out:
            allowed = frozenset(metrics)
            for key in [k for k, s in out.items() if not _metric_names(s) <= allowed]:
                bad.append(key)
                del out[key]
            full = frozenset().union(*(_metric_names(s) for s in out.values()))
            for key in [k for k, s in out.items() if _metric_names(s) != full]:
                bad.append(key)
                del out[key]
        self.store.discard(NAMESPACE, bad)
        self.hits += sum(1 for k in keys if k in out)
        self.misses += sum(1 for k in keys if k not in out)
        return out

    def put_many(self, scorer: str, signature: str, entries: Iterable[tuple[str, ItemScore]]) -> int:
        """Store results in one transaction (all or nothing). Returns how many (0 when
        the store cannot be written any more: a full disk is a note, never a lost run)."""
        rows = []
        for k, s in entries:
            try:
                rows.append((k, scorer, dump_score(s).encode("utf-8"), ""))
            except ValueError:  # a NaN or infinite score is never cached
                continue
        return self.store.put(NAMESPACE, rows)

    def stats(self) -> CacheStats:
        return self.store.stats()

    def clear(self, scorer: str | None = None) -> int:
        return self.store.clear(NAMESPACE, scorer)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "ScoreCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
