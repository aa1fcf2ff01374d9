"""Interpretable checks of one claim against its evidence, as an ordered registry.

Every check is a small function of a :class:`ClaimContext` that returns a
:class:`Finding`: a number (a feature of the combiner), the claim tokens it blames
and, where it fires, a reason that is true of the evidence. ``CHECKS`` holds them in
order; the feature names, the combiner's vector and the training script's signs all
come from that one table, so the shipped weights cannot drift from the code.

Two kinds of check:
- *soft* checks measure support (embedding similarity, lexical coverage with
  paraphrase tolerance); they move the score but blame only words nothing supports;
- *hard* checks each detect one kind of error (a number or name the source lacks or
  gives to something else, roles swapped, the wrong agent, a negation, opposite, quantifier,
  modality, exclusion or possession that the evidence contradicts). A hard check that
  fires always names its words and its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable

from ..text import STOPWORDS, Token, is_content, stem
from . import lexicon as lx

#: bump when a check's logic changes, so cached per-row scores (keyed by the signature) are not reused
CHECKS_VERSION = "10"

RELATED_WORD_THRESHOLD = 0.6  # word-embedding cosine above which a novel word has a related evidence word

AUXILIARIES = frozenset({"do", "does", "did", "is", "are", "was", "were", "be", "been", "has", "have", "had",
                         "will", "would", "could", "can", "should", "may", "might", "must", "shall", "being"})

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

TITLES = frozenset("""president vice prime minister chancellor king queen prince princess senator governor mayor
leader chief general secretary director pope judge officer captain coach manager chairman chairwoman ceo
spokesman spokeswoman spokesperson professor doctor dr mr mrs ms sir lord lady minister council
department ministry state states government police army court university republic democrat democrats
republican republicans party""".split())

#: words that carry no checkable fact on their own (hedges, vague time and degree words)
LIGHT = frozenset("""roughly approximately around nearly almost about some just mainly mostly largely
generally overall recently currently still also even really very quite rather fairly slightly
old new former latter respectively based led owned run related focused linked backed funded driven
year years month months week weeks day days time times may might could would should must can""".split())

NUMBER_WORDS = lx.NUMBER_WORDS
NEGATIONS = lx.NEGATIONS

_IRREGULAR = {
    "paid": "pay", "said": "say", "made": "make", "took": "take", "taken": "take", "gave": "give", "given": "give",
    "won": "win", "lost": "lose", "sold": "sell", "bought": "buy", "brought": "bring", "began": "begin",
    "begun": "begin", "went": "go", "gone": "go", "came": "come", "saw": "see", "seen": "see", "told": "tell",
    "found": "find", "held": "hold", "left": "leave", "led": "lead", "met": "meet", "ran": "run", "sent": "send",
    "spent": "spend", "thought": "think", "wrote": "write", "written": "write", "chose": "choose",
    "chosen": "choose", "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall", "grew": "grow",
    "grown": "grow", "knew": "know", "known": "know", "built": "build", "kept": "keep", "felt": "feel",
    "caught": "catch", "taught": "teach", "fought": "fight", "drove": "drive", "driven": "drive", "broke": "break",
    "broken": "break", "spoke": "speak", "spoken": "speak", "stood": "stand", "struck": "strike", "hit": "hit",
    "cut": "cut", "set": "set", "put": "put", "shut": "shut", "quit": "quit", "overtook": "overtake",
}


def base_stem(word: str) -> str:
    """The stem, with irregular verb forms mapped to their base ("paid" ~ "pay")."""
    low = word.lower()
    return stem(_IRREGULAR.get(low, low))


def root(st: str) -> str:
    """A derivational root of a stem ("causal" and "caused" -> "caus"); at least four letters."""
    for suf in lx.DERIVATIONAL:
        if st.endswith(suf) and len(st) - len(suf) >= 4:
            return st[:-len(suf)]
    return st


# -- numbers -------------------------------------------------------------------------------

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


#: number words that only ever support a match ("a decade", "the third time"), never flagged
SOFT_NUMBER_WORDS = frozenset({"one", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                               "ninth", "tenth", "half", "halves", "thirds", "fifths", "quarter", "quarters", "once",
                               "twice", "couple", "decade", "decades", "century", "centuries", "dozen"})


def is_number_token(t: Token) -> bool:
    """A token that states a number a reader can check (digits, or a cardinal word)."""
    low = t.text.lower()
    return bool(number_values(t)) and (t.is_number or (low in NUMBER_WORDS and low not in SOFT_NUMBER_WORDS))


def _is_year(v: float) -> bool:
    return v.is_integer() and 1000 <= v <= 2200


@dataclass(frozen=True)
class NumberMention:
    index: int                  # token index
    values: frozenset           # floats, plus exact strings for scores/ranges ("3-1")
    hedged: bool                # "about 40", "almost a fifth"
    start: int = -1             # the token's character offset
    bound: str = ""             # "min" for "more than 100", "max" for "under 50"


_SPLIT_NUMBER = re.compile(r"\s?([,.])\s?")
_PM = frozenset({"pm", "p.m", "p.m."})
_AM = frozenset({"am", "a.m", "a.m."})


def _clock_value(tokens, i: int, text: str | None, base: int):
    """A clock time a token (or two, '22:15' is cut at the colon) states, as 'time HH:MM' on
    the 24-hour clock ('10.15 p.m.' and '22:15' agree), with the token positions it used."""
    t = tokens[i].text
    used: list[int] = []
    m = re.fullmatch(r"(\d{1,2})(?:[.:](\d{2}))?((?:[ap]\.?m\.?)?)", t.lower())
    if m and (m.group(2) or m.group(3)):
        h, mm, suffix = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    elif text is not None and t.isdigit() and len(t) <= 2 and i + 1 < len(tokens) and \
            re.fullmatch(r"\d{2}", tokens[i + 1].text) and text[tokens[i].end - base:tokens[i + 1].start - base] == ":":
        h, mm, suffix = int(t), int(tokens[i + 1].text), ""
        used.append(i + 1)
        m = None
    else:
        return None
    if h > 24 or mm > 59:
        return None
    nxt = suffix or (tokens[i + 1 + len(used)].text.lower() if i + 1 + len(used) < len(tokens) else "")
    if m and not m.group(2) and nxt not in _PM | _AM and nxt.replace(".", "") not in ("pm", "am"):
        return None
    nxt = nxt.replace(".", "")
    nxt = {"pm": "pm", "am": "am"}.get(nxt, nxt)
    if nxt in _PM and h < 12:
        h += 12
    elif nxt in _AM and h == 12:
        h = 0
    return f"time {h:02d}:{mm:02d}", used


def number_mentions(tokens: list[Token], text: str | None = None, base: int = 0) -> list[NumberMention]:
    """Every number a token sequence states, with the values it may mean: digits, words,
    '1.2 million' (also 1,200,000), 'two decades' (also 20), 'a fifth' (also 20 percent).
    With the ``text`` the tokens were cut from (offsets minus ``base``), a number written
    apart by a tokeniser ("235 , 000", "98 . 7") also means its joined value."""
    out = []
    skip: set[int] = set()
    for i, t in enumerate(tokens):
        low = t.text.lower()
        raw = number_values(t)
        if not raw or i in skip:
            continue
        vals: set = set()
        for v in raw:
            try:
                vals.add(float(v))
            except ValueError:
                vals.add(v)
        if text is not None and i + 1 < len(tokens) and t.text.isdigit() and tokens[i + 1].text.isdigit():
            gap = text[t.end - base:tokens[i + 1].start - base]
            m = _SPLIT_NUMBER.fullmatch(gap)
            if m and m.group(1) == "," and len(tokens[i + 1].text) == 3 and len(t.text) <= 3:
                joined, k = t.text + tokens[i + 1].text, i + 1
                skip.add(k)
                while k + 1 < len(tokens) and re.fullmatch(r"\d{3}", tokens[k + 1].text) and \
                        _SPLIT_NUMBER.fullmatch(text[tokens[k].end - base:tokens[k + 1].start - base] or "x") and \
                        "," in text[tokens[k].end - base:tokens[k + 1].start - base]:
                    k += 1
                    joined += tokens[k].text
                    skip.add(k)
                vals.add(float(joined))
            elif m and m.group(1) == ".":
                vals.add(float(t.text + "." + tokens[i + 1].text))
                skip.add(i + 1)
            elif re.fullmatch(r"\s?[-\u2013]\s?", gap) and len(t.text) <= 3 and len(tokens[i + 1].text) <= 3:
                vals.add(f"{_norm_number(t.text)}-{_norm_number(tokens[i + 1].text)}")  # a score "2 - 0"
                skip.add(i + 1)
        vals |= {f for f in lx.FRACTIONS.get(low, ())}
        if low in lx.FRACTIONS:
            vals |= {f / 100.0 for f in lx.FRACTIONS[low]}
        nxt = tokens[i + 1].text.lower() if i + 1 < len(tokens) else ""
        if nxt in ("cents", "pence"):
            vals |= {v / 100.0 for v in list(vals) if isinstance(v, float)}  # "three cents" = 0.03
        suffix = re.sub(r"^[\d.,]+", "", low)
        mult = lx.MULTIPLIERS.get(nxt) or lx.MULTIPLIERS.get(suffix)
        if mult:
            vals |= {v * mult for v in list(vals) if isinstance(v, float)}
        if i + 2 < len(tokens) and tokens[i + 1].text.lower() == "in" and number_values(tokens[i + 2]):
            try:  # "three in five" (also 60 percent)
                a, b = float(next(iter(number_values(t)))), float(next(iter(number_values(tokens[i + 2]))))
                if 0 < a < b:
                    vals |= {100.0 * a / b, a / b}
                    skip.add(i + 2)
            except ValueError:
                pass
        iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t.text)
        if iso:  # an ISO date also states its year, month and day
            vals |= {float(iso.group(1)), float(iso.group(2)), float(iso.group(3))}
        clock = _clock_value(tokens, i, text, base)
        if clock is not None:
            vals.add(clock[0])
            skip.update(clock[1])
        hedged = any(tokens[k].text.lower() in lx.HEDGES for k in range(max(0, i - 3), i)) or low in lx.FRACTIONS
        before = " ".join(x.text.lower() for x in tokens[max(0, i - 3):i])
        bound = "min" if re.search(r"(more than|over|at least|upwards of|in excess of|above)$", before) else \
            "max" if re.search(r"(less than|fewer than|under|up to|at most|below)$", before) else ""
        out.append(NumberMention(i, frozenset(vals), hedged, t.start, bound))
    return out


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-9)


def number_supported(m: NumberMention, pool: list[NumberMention], arithmetic: bool = False) -> bool:
    """True when ``m`` matches a number of ``pool``: the same value; within 12% when the
    claim hedges it ("almost a fifth" for 18%, never for years); with ``arithmetic``, the sum
    or difference of two pool numbers ("£8,000 over budget" for 48,000 against 40,000)."""
    pv = [v for p in pool for v in p.values]
    fv = [v for v in pv if isinstance(v, float)]
    for v in pv:  # the ends of a range or score in the pool
        if isinstance(v, str) and re.fullmatch(r"[\d.]+(?:-[\d.]+)+", v):
            fv += [float(x) for x in v.split("-") if re.fullmatch(r"\d+(?:\.\d+)?", x)]
    for c in m.values:
        if isinstance(c, str):
            if c in pv:
                return True
            continue
        if any(_close(c, v, 1e-9) for v in fv):
            return True
        if m.hedged and not _is_year(c) and any(_close(c, v, 0.12) for v in fv if not _is_year(v)):
            return True
        if m.bound == "min" and not _is_year(c) and any(c < v <= 2 * c for v in fv if not _is_year(v)):
            return True  # "more than 100" for 117
        if m.bound == "max" and not _is_year(c) and any(c / 2 <= v < c for v in fv if not _is_year(v)):
            return True  # "under 50" for 46
    if arithmetic:
        years = sorted({v for v in fv if _is_year(v)})
        for c in m.values:  # a span of years ("after seven years" between 1968 and 1975)
            if isinstance(c, float) and 0 < c < 200 and any(_close(c, y2 - y1, 1e-9) for k, y1 in enumerate(years)
                                                             for y2 in years[k + 1:]):
                return True
        nums = sorted({v for v in fv if not _is_year(v) and v > 0})[:40]
        for c in m.values:
            if isinstance(c, float) and c > 0 and not _is_year(c):
                for x in range(len(nums)):
                    for y in range(x + 1, len(nums)):
                        if _close(c, nums[y] - nums[x], 1e-9) or _close(c, nums[y] + nums[x], 1e-9):
                            return True
    return False


# -- names ---------------------------------------------------------------------------------

def is_entity(tok: Token, claim_text: str, claim_start: int) -> bool:
    """A capitalised word that does not merely start a sentence (or is all caps);
    titles and institutions ("President", "Council") are not names."""
    if not tok.text[:1].isupper() or tok.text.lower() in MONTHS or tok.text.lower() in TITLES:
        return False
    if len(tok.text) > 1 and tok.text.isupper():
        return True
    before = claim_text[:tok.start - claim_start].rstrip()
    return bool(before) and not before.endswith((".", "!", "?", ":", "\"", "\u201c"))


def fuzzy_match(stem_: str, stems) -> bool:
    """Exact stem, or a shared prefix of >= 5 letters covering most of both words
    (catches stemmer disagreements such as incursion/incursioned)."""
    if stem_ in stems:
        return True
    if len(stem_) < 5:
        return False
    for s in stems:
        if len(s) >= 5 and s[:5] == stem_[:5]:
            k = 5
            while k < min(len(s), len(stem_)) and s[k] == stem_[k]:
                k += 1
            if k >= 0.8 * min(len(s), len(stem_)) and k >= 0.6 * max(len(s), len(stem_)):
                return True
    return False


@lru_cache(maxsize=1)
def _title_stems() -> frozenset:
    """The stems of TITLES, built on first use (stemming imports nltk: `validate` stays instant)."""
    return frozenset(stem(w) for w in TITLES)



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
    return {w for w, c in upper.items() if c > lower.get(w, 0) and w not in STOPWORDS and w not in _title_stems()}


def is_negation(tok: Token) -> bool:
    low = tok.text.lower().replace("\u2019", "'")
    return low in NEGATIONS or low.endswith("n't")


def antonyms_of(stem_: str) -> frozenset:
    return lx.antonym_table().get(stem_, frozenset())


class WordSet:
    """Stems of a token sequence with the tolerant lookups the checks share: exact or
    fuzzy stem, irregular verb forms, derivational roots, country/adjective, and
    hyphenated compounds ("Oslo-based" is found where the text says "based in Oslo")."""

    def __init__(self, tokens) -> None:
        self.tokens = list(tokens)
        self.stems = {t.norm for t in self.tokens}
        self.bases = {base_stem(t.text) for t in self.tokens} | self.stems
        self.roots = {root(s) for s in self.bases}

    @cached_property
    def prohibitions(self) -> dict[str, str]:
        """Verbs the text forbids in the imperative (see _prohibitions), computed once per text."""
        return _prohibitions(self.tokens)

    @cached_property
    def lower_words(self) -> frozenset[str]:
        """The words the text writes in lower case."""
        return frozenset(t.text for t in self.tokens if t.text.islower())

    @cached_property
    def initials(self) -> str:
        """The first letters of its words, minor words left out (acronym_in reads them)."""
        return "".join(t.text[:1].lower() for t in self.tokens if t.text.lower() not in _ACRONYM_SKIP)

    @cached_property
    def iso_months(self) -> tuple[tuple[int, str], ...]:
        """(offset, month) of each numeric ISO date ("2025-02-11")."""
        out = []
        for t in self.tokens:
            iso = re.fullmatch(r"\d{4}-(\d{1,2})-\d{1,2}", t.text)
            if iso and 1 <= int(iso.group(1)) <= 12:
                out.append((t.start, MONTHS[int(iso.group(1)) - 1]))
        return tuple(out)

    @cached_property
    def date_words(self) -> frozenset[str]:
        """The months and weekdays the text names."""
        return frozenset(_date_word(t) for t in self.tokens) - {None}

    @cached_property
    def positions(self) -> dict[str, list[int]]:
        """stem -> token positions (what check_bigram_coverage's nearness test reads)."""
        out: dict[str, list[int]] = {}
        for j, t in enumerate(self.tokens):
            out.setdefault(t.norm, []).append(j)
        return out

    def has(self, tok: Token) -> bool:
        st = tok.norm
        if fuzzy_match(st, self.stems) or base_stem(tok.text) in self.bases or root(st) in self.roots:
            return True
        group = lx.demonym_groups().get(st)
        if group and group & self.stems:
            return True
        if "-" in tok.text:
            parts = [p for p in tok.text.split("-") if p]
            checkable = [p for p in parts if p.lower() not in LIGHT and p.lower() not in STOPWORDS
                         and not p.isdigit()]
            return bool(checkable) and all(self.has(Token(p, 0, 0, stem(p))) for p in checkable)
        return False


# -- the context one claim is checked in -------------------------------------------

Paraphraser = Callable[..., set]


@dataclass(frozen=True)
class ClaimContext:
    """Everything a check may read. ``evidence_units`` are the evidence sentences, best
    first; ``paraphrased(tokens, evidence_tokens, threshold=None)`` returns the indices of
    ``tokens`` an embedding judge accepts as paraphrases of evidence words."""

    claim_text: str
    claim_start: int
    tokens: tuple
    evidence_units: tuple
    source_tokens: tuple
    sim: float = 0.0
    sim_sent: float = 0.0
    paraphrased: Paraphraser | None = None
    source_bigrams: frozenset | None = None
    source_names: frozenset | None = None
    context_stems: frozenset | None = None
    context_units: tuple = ()                         # the sentences right around the evidence
    source_words: "WordSet | None" = None            # precomputed once per source (else built here)
    source_number_list: tuple | None = None           # number_mentions(source_tokens), likewise

    @cached_property
    def evidence_tokens(self) -> list[Token]:
        return [t for u in self.evidence_units for t in u]

    @cached_property
    def ev(self) -> WordSet:
        return WordSet(self.evidence_tokens)

    @cached_property
    def src(self) -> WordSet:
        return self.source_words if self.source_words is not None else WordSet(self.source_tokens)

    @cached_property
    def content(self) -> list[int]:
        """Content words checked for support: not numbers (the number checks own them), not
        light words, and not a number word the evidence or source states ("a fifth" for 20%)."""
        soft = {m.index for m in self.claim_mentions if not is_number_token(self.tokens[m.index])
                and (number_supported(m, self.ev_numbers) or number_supported(m, self.src_numbers))}
        return [i for i, t in enumerate(self.tokens) if is_content(t) and not is_number_token(t)
                and t.text.lower() not in LIGHT and i not in soft]

    @cached_property
    def missing_ev(self) -> list[int]:
        return [i for i in self.content if not self.ev.has(self.tokens[i])]

    @cached_property
    def missing_src(self) -> list[int]:
        return [i for i in self.content if not self.src.has(self.tokens[i])]

    def _para(self, idx: list[int], threshold=None) -> set[int]:
        if not idx or self.paraphrased is None:
            return set()
        hit = self.paraphrased([self.tokens[i] for i in idx], self.evidence_tokens, threshold)
        return {idx[k] for k in hit}

    @cached_property
    def paraphrased_idx(self) -> set[int]:
        return self._para(self.missing_ev)

    @cached_property
    def unexplained(self) -> list[int]:
        return [i for i in self.missing_ev if i not in self.paraphrased_idx]

    @cached_property
    def ev_numbers(self) -> list[NumberMention]:
        if self.source_number_list is None:
            return number_mentions(self.evidence_tokens)
        pos = {t.start: k for k, t in enumerate(self.evidence_tokens)}
        return [NumberMention(pos[m.start], m.values, m.hedged, m.start) for m in self.source_number_list
                if m.start in pos]

    @cached_property
    def src_numbers(self) -> list[NumberMention]:
        if self.source_number_list is not None:
            return list(self.source_number_list)
        return number_mentions(list(self.source_tokens))

    @cached_property
    def context_numbers(self) -> list[NumberMention]:
        return [m for u in self.context_units for m in number_mentions(list(u))]

    @cached_property
    def claim_mentions(self) -> list[NumberMention]:
        """Every number the claim states, number words and fractions included."""
        return number_mentions(list(self.tokens), self.claim_text, self.claim_start)

    @cached_property
    def claim_numbers(self) -> list[NumberMention]:
        """The numbers a reader can check (digits and cardinal words), which the number checks own."""
        return [m for m in self.claim_mentions if is_number_token(self.tokens[m.index])]

    @cached_property
    def names(self) -> list[int]:
        """Claim tokens that are names (capitalised mid-sentence, or names in the source)."""
        out = []
        toks = self.tokens
        for i, t in enumerate(toks):
            if is_number_token(t):
                continue
            if is_entity(t, self.claim_text, self.claim_start) or (self.source_names and t.norm in self.source_names) \
                    or (i == 0 and t.text[:1].isupper() and len(toks) > 1 and toks[1].text[:1].isupper()
                        and t.text.lower() not in TITLES and not t.text.lower() in STOPWORDS):
                out.append(i)
        return out

    @cached_property
    def best_unit(self) -> list[Token]:
        stems = {self.tokens[i].norm for i in self.content}
        return list(max(self.evidence_units, key=lambda u: len({t.norm for t in u} & stems), default=[]))


@dataclass(frozen=True)
class Finding:
    value: float = 0.0
    blamed: tuple[int, ...] = ()
    reasons: tuple[str, ...] = ()


NOTHING = Finding()


# -- soft checks -------------------------------------------------------------------------

def check_sim(ctx: ClaimContext) -> Finding:
    return Finding(max(ctx.sim, 0.0))


def check_sim_sent(ctx: ClaimContext) -> Finding:
    return Finding(max(ctx.sim_sent, 0.0))


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


def check_source_coverage(ctx: ClaimContext) -> Finding:
    if not ctx.content:
        return Finding(1.0)
    return Finding(1.0 - len(ctx.missing_src) / len(ctx.content))


_PREPOSITIONS = frozenset({"of", "for", "in", "on", "from", "by", "to", "with", "at"})


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


def check_length(ctx: ClaimContext) -> Finding:
    return Finding(min(len(ctx.content), 30) / 30.0)


# -- hard checks: numbers ------------------------------------------------------------------

def check_novel_number(ctx: ClaimContext) -> Finding:
    bad = [m.index for m in ctx.claim_numbers if not number_supported(m, ctx.src_numbers)
           and not number_supported(m, ctx.ev_numbers + ctx.context_numbers, arithmetic=True)]
    return Finding(float(bool(bad)), tuple(bad),
                   tuple(f"the number '{ctx.tokens[i].text}' is not in the source" for i in bad))


def check_misplaced_number(ctx: ClaimContext) -> Finding:
    bad = [m.index for m in ctx.claim_numbers if number_supported(m, ctx.src_numbers)
           and not number_supported(m, ctx.ev_numbers + ctx.context_numbers, arithmetic=True)]
    return Finding(float(bool(bad)), tuple(bad),
                   tuple(f"the number '{ctx.tokens[i].text}' is in the source, but not in the evidence for this "
                         "claim" for i in bad))


def _noun_of(tokens, i: int) -> int | None:
    """What a number is a number of: the first content word after it within its clause
    ("£2m budget", "12 people"), else the content word right before it ("budget of £2m")."""
    for k in range(i + 1, min(len(tokens), i + 4)):
        t = tokens[k]
        if k == i + 1 and t.text.isdigit() and len(t.text) == 3 and tokens[i].text.isdigit():
            continue  # "10 , 000" written apart
        if is_number_token(t) or (t.text.lower() in STOPWORDS and t.text.lower() != "of"):
            break
        if is_content(t) and t.text.lower() not in LIGHT and t.text.lower() not in MONTHS \
                and t.text.lower() not in lx.MULTIPLIERS and t.text.lower() not in ("percent", "per", "cent"):
            return k
    for k in range(i - 1, max(-1, i - 3), -1):
        t = tokens[k]
        if is_number_token(t):
            break
        if is_content(t) and t.text.lower() not in LIGHT and t.text.lower() not in MONTHS:
            return k
    return None


_VERSION_WORDS = frozenset({"v", "version", "versions", "release", "build", "patch", "update", "iso", "rfc"})


def _plain_quantity(tokens, i: int) -> bool:
    """A number that counts or measures something: not a version ('2.32.3', 'version 4'), not a
    code or label with letters before its digits ('Q3', 'A320', 'v2'), not a clock time."""
    t = tokens[i].text
    if re.search(r"[A-Za-z]\d", t) or re.fullmatch(r"\d+(?:\.\d+){2,}", t):
        return False
    if i > 0 and tokens[i - 1].text.lower() in _VERSION_WORDS:
        return False
    return True


#: words that make a number a span counted from an end ("the final ten minutes", "the first
#: three weeks", "the past two years"): a figure derived from the facts, not a count the
#: evidence attaches to the noun
_SPAN_FROM_END = frozenset({"final", "last", "first", "opening", "closing", "remaining", "next", "past",
                            "previous", "initial"})


def _span_from_end(tokens, i: int) -> bool:
    return i > 0 and tokens[i - 1].text.lower() in _SPAN_FROM_END


def _is_year_mention(m: NumberMention, tok: Token) -> bool:
    return bool(re.fullmatch(r"\d{4}", tok.text)) and any(isinstance(v, float) and _is_year(v) for v in m.values)


def _unit_after(tokens, i: int) -> str | None:
    """The ordinary word right after a number ("three days", "30% higher"), if any."""
    if i + 1 >= len(tokens):
        return None
    t = tokens[i + 1]
    low = t.text.lower()
    if t.start - tokens[i].end != 1:
        return None  # punctuation or a unit sign between ("£14,000, cannot", "30% higher")
    if not is_content(t) or is_negation(t) or t.is_number or low in ("percent", "per", "cent", "pc") or low in AUXILIARIES \
            or low in lx.MULTIPLIERS:
        return None
    return t.norm


def _sentence_of(tokens, i: int) -> tuple[list[Token], int]:
    """The tokens of the sentence around token ``i`` of a flat token list (a sentence starts
    at a capitalised word after a gap wider than one space: "£14,000. The cheapest"), and
    the index of ``i`` in it."""
    def starts(k):
        return tokens[k].text[:1].isupper() and tokens[k].start - tokens[k - 1].end >= 2
    a = i
    while a > 0 and not starts(a):
        a -= 1
    b = i + 1
    while b < len(tokens) and not starts(b):
        b += 1
    return list(tokens[a:b]), i - a


def _slot_numbers(ctx: ClaimContext, years: bool) -> list[tuple[NumberMention, Token, list[str]]]:
    """(claim number, evidence number token, shared words): a number the source states, but
    where the evidence or neighbouring sentence whose words around a number of the same kind
    (a year, else any quantity) match the words around the claim's number best (at least two
    shared words, more than any mention of the claim's own number in the source) gives
    another number ("the roof was re-slated in 2021" where the source re-slated it in 2018 and
    refitted the kitchen in 2021; "the cheapest, at £14,000" where the cheapest bid was
    £17,500 and the reserve £14,000)."""
    toks = list(ctx.tokens)
    units = [list(u) for u in (*ctx.evidence_units, *ctx.context_units)]
    nums = [m.index for m in ctx.claim_numbers]
    cands = []
    for u in units:
        days = {d.index for d in date_mentions(u) if d.day is not None}
        for e in number_mentions(u):
            # a number the claim states too fills another slot of the claim; a day of a date is
            # the date check's
            if is_number_token(u[e.index]) and _is_year_mention(e, u[e.index]) == years and e.index not in days:
                cands.append((e, u, _slot_content(u, e.index)))
    if not cands:
        return []
    src = list(ctx.source_tokens)
    src_pos = {t.start: k for k, t in enumerate(src)}
    claim_days = {d.index for d in date_mentions(toks) if d.day is not None}
    out = []
    for m in ctx.claim_numbers:
        t = toks[m.index]
        if _is_year_mention(m, t) != years or not _plain_quantity(toks, m.index) or _span_from_end(toks, m.index) \
                or m.index in claim_days or re.fullmatch(r"[\d.,]+-[a-z-]+", t.text.lower()):
            continue  # a day of a date; a number fused with its unit ("26-year-old", "10-man")
        if any(j != m.index and abs(j - m.index) <= 3 for j in nums):
            continue  # a range, a change next to its amount, a score: one quantity with its neighbour
        if any(x.text.lower() in ("to", "until", "till", "through", "and", "-", "between", "or", "from")
               for x in toks[max(0, m.index - 2):m.index]):
            continue
        if not number_supported(m, ctx.src_numbers):
            continue  # not in the source at all: novel_number's
        if years and _unit_after(toks, m.index) is not None:
            continue  # a year naming a thing ("the 2020 Olympics"), not the time of an event
        args = _slot_content(toks, m.index)
        unit = _unit_after(toks, m.index)
        # a candidate measures the same kind of thing (the same word right after it, the same
        # bound), and is not a number the claim states for another slot
        scored = [(len(args & w), e, u, w) for e, u, w in cands
                  if (number_supported(m, [e]) or not any(number_supported(c, [e]) for c in ctx.claim_numbers))
                  and _unit_after(u, e.index) == unit and e.bound == m.bound]
        if not scored:
            continue
        best = max(k for k, _, _, _ in scored)
        if best < 2 or any(k >= best - 1 and number_supported(m, [e]) for k, e, _, _ in scored if k > 0):
            continue
        own = [s for s in ctx.src_numbers if number_supported(m, [s]) and s.start in src_pos]
        if any(len(args & _slot_content(*_sentence_of(src, src_pos[s.start]))) >= best - 1 for s in own):
            continue  # the source also gives the claim's number to these words
        k, e, u, w = next(x for x in scored if x[0] == best)
        unit_nums = number_mentions(u)
        if number_supported(m, unit_nums, arithmetic=True):
            continue  # that sentence states or derives it
        shown = [x.text for x in toks if x.norm in (args & w)]
        out.append((m, u[e.index], sorted(set(shown), key=shown.index)))
    return out


def check_number_attachment(ctx: ClaimContext) -> Finding:
    """A number the evidence gives to something else: in the claim it counts a thing that the
    evidence counts with a different number, while the evidence gives this number to
    another thing (the rejected proposal's figure reported as the approved budget's)."""
    ev = ctx.evidence_tokens
    ev_nums = ctx.ev_numbers
    toks = list(ctx.tokens)
    blamed, reasons = [], []
    nums = [m.index for m in ctx.claim_numbers]
    days = {d.index for d in date_mentions(toks) if d.day is not None}
    for m in ctx.claim_numbers:
        k = _noun_of(toks, m.index)
        if k is None or not number_supported(m, ev_nums) or not _plain_quantity(toks, m.index):
            continue
        # a number written next to another (a range "from 14:05 to 14:52", a change next to its
        # amount "up 5 percent to 612 million", a score) is one quantity with it, not a count of a thing
        if any(j != m.index and abs(j - m.index) <= 3 for j in nums):
            continue
        if re.fullmatch(r"[\d.,]+-[a-z]+", toks[m.index].text.lower()):
            continue  # "a 40-gram bag": the number measures its unit, not the noun after it
        if _span_from_end(toks, m.index):
            continue  # "the final ten minutes": a span derived from the facts
        if _is_year_mention(m, toks[m.index]) or m.index in days:
            continue  # a year ("the 2020 Olympics") or the day of a date: the date check's
        noun = base_stem(toks[k].text)
        same = [e for e in ev_nums if number_supported(m, [e])]
        if any((j := _noun_of(ev, e.index)) is not None and base_stem(ev[j].text) == noun for e in same):
            continue
        if not all(_noun_of(ev, e.index) is not None for e in same):
            continue
        other = [e for e in ev_nums if not number_supported(m, [e])
                 and (j := _noun_of(ev, e.index)) is not None and base_stem(ev[j].text) == noun]
        if other and number_supported(m, other, arithmetic=True) and not number_supported(m, other):
            continue  # "the final ten minutes" from 90 and 80: a derived figure
        if other:
            e = other[0]
            blamed.append(m.index)
            reasons.append(f"the evidence gives '{ev[e.index].text}', not '{toks[m.index].text}', for "
                           f"'{toks[k].text}'")
    for m, e, shared in _slot_numbers(ctx, years=False):
        if m.index not in blamed:
            blamed.append(m.index)
            reasons.append(f"the evidence gives '{e.text}' to '{' '.join(shared)}', not '{toks[m.index].text}'")
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


_MONTH_NAMES = MONTHS[:12]
_MONTH_ABBR = {m[:3]: m for m in _MONTH_NAMES} | {"sept": "september"}
_RELATIVE_DAYS = ("yesterday", "today", "tonight", "tomorrow")


def _month_of(tok: Token) -> str | None:
    low = tok.text.lower().rstrip(".")
    if low in _MONTH_NAMES:
        return low
    if low in _MONTH_ABBR and tok.text[:1].isupper():
        return _MONTH_ABBR[low]
    return None


def _day_of(tok: Token) -> int | None:
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", tok.text.lower())
    if m and 1 <= int(m.group(1)) <= 31:
        return int(m.group(1))
    return None


@dataclass(frozen=True)
class DateMention:
    index: int          # the day's token (else the month's)
    month: str
    day: int | None
    text: str


def date_mentions(tokens) -> list[DateMention]:
    """Full dates a token sequence states: '12 September', 'September 12', '12th of Sept.'
    (the day is None for a month on its own: 'in May 2024')."""
    out = []
    for i, t in enumerate(tokens):
        month = _month_of(t)
        if month is None or (t.text.lower() == "may" and not t.text[:1].isupper()):
            continue
        day, k = None, i
        if i >= 1 and _day_of(tokens[i - 1]) is not None:
            day, k = _day_of(tokens[i - 1]), i - 1
        elif i >= 2 and tokens[i - 1].text.lower() == "of" and _day_of(tokens[i - 2]) is not None:
            day, k = _day_of(tokens[i - 2]), i - 2
        elif i + 1 < len(tokens) and _day_of(tokens[i + 1]) is not None and not (
                i + 2 < len(tokens) and tokens[i + 2].text.lower() in ("percent", "per", "%")):
            day, k = _day_of(tokens[i + 1]), i + 1
        shown = " ".join(x.text for x in tokens[min(i, k):max(i, k) + 1])
        out.append(DateMention(k, month, day, shown))
    return out


def _date_word(tok: Token) -> str | None:
    """The month or weekday a token names ('Saturdays' names Saturday), else None."""
    low = tok.text.lower()
    if low in MONTHS:
        return low
    if low.endswith("s") and low[:-1] in MONTHS[12:]:
        return low[:-1]
    return None


def _slot_words(tokens, i: int, width: int = 5) -> set[str]:
    """Stems of the ordinary words around a slot (a date, a number): what it is the date or
    number of. Numbers, months and light words are left out."""
    return {u.norm for u in list(tokens[max(0, i - width):i]) + list(tokens[i + 1:i + 1 + width])
            if is_content(u) and not u.is_number and u.text.lower() not in MONTHS and u.text.lower() not in LIGHT
            and u.text.lower() not in AUXILIARIES}


def _slot_content(tokens, i: int, before: int = 5, after: int = 3) -> set[str]:
    """Like ``_slot_words``, counted in content words (up to ``before`` before the slot and
    ``after`` after it), so "due back in the fracture clinic on 3 October" keeps "due"."""
    def ok(u):
        return (is_content(u) and not u.is_number and u.text.lower() not in MONTHS and u.text.lower() not in LIGHT
                and u.text.lower() not in AUXILIARIES)
    left = [u.norm for u in reversed(tokens[:i]) if ok(u)][:before]
    right = [u.norm for u in tokens[i + 1:] if ok(u)][:after]
    return set(left) | set(right)


def _same_date(a: DateMention, b: DateMention) -> bool:
    return a.month == b.month and (a.day is None or b.day is None or a.day == b.day)


def _slot_dates(ctx: ClaimContext, toks) -> list[tuple[DateMention, DateMention, list[str]]]:
    """(claim date, evidence date, shared words): the evidence or neighbouring sentence date
    whose surrounding words match the claim date's surrounding words best (at least two shared
    words, more than any mention of the claim's own date) is another date."""
    units = [*ctx.evidence_units, *ctx.context_units]
    cands = [(e, _slot_content(u, e.index)) for u in units for e in date_mentions(u)]
    if not cands:
        return []
    out = []
    for d in date_mentions(toks):
        if any(x.text.lower() in ("to", "until", "till", "through", "and", "-", "between", "or")
               for x in toks[max(0, d.index - 3):d.index]):
            continue  # a range or a span ("from 3 to 7 May")
        args = _slot_content(toks, d.index)
        scored = [(len(args & w), e, w) for e, w in cands]
        best = max(k for k, _, _ in scored)
        if best < 2 or any(k >= best - 1 and _same_date(d, e) for k, e, _ in scored if k > 0):
            continue
        k, e, w = next(x for x in scored if x[0] == best)
        shown = [t.text for t in toks if t.norm in (args & w)]
        out.append((d, e, sorted(set(shown), key=shown.index)))
    return out


def check_date(ctx: ClaimContext) -> Finding:
    """A date the evidence does not give: a month or weekday ('June' where it says 'May'), a
    day of the month ('19 September' where the evidence gives '12 September' for this fact,
    even when the source gives 19 September to another fact), or a relative day ('tomorrow'
    where it says 'today')."""
    toks = ctx.tokens
    ev_tokens = ctx.evidence_tokens
    ev_dates = {_date_word(t) for t in ev_tokens} - {None}
    src_dates = set(ctx.src.date_words)
    ev_starts = {e.start for e in ev_tokens}
    for start, month in ctx.src.iso_months:  # numeric dates ("2025-02-11") name their month too
        src_dates.add(month)
        if start in ev_starts:
            ev_dates.add(month)
    blamed, reasons = [], []
    for i, t in enumerate(toks):
        low = _date_word(t)
        if low is None or low in ev_dates or (low == "may" and not t.text[:1].isupper()):
            continue
        if low not in src_dates:
            blamed.append(i)
            reasons.append(f"the date '{t.text}' is not in the source")
        elif ev_dates:
            blamed.append(i)
            shown = next(e.text for e in ev_tokens if e.text.lower() in ev_dates)
            reasons.append(f"the evidence says '{shown}', not '{t.text}'")
    # day of the month: compared with the evidence sentences (and those right around them)
    ev_full = [(d, u) for u in ctx.evidence_units for d in date_mentions(u)]
    near_full = [d for d, _ in ev_full] + [d for u in ctx.context_units for d in date_mentions(u)]
    for d in date_mentions(toks):
        if d.day is None or d.index in blamed:
            continue
        if any(e.month == d.month and e.day == d.day for e in near_full):
            continue
        # a range or a span of days ("21 February to 1 March", "from 3 to 7 May") is not checked
        if any(x.text.lower() in ("to", "until", "till", "through", "and", "-", "between")
               for x in toks[max(0, d.index - 3):d.index]):
            continue
        # the evidence gives another day of that month to the same thing: a word next to the
        # claim's date sits next to the evidence's date too ("clinic ... 3 October")
        args = _slot_words(toks, d.index)
        other = [e for e, u in ev_full if e.month == d.month and e.day is not None and e.day != d.day
                 and args & _slot_words(u, e.index)]
        if other:
            blamed.append(d.index)
            reasons.append(f"the evidence says '{other[0].text}', not '{d.text}'")
    # a date the source gives to another fact: the evidence sentence that says what the claim
    # dates ("managers must publish a rota by 25 August") gives it another date, and the claim's
    # date sits by other words ("Approved ... on 15 July")
    for d, e, shared in _slot_dates(ctx, toks):
        if d.index not in blamed:
            blamed.append(d.index)
            reasons.append(f"the evidence gives '{e.text}' to '{' '.join(shared)}', not '{d.text}'")
    # a year the source gives to another fact ("re-slated in 2021" where the roof was re-slated
    # in 2018 and the kitchen refitted in 2021)
    for m, e, shared in _slot_numbers(ctx, years=True):
        if m.index not in blamed:
            blamed.append(m.index)
            reasons.append(f"the evidence gives '{e.text}' to '{' '.join(shared)}', not '{toks[m.index].text}'")
    rel_claim = [i for i, t in enumerate(toks) if t.text.lower() in _RELATIVE_DAYS]
    ev_rel = {t.text.lower() for t in ev_tokens if t.text.lower() in _RELATIVE_DAYS}
    for i in rel_claim:
        low = toks[i].text.lower()
        if ev_rel and low not in ev_rel and not (low in ("today", "tonight") and ev_rel & {"today", "tonight"}):
            blamed.append(i)
            reasons.append(f"the evidence says '{sorted(ev_rel)[0]}', not '{toks[i].text}'")
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


# -- hard checks: names and roles ----------------------------------------------------------

def _name_starts(ctx: ClaimContext) -> list[int]:
    """The first token of each (multi-word) name in the claim."""
    toks, names = ctx.tokens, set(ctx.names)
    return [i for i in ctx.names if not (i - 1 in names and toks[i - 1].end + 1 >= toks[i].start)]


_ACRONYM_SKIP = frozenset({"of", "and", "the", "for", "in", "on", "&", "to", "a", "an", "de", "du", "la"})


def acronym_in(word: str, source) -> bool:
    """An abbreviation the source spells out: 'ECB' for 'European Central Bank', 'IP' for
    'intellectual property', 'IV' for 'intravenous' (a standard abbreviation, lexicon), 'PhDs'
    for 'doctorates'."""
    core = re.sub(r"(?:['\u2019]s|s)$", "", word) if len(word) > 2 else word
    letters = core.lower()
    if not (2 <= len(letters) <= 6 and letters.isalpha() and sum(ch.isupper() for ch in core) >= 2):
        return False
    src = source if isinstance(source, WordSet) else WordSet(source)
    if any(stem(w) in src.bases or base_stem(w) in src.bases for w in lx.ABBREVIATIONS.get(letters, ())):
        return True
    return letters in src.initials


_ORIGIN = re.compile(r"[A-Z][a-z]+(?:ish|ian|ese|ean|an|i)(?:-[a-z]+)?")


def _unplaced_demonym(tok: Token, ctx: ClaimContext) -> bool:
    """A nationality, country or regional adjective ('Italian', 'Bulgarian-born', 'Cornish')
    whose evidence names no other country: the source's places ("a Milan firm") may well be
    in it, and only world knowledge can tell, so the name check does not call it invented. A
    different country than the one its evidence names is still caught."""
    groups = lx.demonym_groups()
    head = tok.text.split("-")[0]
    own = groups.get(tok.norm) or groups.get(stem(head))
    if own is None and not _ORIGIN.fullmatch(tok.text):
        return False
    return not any(t.norm in groups and (own is None or t.norm not in own) for t in ctx.evidence_tokens)


def _common_word(tok: Token, ctx: ClaimContext) -> bool:
    """A capitalised ordinary word rather than a name: a verb form opening a clause ('Using',
    'Answering') or a word the source itself writes in lower case."""
    low = tok.text.lower()
    if low.endswith("ing") and len(low) > 4 and not tok.text.isupper():
        return True
    return low in ctx.src.lower_words


def _role_before_name(i: int, ctx: ClaimContext) -> bool:
    """The summary's first word, capitalised, before a name the source has: a role or title
    ('Substitute Tariq Bello', 'Striker Ana Ruiz'), not a name of its own."""
    toks = ctx.tokens
    return i == 0 and len(toks) > 1 and toks[1].text[:1].isupper() and ctx.src.has(toks[1])


def check_novel_entity(ctx: ClaimContext) -> Finding:
    bad = [i for i in ctx.names if not ctx.src.has(ctx.tokens[i])
           and not acronym_in(ctx.tokens[i].text, ctx.src)
           and not _unplaced_demonym(ctx.tokens[i], ctx) and not _common_word(ctx.tokens[i], ctx)
           and not _role_before_name(i, ctx)]
    return Finding(float(bool(bad)), tuple(bad),
                   tuple(f"the name '{ctx.tokens[i].text}' is not in the source" for i in bad))


def _cased(tokens) -> bool:
    """Whether a text writes names with capitals (a capitalised word after its first): then
    a word it writes in lower case is no name, whatever the source capitalises ("Treasurer:",
    "Agent:" as speaker labels)."""
    return any(t.text[:1].isupper() for t in tokens[1:])


def check_misplaced_entity(ctx: ClaimContext) -> Finding:
    cased = _cased(ctx.tokens)
    bad = [i for i in ctx.names if ctx.src.has(ctx.tokens[i]) and not ctx.ev.has(ctx.tokens[i])
           and not (cased and ctx.tokens[i].text[:1].islower())
           and i not in ctx.paraphrased_idx and not (ctx.context_stems and ctx.tokens[i].norm in ctx.context_stems)]
    return Finding(float(bool(bad)), tuple(bad),
                   tuple(f"the name '{ctx.tokens[i].text}' is in the source, but not in the evidence for this claim"
                         for i in bad))


_ROUTE = frozenset({"to", "from", "via", "through", "and", "-", "\u2013", "between", "towards", "toward", "into",
                    "onto", "vs", "versus", "or", "then"})


def _route(tokens, a: int, b: int) -> bool:
    """Two anchors joined only by route or pair words ("Leeds to York", "London-Paris"):
    their order is that of a route or a list, which a paraphrase may reverse."""
    between = [t.text.lower() for t in tokens[a + 1:b]]
    return all(w in _ROUTE or not is_content(tokens[a + 1 + k]) for k, w in enumerate(between)) and \
        any(w in _ROUTE for w in between) or (a > 0 and tokens[a - 1].text.lower() in ("from", "between")
                                              and all(w in _ROUTE or w in STOPWORDS for w in between))


def _role_swaps(claim_tokens, anchors: list[int], evidence_units, claim_text: str | None = None,
                base: int = 0) -> list[tuple[int, int]]:
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
                if claim_text is not None and re.search(r"[,;:()]", claim_text[claim_tokens[a].end - base:
                                                                                claim_tokens[b].start - base]):
                    continue  # an apposition or relative clause reorders without swapping roles
                if any(t.text.lower() == "by" for t in link) or "by" in norms[pos[nb] + 1:pos[na]]:
                    continue
                if all(t.text.lower() in TITLES or not is_content(t) for t in link):
                    continue  # "Guild general secretary Brenda Kaye" = "Brenda Kaye, general secretary of the Guild"
                if _route(claim_tokens, a, b) or _route(unit_tokens, pos[nb], pos[na]):
                    continue  # two places of a route or a pair ("Leeds to York", "between A and B")
                linking = {t.norm for t in link if is_content(t) and t.text[:1].islower()}
                if linking & set(norms[pos[nb] + 1:pos[na]]):
                    out.append((a, b))
        if out:
            break
    return out


def check_role_swap(ctx: ClaimContext) -> Finding:
    anchors = sorted(set(_name_starts(ctx)) | {m.index for m in ctx.claim_numbers})
    swaps = _role_swaps(ctx.tokens, anchors, ctx.evidence_units, ctx.claim_text, ctx.claim_start)
    blamed = tuple(i for a, b in swaps for i in (a, b))
    return Finding(float(bool(swaps)), blamed,
                   tuple(f"'{ctx.tokens[a].text}' and '{ctx.tokens[b].text}' swap roles against the evidence"
                         for a, b in swaps))


def _verb_after(tokens, i: int) -> int | None:
    """The first ordinary lower-case word after a name, skipping auxiliaries and adverbs."""
    for k in range(i + 1, min(len(tokens), i + 4)):
        low = tokens[k].text.lower()
        if low in AUXILIARIES or low.endswith("ly") or low in ("also", "then", "later", "not"):
            continue
        if tokens[k].text.lower() in ("said", "says", "told", "tells"):
            return k
        if tokens[k].text[:1].islower() and is_content(tokens[k]) and not is_number_token(tokens[k]):
            low = tokens[k].text.lower()
            after_aux = any(tokens[j].text.lower() in AUXILIARIES for j in range(i + 1, k))
            if after_aux or low.endswith(("ed", "es")) or low in _IRREGULAR:
                return k
            return None
        return None
    return None


def _name_after_by(unit, p: int, claim_name: set, ctx: ClaimContext):
    """The name that "by" gives an action to in the evidence ("trained by the archivist Lowenna
    Hicks" -> Lowenna), or None when it is the claim's name, absent, or a title only."""
    for k in range(p + 1, min(len(unit), p + 3)):
        if unit[k].text.lower() != "by":
            continue
        for q in range(k + 1, min(len(unit), k + 5)):
            t = unit[q]
            if t.norm in claim_name:
                return None
            if t.text[:1].isupper() and t.norm not in STOPWORDS and t.text.lower() not in TITLES \
                    and t.text.lower() not in MONTHS and not t.is_number:
                grp = lx.demonym_groups().get(t.norm, frozenset())
                return None if grp & claim_name or grp else t
            if t.text[:1].isupper() or (t.text.lower() not in STOPWORDS and t.text.lower() not in TITLES
                                         and not t.text[:1].islower()):
                return None
        return None
    return None


def check_wrong_agent(ctx: ClaimContext) -> Finding:
    """The claim gives an action to a name the evidence mentions, while the evidence gives
    that action to another name: "Helen will meet them" where it says "Priya will meet them"."""
    toks = ctx.tokens
    blamed, reasons = [], []
    ev_units = (*ctx.evidence_units, *ctx.context_units)
    for i in _name_starts(ctx):
        if not ctx.src.has(toks[i]):
            continue  # a name the source lacks is check_novel_entity's
        j = i
        while j + 1 < len(toks) and j + 1 in ctx.names:
            j += 1
        v = _verb_after(toks, j)
        if v is None:
            continue
        vst = base_stem(toks[v].text)
        claim_name = {toks[k].norm for k in range(i, j + 1)}
        verdicts = []
        for unit in ev_units:
            for p, e in enumerate(unit):
                if base_stem(e.text) != vst:
                    continue
                window = unit[max(0, p - 6):p]
                if {t.norm for t in window} & claim_name:
                    verdicts.append(None)
                    continue
                if any(t.text.lower() == "by" for t in unit[p + 1:p + 3]):
                    verdicts.append(_name_after_by(unit, p, claim_name, ctx))  # "a team trained by Lowenna Hicks"
                    continue
                agent = None
                for q in range(p - 1, max(-1, p - 4), -1):
                    t = unit[q]
                    if t.text in (",", "and") or t.text.lower() in ("and", "or", "with", "who", "which", "that"):
                        break
                    if t.text[:1].isupper() and t.norm not in STOPWORDS and t.text.lower() not in TITLES \
                            and t.text.lower() not in MONTHS and not t.is_number \
                            and (q > 0 or (ctx.source_names and t.norm in ctx.source_names)):
                        agent = t
                        break
                    if t.text.lower() in AUXILIARIES or t.text.lower().endswith("ly"):
                        continue
                    if not t.text[:1].isupper():
                        break
                if agent is None or agent.norm in claim_name:
                    verdicts.append(None)
                    continue
                grp = lx.demonym_groups().get(agent.norm, frozenset())
                if grp & claim_name:
                    verdicts.append(None)
                    continue
                verdicts.append(agent)
        if verdicts and all(a is not None for a in verdicts):
            blamed.extend(range(i, j + 1))
            reasons.append(f"the evidence says '{verdicts[0].text} ... {toks[v].text}', not "
                           f"'{toks[i].text} ... {toks[v].text}'")
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


# -- hard checks: polarity, opposites, quantity, modality, exclusion, possession ----------

def _scope(tokens, j: int, width: int = 5) -> list[int]:
    """Content tokens after position ``j`` up to the end of its clause (at most ``width``)."""
    out = []
    for k in range(j + 1, len(tokens)):
        low = tokens[k].text.lower()
        if low in ("but", "while", "whereas", "although", "though", "however", "yet"):
            break
        if is_content(tokens[k]) and not is_negation(tokens[k]):
            out.append(k)
            if len(out) >= width:
                break
    return out


_NOT_HEADS = frozenset({"longer", "able", "more", "yet", "even", "always", "ever", "currently", "still"})


def _negated_head(tokens, idx) -> set[str]:
    out = set()
    for j in idx:
        for t in tokens[j + 1:j + 5]:
            if is_content(t) and not is_negation(t) and t.text.lower() not in _NOT_HEADS:
                out.add(t.norm)
                break
    return out


def _prohibitions(tokens) -> dict[str, str]:
    """Verbs the text forbids in the imperative ("Do not knead", "Don't stir", "Never leave"):
    base stem -> the words as written."""
    out = {}
    for j, t in enumerate(tokens):
        low = t.text.lower().replace("\u2019", "'")
        if not t.text[:1].isupper():
            continue
        k = None
        if low == "do" and j + 1 < len(tokens) and tokens[j + 1].text.lower() == "not":
            k = j + 2
        elif low in ("don't", "never"):
            k = j + 1
        if k is not None and k < len(tokens) and tokens[k].text[:1].islower() and is_content(tokens[k]):
            out.setdefault(base_stem(tokens[k].text), " ".join(x.text for x in tokens[j:k + 1]))
    return out


def _still_before(toks, j: int, units) -> tuple[str, str] | None:
    """'still' (or 'continue(s) to') before the word the claim says holds 'no longer' ("no
    longer able to take garden waste" against "garden waste can still be taken"): the marker
    and the word as the evidence writes them."""
    low = toks[j].text.lower()
    if not ((low == "no" and j + 1 < len(toks) and toks[j + 1].text.lower() == "longer")
            or any(t.text.lower() in ("anymore", "longer") for t in toks[j + 1:j + 6])):
        return None
    head = next((base_stem(t.text) for t in toks[j + 1:j + 6] if is_content(t) and not is_negation(t)
                 and t.text.lower() not in _NOT_HEADS), None)
    for u in units:
        for p, e in enumerate(u):
            if base_stem(e.text) != head:
                continue
            for q in range(max(0, p - 4), p):
                if u[q].text.lower() in ("still", "continue", "continues", "remain", "remains") and \
                        not any(is_negation(x) for x in u[q:p]):
                    return u[q].text, e.text
    return None


def check_negation(ctx: ClaimContext) -> Finding:
    """A negation the evidence does not have, or a negation of the evidence the claim drops.
    A claim's negation is only blamed when no evidence sentence is negated or hedged at all
    ("may not be causal" restates "could not prove ... caused")."""
    toks = ctx.tokens
    claim_neg = [i for i, t in enumerate(toks) if is_negation(t)]
    claim_excl = [i for i, t in enumerate(toks) if t.text.lower() in lx.EXCLUSION or t.text.lower() in lx.NEGATION_LIKE]
    claim_stems = {toks[i].norm for i in ctx.content}
    best = ctx.best_unit
    def neg_like(u) -> bool:
        return any(is_negation(t) or t.text.lower() in lx.EXCLUSION or t.text.lower() in lx.NEGATION_LIKE for t in u)
    # negated or hedged: the best evidence sentence, or any evidence or neighbouring sentence
    # that holds the word the claim negates ("nothing signed" for "no term sheet has been signed")
    heads = _negated_head(toks, claim_neg) if claim_neg else set()
    # or a short reply ("Do you expect to win it back?" "Ingrid Solberg: Honestly, not this year.")
    ev_any_neg = neg_like(best) or any(neg_like(u) for u in (*ctx.evidence_units, *ctx.context_units)
                                       if heads & {t.norm for t in u} or len(u) <= 8)
    ev_neg_idx = [j for j, t in enumerate(best) if is_negation(t)]
    if claim_neg:
        # each negation on its own: judged against the evidence sentences that hold the word it
        # negates, so another negated sentence nearby ("Do not try to reach the site") does not
        # excuse "the airport is not operating" where the evidence says it "is operating"
        units = (*ctx.evidence_units, *ctx.context_units)
        short_neg = any(neg_like(u) for u in units if len(u) <= 6)  # a short reply ("Honestly, not this year.")
        blamed, reasons = set(), []
        for j in claim_neg:
            head = _negated_head(toks, [j])
            still = _still_before(toks, j, units)
            if still is None and not head & ctx.ev.stems:
                continue
            holders = [u for u in units if head & {t.norm for t in u}]
            if still is None and (short_neg or any(neg_like(u) for u in holders)
                                  or (neg_like(best) and head & {t.norm for t in best})):
                continue
            blamed.add(j)
            if j > 0 and toks[j - 1].text.lower() in AUXILIARIES:
                blamed.add(j - 1)
            if j + 1 < len(toks):
                blamed.add(j + 1)
            if still is not None:
                reasons.append(f"the evidence says '{still[0]} ... {still[1]}', the claim says it no longer holds")
            else:
                word = sorted(head & ctx.ev.stems)[0]
                shown = next((t.text for t in ctx.evidence_tokens if t.norm == word), word)
                reasons.append(f"the claim negates '{shown}', and its evidence sentence is not negated")
        if blamed:
            return Finding(1.0, tuple(sorted(blamed)), tuple(reasons))
        return NOTHING
    if claim_excl:
        return NOTHING
    prohibited = ctx.src.prohibitions
    for i, t in enumerate(toks):
        if i in ctx.content and base_stem(t.text) in prohibited and \
                not any(is_negation(u) for u in toks[max(0, i - 4):i]):
            return Finding(1.0, (i,), (f"the source says '{prohibited[base_stem(t.text)]}', the claim drops the "
                                       "negation",))
    ev_negated = _negated_head(best, ev_neg_idx)
    hit = ev_negated & claim_stems
    if not hit:
        return NOTHING
    modal = any(t.text.lower() in lx.MODAL for t in toks)
    epistemic = any(best[k].text.lower() in lx.EPISTEMIC for j in ev_neg_idx for k in range(j + 1, min(len(best), j + 3)))
    if epistemic and modal:
        return NOTHING
    blamed = tuple(i for i, t in enumerate(toks) if t.norm in hit)
    neg_word = next(best[j].text for j in ev_neg_idx if _negated_head(best, [j]) & hit)
    shown = next(t.text for t in best if t.norm in hit)
    return Finding(1.0, blamed, (f"the evidence says '{neg_word} ... {shown}', the claim drops the negation",))


def check_antonym(ctx: ClaimContext) -> Finding:
    """A claim word whose opposite sits in the evidence next to a word that also neighbours
    it in the claim ("found dead" against "found alive")."""
    toks = ctx.tokens
    blamed, reasons = [], []
    for i in ctx.content:
        t = toks[i]
        if t.norm in ctx.ev.stems:
            continue
        opp = antonyms_of(t.norm) & ctx.ev.stems
        if t.text.lower().endswith("ing") and not (i > 0 and toks[i - 1].text.lower() in AUXILIARIES):
            continue  # a nominal use ("the later Saturday closing") names an event, it states no polarity
        if not opp or opp & {u.norm for u in toks}:
            continue  # "open until six ... later closing": the claim itself uses both
        if any(is_negation(u) for u in toks[max(0, i - 3):i]):
            continue  # "not open" restates "closed"
        near_claim = {u.norm for u in toks[max(0, i - 3):i] + toks[i + 1:i + 4] if is_content(u)}
        for unit in ctx.evidence_units:
            found = None
            for j, e in enumerate(unit):
                if e.norm in opp:
                    near_ev = {u.norm for u in unit[max(0, j - 3):j] + unit[j + 1:j + 4] if is_content(u)}
                    if near_claim & near_ev:
                        found = e
                        break
            if found is not None:
                blamed.append(i)
                reasons.append(f"'{t.text}' says the opposite of the evidence's '{found.text}'")
                break
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


_QUANT_SCALE = {"all": 1.0, "every": 1.0, "each": 1.0, "entire": 1.0, "whole": 1.0, "always": 1.0,
                "everyone": 1.0, "everybody": 1.0, "everything": 1.0, "unanimously": 1.0,
                "most": 0.75, "majority": 0.75, "mostly": 0.75,
                "half": 0.5, "third": 0.33, "quarter": 0.25, "fifth": 0.2, "minority": 0.25, "few": 0.15,
                "handful": 0.1, "none": 0.0, "nobody": 0.0, "nothing": 0.0, "never": 0.0, "no": 0.0}


def _proportion_before(unit, p: int) -> tuple[float | None, str]:
    """The proportion the evidence states for the word at ``p``: a quantifier, fraction or
    percentage within the four words before it."""
    for q in range(p - 1, max(-1, p - 5), -1):
        t = unit[q]
        low = t.text.lower()
        if low in (",", ";") or low in ("and", "but"):
            break
        if low in _QUANT_SCALE:
            return _QUANT_SCALE[low], t.text
        if low in ("some", "several", "many", "part", "portion", "share", "proportion"):
            return 0.5, t.text
        if t.is_number:
            nxt = unit[q + 1].text.lower() if q + 1 < len(unit) else ""
            if nxt in ("percent", "per", "%") or "%" in t.text or low.endswith("%"):
                vals = [float(v) for v in number_values(t) if re.fullmatch(r"[\d.]+", v)]
                if vals:
                    return vals[0] / 100.0, t.text
    return None, ""


_PRONOUN_QUANT = frozenset({"everyone", "everybody", "nobody", "none", "all"})


def _part_of_whole(unit) -> list[tuple[int, float, str]]:
    """Proportions a sentence states as a part of a whole ("two of the three people", "4 out
    of 5 staff", "three in five"): (index of the last token, proportion, words)."""
    out = []
    for q, t in enumerate(unit):
        if not is_number_token(t):
            continue
        k = q + 1
        if k < len(unit) and unit[k].text.lower() == "out":
            k += 1
        if k >= len(unit) or unit[k].text.lower() not in ("of", "in"):
            continue
        k += 1
        if k < len(unit) and unit[k].text.lower() in ("the", "those", "these", "my", "our", "his", "her", "their"):
            k += 1
        if k >= len(unit) or not is_number_token(unit[k]):
            continue
        try:
            a = float(next(iter(number_values(t))))
            b = float(next(iter(number_values(unit[k]))))
        except (StopIteration, ValueError):
            continue
        if 0 <= a <= b and b > 0:
            out.append((k, a / b, " ".join(x.text for x in unit[q:k + 1])))
    return out


def _universal_against_part(ctx: ClaimContext, i: int, cq: float) -> str | None:
    """'everyone said it was muffled' where the evidence says 'two of the three people I rang
    said ... muffled': a pronoun quantifier against a part of a whole stated for the same
    predicate (three or more shared words in what follows each)."""
    toks = ctx.tokens
    after = {t.norm for t in toks[i + 1:i + 10] if is_content(t) and not is_number_token(t)}
    for unit in ctx.evidence_units:
        for k, prop, words in _part_of_whole(unit):
            clause = []
            for q in range(k + 1, min(len(unit), k + 12)):
                t, gap = unit[q], unit[q].start - unit[q - 1].end
                if gap >= 2 and (t.text[:1].isupper() or t.text.lower() in ("and", "but", "while", "whereas")):
                    break  # the next sentence, or another clause ("..., and nobody complained")
                clause.append(t)
            ev_after = {t.norm for t in clause if is_content(t) and not is_number_token(t)}
            if len(after & ev_after) < 3:
                continue
            if (cq == 1.0 and prop < 0.9) or (cq == 0.0 and prop > 0.0):
                return words
    return None


def check_quantifier(ctx: ClaimContext) -> Finding:
    """'all' where the evidence says 'about a third'; 'none' where it says 'some'; 'most'
    where it says 'a minority'."""
    toks = ctx.tokens
    blamed, reasons = [], []
    for i, t in enumerate(toks):
        low = t.text.lower()
        if low not in _QUANT_SCALE or low == "no" and i + 1 < len(toks) and toks[i + 1].text.lower() == "longer":
            continue
        cq = _QUANT_SCALE[low]
        if low in _PRONOUN_QUANT:
            words = _universal_against_part(ctx, i, cq)
            if words:
                blamed.append(i)
                reasons.append(f"'{t.text}' where the evidence says '{words}'")
                continue
        head = [k for k in range(i + 1, min(len(toks), i + 4)) if is_content(toks[k])
                and toks[k].text.lower() not in _QUANT_SCALE and not is_number_token(toks[k])]
        if not head:
            continue
        hs = {toks[k].norm for k in head}
        for unit in ctx.evidence_units:
            for p, e in enumerate(unit):
                if e.norm not in hs:
                    continue
                eq, word = _proportion_before(unit, p)
                if eq is None:
                    continue
                wrong = (cq == 1.0 and eq < 0.9) or (cq == 0.0 and eq > 0.0) or (cq == 0.75 and eq < 0.5)
                if wrong:
                    blamed.append(i)
                    reasons.append(f"'{t.text} {toks[head[0]].text}' where the evidence says '{word} "
                                   f"... {e.text}'")
                break
            if blamed and blamed[-1] == i:
                break
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


def _is_past(tok: Token) -> bool:
    low = tok.text.lower()
    return (low.endswith("ed") and len(low) > 4) or low in _IRREGULAR


def check_modality(ctx: ClaimContext) -> Finding:
    """The evidence says an event is planned, possible or conditional; the claim states it
    as done ("the pilot started" where it "will start if the board agrees")."""
    toks = ctx.tokens
    blamed, reasons = [], []
    claim_modal = {i for i, t in enumerate(toks) if t.text.lower() in lx.MODAL}
    for i in ctx.content:
        t = toks[i]
        if not t.text[:1].islower() or is_negation(t) or any(is_negation(u) for u in toks[max(0, i - 3):i]):
            continue
        prev = [u.text.lower() for u in toks[max(0, i - 2):i] if not u.text.lower().endswith("ly")]
        if prev and prev[-1] in ("is", "are", "be", "being", "am"):
            continue  # "a study is needed": a present state, not a claim that something was done
        if not _is_past(t) or any(k in claim_modal for k in range(max(0, i - 4), min(len(toks), i + 4))):
            continue
        bst = base_stem(t.text)
        marked, plain = None, False
        args = _arguments(toks, i)
        for unit in ctx.evidence_units:
            for p, e in enumerate(unit):
                if base_stem(e.text) != bst and root(e.norm) != root(bst):
                    continue
                if args and not args & _arguments(unit, p):
                    continue  # the same verb of another thing ("produced 46 interviews", "may produce a podcast")
                window = []
                for u in reversed(unit[max(0, p - 4):p]):
                    if u.text.lower() in ("and", "or", "but", "which", "who", "that", "after", "before"):
                        break
                    if u.text.lower() not in ("to", "be", "been", "being", "not"):
                        window.append(u)
                window = window[:2]
                after = unit[p + 1:p + 4]
                # "can" is ability and "if" a rule's condition ("if you cancel within 14 days"): neither
                # says the event has not happened
                mk = next((u for u in window if u.text.lower() in lx.MODAL
                           and u.text.lower() not in ("can", "if", "unless", "whether")), None) or \
                    next((u for u in after if u.text.lower() in ("next", "later", "soon")), None)
                if mk is None:
                    plain = True
                elif marked is None:
                    marked = (mk, e)
        if marked is not None and not plain:
            mk, e = marked
            blamed.append(i)
            reasons.append(f"the evidence says '{mk.text} ... {e.text}' (not done, or not certain), the claim "
                           f"states '{t.text}' as done")
    for mk, i, h, e in _raised_certainty(ctx):
        if i in blamed:
            continue
        blamed += [mk, i]
        reasons.append(f"the source says '{h.text} ... {e.text}' (possible, not certain), the claim says "
                       f"'{toks[mk].text} {toks[i].text}'")
    return Finding(float(bool(blamed)), tuple(sorted(set(blamed))), tuple(reasons))


#: what makes a statement certain: a future or an obligation stated outright, or a present
#: progressive ("is affecting") where the evidence says "may affect"
_CERTAIN = frozenset({"will", "must", "shall", "wo"})
_PROGRESSIVE = frozenset({"is", "are", "was", "were"})
#: what leaves it uncertain or unrealised (a strict subset of lexicon.MODAL: no "will")
_HEDGED = frozenset("""may might could possibly perhaps maybe likely unlikely expected expects expect plans plan
planned intends intend intended hopes hope hoped aims aim considering consider considered proposed proposes
if unless whether potentially""".split())


def _arguments(tokens, i: int, width: int = 4) -> set[str]:
    """Stems of the content words around position ``i`` (its subject and object, roughly)."""
    return {u.norm for u in list(tokens[max(0, i - width):i]) + list(tokens[i + 1:i + 1 + width])
            if is_content(u) and u.text.lower() not in LIGHT and u.text.lower() not in AUXILIARIES
            and not is_negation(u)}


def _source_sentences_with(ctx: ClaimContext, bst: str) -> list[list[Token]]:
    """Every source sentence holding a word of stem ``bst`` (outside the evidence and the
    sentences around it): certainty is judged against every mention of the act, not only
    those the retriever picked."""
    seen = {u[0].start for u in (*ctx.evidence_units, *ctx.context_units) if len(u)}
    src = list(ctx.source_tokens)
    out = []
    for k, t in enumerate(src):
        if t.text[:1].isalpha() and (base_stem(t.text) == bst or root(base_stem(t.text)) == root(bst)):
            sent, _ = _sentence_of(src, k)
            if sent and sent[0].start not in seen:
                seen.add(sent[0].start)
                out.append(sent)
    return out


def _raised_certainty(ctx: ClaimContext) -> list[tuple[int, int, Token, Token]]:
    """(marker, verb, evidence hedge, evidence verb): the claim says 'will recover' or 'must
    agree' or 'is affecting' where every evidence mention of the verb is hedged ('could
    recover', 'may agree', 'may affect')."""
    toks = ctx.tokens
    out = []
    for i, t in enumerate(toks):
        if not t.text[:1].islower() or not is_content(t) or is_number_token(t) or t.text.lower() in LIGHT:
            continue
        prev = [k for k in range(max(0, i - 3), i) if not toks[k].text.lower().endswith("ly")
                and toks[k].text.lower() not in ("be", "also", "then", "now", "soon")]
        if not prev:
            continue
        mk = prev[-1]
        low = toks[mk].text.lower()
        if not (low in _CERTAIN or (low in _PROGRESSIVE and t.text.lower().endswith("ing"))):
            continue
        if any(is_negation(u) or u.text.lower() in _HEDGED for u in toks[max(0, i - 5):i]):
            continue
        bst = base_stem(t.text)
        if t.text.lower().endswith("ing"):
            bst = base_stem(t.text[:-3]) if len(t.text) > 6 else bst
        hedge, plain = None, False
        args = _arguments(toks, i)
        for unit in (*ctx.evidence_units, *ctx.context_units, *_source_sentences_with(ctx, bst)):
            for p, e in enumerate(unit):
                est = base_stem(e.text)
                if est != bst and root(est) != root(bst) and not (e.text.lower().endswith("ing")
                                                                   and base_stem(e.text[:-3]) == bst):
                    continue
                if args and not args & _arguments(unit, p):
                    continue
                window = [u for u in unit[max(0, p - 4):p]]
                h = next((u for u in reversed(window) if u.text.lower() in _HEDGED), None)
                if h is None and (p == 0 or unit[p - 1].text.lower() in ("a", "an", "the", "any")):
                    # the act named as the subject, its hedge after it ("Switch to oral may be
                    # considered", "A rate cut could follow")
                    h = next((u for u in unit[p + 1:p + 5] if u.text.lower() in _HEDGED), None)
                if h is None:
                    plain = True
                elif hedge is None:
                    hedge = (h, e)
        if hedge is not None and not plain:
            out.append((mk, i, hedge[0], hedge[1]))
    return out


_BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "isn't", "aren't", "wasn't", "weren't"})
_CLAUSE_BREAK = frozenset({"but", "while", "whereas", "although", "though", "however", "yet", "which", "who"})
_COME = frozenset({"come", "comes", "came", "coming"})


def _excluded_scope(unit, j: int) -> dict[str, Token]:
    """What an exclusion marker at ``j`` excludes: the words after it ("does not cover agency
    drivers"; a heading "Not included: A, B and C" up to the end of its sentence), and the
    subject before "are excluded", "is not included" or "is sold separately"."""
    e = unit[j].text.lower()
    heading = j <= 1 and (e in lx.EXCLUSION or (is_negation(unit[j]) and j + 1 < len(unit)
                                                  and unit[j + 1].text.lower() in lx.INCLUSION))
    ks = _scope(unit, j, width=len(unit)) if heading else _scope(unit, j)
    passive = None
    if e in lx.EXCLUSION or e == "separately":
        passive = j - 1 if j >= 1 and unit[j - 1].text.lower() in _BE else None
        if e == "separately" and j >= 1 and unit[j - 1].text.lower() in ("sold", "available", "charged", "priced"):
            passive = j - 2 if j >= 2 and unit[j - 2].text.lower() in _BE else j - 1
    elif is_negation(unit[j]) and j + 1 < len(unit) and unit[j + 1].text.lower() in lx.INCLUSION and \
            j >= 1 and unit[j - 1].text.lower() in _BE:
        passive = j - 1
    if passive is not None:
        back = []
        for k in range(passive - 1, -1, -1):
            low = unit[k].text.lower()
            if low in _CLAUSE_BREAK or low in lx.INCLUSION or low in _BE:
                break
            if unit[k + 1].start - unit[k].end > 1:
                break  # punctuation between them ("in the box; the travel case is sold separately")
            if is_content(unit[k]) and not is_negation(unit[k]):
                back.append(k)
                if len(back) >= 6:
                    break
        ks = back + ks
    return {unit[k].norm: unit[k] for k in ks}


def _inclusion_before(toks, i: int) -> int | None:
    """The inclusion word ("including", "covers", "comes with") that governs claim word ``i``
    within its clause (a list "comes with A, B and C" included)."""
    for k in range(i - 1, max(-1, i - 13), -1):
        low = toks[k].text.lower()
        if low in _CLAUSE_BREAK or is_negation(toks[k]):
            return None
        if toks[k + 1].start - toks[k].end > 1 and toks[k + 1].text[:1].isupper():
            return None  # a sentence ends between them
        if low in lx.INCLUSION or (low == "with" and k >= 1 and toks[k - 1].text.lower() in _COME):
            if any(is_negation(u) for u in toks[max(0, k - 2):k]):
                return None  # "Not included: ..."
            return k
    return None


def check_exclusion(ctx: ClaimContext) -> Finding:
    """The evidence excludes something ("does not cover agency drivers", "excluding VAT",
    "laptops are excluded", "sold separately") that the claim reports as included."""
    toks = ctx.tokens
    if any(is_negation(t) or t.text.lower() in lx.EXCLUSION or t.text.lower() == "separately" for t in toks):
        return NOTHING
    blamed, reasons = [], []
    for unit in ctx.evidence_units:
        for j, e in enumerate(unit):
            if not (is_negation(e) or e.text.lower() in lx.EXCLUSION or e.text.lower() == "separately"):
                continue
            scope = _excluded_scope(unit, j)
            for i, t in enumerate(toks):
                if t.norm not in scope or not is_content(t) or t.text.lower() in LIGHT:
                    continue
                inc = _inclusion_before(toks, i)
                if inc is not None and not any(_inclusion_before(u, p) is not None for u in ctx.evidence_units
                                               for p, x in enumerate(u) if x.norm == t.norm):
                    blamed += [inc, i]
                    reasons.append(f"the evidence says '{e.text} ... {scope[t.norm].text}', the claim includes it")
                    break
        if blamed:
            break
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


def check_possession(ctx: ClaimContext) -> Finding:
    """'its land' where the evidence speaks of land that was captured or that belongs to
    someone else ("capturing land", "Russian territory")."""
    toks = ctx.tokens
    names = ctx.names
    blamed, reasons = [], []
    for i, t in enumerate(toks[:-1]):
        if t.text.lower() not in ("its", "their", "his", "her"):
            continue
        k = i + 1
        if toks[k].text.lower() == "own" and k + 1 < len(toks):
            k += 1
        noun = toks[k]
        if not is_content(noun) or noun.is_number or noun.text.lower() in NUMBER_WORDS:
            continue  # "her 19th", "his 147th": a count, not a thing owned
        # the owner is the claim's subject: its first name (a month or a title is no owner)
        owner = next((n for n in range(i) if toks[n].text.lower() not in MONTHS and toks[n].text.lower() not in TITLES
                      and (n in names or (toks[n].text[:1].isupper() and toks[n].norm not in STOPWORDS))), None)
        if owner is None:
            continue
        own_group = {toks[owner].norm} | lx.demonym_groups().get(toks[owner].norm, frozenset())
        for unit in ctx.evidence_units:
            for p, e in enumerate(unit):
                if e.norm != noun.norm:
                    continue
                prev = [u for u in unit[max(0, p - 2):p]]
                taker = next((u for u in prev if u.text.lower() in lx.SEIZING), None)
                other = next((u for u in prev if u.text[:1].isupper() and u.norm not in own_group
                              and (u.norm in lx.demonym_groups() or u.text.endswith(("'s", "\u2019s")))), None)
                if taker is not None or other is not None:
                    blamed += [i, k]
                    what = f"'{(taker or other).text} {e.text}'"
                    reasons.append(f"'{t.text} {noun.text}' gives the {noun.text} to {toks[owner].text}; the "
                                   f"evidence speaks of {what}")
                    break
            if blamed:
                break
    return Finding(float(bool(blamed)), tuple(blamed), tuple(reasons))


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


# -- the registry --------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[ClaimContext], Finding]
    sign: float         # +1: evidence of support (weight >= 0); -1: of an error (weight <= 0); 0: free
    #: an explicit error check: it names its words and a reason. It may force a flag on its own
    #: ("hard", weight at most -CHECK_FLOOR) only where the precision ledger admits it
    #: (ledger.hard_rule); the shipped set is weights.json's "hard" list (HARD_CHECKS)
    explicit: bool = False


CHECKS: tuple[Check, ...] = (
    Check("sim", check_sim, +1),
    Check("sim_sent", check_sim_sent, +1),
    Check("coverage", check_coverage, +1),
    Check("source_coverage", check_source_coverage, +1),
    Check("bigram_coverage", check_bigram_coverage, +1),
    Check("novel_words", check_novel_words, -1),
    Check("length", check_length, 0),
    Check("novel_number", check_novel_number, -1, explicit=True),
    Check("misplaced_number", check_misplaced_number, -1),
    Check("number_attachment", check_number_attachment, -1, explicit=True),
    Check("date", check_date, -1, explicit=True),
    Check("novel_entity", check_novel_entity, -1, explicit=True),
    Check("misplaced_entity", check_misplaced_entity, -1),
    Check("role_swap", check_role_swap, -1, explicit=True),
    Check("wrong_agent", check_wrong_agent, -1, explicit=True),
    Check("negation", check_negation, -1, explicit=True),
    Check("antonym", check_antonym, -1, explicit=True),
    Check("quantifier", check_quantifier, -1, explicit=True),
    Check("modality", check_modality, -1, explicit=True),
    Check("exclusion", check_exclusion, -1, explicit=True),
    Check("possession", check_possession, -1, explicit=True),
    Check("editorial", check_editorial, -1, explicit=True),
    Check("causal", check_causal, -1, explicit=True),
)
FEATURE_NAMES: tuple[str, ...] = tuple(c.name for c in CHECKS)
SIGNS: dict[str, float] = {c.name: c.sign for c in CHECKS}
EXPLICIT_CHECKS: frozenset[str] = frozenset(c.name for c in CHECKS if c.explicit)
#: every check that is evidence of an error (the precision ledger counts these)
ERROR_CHECKS: tuple[str, ...] = tuple(c.name for c in CHECKS if c.sign < 0)


def _shipped_hard() -> frozenset[str]:
    """The checks the shipped weights let force a flag on their own (weights.json "hard",
    chosen by the training script under the precision ledger's rule)."""
    import json
    from pathlib import Path
    try:
        data = json.loads(Path(__file__).with_name("weights.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    return frozenset(data.get("hard", ())) & EXPLICIT_CHECKS


HARD_CHECKS: frozenset[str] = _shipped_hard()


@dataclass
class ClaimCheck:
    """What the checks found for one claim: a value per check (in registry order), the
    tokens to blame and the reasons, both from the hard checks that fired (else from the
    words and phrases nothing in the evidence supports)."""

    values: dict[str, float] = field(default_factory=dict)
    findings: dict[str, Finding] = field(default_factory=dict)
    blamed: list[Token] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    tokens: tuple = ()

    def blamed_spans(self, name: str) -> list[tuple[int, int]]:
        """Character spans (in the text the claim's tokens were cut from) of the words check
        ``name`` blamed."""
        f = self.findings.get(name)
        return [(self.tokens[i].start, self.tokens[i].end) for i in f.blamed] if f else []

    def vector(self) -> list[float]:
        return [self.values[n] for n in FEATURE_NAMES]

    @property
    def fired(self) -> list[str]:
        """The explicit error checks that fired (each names its words and a reason)."""
        return [n for n in FEATURE_NAMES if n in EXPLICIT_CHECKS and self.values.get(n, 0.0) > 0]


def run_checks(ctx: ClaimContext) -> ClaimCheck:
    findings = {c.name: c.run(ctx) for c in CHECKS}
    chk = ClaimCheck(values={n: float(f.value) for n, f in findings.items()}, findings=findings, tokens=ctx.tokens)
    hard = [findings[n] for n in FEATURE_NAMES if n in EXPLICIT_CHECKS and findings[n].value > 0]
    soft = [findings[n] for n in ("misplaced_number", "misplaced_entity", "novel_words", "coverage", "bigram_coverage")
            if findings[n].blamed]
    blamed: set[int] = set()
    reasons: list[str] = []
    for f in hard:
        blamed.update(f.blamed)
        reasons.extend(f.reasons)
    for f in soft:
        if not hard:
            blamed.update(f.blamed)
        reasons.extend(f.reasons)
    chk.blamed = [ctx.tokens[i] for i in sorted(blamed)]
    chk.reasons = reasons
    return chk


def check_claim(claim_text: str, claim_start: int, claim_tokens: list[Token], evidence_tokens: list[Token],
                source_tokens: list[Token], sim: float, sim_sent: float, paraphrased,
                evidence_units: list[list[Token]] | None = None, source_bigrams: set | None = None,
                source_names: set | None = None, context_stems: set | None = None,
                source_words: WordSet | None = None, source_number_list=None, context_units=()) -> ClaimCheck:
    """Run every registered check on one claim (see ``ClaimContext`` for the arguments)."""
    units = evidence_units if evidence_units is not None else [evidence_tokens]
    ctx = ClaimContext(claim_text, claim_start, tuple(claim_tokens), tuple(tuple(u) for u in units),
                       tuple(source_tokens), sim, sim_sent, paraphrased, source_bigrams, source_names,
                       context_stems, tuple(tuple(u) for u in context_units), source_words,
                       tuple(source_number_list) if source_number_list is not None else None)
    return run_checks(ctx)
