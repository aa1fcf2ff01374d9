"""Claims into per-summary scores, and the small helpers every backend shares
(offending-word spans, the verdict word). No model code here."""

from __future__ import annotations

from typing import Sequence

from ...core.results import CONTRADICTED, SUPPORTED, UNSUPPORTED, Claim, ItemScore, Span

#: the metrics ``support`` can report, with their direction
HIGHER_IS_BETTER = {"supported_rate": True, "unsupported_claims": False, "score": True, "consistent": True,
                    "contradicted_claims": False, "agreement": True}


def with_verdict(result: ItemScore) -> ItemScore:
    """Add ``consistent``: 1.0 exactly when no claim is flagged, else 0.0 (its mean over a
    system is the share of summaries judged consistent). No verdict without a claim to explain it.
    The one decision rule, for every backend."""
    import dataclasses
    if result.claims:
        flagged = any(not c.supported for c in result.claims)
        return dataclasses.replace(result, scores={**result.scores, "consistent": 0.0 if flagged else 1.0})
    reason = result.not_applicable.get("score", "no support score")
    return dataclasses.replace(result, not_applicable={**result.not_applicable, "consistent": reason})


def summarise_claims(claims: Sequence[Claim]) -> ItemScore:
    """A summary's scores from its claims; ``score`` is the worst claim's score, so a
    summary is inconsistent exactly when a claim is flagged."""
    if not claims:
        reason = "the summary holds no claim (no words)"
        return ItemScore(scores={}, not_applicable={m: reason for m in HIGHER_IS_BETTER})
    flagged = sum(1 for c in claims if not c.supported)
    return ItemScore(scores={"supported_rate": 1.0 - flagged / len(claims), "unsupported_claims": float(flagged),
                             "score": min(c.score for c in claims)},
                     claims=tuple(claims),
                     not_applicable={"contradicted_claims": "this backend does not tell contradicted from unsupported",
                                     "agreement": "measured only by the llm backend with samples > 1"})


#: the claim threshold of a backend when the config sets none (nli and ensemble scores are
#: entailment probabilities; the llm backend's verdicts are votes and ignore it)
OTHER_BACKEND_THRESHOLD = 0.5


def default_threshold(backend: str) -> float:
    """The shipped claim threshold: for the embedding backend, the one recommended when its
    weights were fitted (precision first, see docs/detector.md); else 0.5 (the cascade's is
    its judge's, 0.5 for both judges)."""
    if backend == "embedding":
        from .combiner import load_combiner
        rec = load_combiner().recommended_threshold
        if rec is not None:
            return rec
    return OTHER_BACKEND_THRESHOLD


def resolved(options, backend: str | None = None):
    """``options`` with an unset threshold replaced by ``backend``'s calibrated default
    (by default the backend the options name); a threshold the config sets is kept."""
    if options.threshold is not None:
        return options
    import dataclasses
    return dataclasses.replace(options, threshold=default_threshold(backend or options.backend))


def merge_spans(text: str, tokens, stop_gap=None) -> tuple[Span, ...]:
    """Merge blamed tokens into phrases, bridging gaps of stopwords and spaces only."""
    from ..text import STOPWORDS
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
