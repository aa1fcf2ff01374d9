"""Text utilities with character offsets: sentences, clauses, words.

Rule-based and dependency-free, so they are fast, deterministic and safe on any
input (any script, emoji, right-to-left text). Every span satisfies
``text[start:end] == span.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..core.results import Span

_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "col", "lt", "sgt", "capt", "gov", "sen",
    "rep", "rev", "hon", "pres", "inc", "ltd", "co", "corp", "vs", "etc", "no", "fig", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m",
    "approx", "dept", "est", "ft", "mins", "hrs",
}

# Sentence ends: terminal punctuation (Latin, CJK, Devanagari, Arabic), optional closing quotes/brackets.
_END = re.compile(r"[.!?\u3002\uff01\uff1f\u0964\u061f\u06d4]+[\"'\u201d\u2019)\]]*(?=\s|$)|(?<=[\u3002\uff01\uff1f])")
# a number with thousands separators is one word ("48,000"), then words with inner - ' . ("Oslo-based")
_WORD = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d|,\d)|\w+(?:[-'\u2019.]\w+)*", re.UNICODE)


def half_overlapping(n: int, size: int) -> list[tuple[int, int]]:
    """``[start, end)`` ranges of ``size`` items over ``n`` items, each starting ``size // 2`` after
    the last, the last one reaching the end: the one cutter of over-long texts into windows (a long
    sentence's words for evidence, a long text's tokens for the encoder). One range when it fits."""
    if n <= size:
        return [(0, n)]
    step = max(1, size // 2)
    out = []
    for start in range(0, n, step):
        out.append((start, min(start + size, n)))
        if start + size >= n:
            break
    return out


def _strip_span(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    return Span(text[start:end], start, end)


def _is_abbrev(text: str, end: int) -> bool:
    """True when the '.' ending at ``end`` closes an abbreviation or an initial."""
    if end <= 0 or end > len(text) or text[end - 1] != ".":
        return False
    m = re.search(r"([\w.]+)\.$", text[max(0, end - 12):end])
    if not m:
        return False
    word = m.group(1).lower()
    if word in _ABBREV:
        return True
    return len(word) == 1 and word.isalpha()  # "J. Smith"


def split_sentences(text: str) -> list[Span]:
    """Split into sentences at terminal punctuation and at line breaks."""
    out: list[Span] = []
    for para in re.finditer(r"[^\n]+", text):
        p_start = para.start()
        chunk = para.group(0)
        last = 0
        for m in _END.finditer(chunk):
            end = m.end()
            if _is_abbrev(chunk, m.start() + 1) and m.group(0) == ".":
                continue
            # Do not split before a lowercase continuation ("e.g. this"), unless the stop
            # stands apart as in tokenised or lower-cased text ("the velodrome . the winner")
            rest = chunk[end:].lstrip()
            if rest and rest[0].islower() and m.group(0).startswith(".") and not (
                    m.start() > 0 and chunk[m.start() - 1] == " "):
                continue
            span = _strip_span(text, p_start + last, p_start + end)
            if span:
                out.append(span)
            last = end
        span = _strip_span(text, p_start + last, p_start + len(chunk))
        if span:
            out.append(span)
    return out


# Clause boundaries inside a sentence: a separator followed by a word that starts
# an independent statement. Each side must be long enough to stand as a claim.
_CLAUSE_SEP = re.compile(
    r";\s+|:\s+(?=[A-Z])|,\s+(?=(?:and|but|while|whereas|although|though|as|after|before|with|hinting|saying|"
    r"adding|noting|since|because|so|yet)\b|(?:\w+ly\s+)?\w+ing\b)|\s+(?=(?:but|whereas)\b)",
)
MIN_CLAUSE_WORDS = 4


def split_claims(text: str) -> list[Span]:
    """Split a summary into claims: sentences, then clauses joined in one sentence."""
    claims: list[Span] = []
    for sent in split_sentences(text):
        pieces = []
        last = 0
        s = sent.text
        for m in _CLAUSE_SEP.finditer(s):
            left = s[last:m.start()]
            right = s[m.end():]
            if len(_WORD.findall(left)) >= MIN_CLAUSE_WORDS and len(_WORD.findall(right)) >= MIN_CLAUSE_WORDS:
                pieces.append((last, m.start()))
                last = m.end()
        pieces.append((last, len(s)))
        for a, b in pieces:
            span = _strip_span(text, sent.start + a, sent.start + b)
            if span:
                span = _trim_punct(text, span)
            if span and _WORD.search(span.text):  # a piece with no word (only punctuation, emoji) is no claim
                claims.append(span)
    return claims


def _trim_punct(text: str, span: Span) -> Span | None:
    start, end = span.start, span.end
    while end > start and text[end - 1] in ",;:":
        end -= 1
    return _strip_span(text, start, end)


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    norm: str  # lowercased, stemmed form used for matching

    @property
    def is_number(self) -> bool:
        return any(ch.isdigit() for ch in self.text)


STOPWORDS = frozenset("""
a an the and or but if then else of at by for with about against between into through during before after above
below to from up down in out on off over under again further once here there all any both each few more most other
some such only own same so than too very s t can will just don should now is are was were be been being have has had
having do does did doing i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
she her hers herself it its itself they them their theirs themselves what which who whom this that these those am
would could ought also as while whereas although though because since until unless upon onto per via among amid
within without across along around near toward towards behind beyond beside besides despite like unlike
mr mrs ms dr said says say told tells according
""".split())


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import porter
    return porter.PorterStemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    w = word.lower().replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if not w.isascii() or not w.isalpha():
        return w
    return _stemmer().stem(w)


def tokenize(text: str, offset: int = 0) -> list[Token]:
    return [Token(m.group(0), m.start() + offset, m.end() + offset, stem(m.group(0)))
            for m in _WORD.finditer(text)]


def is_content(token: Token) -> bool:
    return token.text.lower().replace("\u2019", "'").removesuffix("'s") not in STOPWORDS
