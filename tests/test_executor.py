"""Executors: worker processes give the same results as one process; order, errors, batches."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import ClassVar

import pytest

from evalharness.engine.executor import chunks
from evalharness.core.results import ItemScore, ScoreItem
from evalharness.engine.runner import LocalExecutor
from evalharness.scorers.base import Scorer
from evalharness.scorers.rouge import RougeScorer


@dataclass(frozen=True)
class _Opts:
    fail_on: str = ""


class PidScorer(Scorer):
    """CPU-bound: reports which process scored each item."""

    name = "pid"
    higher_is_better: ClassVar = {"n": True}
    Options = _Opts
    cpu_bound = True

    def signature(self) -> str:
        return "pid|v:1"

    def score_batch(self, items):
        if any(it.summary == self.options.fail_on for it in items):
            raise ValueError("bad item")
        time.sleep(0.1)  # long enough that every worker gets a share
        return [ItemScore(scores={"n": float(len(it.summary))}, notes=(str(os.getpid()),)) for it in items]


def synthetic(n: int) -> list[ScoreItem]:
    words = "the council approved a repair of the old bridge on tuesday after years of delays and rising costs".split()
    out = []
    for i in range(n):
        summ = " ".join(words[(i + k * 7) % len(words)] for k in range(5 + i % 11)) + "."
        refs = (" ".join(words[i % 5:i % 5 + 12]) + ". It opens in May.",) if i % 9 else ()
        out.append(ScoreItem(f"c{i}", "s", "src", summ, refs))
    return out


def test_chunks_cover_every_item_once_in_order():
    assert chunks(10, 256, 2) == [(0, 10)]
    rs = chunks(1000, 256, 2)
    assert rs[0][0] == 0 and rs[-1][1] == 1000 and all(a[1] == b[0] for a, b in zip(rs, rs[1:]))
    assert max(b - a for a, b in rs) == 125  # ceil(1000 / (2 workers * 4))
    assert max(b - a for a, b in chunks(1000, 50, 2)) == 50  # never above batch_size


def test_rouge_on_two_workers_is_identical_to_one():
    data = synthetic(200)
    one = LocalExecutor(batch_size=64, workers=1).run(RougeScorer(), data)
    stored = []
    two = LocalExecutor(batch_size=64, workers=2).run(RougeScorer(), data, on_batch=lambda s, r: stored.append(s))
    assert two == one
    assert stored == sorted(stored) and stored[0] == 0 and len(stored) > 1  # batches reported in order
    assert sum(1 for r in one if not r.scores) == len([i for i in range(200) if i % 9 == 0])  # no refs: n/a


def test_cpu_bound_work_really_runs_in_worker_processes_and_keeps_order():
    data = synthetic(100)
    out = LocalExecutor(batch_size=256, workers=2).run(PidScorer(), data)
    pids = {r.notes[0] for r in out}
    assert str(os.getpid()) not in pids and len(pids) == 2
    assert [r.scores["n"] for r in out] == [float(len(it.summary)) for it in data]


def test_a_failing_batch_in_a_worker_fails_only_its_items():
    data = synthetic(100)
    bad = data[40].summary
    out = LocalExecutor(batch_size=256, workers=2).run(PidScorer(_Opts(fail_on=bad)), data)
    failed = [i for i, r in enumerate(out) if isinstance(r, ValueError)]
    assert 40 in failed and 0 < len(failed) < 100
    assert failed == list(range(failed[0], failed[-1] + 1))  # exactly the one chunk holding item 40
    # identical to a run in one process on the same chunks: only failures differ in place
    ok = [r for r in out if not isinstance(r, BaseException)]
    assert all(r.scores["n"] == float(len(data[i].summary)) for i, r in enumerate(out) if r in ok)


def test_small_runs_stay_in_process():
    out = LocalExecutor(workers=2).run(PidScorer(), synthetic(5))
    assert {r.notes[0] for r in out} == {str(os.getpid())}


@pytest.mark.parametrize("workers", [1, 2])
def test_evaluate_report_is_the_same_for_any_worker_count(workers, root):
    from evalharness.io.cases import load_cases
    from evalharness.core.config import load_config
    from evalharness.engine.runner import evaluate
    cfg = load_config(root / "configs" / "default.yaml")
    cases = load_cases([root / "cases"])
    only_rouge = [RougeScorer(cfg.scorer("rouge").options)]
    base = evaluate(cases, cfg, scorers=only_rouge).to_json()
    other = evaluate(cases, cfg, scorers=[RougeScorer(cfg.scorer("rouge").options)],
                     executor=LocalExecutor(batch_size=1, workers=workers)).to_json()
    base.pop("run"), other.pop("run")
    assert other == base
