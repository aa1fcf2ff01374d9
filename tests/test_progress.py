"""The progress bar: drawn on a terminal only, never with --quiet."""

from __future__ import annotations

import io

from evalharness.progress import ProgressBar, make_progress


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_off_a_terminal_or_when_quiet():
    assert make_progress(stream=io.StringIO()) is None
    assert make_progress(quiet=True, stream=FakeTTY()) is None
    assert isinstance(make_progress(stream=FakeTTY()), ProgressBar)


def test_stages_items_elapsed_and_remaining():
    now = [100.0]
    out = FakeTTY()
    bar = ProgressBar(out, width=10, min_interval=0, clock=lambda: now[0])
    bar("bertscore", 0, 40)
    assert out.getvalue().endswith("bertscore    ░░░░░░░░░░ 0/40  elapsed 0:00  starting (loading model)…")
    now[0] = 112.0                      # the model took 12 s to load; first batch of 10 done
    bar("bertscore", 10, 40)
    assert "10/40  elapsed 0:12  estimating…" in out.getvalue()
    now[0] = 114.0                      # 10 more in 2 s: 5 items/s, 20 left -> 4 s
    bar("bertscore", 20, 40)
    assert out.getvalue().rstrip(" ").endswith("bertscore    █████░░░░░ 20/40  elapsed 0:14  ~0:04 left")
    bar("bertscore", 40, 40)
    assert out.getvalue().rstrip(" ").endswith("██████████ 40/40  elapsed 0:14  done")
    bar.close()
    assert out.getvalue().endswith("\r")


def test_redraws_are_throttled_but_the_last_one_always_shows():
    now = [0.0]
    out = FakeTTY()
    bar = ProgressBar(out, min_interval=1.0, clock=lambda: now[0])
    bar("rouge", 1, 3)
    bar("rouge", 2, 3)                  # within the interval: skipped
    assert "2/3" not in out.getvalue()
    bar("rouge", 3, 3)                  # final: drawn
    assert "3/3" in out.getvalue()
