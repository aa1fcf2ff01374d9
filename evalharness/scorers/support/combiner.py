"""A small logistic combiner over the interpretable claim features (checks.CHECKS).

A claim's score is the combiner's probability; a claim is flagged below the claim
threshold; a summary's ``support.score`` is its worst claim's score.

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
    #: the claim threshold recommended when these weights were fitted (precision first:
    #: at most 20% of the consistent dev summaries of any dataset carry a flag)
    recommended_threshold: float | None = None

    def logit(self, x: list[float]) -> float:
        return self.bias + sum(w * v for w, v in zip(self.weights, x))

    def score(self, x: list[float]) -> float:
        return sigmoid(self.logit(x))


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def load_combiner(path: Path = WEIGHTS_FILE) -> Combiner:
    from ...errors import ScorerError
    from .checks import FEATURE_NAMES

    raw = path.read_bytes()
    data = json.loads(raw)
    if tuple(data["features"]) != FEATURE_NAMES or len(data["weights"]) != len(FEATURE_NAMES):
        raise ScorerError(f"combiner weights in {path} are for features {data['features']}, but the checks "
                          f"produce {list(FEATURE_NAMES)}; retrain with scripts/train_support_combiner.py",
                          scorer="support")
    digest = hashlib.sha256(raw).hexdigest()[:8]
    return Combiner(features=tuple(data["features"]), weights=tuple(float(w) for w in data["weights"]),
                    bias=float(data["bias"]), version=f"{data.get('name', 'combiner')}-{digest}",
                    recommended_threshold=(float(data["recommended_threshold"]) if "recommended_threshold" in data
                                           else None))
