"""A small logistic combiner over the interpretable claim features.

Its weights live in ``weights.json`` beside this file, with a note of how they
were made; ``scripts/train_support_combiner.py`` regenerates them.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("weights.json")


@dataclass(frozen=True)
class Combiner:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    version: str

    def score(self, x: list[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, x))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def load_combiner(path: Path = WEIGHTS_FILE) -> Combiner:
    from ...errors import ScorerError
    from .features import FEATURE_NAMES

    raw = path.read_bytes()
    data = json.loads(raw)
    if tuple(data["features"]) != FEATURE_NAMES or len(data["weights"]) != len(FEATURE_NAMES):
        raise ScorerError(f"combiner weights in {path} are for features {data['features']}, but the checks "
                          f"produce {list(FEATURE_NAMES)}; retrain with scripts/train_support_combiner.py",
                          scorer="support")
    digest = hashlib.sha256(raw).hexdigest()[:8]
    return Combiner(features=tuple(data["features"]), weights=tuple(float(w) for w in data["weights"]),
                    bias=float(data["bias"]), version=f"{data.get('name', 'combiner')}-{digest}")
