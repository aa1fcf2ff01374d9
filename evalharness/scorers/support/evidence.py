"""Source side of the support check: evidence units and their retrieval.

A source is cut into sentences; sentences longer than ``max_unit_words`` are cut
into overlapping word windows (so nothing is dropped and cost stays linear in the
source length). Evidence candidates are single units and pairs of adjacent units,
so a claim that fuses two source sentences can still find its support.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...core.results import Span
from ..text import Token, half_overlapping, split_sentences, tokenize

MAX_UNIT_WORDS = 80
#: a label of at most this many words (a field or a figure) is a fragment of the sentence
#: before it on the same line ("2. Show diffs in the review tool. Owner: Omar Haddad. Due 6 December.": the owner and
#: the date belong to the item), so it joins that sentence's unit
FRAGMENT_WORDS = 4


@dataclass(frozen=True)
class Unit:
    span: Span
    tokens: tuple[Token, ...]


def _windows(text: str, sent: Span, max_words: int) -> list[Span]:
    words = list(re.finditer(r"\S+", sent.text))
    if len(words) <= max_words:
        return [sent]
    out = []
    for i, j in half_overlapping(len(words), max_words):
        a, b = sent.start + words[i].start(), sent.start + words[j - 1].end()
        out.append(Span(text[a:b], a, b))
    return out


_LIST_MARK = re.compile(r"\(?(?:\d{1,3}|[A-Za-z]|[ivxIVX]{1,4})[.)]")  # "1." "b)" "(iv)" before an item


def _is_label(text: str) -> bool:
    """A short fragment that labels the sentence before it: a field ("Owner: Omar Haddad.") or a
    figure or date ("Due 6 December."); short sentences that state something ("No chest pain.",
    "He denied it.") keep their own unit, so a negation stays in its sentence."""
    return len(text.split()) <= FRAGMENT_WORDS and (":" in text or any(c.isdigit() for c in text))


def _join_fragments(source: str, sents: list[Span], max_words: int) -> list[Span]:
    """Sentences with a short fragment on the same line joined to the sentence before it (a
    label line's owner, due date or status), and a list marker ("1.") to its item, unless the
    joined unit would be cut into windows."""
    out: list[Span] = []
    for sent in sents:
        same_line = bool(out) and "\n" not in source[out[-1].end:sent.start]
        if same_line and (_is_label(sent.text) or _LIST_MARK.fullmatch(out[-1].text)) \
                and len(source[out[-1].start:sent.end].split()) <= max_words:
            a, b = out[-1].start, sent.end
            out[-1] = Span(source[a:b], a, b)
        else:
            out.append(sent)
    return out


def source_units(source: str, max_words: int = MAX_UNIT_WORDS) -> list[Unit]:
    units = []
    for sent in _join_fragments(source, split_sentences(source), max_words):
        for span in _windows(source, sent, max_words):
            units.append(Unit(span, tuple(tokenize(span.text, span.start))))
    return units


def candidate_spans(source: str, units: list[Unit]) -> list[tuple[int, ...]]:
    """Evidence candidates as tuples of unit indices: each unit, and adjacent pairs."""
    out: list[tuple[int, ...]] = [(i,) for i in range(len(units))]
    out.extend((i, i + 1) for i in range(len(units) - 1))
    return out


def join_span(source: str, units: list[Unit], idx: tuple[int, ...]) -> Span:
    a = units[idx[0]].span.start
    b = units[idx[-1]].span.end
    return Span(source[a:b], a, b)
