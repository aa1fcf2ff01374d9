"""The run's progress bar, drawn by tqdm and fed by the runner's ``progress(stage,
done, total)`` callback. Off a terminal (CI logs, pipes) and with ``--quiet`` there is none."""

from __future__ import annotations

import sys
from typing import TextIO

STARTING = "starting (loading model)…"


class ProgressBar:
    """One tqdm bar per stage on ``stream``. A stage at 0 done is "starting" (a scorer
    loading its model, a summariser warming up). The bar is made again at the stage's
    first finished item, counting from there, so the rate and the time left are measured
    on scoring alone, not on model loading."""

    def __init__(self, stream: TextIO, min_interval: float = 0.1) -> None:
        self.stream = stream
        self.min_interval = min_interval
        self.stage: str | None = None
        self._bar = None
        self._counting = False

    def _new(self, stage: str, total: int, initial: int):
        from tqdm import tqdm
        return tqdm(total=total, initial=initial, desc=f"{stage:<12}", file=self.stream, leave=False,
                    mininterval=self.min_interval, smoothing=0, dynamic_ncols=True, ascii=False,
                    bar_format="{desc} {bar:24} {n_fmt}/{total_fmt}  {elapsed}<{remaining}{postfix}")

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage or self._bar is None:
            self.close()
            self.stage, self._counting = stage, False
            self._bar = self._new(stage, total, done)
            if done == 0:
                self._bar.set_postfix_str(STARTING)
        if done > 0 and not self._counting:
            self._counting = True
            if self._bar.n == 0:                 # model loaded: count from the first finished items
                self._bar.close()
                self._bar = self._new(stage, total, done)
        self._bar.total = total
        if done >= total:
            self._bar.set_postfix_str("done", refresh=False)
        self._bar.update(done - self._bar.n)
        if done >= total:
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


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
