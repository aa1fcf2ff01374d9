"""A small on-disk cache of sentence embeddings for the ``support`` backend.

Keyed by the model's identity and the text's hash, so a rerun (meta-eval after a
change to the checks or the combiner, or the same sources scored again) reads
vectors instead of running the model. One SQLite file per model, in the user
cache folder; a missing, locked or corrupt file only costs speed, never a result.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np


def default_dir() -> Path:
    from ...cache import default_cache_dir
    return default_cache_dir() / "embeddings"


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class VectorCache:
    def __init__(self, model_id: str, folder: Path | None = None) -> None:
        folder = Path(folder) if folder else default_dir()
        name = hashlib.sha256(model_id.encode("utf-8")).hexdigest()[:16]
        self.path = folder / f"{name}.sqlite"
        self._db = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=5)
            self._db.execute("CREATE TABLE IF NOT EXISTS vec (k TEXT PRIMARY KEY, v BLOB)")
            self._db.commit()
        except (OSError, sqlite3.Error):
            self._db = None

    def get_many(self, texts: Iterable[str]) -> dict[str, np.ndarray]:
        if self._db is None:
            return {}
        texts = list(texts)
        keys = {_key(t): t for t in texts}
        out = {}
        try:
            ks = list(keys)
            for i in range(0, len(ks), 500):
                chunk = ks[i:i + 500]
                q = f"SELECT k, v FROM vec WHERE k IN ({','.join('?' * len(chunk))})"
                for k, v in self._db.execute(q, chunk):
                    out[keys[k]] = np.frombuffer(v, dtype=np.float32).copy()
        except sqlite3.Error:
            return {}
        return out

    def put_many(self, vectors: Mapping[str, np.ndarray]) -> None:
        if self._db is None or not vectors:
            return
        try:
            self._db.executemany("INSERT OR REPLACE INTO vec (k, v) VALUES (?, ?)",
                                 [(_key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()])
            self._db.commit()
        except sqlite3.Error:
            pass
