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
    summary: "SummaryCombiner | None" = None
    #: the support.score cut-off meta-eval recommended when these weights were fitted
    recommended_threshold: float | None = None

    def logit(self, x: list[float]) -> float:
        return self.bias + sum(w * v for w, v in zip(self.weights, x))

    def score(self, x: list[float]) -> float:
        return sigmoid(self.logit(x))


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(frozen=True)
class SummaryCombiner:
    """The summary's ``support.score``: a logistic model over the worst claim's logit
    and a few summary-level aggregates (features.SUMMARY_FEATURE_NAMES), each
    standardised with the mean and scale it had in training."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    claim_weight: float
    bias: float

    def score(self, min_claim_logit: float, x: list[float]) -> float:
        z = self.bias + self.claim_weight * max(-50.0, min(50.0, min_claim_logit))
        z += sum(w * (v - m) / s for w, v, m, s in zip(self.weights, x, self.mean, self.scale))
        return sigmoid(z)


def load_combiner(path: Path = WEIGHTS_FILE) -> Combiner:
    from ...errors import ScorerError
    from .features import FEATURE_NAMES

    raw = path.read_bytes()
    data = json.loads(raw)
    if tuple(data["features"]) != FEATURE_NAMES or len(data["weights"]) != len(FEATURE_NAMES):
        raise ScorerError(f"combiner weights in {path} are for features {data['features']}, but the checks "
                          f"produce {list(FEATURE_NAMES)}; retrain with scripts/train_support_combiner.py",
                          scorer="support")
    summary = None
    if "summary" in data:
        from .features import SUMMARY_FEATURE_NAMES
        sm = data["summary"]
        if tuple(sm["features"]) != SUMMARY_FEATURE_NAMES:
            raise ScorerError(f"summary combiner in {path} is for features {sm['features']}, but the scorer "
                              f"computes {list(SUMMARY_FEATURE_NAMES)}; retrain with "
                              "scripts/train_support_combiner.py", scorer="support")
        summary = SummaryCombiner(features=tuple(sm["features"]), mean=tuple(map(float, sm["mean"])),
                                  scale=tuple(map(float, sm["scale"])), weights=tuple(map(float, sm["weights"])),
                                  claim_weight=float(sm["claim_weight"]), bias=float(sm["bias"]))
    digest = hashlib.sha256(raw).hexdigest()[:8]
    return Combiner(features=tuple(data["features"]), weights=tuple(float(w) for w in data["weights"]),
                    bias=float(data["bias"]), version=f"{data.get('name', 'combiner')}-{digest}", summary=summary,
                    recommended_threshold=(float(data["recommended_threshold"]) if "recommended_threshold" in data
                                           else None))
