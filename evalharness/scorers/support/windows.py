"""Sentence-aligned, overlapping windows of a source that fit a token budget.

Nothing is dropped: every character of every sentence lies in at least one window.
A sentence longer than the budget is cut at word boundaries into overlapping
pieces; a single word longer than the budget is an error, never a silent cut.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from ...core.results import Span
from ...errors import ScorerError
from ..text import split_sentences

Counter = Callable[[str], int]  # text -> number of tokens it takes


class WindowError(ScorerError):
    """A source that cannot be cut into windows within the budget (the backend names itself)."""


def _pieces(source: str, sent: Span, budget: int, count: Counter, overlap: float) -> list[Span]:
    """Cut one over-long sentence at word boundaries into overlapping pieces within ``budget``."""
    words = [(m.start() + sent.start, m.end() + sent.start) for m in re.finditer(r"\S+", sent.text)]
    out: list[Span] = []
    i = 0
    while i < len(words):
        j = i
        if count(source[words[i][0]:words[i][1]]) > budget:
            w = source[words[i][0]:words[i][1]]
            raise WindowError(f"the source word '{w[:40]}' alone is longer than the {budget}-token room left "
                              "for source text")
        while j + 1 < len(words) and count(source[words[i][0]:words[j + 1][1]]) <= budget:
            j += 1
        a, b = words[i][0], words[j][1]
        out.append(Span(source[a:b], a, b))
        if j == len(words) - 1:
            break
        i = max(i + 1, j + 1 - int((j - i + 1) * overlap))
    return out


def make_windows(source: str, budget: int, count: Counter, overlap: float = 0.5,
                 units: Sequence[Span] | None = None) -> list[Span]:
    """Windows of consecutive sentences, each within ``budget`` tokens, consecutive
    windows sharing about ``overlap`` of their sentences."""
    if budget < 1:
        raise WindowError(f"no room for source text (budget {budget} tokens)")
    units = list(units if units is not None else split_sentences(source))
    pieces: list[Span] = []
    for u in units:
        if count(u.text) <= budget:
            pieces.append(u)
        else:
            pieces.extend(_pieces(source, u, budget, count, overlap))
    if not pieces:
        return []
    out: list[Span] = []
    i = 0
    while True:
        j = i
        while j + 1 < len(pieces) and pieces[j + 1].start >= pieces[i].start:
            cand = source[pieces[i].start:pieces[j + 1].end]
            if count(cand) > budget:
                break
            j += 1
        a, b = pieces[i].start, max(p.end for p in pieces[i:j + 1])
        out.append(Span(source[a:b], a, b))
        if j == len(pieces) - 1:
            return out
        i = max(i + 1, j + 1 - int((j - i + 1) * overlap))
