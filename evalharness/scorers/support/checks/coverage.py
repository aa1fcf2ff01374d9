"""Coverage and paraphrase: how much of the claim its evidence supports (embedding
similarity, lexical and bigram coverage with paraphrase tolerance, words the source never
uses, length), and two claims no evidence makes: an evaluation and a causal link."""

from __future__ import annotations

from ...text import is_content
from .. import lexicon as lx
from .context import LIGHT, NOTHING, ClaimContext, Finding
from .registry import check

RELATED_WORD_THRESHOLD = 0.6  # word-embedding cosine above which a novel word has a related evidence word

@check("sim", +1)
def check_sim(ctx: ClaimContext) -> Finding:
    return Finding(max(ctx.sim, 0.0))


@check("sim_sent", +1)
def check_sim_sent(ctx: ClaimContext) -> Finding:
    return Finding(max(ctx.sim_sent, 0.0))


@check("coverage", +1, soft_blame=4)
def check_coverage(ctx: ClaimContext) -> Finding:
    """Share of content words found in the evidence (exactly, tolerantly, or as an
    embedding paraphrase); blames the rest."""
    if not ctx.content:
        return Finding(1.0)
    un = ctx.unexplained
    reason = ()
    if un:
        reason = ("not found in the evidence: " + ", ".join(f"'{ctx.tokens[i].text}'" for i in un[:6]),)
    return Finding(1.0 - len(un) / len(ctx.content), tuple(un), reason)


@check("source_coverage", +1)
def check_source_coverage(ctx: ClaimContext) -> Finding:
    if not ctx.content:
        return Finding(1.0)
    return Finding(1.0 - len(ctx.missing_src) / len(ctx.content))


_PREPOSITIONS = frozenset({"of", "for", "in", "on", "from", "by", "to", "with", "at"})


@check("bigram_coverage", +1, soft_blame=5)
def check_bigram_coverage(ctx: ClaimContext) -> Finding:
    """Share of adjacent content-word pairs the source also writes adjacent; blames a
    phrase of known words the source never puts near each other, in either order
    ("world powers" against "a foreign power since World War II")."""
    content = [i for i, t in enumerate(ctx.tokens) if is_content(t)]
    if ctx.source_bigrams is None or len(content) < 2:
        return Finding(1.0)
    bigrams = ctx.source_bigrams
    pairs = [(ctx.tokens[a].norm, ctx.tokens[b].norm) for a, b in zip(content, content[1:])]
    value = sum(1 for p in pairs if p in bigrams) / len(pairs)
    positions = ctx.src.positions

    src = ctx.src.tokens

    def near(x: str, y: str) -> bool:
        """x then y within six words, or y then x joined by a preposition ("disease risk" for
        "risk of heart disease", "Oslo-based" for "based in Oslo")."""
        px, py = positions.get(x, []), positions.get(y, [])
        if any(0 < q - p <= 6 for p in px for q in py):
            return True
        return any(0 < p - q <= 4 and any(src[k].text.lower() in _PREPOSITIONS for k in range(q + 1, p))
                   for p in px for q in py)

    blamed, reasons = [], []
    toks = ctx.tokens
    src_stems = ctx.src.stems
    missing = set(ctx.unexplained)
    for a in range(len(toks) - 1):
        ta, tb = toks[a], toks[a + 1]
        if (is_content(ta) and is_content(tb) and tb.start - ta.end <= 1 and a not in missing
                and a + 1 not in missing and ta.text[:1].islower() and tb.text[:1].islower()
                and ta.norm in src_stems and tb.norm in src_stems and (ta.norm, tb.norm) not in bigrams
                and not near(ta.norm, tb.norm)
                and not ta.is_number and not tb.is_number
                and ta.text.lower() not in LIGHT and tb.text.lower() not in LIGHT):
            blamed += [a, a + 1]
            reasons.append(f"the source never puts '{ta.text}' and '{tb.text}' together")
    return Finding(value, tuple(blamed), tuple(reasons))


@check("novel_words", -1, soft_blame=3)
def check_novel_words(ctx: ClaimContext) -> Finding:
    """Content words the source never uses and for which the evidence has no related word
    either (word cosine below RELATED_WORD_THRESHOLD): invented detail."""
    # words of attribution and words that refer back ("he cautioned", "the idea") are not detail
    missing = [i for i in ctx.missing_src if ctx.tokens[i].text.lower() not in lx.REPORTING
               and ctx.tokens[i].text.lower() not in lx.SHELL_NOUNS]
    related = ctx._para(missing, RELATED_WORD_THRESHOLD)
    novel = [i for i in missing if i not in related]
    return Finding(min(len(novel), 3) / 3.0, tuple(novel),
                   ("the source never uses " + ", ".join(f"'{ctx.tokens[i].text}'" for i in novel[:6])
                    + " (nor a word close to it)",) if novel else ())


@check("length", 0)
def check_length(ctx: ClaimContext) -> Finding:
    return Finding(min(len(ctx.content), 30) / 30.0)

def _causal_links(tokens) -> list[tuple[int, ...]]:
    """Token positions of each causal connective: 'because (of)', 'due to', 'owing to',
    'as a result of', 'caused by', 'thanks to', 'led to', 'resulted in', 'therefore'."""
    low = [t.text.lower() for t in tokens]
    out = []
    for i, w in enumerate(low):
        nxt = low[i + 1] if i + 1 < len(low) else ""
        if w in lx.CAUSAL_WORDS:
            out.append((i,))
        elif (w, nxt) in lx.CAUSAL_PAIRS:
            out.append((i, i + 1))
        elif w == "as" and low[i + 1:i + 4] == ["a", "result", "of"]:
            out.append((i, i + 1, i + 2, i + 3))
    return out


@check("causal", -1, explicit=True)
def check_causal(ctx: ClaimContext) -> Finding:
    """A causal link ('because', 'due to', 'led to') that the evidence does not make: neither
    the evidence sentences nor those right around them state any cause or reason."""
    links = _causal_links(ctx.tokens)
    if not links:
        return NOTHING
    for unit in tuple(ctx.evidence_units) + tuple(ctx.context_units):
        low = [t.text.lower() for t in unit]
        if any(w in lx.CAUSAL_MARKERS for w in low) or _causal_links(unit) or \
                any((a, b) in lx.CAUSAL_EVIDENCE_PAIRS for a, b in zip(low, low[1:])):
            return NOTHING
    blamed = tuple(i for link in links for i in link)
    shown = " ".join(ctx.tokens[i].text for i in links[0])
    return Finding(1.0, blamed, (f"the claim says '{shown}', but its evidence states no cause or reason",))


@check("editorial", -1, explicit=True)
def check_editorial(ctx: ClaimContext) -> Finding:
    """An evaluative word the source never uses ("in a bizarre turn of events")."""
    toks = ctx.tokens
    bad = [i for i, t in enumerate(toks) if t.text.lower() in lx.EDITORIAL and not ctx.src.has(t)]
    for i, t in enumerate(toks[:-1]):  # "highly successful": an intensified word the source uses neither of
        if t.text.lower() in lx.INTENSIFIERS and not ctx.src.has(t) and is_content(toks[i + 1]) \
                and not ctx.src.has(toks[i + 1]) and i not in bad:
            bad += [i, i + 1]
    return Finding(float(bool(bad)), tuple(bad),
                   tuple(f"'{toks[i].text}' is an evaluation the source does not make" for i in bad))
