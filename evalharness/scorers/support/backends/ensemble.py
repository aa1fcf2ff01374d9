"""The ``ensemble`` backend: several backends on the same claims, combined per claim."""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ....errors import ScorerError
from ....core.results import ERROR, Claim, ScoreItem, Verdict
from ..types import ItemError, Judged


def member_classes() -> dict[str, type]:
    """The backends an ensemble may hold (every backend but the ensemble itself)."""
    from .embedding import EmbeddingJudge
    from .llm import LlmBackend
    from .nli import NliBackend
    return {"embedding": EmbeddingJudge, "nli": NliBackend, "llm": LlmBackend}


class EnsembleBackend:
    """Runs each member on the same claims and combines per claim.

    ``all``: a claim is supported only if every member supports it; its score is the
    lowest member score; it is contradicted if any member says so. ``mean``: the
    score is the mean of the member scores, supported when it reaches the threshold.
    Evidence and offending words come from the first member that flags the claim.
    """

    name = "ensemble"

    def __init__(self, o, cache=None) -> None:
        from ..claims import resolved
        classes = member_classes()
        # each member resolves an unset threshold to its own calibrated default (embedding: the
        # shipped weights' one), exactly as it does alone; the ensemble's own (for ``mean``) is 0.5
        self.members = [(m, classes[m](replace(o, backend=m), cache)) for m in o.ensemble.members]
        self.o = self.options = resolved(o, self.name)

    @property
    def can_contradict(self) -> bool:
        return any(b.can_contradict for _, b in self.members)

    def signature_parts(self) -> dict[str, object]:
        """The combine rule, then each member's own signature parts (the same function the
        member uses alone); a key two members share is prefixed with the member's name."""
        parts: dict[str, object] = {"combine": self.o.ensemble.combine}
        for name, backend in self.members:
            for k, v in backend.signature_parts().items():
                parts[k if k not in parts else f"{name}.{k}"] = v
        # the ensemble's own threshold (``mean``); a member that signs its own keeps the plain key
        parts["threshold" if "threshold" not in parts else "ensemble.threshold"] = f"{self.o.threshold:g}"
        return parts

    def judge(self, items: Sequence[ScoreItem]) -> list[Judged | ItemError]:
        per_member = [backend.judge(items) for _, backend in self.members]
        out: list[Judged | ItemError] = []
        for k, item in enumerate(items):
            rs = [res[k] for res in per_member]
            err = next((r for r in rs if isinstance(r, ScorerError)), None)
            if err is not None:
                out.append(err)
                continue
            out.append(self._combine(item, rs))
        return out

    def _combine(self, item: ScoreItem, rs: list[Judged]) -> Judged | ItemError:
        names = [n for n, _ in self.members]
        first = rs[0].claims
        for n, r in zip(names, rs):
            if [(c.start, c.end) for c in r.claims] != [(c.start, c.end) for c in first]:
                return ItemError(f"backend 'ensemble': member '{n}' split the summary into different claims",
                                 case_id=item.case_id)
        claims = []
        for i, c0 in enumerate(first):
            cs = [r.claims[i] for r in rs]
            if any(c.verdict == ERROR for c in cs):
                claims.append(next(c for c in cs if c.verdict == ERROR))
                continue
            if self.o.ensemble.combine == "all":
                score = min(c.score for c in cs)
                supported = all(c.supported for c in cs)
            else:
                score = sum(c.score for c in cs) / len(cs)
                supported = score >= self.o.threshold
            flagger = next((c for c in cs if not c.supported), cs[0])
            contradicted = not supported and any(c.verdict == Verdict.CONTRADICTED for c in cs)
            reasons = tuple(f"{n}: {c.verdict} ({c.score:.2f})" for n, c in zip(names, cs))
            ev = flagger.evidence if not supported else next((c.evidence for c in cs if c.evidence), None)
            spans = () if supported else (flagger.unsupported_spans or (_as_span(c0),))
            claims.append(Claim(text=c0.text, start=c0.start, end=c0.end, supported=supported, score=round(score, 6),
                                evidence=ev, unsupported_spans=spans,
                                verdict=Verdict.SUPPORTED if supported else (
                                    Verdict.CONTRADICTED if contradicted else Verdict.UNSUPPORTED),
                                reasons=() if supported else reasons))
        agreement = next((r.agreement for r in rs if r.agreement is not None), None)
        return Judged(claims=tuple(claims), notes=tuple(n for r in rs for n in r.notes), agreement=agreement,
                      contradiction=any(r.contradiction for r in rs))

    def close(self) -> None:
        for _, b in self.members:
            b.close()


def _as_span(claim: Claim):
    from ....core.results import Span
    return Span(claim.text, claim.start, claim.end)
