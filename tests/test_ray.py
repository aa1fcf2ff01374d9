"""The Ray executor against a local Ray instance with 2 CPUs: the same report as the local executor."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import ClassVar

import pytest

from evalharness.core.results import ItemScore, ScoreItem
from evalharness.scorers.base import Scorer

ray = pytest.importorskip("ray", reason="the Ray extra is not installed (pip install 'evalharness[ray]')")


@dataclass(frozen=True)
class _Opts:
    pass


class ModelLikeScorer(Scorer):
    """Not CPU-bound, so it runs in an actor; says which process scored an item and how
    many times that process 'loaded the model'."""

    name = "modellike"
    higher_is_better: ClassVar = {"n": True}
    Options = _Opts
    loads = 0

    def __init__(self, options=None):
        super().__init__(options)
        type(self).loads += 1

    def signature(self) -> str:
        return "modellike|v:1"

    def score_batch(self, items):
        return [ItemScore(scores={"n": float(len(it.summary))}, notes=(f"{os.getpid()}:{type(self).loads}",))
                for it in items]


@pytest.fixture(scope="module")
def ray_executor():
    import ray.cloudpickle
    from evalharness.engine.executor import RayExecutor
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ex = RayExecutor(None, batch_size=4, num_cpus=2)  # starts a local Ray instance with 2 CPUs
    yield ex
    ex.close()
    assert not ray.is_initialized()


@pytest.mark.slow
def test_model_scorer_runs_in_one_actor_that_loads_once(ray_executor):
    items = [ScoreItem(f"c{i}", "s", "src", "x" * i) for i in range(23)]
    stored = []
    out = ray_executor.run(ModelLikeScorer(), items, on_batch=lambda s, r: stored.append(s))
    assert [r.scores["n"] for r in out] == [float(i) for i in range(23)]  # in order
    assert stored == [0, 4, 8, 12, 16, 20]
    assert len({r.notes[0] for r in out}) == 1  # one process, and its scorer built ('model loaded') once
    assert str(os.getpid()) not in {r.notes[0].split(":")[0] for r in out}


@pytest.mark.slow
def test_ray_report_is_identical_to_the_local_executors(ray_executor, root):
    from evalharness.io.cases import load_cases
    from evalharness.core.config import load_config
    from evalharness.engine.runner import LocalExecutor, evaluate
    config = load_config(root / "configs" / "default.yaml")
    cases = load_cases([root / "cases"])
    local = evaluate(cases, config, executor=LocalExecutor(batch_size=4, workers=1)).to_json()
    remote = evaluate(cases, config, executor=ray_executor).to_json()
    local.pop("run"), remote.pop("run")
    assert remote == local
