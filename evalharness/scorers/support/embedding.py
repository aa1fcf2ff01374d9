"""The offline ``embedding`` backend: bundled MiniLM plus interpretable checks."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ...results import Claim, ScoreItem
from ...text import split_claims, tokenize
from .combiner import load_combiner
from .evidence import candidate_spans, join_span, source_units
from .features import check_claim
from . import merge_spans, verdict


class EmbeddingBackend:
    def __init__(self, options) -> None:
        from ...models import get_encoder
        self.options = options
        self.encoder = get_encoder(options.model, options.device)
        self.combiner = load_combiner()

    def _paraphrased(self, claim_tokens, evidence_tokens) -> set[int]:
        """Indices of claim tokens whose isolated-word embedding is close to an evidence word."""
        if not claim_tokens or not evidence_tokens:
            return set()
        ev_words = sorted({t.text.lower() for t in evidence_tokens})
        cl_words = [t.text.lower() for t in claim_tokens]
        ev = self.encoder.encode(ev_words, self.options.batch_size)
        cl = self.encoder.encode(cl_words, self.options.batch_size)
        best = (cl @ ev.T).max(axis=1)
        return {i for i, b in enumerate(best) if b >= self.options.paraphrase_threshold}

    def judge(self, items: Sequence[ScoreItem]) -> list[list[Claim]]:
        o = self.options
        by_source: dict[str, tuple] = {}
        for item in items:
            if item.source not in by_source:
                units = source_units(item.source, o.max_unit_words)
                cands = candidate_spans(item.source, units)
                texts = [join_span(item.source, units, c).text for c in cands]
                emb = self.encoder.encode(texts, o.batch_size) if texts else np.zeros((0, 1), np.float32)
                src_tokens = [t for u in units for t in u.tokens]
                by_source[item.source] = (units, cands, emb, src_tokens)
        all_claims = [split_claims(item.summary) for item in items]
        flat = [c.text for claims in all_claims for c in claims]
        claim_emb = self.encoder.encode(flat, o.batch_size) if flat else None
        out: list[list[Claim]] = []
        k = 0
        for item, claims in zip(items, all_claims):
            units, cands, emb, src_tokens = by_source[item.source]
            judged = []
            for span in claims:
                vec = claim_emb[k]
                k += 1
                toks = tokenize(span.text, span.start)
                if len(cands):
                    sims = emb @ vec
                    order = np.argsort(-sims, kind="stable")
                    best = int(order[0])
                    sim = float(sims[best])
                    single = [i for i, c in enumerate(cands) if len(c) == 1]
                    sim_sent = float(sims[single].max())
                    top_units = sorted({u for j in order[:o.evidence_top_k] for u in cands[int(j)]})
                    ev_tokens = [t for u in top_units for t in units[u].tokens]
                    evidence = join_span(item.source, units, cands[best])
                else:
                    sim = sim_sent = 0.0
                    ev_tokens = []
                    evidence = None
                chk = check_claim(span.text, span.start, toks, ev_tokens, src_tokens, max(sim, 0.0),
                                  max(sim_sent, 0.0), self._paraphrased)
                score = self.combiner.score(chk.vector())
                supported = score >= o.threshold
                if supported:
                    spans = ()
                else:
                    spans = merge_spans(item.summary, chk.blamed) or (span,)
                judged.append(Claim(text=span.text, start=span.start, end=span.end, supported=supported,
                                    score=round(score, 6), evidence=evidence, unsupported_spans=spans,
                                    verdict=verdict(supported), reasons=tuple(chk.reasons) if not supported else ()))
            out.append(judged)
        return out
