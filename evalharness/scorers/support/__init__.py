"""``support``: the unsupported-claim detector (reference-free).

For each summary it splits claims, finds the best evidence for each claim in the
source, runs interpretable checks (embedding similarity, lexical coverage with
paraphrase tolerance, numbers, names, negation), combines them into a support
score in [0, 1], and points at the words nothing in the source supports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Sequence

from ...results import CONTRADICTED, SUPPORTED, UNSUPPORTED, Claim, ItemScore, ScoreItem, Span
from ..base import Scorer, format_signature, harness_version
from .backend_options import EnsembleOptions, LlmOptions, NliOptions

BACKENDS = ("embedding", "nli", "llm", "ensemble")


@dataclass(frozen=True)
class SupportOptions:
    backend: Literal["embedding", "nli", "llm", "ensemble"] = "embedding"
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
    higher_is_better = {"supported_rate": True, "unsupported_claims": False, "score": True, "consistent": True,
                        "contradicted_claims": False, "agreement": True}
    default_metrics = ("supported_rate", "unsupported_claims", "score", "consistent")
    Options = SupportOptions

    def __init__(self, options: SupportOptions | None = None) -> None:
        super().__init__(options)
        if self.options.threshold is None:
            import dataclasses
            self.options = dataclasses.replace(self.options, threshold=default_threshold(self.options.backend))
        self._backend = None

        from .backends import extra_metrics
        self.default_metrics = SupportScorer.default_metrics + extra_metrics(self.options)

    def backend(self):
        if self._backend is None:
            if self.options.backend != "embedding":
                from .backends import make_backend
                self._backend = make_backend(self.options, self.cache_policy)
            else:
                from .embedding import EmbeddingBackend
                self._backend = EmbeddingBackend(self.options, self.cache_policy)
        return self._backend

    def close(self) -> None:
        if self._backend is not None and hasattr(self._backend, "close"):
            self._backend.close()

    def signature(self) -> str:
        return self._signature()

    def _signature(self) -> str:
        if self.options.backend != "embedding":
            from .backends import backend_signature
            return backend_signature(self.options)
        from ...models import resolve_model
        from .combiner import load_combiner
        from .features import CHECKS_VERSION
        o = self.options
        _, display = resolve_model(o.model)
        return format_signature("support", {
            "backend": o.backend, "model": display, "combiner": load_combiner().version,
            "checks": CHECKS_VERSION,
            "threshold": f"{o.threshold:g}", "decision": "consistent=no-flag", "para": f"{o.paraphrase_threshold:g}", "topk": o.evidence_top_k,
            "window": f"lex-top2+pair,max{o.max_unit_words}w", "v": harness_version(),
        })

    def score_batch(self, items: Sequence[ScoreItem]) -> list[ItemScore]:
        if self.options.backend != "embedding":
            from .backends import score_items
            results = score_items(self.backend, self.options, items)
        else:
            results = [summarise_claims(claims, score) for claims, score in self.backend().judge_items(items)]
        return [with_verdict(r) if isinstance(r, ItemScore) else r for r in results]


#: the claim threshold of a backend when the config sets none (nli and ensemble scores are
#: entailment probabilities; the llm backend's verdicts are votes and ignore it)
OTHER_BACKEND_THRESHOLD = 0.5


def default_threshold(backend: str) -> float:
    """The shipped claim threshold: for the embedding backend, the one recommended when its
    weights were fitted (precision first, see docs/detector.md); else 0.5."""
    if backend == "embedding":
        from .combiner import load_combiner
        rec = load_combiner().recommended_threshold
        if rec is not None:
            return rec
    return OTHER_BACKEND_THRESHOLD


def with_verdict(result: ItemScore) -> ItemScore:
    """Add ``consistent``: 1.0 exactly when no claim is flagged, else 0.0 (its mean over a
    system is the share of summaries judged consistent). No verdict without a claim to explain it."""
    import dataclasses
    if result.claims:
        flagged = any(not c.supported for c in result.claims)
        return dataclasses.replace(result, scores={**result.scores, "consistent": 0.0 if flagged else 1.0})
    reason = result.not_applicable.get("score", "no support score")
    return dataclasses.replace(result, not_applicable={**result.not_applicable, "consistent": reason})


def summarise_claims(claims: Sequence[Claim], score: float | None = None) -> ItemScore:
    """``score`` is the summary's support score; by default the worst claim's score
    (the embedding backend passes its summary combiner's score, see combiner.py)."""
    if not claims:
        reason = "the summary holds no claim (no words)"
        return ItemScore(scores={}, not_applicable={m: reason for m in SupportScorer.higher_is_better})
    flagged = sum(1 for c in claims if not c.supported)
    return ItemScore(scores={"supported_rate": 1.0 - flagged / len(claims), "unsupported_claims": float(flagged),
                             "score": round(score, 6) if score is not None else min(c.score for c in claims)},
                     claims=tuple(claims),
                     not_applicable={"contradicted_claims": "this backend does not tell contradicted from unsupported",
                                     "agreement": "measured only by the llm backend with samples > 1"})


def merge_spans(text: str, tokens, stop_gap=None) -> tuple[Span, ...]:
    """Merge blamed tokens into phrases, bridging gaps of stopwords and spaces only."""
    from ...text import STOPWORDS
    import re
    spans: list[list[int]] = []
    for t in sorted(tokens, key=lambda t: t.start):
        if spans:
            gap = text[spans[-1][1]:t.start]
            words = re.findall(r"\w+", gap)
            if len(words) <= 2 and all(w.lower() in STOPWORDS for w in words) and not re.search(r"[.;!?]", gap):
                spans[-1][1] = t.end
                continue
        spans.append([t.start, t.end])
    return tuple(Span(text[a:b], a, b) for a, b in spans)


def verdict(supported: bool, contradicted: bool = False) -> str:
    if supported:
        return SUPPORTED
    return CONTRADICTED if contradicted else UNSUPPORTED
