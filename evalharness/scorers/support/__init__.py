"""``support``: the unsupported-claim detector (reference-free).

For each summary it splits claims, finds the best evidence for each claim in the
source, runs interpretable checks (embedding similarity, lexical coverage with
paraphrase tolerance, numbers, names, negation), combines them into a support
score in [0, 1], and points at the words nothing in the source supports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Sequence

from ...core.results import ItemScore, ScoreItem
from ..base import Scorer
from .backend_options import CascadeOptions, EnsembleOptions, LlmOptions, NliOptions
from .lm import LmOptions
from .claims import HIGHER_IS_BETTER, default_threshold, merge_spans, summarise_claims, verdict, with_verdict

__all__ = ["SupportOptions", "SupportScorer", "default_threshold", "merge_spans", "summarise_claims", "verdict",
           "with_verdict"]


@dataclass(frozen=True)
class SupportOptions:
    backend: Literal["embedding", "nli", "llm", "ensemble", "cascade"] = "embedding"
    model: str = "bundled"
    threshold: float | None = None       # a claim scoring below it is flagged; None: the calibrated default
    paraphrase_threshold: float = 0.75
    evidence_top_k: int = 2
    max_unit_words: int = 80
    batch_size: int = 64
    device: str = "auto"
    embedding_cache: bool = True   # keep sentence embeddings in the run's cache (speed only; --no-cache wins)
    nli: NliOptions = field(default_factory=NliOptions)
    llm: LlmOptions = field(default_factory=LlmOptions)
    ensemble: EnsembleOptions = field(default_factory=EnsembleOptions)
    cascade: CascadeOptions = field(default_factory=CascadeOptions)
    # the opt-in LM slot check (lm.slots), embedding backend; left out of the report's config while default
    lm: LmOptions = field(default_factory=LmOptions, metadata={"omit_default": True})

    def validate(self):
        from .backends import check_backend_options
        problem = check_backend_options(self)
        if problem:
            return problem
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            return "threshold", f"must be between 0 and 1, got {self.threshold:g}"
        if not 0.0 <= self.paraphrase_threshold <= 1.0:
            return "paraphrase_threshold", f"must be between 0 and 1, got {self.paraphrase_threshold:g}"
        if self.evidence_top_k < 1:
            return "evidence_top_k", "must be at least 1"
        if self.max_unit_words < 8:
            return "max_unit_words", "must be at least 8"
        if self.batch_size < 1:
            return "batch_size", "must be at least 1"
        return None


class SupportScorer(Scorer):
    name = "support"
    higher_is_better = HIGHER_IS_BETTER
    default_metrics = ("supported_rate", "unsupported_claims", "score", "consistent")
    Options = SupportOptions

    def __init__(self, options: SupportOptions | None = None) -> None:
        super().__init__(options)
        self._configured = self.options   # as written: an unset threshold lets each member keep its own default
        if self.options.threshold is None:
            import dataclasses
            self.options = dataclasses.replace(self.options, threshold=default_threshold(self.options.backend))
        self._backend = None

        from .backends import extra_metrics
        self.default_metrics = SupportScorer.default_metrics + extra_metrics(self.options)

    @staticmethod
    def flag_checks() -> tuple[str, ...]:
        """The names of the explicit checks that can flag a claim on their own or with the
        score, in the detector's order (what ``compare.new_flags.checks`` may name)."""
        from .checks import EXPLICIT_CHECKS, FEATURE_NAMES
        return tuple(n for n in FEATURE_NAMES if n in EXPLICIT_CHECKS)

    @property
    def configured_options(self) -> SupportOptions:
        """The options as the config wrote them (an unset threshold still unset), for
        building one member of a composite backend on its own (meta-eval's cascade band)."""
        return self._configured

    def backend(self):
        """The configured backend (see ``types.Backend``); building it loads nothing."""
        if self._backend is None:
            from .backends import make_backend
            self._backend = make_backend(self._configured, self.cache_policy)
        return self._backend

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()

    def signature(self) -> str:
        """From the options alone: built on a backend of its own (building loads nothing), so
        that the backend that judges is made after the run has set ``cache_policy``."""
        from .backends import backend_signature, make_backend
        return backend_signature(make_backend(self._configured, None))

    def score_batch(self, items: Sequence[ScoreItem]) -> list[ItemScore]:
        """One decision for every backend: a claim is flagged when its backend says so, a
        summary is inconsistent exactly when a claim is flagged, ``score`` is the worst
        claim's score."""
        from .backends import score_items
        results = score_items(self.backend(), items)
        return [with_verdict(r) if isinstance(r, ItemScore) else r for r in results]
