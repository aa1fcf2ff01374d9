"""The scorer registry. Names map to import paths so that looking a scorer up,
listing scorers and validating options never import torch or load a model."""

from __future__ import annotations

import importlib

from ..errors import ConfigError, did_you_mean

SCORERS: dict[str, str] = {
    "rouge": "evalharness.scorers.rouge:RougeScorer",
    "bertscore": "evalharness.scorers.bertscore:BertScoreScorer",
    "support": "evalharness.scorers.support:SupportScorer",
}


def names() -> tuple[str, ...]:
    return tuple(SCORERS)


def register(name: str, target: str) -> None:
    """Register a scorer class given as ``'module:Class'`` (used by plugins and tests)."""
    SCORERS[name] = target


def get_scorer_class(name: str, *, file: str | None = None, line: int | None = None):
    if name not in SCORERS:
        raise ConfigError(f"unknown scorer '{name}'{did_you_mean(name, SCORERS)}; known: {', '.join(SCORERS)}",
                          file=file, line=line, field=f"scorers.{name}")
    module_name, _, attr = SCORERS[name].partition(":")
    return getattr(importlib.import_module(module_name), attr)
