"""Claim-level evidence for the checker backends (nli presets, llm yes/no mode).

A checker scores a claim against whole source chunks. To show the user where the
claim stands, the best chunk is narrowed to its best sentence (extended by one
neighbour when that covers more of the claim), and the offending words of a claim
that is not supported come from the default detector's own checks (numbers,
names, negation, roles, coverage) run against that narrowed evidence, so the
report says which words, not only "unsupported".
"""

from __future__ import annotations

import math
import re

from ....core.results import Span
from ...text import is_content, split_sentences, tokenize


def sentences_in(source: str, window: Span) -> list[Span]:
    return [s for s in split_sentences(source) if window.start <= s.start and s.end <= window.end] or [window]


def narrow_evidence(source: str, window: Span, claim_text: str) -> Span:
    """The sentence(s) of ``window`` that best cover the claim's content words (IDF over
    the window's sentences); ties go to the earlier sentence."""
    sents = sentences_in(source, window)
    if len(sents) == 1:
        return sents[0]
    claim = {t.norm for t in tokenize(claim_text) if is_content(t)}
    stems = [{t.norm for t in tokenize(s.text) if is_content(t)} for s in sents]
    df: dict[str, int] = {}
    for st in stems:
        for w in st:
            df[w] = df.get(w, 0) + 1
    idf = {w: math.log((len(sents) + 1) / (c + 0.5)) for w, c in df.items()}

    def cover(st: set) -> float:
        return sum(idf.get(w, 0.0) for w in claim & st)

    best = max(range(len(sents)), key=lambda i: (cover(stems[i]), -i))
    lo = hi = best
    neighbours = [j for j in (best - 1, best + 1) if 0 <= j < len(sents) and cover(stems[j] - stems[best]) > 0]
    if neighbours:  # one neighbour, the one that adds most of the claim's words
        j = max(neighbours, key=lambda j: (cover(stems[j] - stems[best]), -j))
        lo, hi = min(best, j), max(best, j)
    return Span(source[sents[lo].start:sents[hi].end], sents[lo].start, sents[hi].end)


def offending_words(summary: str, claim: Span, evidence: Span | None, source: str) -> tuple[Span, ...]:
    """The words of ``claim`` the default detector's checks blame against ``evidence``
    (the one place that calls into the checks package);
    the whole claim when the checks blame nothing."""
    from ..claims import merge_spans
    from ..checks import check_claim, source_names

    claim_tokens = tokenize(claim.text, claim.start)
    ev_tokens = tokenize(evidence.text, evidence.start) if evidence is not None else []
    units = [tokenize(s.text, s.start) for s in split_sentences(source)]
    src_tokens = [t for u in units for t in u]
    bigrams = set()
    for u in units:
        content = [t.norm for t in u if is_content(t)]
        bigrams.update(zip(content, content[1:]))
    ev_units = [tokenize(s.text, s.start) for s in (sentences_in(source, evidence) if evidence else [])]

    def no_paraphrase(tokens, _evidence, threshold=None):  # no embedding judge here: exact stems only
        return set()

    chk = check_claim(claim.text, claim.start, claim_tokens, ev_tokens, src_tokens, 0.0, 0.0, no_paraphrase,
                      evidence_units=ev_units or [ev_tokens], source_bigrams=bigrams,
                      source_names=source_names(units), context_stems=set())
    return merge_spans(summary, chk.blamed) or (claim,)


_WORDS = re.compile(r"\w+|[^\w\s]")


def word_count(text: str) -> int:
    """Whitespace-separated words (MiniCheck's Flan-T5 chunking counts ``len(s.split())``)."""
    return len(text.split())


def word_token_count(text: str) -> int:
    """Words and punctuation marks, as nltk's word_tokenize counts them (FactCG's chunking)."""
    return len(_WORDS.findall(text))
