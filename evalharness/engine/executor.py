"""Where batches run: worker processes for CPU-bound scorers, and a Ray cluster.

Every executor keeps :class:`evalharness.engine.runner.LocalExecutor`'s contract:
``run(scorer, items, progress=None, on_batch=None)`` returns one result per item,
in the order of ``items``, with an exception object in place of each item whose
batch failed; ``on_batch(start, results)`` is called as each batch completes, in
order, so the caller can store finished work (the score cache) before the run ends.

Only scorers marked ``cpu_bound`` (pure CPU, per-item results: batch composition
never changes a number) are spread over worker processes; model scorers stay in
the parent, which loads the model once and batches the model calls.
"""

from __future__ import annotations

import math
import os
import sys
from typing import Callable, Sequence

from ..errors import ConfigError, ScorerError
from ..core.results import ScoreItem

OnBatch = Callable[[int, list], None]
Progress = Callable[[str, int, int], None]

MIN_CHUNK = 16


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def collect(name: str, batches, total: int, progress: Progress | None = None,
            on_batch: OnBatch | None = None) -> list:
    """Gather ``(start, results)`` batches, in order, into one list: the common tail of
    every executor (``on_batch`` as each batch completes, then progress)."""
    from .._signals import phase

    out: list = []
    for start, res in batches:
        out.extend(res)
        if on_batch:
            on_batch(start, res)
        if progress:
            progress(name, len(out), total)
        phase("scoring")
    return out


def score_or_error(scorer, batch: Sequence[ScoreItem]) -> list:
    """One batch through a scorer; on failure, the exception once per item."""
    try:
        res = scorer.score_batch(batch)
        if len(res) != len(batch):
            raise ScorerError(f"returned {len(res)} results for {len(batch)} items", scorer=scorer.name)
        return list(res)
    except Exception as exc:  # noqa: BLE001 - recorded per item, surfaced as exit 3
        return [exc] * len(batch)


def chunks(n: int, batch_size: int, workers: int) -> list[tuple[int, int]]:
    """(start, end) ranges: at most batch_size long, about 4 per worker so the
    pool stays busy to the end, never shorter than MIN_CHUNK."""
    size = min(batch_size, max(MIN_CHUNK, math.ceil(n / (workers * 4))))
    return [(s, min(n, s + size)) for s in range(0, n, size)]


# --- worker processes -------------------------------------------------------

_WORKER_SCORER = None


def _init_worker(scorer) -> None:
    global _WORKER_SCORER
    import signal
    # Ctrl-C reaches the whole terminal group: the parent handles it and ends the
    # workers; a worker must neither print a traceback nor keep running.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORKER_SCORER = scorer


def _work(batch: Sequence[ScoreItem]) -> list:
    out = score_or_error(_WORKER_SCORER, batch)
    for i, r in enumerate(out):  # an exception that cannot travel back still must
        if isinstance(r, BaseException):
            import pickle
            try:
                pickle.dumps(r)
            except Exception:  # noqa: BLE001
                out[i] = ScorerError(f"{type(r).__name__}: {r}", scorer=getattr(_WORKER_SCORER, "name", None))
    return out


def _mp_context():
    import multiprocessing as mp
    # fork is cheapest and shares the parent's warm state (e.g. rouge's token
    # memo), but forking a process that has started torch's thread pools is not
    # safe; then start fresh interpreters instead.
    if sys.platform.startswith("linux") and "torch" not in sys.modules:
        return mp.get_context("fork")
    return mp.get_context("spawn")


def run_in_processes(scorer, items: Sequence[ScoreItem], *, batch_size: int, workers: int,
                     progress: Progress | None = None, on_batch: OnBatch | None = None) -> list:
    from concurrent.futures import ProcessPoolExecutor

    from .._signals import phase

    ranges = chunks(len(items), batch_size, workers)
    pool = ProcessPoolExecutor(max_workers=min(workers, len(ranges)), mp_context=_mp_context(),
                               initializer=_init_worker, initargs=(scorer,))
    try:
        results = pool.map(_work, [items[a:b] for a, b in ranges])
        phase("workers")
        out = collect(scorer.name, ((a, res) for (a, _), res in zip(ranges, results)), len(items), progress,
                      on_batch)
    except BaseException:  # Ctrl-C, SIGTERM, a failing on_batch: no worker may outlive the run
        kill_pool(pool)
        raise
    pool.shutdown(wait=True)
    return out


def kill_pool(pool) -> None:
    """Kill a process pool's workers now (they may be mid-batch) and reap them."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for p in procs:
        try:
            p.kill()
        except (OSError, ValueError, AttributeError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        try:
            p.join(timeout=5)
        except (OSError, ValueError, AssertionError):
            pass


# --- Ray ---------------------------------------------------------------------

def _ray():
    try:
        import ray
    except ImportError:
        raise ConfigError("the Ray executor needs Ray: pip install 'evalharness[ray]'",
                          field="run.executor") from None
    return ray


class RayExecutor:
    """Spreads scoring over a Ray cluster (``address``), or a local Ray instance
    started here with ``num_cpus`` CPUs when no address is given.

    CPU-bound scorers run as Ray tasks, one per batch. Model scorers run in
    actors that each load the model once and score batch after batch. At most
    ``2 x workers`` batches are in flight at any time (streamed, never all
    submitted at once), and results are collected in order.
    """

    def __init__(self, address: str | None = None, *, batch_size: int = 256, num_cpus: int | None = None,
                 actors: int | None = None) -> None:
        self.address = address
        self.batch_size = batch_size
        self.num_cpus = num_cpus
        self.actors = actors
        self._started = False

    def _ensure(self):
        ray = _ray()
        if not ray.is_initialized():
            import evalharness
            kwargs = dict(include_dashboard=False, log_to_driver=False, configure_logging=False,
                          runtime_env={"py_modules": [evalharness]})
            if self.address:
                kwargs["address"] = self.address
            else:
                kwargs["num_cpus"] = self.num_cpus or available_cores()
            try:
                ray.init(**kwargs)
            except ConnectionError as exc:
                raise ConfigError(f"cannot reach the Ray cluster at '{self.address}': {exc}",
                                  field="--ray-address") from None
            self._started = True
        return ray

    def _width(self, ray) -> int:
        cpus = int(ray.cluster_resources().get("CPU", 1))
        return max(1, cpus)

    def run(self, scorer, items: Sequence[ScoreItem], progress: Progress | None = None,
            on_batch: OnBatch | None = None) -> list:
        if not items:
            return []
        ray = self._ensure()
        width = self._width(ray)
        ranges = [(s, min(len(items), s + self.batch_size)) for s in range(0, len(items), self.batch_size)]
        if getattr(scorer, "cpu_bound", False):
            task = ray.remote(num_cpus=1)(_ray_task)
            ref_scorer = ray.put(scorer)
            submit = lambda i, batch: task.remote(ref_scorer, batch)  # noqa: E731
            actors: list = []
            window = 2 * width
        else:
            n = self.actors or max(1, min(len(ranges), width // 2 or 1))
            gpus = 1 if ray.cluster_resources().get("GPU", 0) >= n else 0
            actor_cls = ray.remote(num_cpus=1, num_gpus=gpus)(_ScorerActor)
            actors = [actor_cls.remote(type(scorer), scorer.options, scorer.cache_policy) for _ in range(n)]
            submit = lambda i, batch: actors[i % len(actors)].score.remote(batch)  # noqa: E731
            window = 2 * len(actors)
        def batches():  # streamed: at most ``window`` batches in flight, results in order
            inflight: list = []
            nxt = 0
            while nxt < len(ranges) or inflight:
                while nxt < len(ranges) and len(inflight) < window:
                    a, b = ranges[nxt]
                    inflight.append((a, b, submit(nxt, list(items[a:b]))))
                    nxt += 1
                a, b, ref = inflight.pop(0)
                try:
                    res = ray.get(ref)
                except Exception as exc:  # noqa: BLE001 - a crashed task or actor fails its batch
                    res = [ScorerError(f"Ray task failed: {type(exc).__name__}: {exc}", scorer=scorer.name)] * (b - a)
                yield a, res

        try:
            return collect(scorer.name, batches(), len(items), progress, on_batch)
        finally:
            for actor in actors:
                ray.kill(actor)

    def close(self) -> None:
        if self._started:
            _ray().shutdown()
            self._started = False


def _ray_task(scorer, batch):
    return score_or_error(scorer, batch)


class _ScorerActor:
    """Holds one scorer (and so one loaded model) for the actor's lifetime."""

    def __init__(self, cls, options, cache_policy=None) -> None:
        self.scorer = cls(options)
        if cache_policy is not None:
            self.scorer.cache_policy = cache_policy

    def score(self, batch):
        return score_or_error(self.scorer, batch)
