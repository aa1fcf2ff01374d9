"""Coverage and paraphrase: how much of the claim its evidence supports (embedding
similarity, lexical and bigram coverage with paraphrase tolerance, words the source never
uses, length), and two claims no evidence makes: an evaluation and a causal link."""

from __future__ import annotations

from ...text import is_content
from .. import lexicon as lx
from .context import LIGHT, NOTHING, ClaimContext, Finding, WordSet, _sentence_of
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


#: connectives after which the cause comes ('because X', 'due to X'); the rest of
#: _causal_links ('led to', 'resulted in', 'therefore') come after their cause
_CAUSE_AFTER = frozenset({"because", "due", "owing", "thanks", "caused", "driven", "triggered", "prompted", "as"})
#: a cause's clause ends at punctuation or at a word that starts another clause
_CLAUSE_END = frozenset({"but", "while", "whereas", "although", "though", "which", "who", "where", "when",
                         "and", "yet", "so", "because"})
#: words that make "so" no connective ('so far', 'so that', 'so many')
_NOT_SO = frozenset({"far", "that", "much", "many", "few", "long", "on", "called", "as", "to", "little", "often"})


def _gap(tokens, k: int) -> bool:
    """Punctuation (or a line break) between token k and the next."""
    return tokens[k + 1].start - tokens[k].end > 1


def _cause_effect(tokens) -> list[tuple[tuple[int, ...], list[int], list[int]]]:
    """(connective positions, cause positions, effect positions) of each causal link: the
    cause runs from the connective to the end of its clause ('because salmon feed costs
    fell'), the effect is the rest of the sentence on the other side ('Gross margin was
    31.4%'); for a link after its cause ('X led to Y', ', so Y') the sides swap."""
    links = list(_causal_links(tokens))
    low = [t.text.lower() for t in tokens]
    for i in range(1, len(tokens) - 1):  # ', so prices rose'
        if low[i] == "so" and _gap(tokens, i - 1) and low[i + 1] not in _NOT_SO and is_content(tokens[i + 1]) \
                or low[i] == "so" and _gap(tokens, i - 1) and low[i + 1] in ("the", "a", "an", "its", "their", "our"):
            links.append((i,))
    for i in range(len(tokens) - 1):  # 'the fall in costs caused the rise'
        if low[i] == "caused" and low[i + 1] != "by" and (i == 0 or low[i - 1] not in ("was", "were", "is", "be")):
            links.append((i,))
    out = []
    n = len(tokens)
    for link in links:
        a, b = link[0], link[-1]
        after = low[a] in _CAUSE_AFTER and low[a] != "caused" or (low[a] == "caused" and b > a)

        def forward(k):  # from k to the end of its clause
            span = []
            while k < n and len(span) < 14:
                if span and low[k] in _CLAUSE_END:
                    break
                span.append(k)
                if k + 1 < n and _gap(tokens, k):
                    break
                k += 1
            return span

        def backward(k):  # from k back to the start of its clause
            span = []
            while k >= 0 and len(span) < 14:
                if k + 1 < n and _gap(tokens, k) and span:
                    break
                span.insert(0, k)
                k -= 1
            return span
        if after:
            cause = forward(b + 1)
            effect = list(range(0, a))
            if not effect and cause:  # 'Because costs fell, the margin rose'
                effect = list(range(cause[-1] + 1, n))
        else:
            cause = backward(a - 1)
            effect = list(range(b + 1, n))
        if low[a] == "so" or (low[a] in ("therefore", "thus", "hence") and a > 0):
            effect = forward(b + 1)
        out.append((link, cause, effect))
    return out


def _words(tokens, idx) -> list[int]:
    """The positions among ``idx`` of words that carry a fact (not numbers, not light words)."""
    return [k for k in idx if is_content(tokens[k]) and not tokens[k].is_number
            and tokens[k].text.lower() not in LIGHT and tokens[k].text.lower() not in lx.CAUSAL_MARKERS]


def _another_cause(ctx: ClaimContext) -> Finding:
    """A claim's cause where the evidence sentence that states the effect gives another cause:
    none of the claim's cause words is the evidence cause's (stem, root or paraphrase), and the
    source states the claim's cause words in another sentence, about another fact ('Gross
    margin improved because frozen seafood sales grew' where the margin rose 'because salmon
    feed costs fell' and the seafood range grew in another sentence)."""
    toks = ctx.tokens
    src = list(ctx.source_tokens)
    for link, cause, effect in _cause_effect(toks):
        cause_words = _words(toks, cause)
        effect_stems = {toks[k].norm for k in effect if is_content(toks[k])}
        if not cause_words or len(effect_stems) < 2:
            continue
        best = None
        for unit in ctx.evidence_units:
            unit = list(unit)
            for _, ucause, ueffect in _cause_effect(unit):
                shared = effect_stems & {unit[k].norm for k in ueffect if is_content(unit[k])}
                words = _words(unit, ucause)
                if len(shared) >= 2 and words and (best is None or len(shared) > best[0]):
                    best = (len(shared), unit, ucause, words)
        if best is None:
            continue
        _, unit, ucause, words = best
        theirs = WordSet([unit[k] for k in words])
        if any(theirs.has(toks[k]) for k in cause_words):
            continue  # the claim gives the evidence's cause
        if ctx._para(cause_words):
            continue  # in other words ('cheaper feed' for 'feed costs fell')
        # the claim's cause words are stated in another source sentence, one that is not
        # about the claim's effect (else the source may link them)
        starts = {t.start for t in unit}
        found = False
        for k in cause_words:
            for p in ctx.src.positions.get(toks[k].norm, ()):
                if src[p].start in starts:
                    continue
                sent, _ = _sentence_of(src, p)
                stems = {t.norm for t in sent}
                hits = sum(1 for j in cause_words if toks[j].norm in stems)
                if hits >= min(2, len(cause_words)) and not (effect_stems & {t.norm for t in sent
                                                                             if is_content(t) and not t.is_number}):
                    found = True
                    break
            if found:
                break
        if not found:
            continue
        shown = " ".join(unit[k].text for k in ucause)
        blamed = tuple(sorted(set(link) | set(cause)))
        return Finding(1.0, blamed, (f"the evidence gives another cause: '{shown}'",))
    return NOTHING


@check("causal", -1, explicit=True)
def check_causal(ctx: ClaimContext) -> Finding:
    """A causal link ('because', 'due to', 'led to') that the evidence does not make: neither
    the evidence sentences nor those right around them state any cause or reason; or the
    evidence sentence that states the effect gives another cause, and the claim's cause is
    a fact the source states elsewhere."""
    links = _causal_links(ctx.tokens)
    if not links:
        return _another_cause(ctx)
    for unit in tuple(ctx.evidence_units) + tuple(ctx.context_units):
        low = [t.text.lower() for t in unit]
        if any(w in lx.CAUSAL_MARKERS for w in low) or _causal_links(unit) or \
                any((a, b) in lx.CAUSAL_EVIDENCE_PAIRS for a, b in zip(low, low[1:])):
            return _another_cause(ctx)
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
