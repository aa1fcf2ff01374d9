"""What every check shares: the word lists, stems and roots, name helpers, the tolerant
word lookups of a text (:class:`WordSet`), the :class:`ClaimContext` a check reads and the
:class:`Finding` it returns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Callable

from ...text import STOPWORDS, Token, is_content, stem
from .. import lexicon as lx
from .mentions import (MONTHS, NumberMention, _date_word, date_mentions, is_number_token, number_mentions,
                       number_supported)

#: the forms of "be" that make a passive ("was found", "has been told")
BE_FORMS = frozenset({"be", "been", "being", "is", "are", "was", "were"})
AUXILIARIES = frozenset({"do", "does", "did", "is", "are", "was", "were", "be", "been", "has", "have", "had",
                         "will", "would", "could", "can", "should", "may", "might", "must", "shall", "being"})

TITLES = frozenset("""president vice prime minister chancellor king queen prince princess senator governor mayor
leader chief general secretary director pope judge officer captain coach manager chairman chairwoman ceo
spokesman spokeswoman spokesperson professor doctor dr mr mrs ms sir lord lady minister council
department ministry state states government police army court university republic democrat democrats
republican republicans party cllr councillor prof rev reverend sgt sergeant insp inspector supt superintendent
capt""".split())

#: words that carry no checkable fact on their own (hedges, vague time and degree words)
LIGHT = frozenset("""roughly approximately around nearly almost about some just mainly mostly largely
generally overall recently currently still also even really very quite rather fairly slightly
old new former latter respectively based led owned run related focused linked backed funded driven
year years month months week weeks day days time times may might could would should must can""".split())

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


#: more irregular verb forms, for the checks that match one act across a text by its verb
#: (verb_lemma); kept apart from _IRREGULAR so base_stem, which every check reads, is unchanged.
#: Forms that are also common nouns or names ("fed", "shot", "saw", "bore") are left out.
IRREGULAR_MORE = {
    "became": "become", "drew": "draw", "drawn": "draw", "threw": "throw", "thrown": "throw", "flew": "fly",
    "flown": "fly", "sang": "sing", "sung": "sing", "forgot": "forget", "forgotten": "forget", "forgave": "forgive",
    "forgiven": "forgive", "withdrew": "withdraw", "withdrawn": "withdraw", "understood": "understand",
    "undertook": "undertake", "undertaken": "undertake", "oversaw": "oversee", "overseen": "oversee",
    "sought": "seek", "lent": "lend", "dealt": "deal", "stole": "steal", "stolen": "steal", "wore": "wear",
    "worn": "wear", "got": "get", "gotten": "get", "ate": "eat", "eaten": "eat", "rode": "ride", "ridden": "ride",
    "shook": "shake", "shaken": "shake", "froze": "freeze", "frozen": "freeze", "slept": "sleep", "fled": "flee",
    "heard": "hear", "sat": "sit", "hid": "hide", "hidden": "hide", "swore": "swear", "sworn": "swear",
    "beaten": "beat", "bitten": "bite", "blew": "blow", "blown": "blow", "dug": "dig", "sank": "sink",
    "sunk": "sink", "spun": "spin", "swept": "sweep", "wept": "weep", "won": "win", "overcame": "overcome",
    "upheld": "uphold", "withheld": "withhold", "rebuilt": "rebuild", "rewrote": "rewrite", "rewritten": "rewrite",
    "outgrew": "outgrow", "mistook": "mistake", "mistaken": "mistake", "foresaw": "foresee", "foreseen": "foresee",
}


def verb_lemma(word: str) -> str:
    """The stem of a verb's base form, irregular forms of both tables mapped ("held" ~ "holds",
    "oversaw" ~ "oversees")."""
    low = word.lower()
    return stem(_IRREGULAR.get(low) or IRREGULAR_MORE.get(low) or low)


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
        opening = True  # still at the sentence's start: after nothing, or after a list marker ("6.", "b)")
        for j, t in enumerate(tokens):
            first, opening = opening, opening and (t.is_number or (len(t.text) == 1 and t.text not in "AI"))
            if not t.text[:1].isalpha() or t.text.lower() in MONTHS:
                continue
            if t.text[:1].isupper():
                if not first:
                    upper[t.norm] = upper.get(t.norm, 0) + 1
            else:
                lower[t.norm] = lower.get(t.norm, 0) + 1
    return {w for w, c in upper.items() if c > lower.get(w, 0) and w not in STOPWORDS and w not in _title_stems()}


def is_negation(tok: Token) -> bool:
    low = tok.text.lower().replace("\u2019", "'")
    return low in NEGATIONS or low.endswith("n't")


def antonyms_of(stem_: str) -> frozenset:
    return lx.antonym_table().get(stem_, frozenset())

_ACRONYM_SKIP = frozenset({"of", "and", "the", "for", "in", "on", "&", "to", "a", "an", "de", "du", "la"})

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

def sentences(tokens) -> list[list[Token]]:
    """A text's sentences: a capitalised word after a gap wider than one space starts one, and
    so does a clause number before it ("notice.\n\n9.5 The Licensee")."""
    out, cur = [], []
    for k, t in enumerate(tokens):
        opens = t.text[:1].isupper() or (t.is_number and k + 1 < len(tokens) and tokens[k + 1].text[:1].isupper()
                                         and re.fullmatch(r"\d+(?:\.\d+)*\.?", t.text) is not None)
        if cur and opens and t.start - tokens[k - 1].end >= 2:
            out.append(cur)
            cur = []
        cur.append(t)
    if cur:
        out.append(cur)
    return out


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
        return frozenset(_date_word(t, self.tokens, k) for k, t in enumerate(self.tokens)) - {None}

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


#: words that spell out a sign a source writes next to a number ("95 per cent" for "95%",
#: "1 p.m." for "13:00", "minus 0.5" for "-0.5", "20 degrees" for "20 °C")
NOTATION_WORDS = frozenset({"percent", "cent", "pc", "p.m", "a.m", "pm", "am", "minus", "plus", "degrees", "degree",
                            "o'clock", "celsius", "fahrenheit", "centigrade"})


def _spells_symbol(tokens, i: int) -> bool:
    """Token ``i`` spells a sign next to a number ("per cent" after "95", "p.m." after "1")."""
    low = tokens[i].text.lower().rstrip(".")
    if low not in NOTATION_WORDS:
        return False
    near = [k for k in (i - 1, i + 1, i - 2) if 0 <= k < len(tokens)]
    return any(tokens[k].is_number or tokens[k].text.lower() in lx.NUMBER_WORDS for k in near)


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
    def source_sentences(self) -> list[list[Token]]:
        """The whole source's sentences (``sentences``), split once per claim for every check that
        looks beyond the evidence."""
        return sentences(self.source_tokens)

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
                and t.text.lower() not in LIGHT and i not in soft and not _spells_symbol(self.tokens, i)]

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
    def src_number_at(self) -> dict[int, NumberMention]:
        """Source token position -> the source's number there, in source order."""
        src = self.source_tokens
        return {m.index: m for m in self.src_numbers if 0 <= m.index < len(src) and src[m.index].start == m.start}

    @cached_property
    def sentence_numbers(self) -> list[list[NumberMention]]:
        """The numbers of each of ``source_sentences``."""
        return [number_mentions(sent) for sent in self.source_sentences]

    @cached_property
    def claim_days(self) -> frozenset[int]:
        """Claim positions of the day of a full date ("12" in "12 September")."""
        return frozenset(d.index for d in date_mentions(list(self.tokens)) if d.day is not None)

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
