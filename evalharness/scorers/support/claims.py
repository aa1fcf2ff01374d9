"""Claims into per-summary scores, and the small helpers every backend shares
(offending-word spans, the verdict word). No model code here."""

from __future__ import annotations

from typing import Sequence

from ...results import CONTRADICTED, SUPPORTED, UNSUPPORTED, Claim, ItemScore, Span

#: the metrics ``support`` can report, with their direction
HIGHER_IS_BETTER = {"supported_rate": True, "unsupported_claims": False, "score": True, "consistent": True,
                    "contradicted_claims": False, "agreement": True}


def with_verdict(result: ItemScore, cut: float) -> ItemScore:
    """Add ``consistent``: 1.0 when the summary's support score reaches ``cut``, else 0.0
    (its mean over a system is the share of summaries judged consistent)."""
    import dataclasses
    if "score" in result.scores:
        return dataclasses.replace(result, scores={**result.scores, "consistent": float(result.scores["score"] >= cut)})
    reason = result.not_applicable.get("score", "no support score")
    return dataclasses.replace(result, not_applicable={**result.not_applicable, "consistent": reason})


def summarise_claims(claims: Sequence[Claim], score: float | None = None) -> ItemScore:
    """``score`` is the summary's support score; by default the worst claim's score
    (the embedding backend passes its summary combiner's score, see combiner.py)."""
    if not claims:
        reason = "the summary holds no claim (no words)"
        return ItemScore(scores={}, not_applicable={m: reason for m in HIGHER_IS_BETTER})
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
