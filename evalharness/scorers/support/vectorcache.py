"""Sentence embeddings for the ``support`` backend, kept between runs in the
``embeddings`` namespace of the one store (:mod:`evalharness.cache.store`).

Keyed by the model's identity and the text, so a rerun (meta-eval after a change
to the checks or the combiner, or the same sources scored again) reads vectors
instead of running the model. Each entry records its dtype and shape, and the
store checks its checksum; a vector of the wrong length, with a NaN or infinite
component, or not of unit length (the encoder's vectors are L2-normalised; only a
text without tokens gives zeros) is dropped and embedded again. A store that
cannot be opened or written only costs speed, never a result.
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterable, Mapping

import numpy as np

NAMESPACE = "embeddings"
DTYPE = "<f4"


def _key(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\x1f{text}".encode("utf-8")).hexdigest()


def _meta(dim: int) -> str:
    return json.dumps({"dtype": DTYPE, "shape": [dim]}, separators=(",", ":"))


def valid_vector(v: np.ndarray, dim: int) -> bool:
    """Finite, ``dim`` long, and of unit length (or all zeros)."""
    if v.shape != (dim,) or not np.isfinite(v).all():
        return False
    norm = float(np.linalg.norm(v))
    return norm == 0.0 or abs(norm - 1.0) < 1e-3


class VectorCache:
    def __init__(self, model_id: str, policy, *, dim: int, tag: str | None = None) -> None:
        self.model_id = model_id
        self.dim = int(dim)
        self.tag = tag or model_id
        self._ns = policy.try_open(NAMESPACE) if policy is not None else None

    def get_many(self, texts: Iterable[str]) -> dict[str, np.ndarray]:
        if self._ns is None:
            return {}
        keys = {_key(self.model_id, t): t for t in texts}
        out, bad = {}, []
        want = _meta(self.dim)
        for k, (value, meta) in self._ns.get(keys).items():
            v = np.frombuffer(value, dtype=DTYPE).astype(np.float32) if meta == want and len(value) == 4 * self.dim \
                else None
            if v is None or not valid_vector(v, self.dim):
                bad.append(k)
            else:
                out[keys[k]] = v
        self._ns.reject(bad)
        return out

    def put_many(self, vectors: Mapping[str, np.ndarray]) -> None:
        if self._ns is None or not vectors:
            return
        meta = _meta(self.dim)
        rows = []
        for t, v in vectors.items():
            v = np.asarray(v, dtype=DTYPE)
            if valid_vector(v, self.dim):
                rows.append((_key(self.model_id, t), self.tag, v.tobytes(), meta))
        self._ns.put(rows)  # a failed write only costs time (noted by the policy)

    def close(self) -> None:
        if self._ns is not None:
            self._ns.close()
