"""Long documents: windowing drops nothing and the number of windows grows linearly."""

from __future__ import annotations

from types import SimpleNamespace

from evalharness.scorers.models import Encoder
from evalharness.scorers.support.evidence import source_units


def test_encoder_windows_cover_every_token_and_grow_linearly():
    enc = SimpleNamespace(max_length=256)  # 254 tokens per window, stride 127
    for n in (100, 254, 255, 20_000, 40_000):
        ids = list(range(n))
        wins = Encoder._windows(enc, ids)
        assert set().union(*map(set, wins)) == set(ids)
        assert all(len(w) <= 254 for w in wins)
        if n > 254:
            assert len(wins) == -(-(n - 254) // 127) + 1
    assert len(Encoder._windows(enc, list(range(40_000)))) <= 2 * len(Encoder._windows(enc, list(range(20_000))))


def test_a_20000_word_sentence_becomes_overlapping_windows_covering_every_word():
    words = [f"w{i}" for i in range(20_000)]
    src = " ".join(words) + "."
    units = source_units(src, 80)
    covered = set()
    for u in units:
        assert src[u.span.start:u.span.end] == u.span.text
        assert len(u.span.text.split()) <= 80
        covered.update(u.span.text.rstrip(".").split())
    assert covered == set(words)
    assert len(units) == -(-(20_000 - 80) // 40) + 1  # 80-word windows every 40 words: linear in length


def test_one_window_cutter_half_overlapping_ranges_cover_every_item():
    from evalharness.scorers.text import half_overlapping
    assert half_overlapping(5, 8) == [(0, 5)]                                  # fits: one range
    assert half_overlapping(10, 4) == [(0, 4), (2, 6), (4, 8), (6, 10)]       # step 2, the last one reaches the end
    assert half_overlapping(9, 4) == [(0, 4), (2, 6), (4, 8), (6, 9)]
    assert half_overlapping(7, 5) == [(0, 5), (2, 7)]                         # step 5 // 2 = 2
    for n, size in ((100, 7), (3, 1), (41, 40)):
        covered = {i for a, b in half_overlapping(n, size) for i in range(a, b)}
        assert covered == set(range(n))
