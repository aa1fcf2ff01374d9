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


def source_units(source: str, max_words: int = MAX_UNIT_WORDS) -> list[Unit]:
    units = []
    for sent in split_sentences(source):
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
