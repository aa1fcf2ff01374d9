"""A progress bar for terminals, fed by the runner's ``progress(stage, done, total)``
callback. Off a terminal (CI logs, pipes) and with ``--quiet`` there is none."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ProgressBar:
    """Redraws one line on ``stream``. A stage at 0 done is "starting" (a scorer
    loading its model, a summariser warming up); after that it shows items done,
    elapsed time and an estimate of the time remaining for the stage."""

    def __init__(self, stream: TextIO, width: int = 24, min_interval: float = 0.1,
                 clock=time.monotonic) -> None:
        self.stream = stream
        self.width = width
        self.min_interval = min_interval
        self.clock = clock
        self.started = clock()
        self.stage: str | None = None
        self.stage_started = self.started
        self.first_done_at: float | None = None
        self.first_done = 0
        self._last_draw = -1e9
        self._last_len = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if stage != self.stage:
            self.stage, self.stage_started, self.first_done_at, self.first_done = stage, now, None, 0
        if done > 0 and self.first_done_at is None:
            self.first_done_at, self.first_done = now, done
        final = total > 0 and done >= total
        if not final and done > 0 and now - self._last_draw < self.min_interval:
            return
        self._last_draw = now
        self._draw(self.line(stage, done, total, now))

    def line(self, stage: str, done: int, total: int, now: float) -> str:
        frac = (done / total) if total else 1.0
        filled = int(round(frac * self.width))
        bar = "█" * filled + "░" * (self.width - filled)
        elapsed = _clock(now - self.started)
        if done == 0:
            tail = "starting (loading model)…"
        elif done >= total:
            tail = "done"
        elif self.first_done_at is not None and done > self.first_done and now > self.first_done_at:
            # Rate measured after the first batch, so model loading does not skew it.
            rate = (done - self.first_done) / (now - self.first_done_at)
            tail = f"~{_clock((total - done) / rate)} left"
        else:
            tail = "estimating…"
        return f"{stage:<12} {bar} {done}/{total}  elapsed {elapsed}  {tail}"

    def _draw(self, text: str) -> None:
        pad = max(0, self._last_len - len(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self._last_len = len(text)

    def close(self) -> None:
        if self._last_len:
            self.stream.write("\r" + " " * self._last_len + "\r")
            self.stream.flush()
            self._last_len = 0


def make_progress(quiet: bool = False, stream: TextIO | None = None) -> ProgressBar | None:
    """A bar on an interactive stderr; None (no output at all) with ``quiet`` or off a terminal."""
    stream = stream if stream is not None else sys.stderr
    if quiet:
        return None
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return ProgressBar(stream) if tty else None


VERBOSE_ENV = "EVALHARNESS_VERBOSE"


def quiet_library_progress(verbose: bool = False) -> None:
    """Silence the progress bars model libraries draw on stderr (transformers' and
    huggingface_hub's "Loading weights", "Fetching files"): ours covers loading, and
    theirs would be noise in a log. ``verbose`` (``--verbose``) or ``EVALHARNESS_VERBOSE=1``
    leaves them on. Call it before the libraries load; it also switches them off when
    they are already loaded."""
    import os
    if verbose or os.environ.get(VERBOSE_ENV, "").strip() not in ("", "0"):
        return
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # read by both at import time
    for name, attr in (("transformers.utils.logging", "disable_progress_bar"),
                       ("huggingface_hub.utils", "disable_progress_bars")):
        mod = sys.modules.get(name)
        if mod is not None and hasattr(mod, attr):
            getattr(mod, attr)()
