"""Running the detector's checks on one hand-made claim, without a model: the word-paraphrase
judge is a stub that accepts nothing (or one the test passes)."""

from __future__ import annotations

from evalharness.scorers.support.checks import check_claim
from evalharness.scorers.support.embedding import index_source
from evalharness.scorers.text import tokenize


def no_paraphrase(tokens, evidence, threshold=None):
    return set()


def run(claim, evidence, source=None, context=(), paraphrase=no_paraphrase):
    """The checks of ``claim`` against ``evidence`` (one sentence, or a list of evidence
    sentences), each found in ``source`` (default: the evidence itself), with ``context``
    sentences of the source around them."""
    units_text = [evidence] if isinstance(evidence, str) else list(evidence)
    source = source or " ".join(units_text)
    idx = index_source(source, 80)
    units = [tokenize(e, source.index(e)) for e in units_text]
    ev_toks = [t for u in units for t in u]
    ctx_units = [tokenize(c, source.index(c)) for c in context]
    return check_claim(claim, 0, tokenize(claim), ev_toks, idx.tokens, 0.9, 0.9, paraphrase,
                       evidence_units=units, source_bigrams=idx.bigrams, source_names=idx.names,
                       source_words=idx.words, source_number_list=idx.numbers, context_units=ctx_units)


def blamed(chk) -> list[str]:
    return [t.text for t in chk.blamed]
