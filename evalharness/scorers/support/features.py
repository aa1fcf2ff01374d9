"""Interpretable checks of one claim against its evidence.

Each check yields a number (a feature for the combiner) and, where it fails, the
tokens of the claim to blame. Nothing here is a black box: a flagged claim can
always say which words nothing in the source supports, and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...text import Token, is_content

NEGATIONS = frozenset({"not", "no", "never", "n't", "nobody", "nothing", "none", "neither", "nor", "without",
                       "cannot", "didn't", "doesn't", "don't", "isn't", "wasn't", "weren't", "won't", "hasn't",
                       "haven't", "hadn't", "couldn't", "wouldn't", "shouldn't", "aren't"})

NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
    "ninety": "90", "hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000",
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "half": "0.5", "dozen": "12",
}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _norm_number(v: str) -> str:
    v = v.replace(",", "")
    if "." in v:
        v = v.rstrip("0").rstrip(".")
    return v.lstrip("0") or "0"


def number_values(tok: Token) -> set[str]:
    """Normalised numeric values of a token: '86%' -> {'86'}, '1,200' -> {'1200'}, 'two' -> {'2'},
    '2-1' -> {'2-1'} (a score or range stays one value, so '3-1' never matches '2-1')."""
    low = tok.text.lower()
    if low in NUMBER_WORDS:
        return {NUMBER_WORDS[low]}
    parts = [_norm_number(m.group(0)) for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", tok.text)]
    if not parts:
        return set()
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?(?:[-\u2013/:]\d[\d,]*(?:\.\d+)?)+", tok.text):
        return {"-".join(parts)}
    return set(parts)


TITLES = frozenset("""president vice prime minister chancellor king queen prince princess senator governor mayor
leader chief general secretary director pope judge officer captain coach manager chairman chairwoman ceo
spokesman spokeswoman spokesperson professor doctor dr mr mrs ms sir lord lady minister council
department ministry state states government police army court university republic democrat democrats
republican republicans party""".split())


def is_entity(tok: Token, claim_text: str, claim_start: int) -> bool:
    """A capitalised word that does not merely start a sentence (or is all caps);
    titles and institutions ("President", "Council") are not names."""
    if not tok.text[:1].isupper() or tok.text.lower() in MONTHS or tok.text.lower() in TITLES:
        return False
    if len(tok.text) > 1 and tok.text.isupper():
        return True
    before = claim_text[:tok.start - claim_start].rstrip()
    return bool(before) and not before.endswith((".", "!", "?", ":", "\"", "\u201c"))


def fuzzy_match(stem: str, stems: set[str]) -> bool:
    """Exact stem, or a shared prefix of >= 5 letters covering most of both words
    (catches stemmer disagreements such as incursion/incursioned)."""
    if stem in stems:
        return True
    if len(stem) < 5:
        return False
    for s in stems:
        if len(s) >= 5 and s[:5] == stem[:5]:
            k = 5
            while k < min(len(s), len(stem)) and s[k] == stem[k]:
                k += 1
            if k >= 0.8 * min(len(s), len(stem)) and k >= 0.6 * max(len(s), len(stem)):
                return True
    return False


AUXILIARIES = frozenset({"do", "does", "did", "is", "are", "was", "were", "be", "been", "has", "have", "had",
                         "will", "would", "could", "can", "should", "may", "might", "must", "shall"})

# Pairs of opposite words (by stem). A claim word whose opposite is in the
# evidence, while the word itself is not, reverses the evidence's meaning.
_ANTONYM_PAIRS = """
increase decrease, increase reduce, increase cut, rise fall, rise drop, rise decline, grow shrink, gain lose,
gain loss, win lose, win loss, won lost, beat lost, victory defeat, up down, more less, more fewer, higher lower,
high low, larger smaller, largest smallest, biggest smallest, bigger smaller, better worse, best worst, before after,
earlier later, first last, open close, opened closed, accept reject, approve reject, approved rejected,
allow ban, allow prohibit, support oppose, agree disagree, confirm deny, admit deny, guilty innocent,
guilty acquitted, convicted acquitted, arrive leave, arrive depart, start end, start finish, begin end,
join leave, hire fire, buy sell, bought sold, lend borrow, import export, include exclude, success failure,
succeed fail, strong weak, rich poor, young old, alive dead, survive die, male female, man woman, men women,
husband wife, son daughter, father mother, boy girl, king queen, north south, east west, left right, inside outside,
public private, legal illegal, positive negative, true false, full empty, safe dangerous, easy difficult,
cheap expensive, long short, fast slow, hot cold, wet dry, love hate, remember forget, attack defend,
raise lower, add remove, maximum minimum, majority minority, top bottom, above below, over under,
domestic foreign, permanent temporary, lowest highest, ally enemy, release arrest, resign appoint,
unanimous divided, cheaper dearer, profit loss, surplus deficit
"""


def _antonyms() -> dict[str, set[str]]:
    from ...text import stem
    out: dict[str, set[str]] = {}
    for pair in _ANTONYM_PAIRS.replace("\n", " ").split(","):
        words = pair.split()
        if len(words) != 2:
            continue
        a, b = stem(words[0]), stem(words[1])
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


_ANTONYMS: dict[str, set[str]] | None = None


def antonyms_of(stem_: str) -> set[str]:
    global _ANTONYMS
    if _ANTONYMS is None:
        _ANTONYMS = _antonyms()
    return _ANTONYMS.get(stem_, set())


def is_negation(tok: Token) -> bool:
    low = tok.text.lower().replace("\u2019", "'")
    return low in NEGATIONS or low.endswith("n't")


@dataclass
class ClaimCheck:
    """Features of one claim and the tokens each check blames."""

    sim: float = 0.0                # best embedding cosine to an evidence candidate (a unit or two adjacent)
    sim_sent: float = 0.0           # best cosine to a single source unit
    coverage: float = 1.0           # share of content tokens found in the evidence (exact or paraphrase)
    source_coverage: float = 1.0    # share of content tokens found anywhere in the source
    bigram_coverage: float = 1.0    # share of adjacent content-word pairs found adjacent in the source
    novel_numbers: int = 0          # numbers nowhere in the source
    novel_entities: int = 0         # names nowhere in the source
    misplaced_entities: int = 0     # names in the source, but not in this claim's evidence
    misplaced_numbers: int = 0      # numbers in the source, but not in this claim's evidence
    negation_mismatch: int = 0
    antonyms: int = 0               # claim words whose opposite is in the evidence
    role_swaps: int = 0             # two names/numbers in the reverse order of the evidence
    novel_words: int = 0            # content words found nowhere in the source
    n_content: int = 0
    blamed: list[Token] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def vector(self) -> list[float]:
        return [self.sim, self.sim_sent, self.coverage, self.source_coverage, self.bigram_coverage,
                float(self.novel_numbers > 0), float(self.novel_entities > 0), float(self.misplaced_entities > 0),
                float(self.misplaced_numbers > 0), float(self.negation_mismatch > 0), float(self.antonyms > 0),
                float(self.role_swaps > 0), min(self.novel_words, 4) / 4.0, min(self.n_content, 30) / 30.0]


FEATURE_NAMES = ("sim", "sim_sent", "coverage", "source_coverage", "bigram_coverage", "novel_number",
                 "novel_entity", "misplaced_entity", "misplaced_number", "negation_mismatch", "antonym",
                 "role_swap", "novel_words", "length")


def _is_number_token(t: Token) -> bool:
    low = t.text.lower()
    return bool(number_values(t)) and (t.is_number or (low in NUMBER_WORDS and low not in
                                                       ("one", "first", "second", "half")))


def _role_swaps(claim_tokens: list[Token], anchors: list[int], evidence_units) -> list[tuple[int, int]]:
    """Pairs of anchors (names, numbers) that share an evidence sentence with the
    claim but appear there in the opposite order, linked in both by the same
    ordinary word (so "A beat B" against "B beat A" counts, while a passive
    paraphrase "B was beaten by A" does not). Anchors must be close in both."""
    out = []
    for unit_tokens in evidence_units:
        pos: dict[str, int] = {}
        for j, t in enumerate(unit_tokens):
            pos.setdefault(t.norm, j)
        norms = [t.norm for t in unit_tokens]
        for x in range(len(anchors)):
            for y in range(x + 1, len(anchors)):
                a, b = anchors[x], anchors[y]
                if b - a > 7:
                    continue
                na, nb = claim_tokens[a].norm, claim_tokens[b].norm
                if na == nb or na not in pos or nb not in pos:
                    continue
                if pos[na] <= pos[nb] or pos[na] - pos[nb] > 9:
                    continue
                link = claim_tokens[a + 1:b]
                if any(t.text.lower() == "by" for t in link) or "by" in norms[pos[nb] + 1:pos[na]]:
                    continue
                linking = {t.norm for t in link if is_content(t) and t.text[:1].islower()}
                if linking & set(norms[pos[nb] + 1:pos[na]]):
                    out.append((a, b))
        if out:
            break
    return out


def _antonym_in_context(claim_tokens: list[Token], i: int, opposite: set[str], evidence_units) -> bool:
    """True when an opposite of claim word ``i`` sits in the evidence next to a
    word that also neighbours ``i`` in the claim ("found dead" / "found alive")."""
    near_claim = {t.norm for t in claim_tokens[max(0, i - 3):i] + claim_tokens[i + 1:i + 4] if is_content(t)}
    for unit in evidence_units:
        for j, t in enumerate(unit):
            if t.norm in opposite:
                near_ev = {u.norm for u in unit[max(0, j - 3):j] + unit[j + 1:j + 4] if is_content(u)}
                if near_claim & near_ev:
                    return True
    return False


def _title_stems() -> frozenset:
    from ...text import stem
    return frozenset(stem(w) for w in TITLES)


TITLE_STEMS = _title_stems()


def source_names(units_tokens) -> set[str]:
    """Stems the source writes as names: capitalised inside a sentence more often than
    lowercase anywhere. Lets a lowercased summary ("dean cox") still be checked."""
    upper: dict[str, int] = {}
    lower: dict[str, int] = {}
    for tokens in units_tokens:
        for j, t in enumerate(tokens):
            if not t.text[:1].isalpha() or t.text.lower() in MONTHS:
                continue
            if t.text[:1].isupper():
                if j > 0:
                    upper[t.norm] = upper.get(t.norm, 0) + 1
            else:
                lower[t.norm] = lower.get(t.norm, 0) + 1
    from ...text import STOPWORDS
    return {w for w, c in upper.items() if c > lower.get(w, 0) and w not in STOPWORDS and w not in TITLE_STEMS}


def check_claim(claim_text: str, claim_start: int, claim_tokens: list[Token], evidence_tokens: list[Token],
                source_tokens: list[Token], sim: float, sim_sent: float, paraphrased,
                evidence_units: list[list[Token]] | None = None, source_bigrams: set | None = None,
                source_names: set | None = None, context_stems: set | None = None) -> ClaimCheck:
    """Run the lexical, number, entity, role, antonym and negation checks.

    ``paraphrased(tokens, evidence_tokens)`` returns the set of claim-token indices
    that an embedding judge accepts as paraphrases of some evidence word.
    ``evidence_units`` are the evidence sentences (best first), each a token list;
    ``context_stems`` the stems of the sentences right around them (a name there is
    not counted as out of place).
    """
    chk = ClaimCheck(sim=sim, sim_sent=sim_sent)
    evidence_units = evidence_units if evidence_units is not None else [evidence_tokens]
    ev_stems = {t.norm for t in evidence_tokens}
    src_stems = {t.norm for t in source_tokens}
    src_numbers: set[str] = set()
    for t in source_tokens:
        src_numbers |= number_values(t)
    ev_numbers: set[str] = set()
    for t in evidence_tokens:
        ev_numbers |= number_values(t)

    content = [i for i, t in enumerate(claim_tokens) if is_content(t)]
    chk.n_content = len(content)
    missing_ev = [i for i in content if not fuzzy_match(claim_tokens[i].norm, ev_stems)]
    missing_src = [i for i in content if not fuzzy_match(claim_tokens[i].norm, src_stems)]
    para = paraphrased([claim_tokens[i] for i in missing_ev], evidence_tokens) if missing_ev else set()
    unexplained = [i for k, i in enumerate(missing_ev) if k not in para]
    chk.novel_words = len(missing_src)
    if content:
        chk.coverage = 1.0 - len(unexplained) / len(content)
        chk.source_coverage = 1.0 - len(missing_src) / len(content)
    if source_bigrams is not None and len(content) >= 2:
        pairs = [(claim_tokens[a].norm, claim_tokens[b].norm) for a, b in zip(content, content[1:])]
        chk.bigram_coverage = sum(1 for p in pairs if p in source_bigrams) / len(pairs)

    blamed = set(unexplained)
    if source_bigrams is not None:
        # a phrase of known words the source never puts together, in this order, even
        # loosely ("world powers" against "a foreign power since World War II")
        positions: dict[str, list[int]] = {}
        for j, t in enumerate(source_tokens):
            positions.setdefault(t.norm, []).append(j)

        def near(x: str, y: str) -> bool:
            py = positions.get(y, [])
            return any(0 < q - p <= 6 for p in positions.get(x, []) for q in py)

        for a in range(len(claim_tokens) - 1):
            ta, tb = claim_tokens[a], claim_tokens[a + 1]
            if (is_content(ta) and is_content(tb) and tb.start - ta.end <= 1 and a not in blamed
                    and a + 1 not in blamed and ta.text[:1].islower() and tb.text[:1].islower()
                    and ta.norm in src_stems and tb.norm in src_stems and (ta.norm, tb.norm) not in source_bigrams
                    and not near(ta.norm, tb.norm) and not ta.is_number and not tb.is_number):
                blamed.update((a, a + 1))
                chk.reasons.append(f"the source never says '{ta.text} {tb.text}'")
    paraphrased_idx = {i for k, i in enumerate(missing_ev) if k in para}
    anchors = []
    for i, t in enumerate(claim_tokens):
        if _is_number_token(t):
            vals = number_values(t)
            anchors.append(i)
            if not (vals & src_numbers):
                chk.novel_numbers += 1
                blamed.add(i)
                chk.reasons.append(f"number '{t.text}' does not appear in the source")
            elif not (vals & ev_numbers):
                chk.misplaced_numbers += 1
                blamed.add(i)
                chk.reasons.append(f"number '{t.text}' is in the source, but not in the evidence for this claim")
        elif is_entity(t, claim_text, claim_start) or (source_names and t.norm in source_names) or (
                i == 0 and t.text[:1].isupper() and len(claim_tokens) > 1 and claim_tokens[1].text[:1].isupper()
                and t.text.lower() not in TITLES):
            prev = claim_tokens[i - 1] if i > 0 else None
            if not (prev is not None and prev.end + 1 >= t.start and (prev.text[:1].isupper() or (
                    source_names and prev.norm in source_names))):
                anchors.append(i)  # a multi-word name is one anchor, its first word
            if not fuzzy_match(t.norm, src_stems):
                chk.novel_entities += 1
                blamed.add(i)
                chk.reasons.append(f"name '{t.text}' does not appear in the source")
            elif (not fuzzy_match(t.norm, ev_stems) and i not in paraphrased_idx
                  and not (context_stems and t.norm in context_stems)):
                chk.misplaced_entities += 1
                blamed.add(i)
                chk.reasons.append(f"name '{t.text}' is in the source, but not in the evidence for this claim")

    for a, b in _role_swaps(claim_tokens, anchors, evidence_units):
        chk.role_swaps += 1
        blamed.update((a, b))
        chk.reasons.append(f"'{claim_tokens[a].text}' and '{claim_tokens[b].text}' swap roles against the evidence")

    for i in content:
        t = claim_tokens[i]
        if t.norm in ev_stems:
            continue
        opp = antonyms_of(t.norm) & ev_stems
        if opp and _antonym_in_context(claim_tokens, i, opp, evidence_units):
            chk.antonyms += 1
            blamed.add(i)
            chk.reasons.append(f"'{t.text}' says the opposite of the evidence")

    # Negation: compared with the evidence sentence that shares most words with the claim,
    # and only where the negated word itself is shared (so an unrelated "no" elsewhere in
    # the evidence does not count).
    claim_neg = [i for i, t in enumerate(claim_tokens) if is_negation(t)]
    claim_stems = {claim_tokens[i].norm for i in content}
    best_unit = max(evidence_units, key=lambda u: len({t.norm for t in u} & claim_stems), default=[])
    ev_neg_idx = [j for j, t in enumerate(best_unit) if is_negation(t)]

    def negated_words(tokens, idx):
        out = set()
        for j in idx:
            for t in tokens[j + 1:j + 4]:
                if is_content(t) and not is_negation(t):
                    out.add(t.norm)
                    break
        return out

    ev_negated = negated_words(best_unit, ev_neg_idx)
    claim_negated = negated_words(claim_tokens, claim_neg)
    if claim_neg and not (claim_negated & ev_negated) and not (ev_neg_idx and not claim_negated):
        chk.negation_mismatch = 1
        for j in claim_neg:
            blamed.add(j)
            if j > 0 and claim_tokens[j - 1].text.lower() in AUXILIARIES:
                blamed.add(j - 1)
            if j + 1 < len(claim_tokens):
                blamed.add(j + 1)
        chk.reasons.append("the claim is negated but its evidence is not")
    elif not claim_neg and ev_negated & claim_stems:
        chk.negation_mismatch = 1
        for i, t in enumerate(claim_tokens):
            if t.norm in ev_negated:
                blamed.add(i)
        chk.reasons.append("the evidence is negated but the claim is not")
    if unexplained:
        words = ", ".join(f"'{claim_tokens[i].text}'" for i in unexplained[:6])
        chk.reasons.append(f"not found in the evidence: {words}")
    chk.blamed = [claim_tokens[i] for i in sorted(blamed)]
    return chk
