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
    raw = path.read_bytes()
    data = json.loads(raw)
    digest = hashlib.sha256(raw).hexdigest()[:8]
    return Combiner(features=tuple(data["features"]), weights=tuple(float(w) for w in data["weights"]),
                    bias=float(data["bias"]), version=f"{data.get('name', 'combiner')}-{digest}")
