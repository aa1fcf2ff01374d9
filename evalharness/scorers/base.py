"""The scorer contract.

A scorer is a small class with a ``name``, the ``metrics`` it produces (each with
its direction), an ``Options`` dataclass that the config is validated against,
a ``signature()`` that pins down everything that affects its numbers, and a
batch method. Expensive setup (loading a model) happens once, lazily, on the
first batch; importing a scorer module never imports torch.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Mapping, Sequence

from ..core.results import ItemScore, ScoreItem


@dataclasses.dataclass(frozen=True)
class NoOptions:
    pass


class Scorer:
    name: ClassVar[str] = ""
    #: metric name -> higher is better
    higher_is_better: ClassVar[Mapping[str, bool]] = {}
    #: metrics reported when the user does not choose
    default_metrics: ClassVar[tuple[str, ...]] = ()
    Options: ClassVar[type] = NoOptions
    #: True when the scorer can run in worker processes (pure CPU, picklable)
    cpu_bound: ClassVar[bool] = False
    #: False when an item's result depends on the rest of its batch (never cached then)
    cacheable: bool = True

    def __init__(self, options: Any | None = None) -> None:
        self.options = options if options is not None else self.Options()

    _cache_policy = None

    @property
    def cache_policy(self):
        """Where and whether this scorer may keep things between runs (embeddings, llm
        replies): the run's one :class:`evalharness.cache.store.CachePolicy`, set by
        ``evaluate`` (and meta-eval) before the first batch. Standing alone, a scorer
        uses the default folder."""
        if self._cache_policy is None:
            from ..cache.store import CachePolicy
            self._cache_policy = CachePolicy()
        return self._cache_policy

    @cache_policy.setter
    def cache_policy(self, policy) -> None:
        self._cache_policy = policy

    def signature(self) -> str:
        raise NotImplementedError

    def score_batch(self, items: Sequence[ScoreItem]) -> list[ItemScore]:
        """One result per item, in order. An item the scorer could not score may be a
        ScorerError instead of an ItemScore: the runner records it as that item's error."""
        raise NotImplementedError

    def close(self) -> None:
        """Release resources (models, connections). Safe to call twice."""


def format_signature(name: str, parts: Mapping[str, Any]) -> str:
    """sacrebleu-style signature: ``name|key:value|...``."""
    def fmt(v: Any) -> str:
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, (list, tuple)):
            return ",".join(str(x) for x in v)
        return str(v)
    return "|".join([name] + [f"{k}:{fmt(v)}" for k, v in parts.items()])


def harness_version() -> str:
    from .. import __version__
    return __version__
