"""The offline ``embedding`` backend: bundled MiniLM plus interpretable checks.

Cost control: each source is cut and indexed once (kept in a small LRU across
batches). For each claim, source units are first ranked lexically (IDF-weighted
shared stems); only the best few are embedded (memoised per text), and evidence
candidates are those units and adjacent pairs of them, a pair's vector being the
length-weighted mean of its two units' vectors.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ...core.results import Claim, ScoreItem, Span
from ..text import is_content, split_claims, tokenize
from .combiner import load_combiner
from .evidence import Unit, source_units
from .checks import ClaimCheck, WordSet, check_claim, number_mentions, source_names
from .claims import merge_spans, verdict

SLOT_CHECK = "lm_slot"  # the LM slot check's name in a claim's fired checks
LEXICAL_TOP = 2        # source units embedded per claim (best lexical matches)
LEXICAL_TIES = 2       # more units embedded when tied with the last of those
SOURCE_CACHE = 64      # indexed sources kept between batches


@dataclass
class SourceIndex:
    text: str
    units: list[Unit]
    tokens: list            # all source tokens
    unit_stems: list[set]   # content stems per unit
    idf: dict               # stem -> idf over units
    bigrams: set            # adjacent content-stem pairs anywhere in the source
    names: set              # stems the source writes as names
    words: WordSet          # tolerant word lookup over the whole source
    numbers: list           # every number the source states


def index_source(source: str, max_unit_words: int) -> SourceIndex:
    units = source_units(source, max_unit_words)
    unit_stems = [{t.norm for t in u.tokens if is_content(t)} for u in units]
    df: dict[str, int] = {}
    for st in unit_stems:
        for w in st:
            df[w] = df.get(w, 0) + 1
    n = max(len(units), 1)
    idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}
    bigrams = set()
    for u in units:
        content = [t.norm for t in u.tokens if is_content(t)]
        bigrams.update(zip(content, content[1:]))
    names = source_names([u.tokens for u in units])
    tokens = [t for u in units for t in u.tokens]
    return SourceIndex(source, units, tokens, unit_stems, idf, bigrams, names, WordSet(tokens),
                       number_mentions(tokens, source))


def lexical_rank(index: SourceIndex, claim_stems: set[str], top: int) -> list[int]:
    """Units sharing the most IDF-weighted stems with the claim, best first."""
    if not index.units:
        return []
    scores = []
    for i, st in enumerate(index.unit_stems):
        shared = claim_stems & st
        # summed in a fixed order: a set's order follows the process's hash seed, and float
        # addition is not associative, so near ties would rank differently from run to run
        scores.append((sum(index.idf.get(w, 0.0) for w in sorted(shared)), -i))
    order = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
    # units tied with the last one taken are taken too (up to LEXICAL_TIES more): which of two
    # units sharing the same words comes first in the source is no evidence ("on 16 March" in
    # two action items), and the embedding then chooses between them
    k = min(top, len(order))
    while k and k < min(len(order), top + LEXICAL_TIES) and scores[order[k]][0] == scores[order[k - 1]][0] > 0:
        k += 1
    return order[:k]


def anchor_units(index: SourceIndex, tokens, claim_stems: set, chosen: list[int]) -> list[int]:
    """Source units to add to a claim's evidence: for each name or number of the claim that
    the chosen units lack, the unit that holds it and shares the most other content words
    with the claim (at least two). A claim that fuses two sentences is then checked against
    both, so a name is only "misplaced" when no sentence around it says the rest."""
    have = {t.norm for u in chosen for t in index.units[u].tokens}
    extra: list[int] = []
    for t in tokens:
        if t.norm in have or not (t.is_number or t.text[:1].isupper()):
            continue
        best, best_k = None, 1
        for u, st in enumerate(index.unit_stems):
            if u in chosen or u in extra or t.norm not in st:
                continue
            k = len((st & claim_stems) - {t.norm})
            if k > best_k:
                best, best_k = u, k
        if best is not None:
            extra.append(best)
            have |= {x.norm for x in index.units[best].tokens}
    return extra


class EmbeddingBackend:
    def __init__(self, options, cache=None) -> None:
        from ..models import get_encoder
        self.options = options
        self.encoder = get_encoder(options.model, options.device)
        self._combiner = None
        self._sources: OrderedDict[str, SourceIndex] = OrderedDict()
        self.slots = None   # the opt-in LM slot check (lm.slots); building it loads nothing
        lm = getattr(options, "lm", None)
        if lm is not None and lm.slots:
            from .slots import SlotCheck
            self.slots = SlotCheck(lm, cache)
        self.disk = None
        if cache is not None and cache.enabled and getattr(options, "embedding_cache", True):
            from ..models import resolve_model
            from .vectorcache import VectorCache
            path, display = resolve_model(options.model)
            self.disk = VectorCache(f"{display}|{path}|mean-pool|window{self.encoder.max_length}", cache,
                                    dim=self.encoder.model.config.hidden_size, tag=display)

    @property
    def combiner(self):
        if self._combiner is None:  # loaded on first use: extracting features needs no weights
            self._combiner = load_combiner()
        return self._combiner

    def _encode_all(self, texts) -> None:
        """Embed ``texts`` in one batched pass, reading and filling the disk cache."""
        todo = self.encoder.missing(texts)
        if not todo:
            return
        if self.disk is not None:
            self.encoder.preload(self.disk.get_many(todo))
            todo = self.encoder.missing(todo)
        if todo:
            self.encoder.encode(todo, self.options.batch_size)
            if self.disk is not None:
                self.disk.put_many(self.encoder.vectors(todo))

    def _index(self, source: str) -> SourceIndex:
        idx = self._sources.get(source)
        if idx is None:
            idx = index_source(source, self.options.max_unit_words)
            self._sources[source] = idx
            while len(self._sources) > SOURCE_CACHE:
                self._sources.popitem(last=False)
        else:
            self._sources.move_to_end(source)
        return idx

    def _paraphrased(self, claim_tokens, evidence_tokens, threshold: float | None = None) -> set[int]:
        """Indices of claim tokens whose isolated-word embedding is close to an evidence
        content word; with ``threshold`` (the looser related-word bar), to any evidence
        word, stopwords such as "said" included."""
        if not claim_tokens or not evidence_tokens:
            return set()
        ev_words = sorted({t.text.lower() for t in evidence_tokens if threshold is not None or is_content(t)})
        if not ev_words:
            return set()
        cl_words = [t.text.lower() for t in claim_tokens]
        self._encode_all(ev_words + cl_words)
        ev = self.encoder.encode(ev_words, self.options.batch_size)
        cl = self.encoder.encode(cl_words, self.options.batch_size)
        best = (cl @ ev.T).max(axis=1)
        bar = self.options.paraphrase_threshold if threshold is None else threshold
        return {i for i, b in enumerate(best) if b >= bar}

    def analyse(self, items: Sequence[ScoreItem]) -> list[list[tuple[Span, ClaimCheck, Span | None]]]:
        """Per item, per claim: (claim span, its checks, its evidence span)."""
        return [[j[:3] for j in judged] for judged in self._analyse(items)]

    def _analyse(self, items: Sequence[ScoreItem]) -> list[list[tuple[Span, ClaimCheck, Span | None, str]]]:
        """``analyse`` plus each claim's evidence window: the text of the source units its
        checks read (the best candidates and the anchor units), in source order."""
        o = self.options
        plans = []  # per item: (index, [(span, tokens, ranked units)])
        needed: list[str] = []
        for item in items:
            index = self._index(item.source)
            claims = []
            for span in split_claims(item.summary):
                toks = tokenize(span.text, span.start)
                stems = {t.norm for t in toks if is_content(t)}
                ranked = lexical_rank(index, stems, LEXICAL_TOP)
                claims.append((span, toks, ranked, stems))
                needed.append(span.text)
                needed.extend(index.units[u].span.text for u in ranked)
            plans.append((index, claims))
        if needed:
            self._encode_all(needed)  # one batched pass; later lookups hit the memo
        out = []
        for item, (index, claims) in zip(items, plans):
            judged = []
            for span, toks, ranked, stems in claims:
                vec = self.encoder.encode([span.text])[0]
                if ranked:
                    uvecs = self.encoder.encode([index.units[u].span.text for u in ranked])
                    cands: list[tuple[int, ...]] = [(u,) for u in ranked]
                    vecs = [v for v in uvecs]
                    chosen = {u: k for k, u in enumerate(ranked)}
                    for u in sorted(ranked):
                        if u + 1 in chosen:
                            a, b = uvecs[chosen[u]], uvecs[chosen[u + 1]]
                            na, nb = len(index.units[u].tokens) or 1, len(index.units[u + 1].tokens) or 1
                            v = a * na + b * nb
                            vecs.append(v / (np.linalg.norm(v) or 1.0))
                            cands.append((u, u + 1))
                    sims = np.stack(vecs) @ vec
                    order = np.argsort(-sims, kind="stable")
                    sim = float(sims[order[0]])
                    sim_sent = float(sims[:len(ranked)].max())
                    top_units = []
                    for j in order[:o.evidence_top_k]:
                        for u in cands[int(j)]:
                            if u not in top_units:
                                top_units.append(u)
                    top_units += anchor_units(index, toks, stems, top_units)
                    ev_units = [list(index.units[u].tokens) for u in top_units]
                    window = " ".join(index.units[u].span.text for u in sorted(top_units))
                    ev_tokens = [t for u in ev_units for t in u]
                    best = cands[int(order[0])]
                    best_tokens = [t for u in best for t in index.units[u].tokens]
                    around = sorted({v for u in top_units for v in (u - 1, u + 1)
                                     if 0 <= v < len(index.units) and v not in top_units})
                    context_units = [index.units[v].tokens for v in around]
                    ctx = {t.norm for u in context_units for t in u}
                    a, b = index.units[best[0]].span.start, index.units[best[-1]].span.end
                    evidence = Span(item.source[a:b], a, b)
                else:
                    sim = sim_sent = 0.0
                    ev_units, ev_tokens, evidence, best_tokens, ctx = [], [], None, [], set()
                    window = ""
                    context_units = []

                def paraphrased(claim_words, _evidence, threshold=None, _best=best_tokens):
                    # word-level paraphrase judged against the best evidence only (cost control)
                    return self._paraphrased(claim_words, _best, threshold)

                chk = check_claim(span.text, span.start, toks, ev_tokens, index.tokens, max(sim, 0.0),
                                  max(sim_sent, 0.0), paraphrased, evidence_units=ev_units,
                                  source_bigrams=index.bigrams, source_names=index.names, context_stems=ctx,
                                  source_words=index.words, source_number_list=index.numbers,
                                  context_units=context_units)
                judged.append((span, chk, evidence, window))
            out.append(judged)
        return out

    def judge(self, items: Sequence[ScoreItem]) -> list[list[Claim]]:
        return [claims for claims, _ in self.judge_items(items)]

    def judge_items(self, items: Sequence[ScoreItem]) -> list[tuple[list[Claim], float | None]]:
        """Per item: its claims, and the summary's score (None when it has no claim): the
        worst claim's score, so a summary is inconsistent exactly when a claim is flagged."""
        o = self.options
        out: list[tuple[list[Claim], float | None]] = []
        analysed = self._analyse(items)
        slot_findings = self.slot_findings(analysed)
        for item, judged, found in zip(items, analysed, slot_findings):
            claims = []
            for (span, chk, evidence, _window), slot in zip(judged, found):
                score = self.combiner.score(chk.vector())
                supported = score >= o.threshold
                spans = () if supported else (merge_spans(item.summary, chk.blamed) or (span,))
                reasons = tuple(chk.reasons) if not supported else ()
                checks = tuple(chk.fired) if not supported else ()
                if slot:
                    # the slot check flags on its own: the claim scores below the threshold, its slot words
                    # are the offending words, and its finding is one of the claim's fired checks
                    score = min(score, o.threshold - 1e-6)
                    supported = False
                    mine = tuple(Span(item.summary[span.start + f.slot.start:span.start + f.slot.end],
                                      span.start + f.slot.start, span.start + f.slot.end) for f in slot)
                    spans = tuple(sorted({(s.start, s.end): s for s in spans + mine}.values(),
                                         key=lambda s: (s.start, s.end)))
                    reasons = reasons + tuple(f.reason for f in slot)
                    checks = checks + (SLOT_CHECK,)
                claims.append(Claim(text=span.text, start=span.start, end=span.end, supported=supported,
                                    score=round(score, 6), evidence=evidence, unsupported_spans=spans,
                                    verdict=verdict(supported), reasons=reasons, checks=checks))
            out.append((claims, min((c.score for c in claims), default=None)))
        return out

    def slot_findings(self, analysed) -> list[list[list]]:
        """Per item, per claim: the LM slot check's findings (all empty when it is off)."""
        if self.slots is None:
            return [[[] for _ in judged] for judged in analysed]
        pairs = [(span.text, window) for judged in analysed for span, _chk, _ev, window in judged]
        found = iter(self.slots.find(pairs))
        return [[next(found) for _ in judged] for judged in analysed]
