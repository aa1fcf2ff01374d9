"""The default ``embedding`` backend under the ``Backend`` contract: a thin adapter
over ``support.embedding.EmbeddingBackend`` (the bundled MiniLM, the interpretable
checks and the shipped combiner), which it builds on the first ``judge``."""

from __future__ import annotations

from typing import Sequence

from ....core.results import ScoreItem
from ..types import Judged


class EmbeddingJudge:
    name = "embedding"
    can_contradict = False
    no_contradiction_reason = "this backend does not tell contradicted from unsupported"

    def __init__(self, options, cache=None) -> None:
        from ..claims import resolved
        self.options = resolved(options, self.name)   # unset threshold: the shipped weights' own (also in an ensemble)
        self.cache = cache                            # the run's CachePolicy (sentence embeddings), or None
        self._impl = None

    def signature_parts(self) -> dict[str, object]:
        """What main's embedding signature always held, in its order (report bytes unchanged)."""
        from ...models import resolve_model
        from ..combiner import load_combiner
        from ..checks import checks_version
        o = self.options
        _, display = resolve_model(o.model)
        parts = {"model": display, "combiner": load_combiner().version, "checks": checks_version(),
                "threshold": f"{o.threshold:g}", "decision": "consistent=no-flag",
                "para": f"{o.paraphrase_threshold:g}", "topk": o.evidence_top_k,
                "window": f"lex-top2+ties2+pair,max{o.max_unit_words}w"}
        lm = getattr(o, "lm", None)
        if lm is not None and lm.slots:   # only when on, so the default signature is unchanged
            from ..slots import SlotCheck
            parts["lm_slots"] = SlotCheck(lm).signature_parts()
        return parts

    def impl(self):
        """The wrapped ``EmbeddingBackend`` (loads the encoder on first use)."""
        if self._impl is None:
            from ..embedding import EmbeddingBackend
            self._impl = EmbeddingBackend(self.options, self.cache)
        return self._impl

    def judge(self, items: Sequence[ScoreItem]) -> list[Judged]:
        return [Judged(claims=tuple(claims)) for claims, _score in self.impl().judge_items(items)]

    def close(self) -> None:
        self._impl = None
