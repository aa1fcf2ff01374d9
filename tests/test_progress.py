"""The progress bar (tqdm): drawn on a terminal only, never with --quiet."""

from __future__ import annotations

import io

from evalharness.engine.progress import STARTING, ProgressBar, make_progress


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def frames(out: FakeTTY) -> list[str]:
    return [f.rstrip() for f in out.getvalue().split("\r") if f.strip()]


def test_no_bar_off_a_terminal_or_when_quiet():
    assert make_progress(stream=io.StringIO()) is None
    assert make_progress(quiet=True, stream=FakeTTY()) is None
    assert isinstance(make_progress(stream=FakeTTY()), ProgressBar)


def test_a_stage_starts_as_loading_then_counts_items_and_ends_done():
    out = FakeTTY()
    bar = ProgressBar(out, min_interval=0)
    bar("bertscore", 0, 40)
    assert frames(out)[-1].startswith("bertscore ") and frames(out)[-1].endswith(f"0/40  00:00<?, {STARTING}")
    bar("bertscore", 10, 40)
    assert " 10/40  " in frames(out)[-1] and STARTING not in frames(out)[-1]
    bar("bertscore", 40, 40)
    assert frames(out)[-1].endswith("40/40  00:00<00:00, done") and "█" * 24 in frames(out)[-1]
    bar("rouge", 0, 3)                   # a new stage: the old bar is cleared, a new one starts
    assert frames(out)[-1].startswith("rouge ") and "0/3" in frames(out)[-1]
    bar.close()
    assert out.getvalue().endswith("\r")  # the line is left blank for what the run prints next


def test_the_rate_is_measured_from_the_first_finished_items_not_from_model_loading():
    out = FakeTTY()
    bar = ProgressBar(out, min_interval=0)
    bar("support", 0, 100)
    loading = bar._bar
    bar("support", 10, 100)              # first batch done: the bar counts from here
    assert bar._bar is not loading and bar._bar.initial == 10 and bar._bar.n == 10


def test_redraws_are_throttled_but_the_last_one_always_shows():
    out = FakeTTY()
    bar = ProgressBar(out, min_interval=60.0)
    bar("rouge", 1, 3)
    bar("rouge", 2, 3)                   # within the interval: not drawn
    assert not any("2/3" in f for f in frames(out))
    bar("rouge", 3, 3)                   # final: drawn
    assert frames(out)[-1] == "rouge        " + "█" * 24 + " 3/3  00:00<00:00, done"
