"""One pipeline: cases + config (+ on-the-fly systems, + a baseline) -> :class:`RunResult`.

``evalharness run``, ``report``, ``compare`` and the pytest plugin all come here, so
the verdict is the same wherever it is asked for. The final gate is built in one
place, :func:`judge`, from every failure source:

- the run's own gate (:func:`evalharness.verdict.gate.evaluate_gate`, inside ``evaluate``):
  scorer failures, summaries an on-the-fly summariser could not make (errors of their
  (case, system)), gate rules, case expectations, a gate that checks nothing;
- the regression gate of a baseline comparison (:func:`evalharness.verdict.compare.compare_reports`):
  regression rules, new flags, baseline systems missing from the new run, nothing compared.

No printing, no argument parsing, no file written (caches aside): the caller writes
the outputs and says what happened.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from ..verdict.gate import final_gate

if TYPE_CHECKING:  # pragma: no cover
    from ..io.cases import Case
    from ..verdict.compare import Comparison
    from ..core.config import CompareConfig, Config
    from ..core.report import Report
    from .summarise import Summarised, SystemSpec


@dataclass(frozen=True)
class RunRequest:
    """What to evaluate. ``cases`` and ``config`` are loaded and validated already
    (:func:`evalharness.load_cases`, :func:`evalharness.load_config`).

    ``systems``: on-the-fly summarisers (``--system``), run before scoring; each replaces
    a YAML candidate of its name. ``missing``: system -> case ids a runs file left out
    (``--allow-missing``), recorded in the report. ``baseline``: a report to compare
    with under ``compare`` (default: the config's ``compare`` section); its regression
    gate joins the verdict."""

    cases: Sequence["Case"]
    config: "Config"
    cases_root: Path | None = None
    systems: Sequence["SystemSpec"] = ()
    system_workers: int = 4
    missing: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    baseline: "Report | None" = None
    compare: "CompareConfig | None" = None
    baseline_label: str = "base"
    report_label: str = "new"


@dataclass(frozen=True)
class RunResult:
    """``report`` carries the final gate (the run's own checks and, with a baseline,
    the regression checks); ``comparison`` is None without a baseline; ``fly`` holds the
    on-the-fly summaries (system -> case id -> :class:`evalharness.engine.summarise.Summarised`)
    or None; ``notes`` are the run's warnings (damaged or unwritable caches)."""

    report: "Report"
    comparison: "Comparison | None" = None
    fly: "Mapping[str, Mapping[str, Summarised]] | None" = None
    notes: tuple[str, ...] = ()

    @property
    def gate(self):
        return self.report.gate


def check_request(request: RunRequest) -> None:
    """Everything about the request that can be wrong, checked before any summariser or
    model runs: a ``compare.pair`` naming a system in neither run is an input error."""
    if request.baseline is not None:
        from ..verdict.compare import check_pairs, report_systems
        cases = request.cases
        here = list(dict.fromkeys([s for c in cases for s in c.candidates] + [s.name for s in request.systems]))
        check_pairs(_compare_config(request).pair, here, report_systems(request.baseline))


def _compare_config(request: RunRequest) -> "CompareConfig":
    return request.compare if request.compare is not None else request.config.compare


def run_evaluation(request: RunRequest, *, executor=None, cache=None,
                   progress: Callable[[str, int, int], None] | None = None) -> RunResult:
    """Summarise on the fly, score, record missing summaries, compare with the baseline,
    and build the final gate. ``executor``, ``cache`` (a :class:`evalharness.CachePolicy`)
    and ``progress`` change how the run executes, never a score; the caller owns them
    (and closes the executor)."""
    from .runner import evaluate

    check_request(request)
    cases = list(request.cases)
    fly = None
    failed: dict = {}
    if request.systems:
        from .summarise import failed_calls, summarise_cases, with_summaries
        fly = summarise_cases(request.systems, cases, workers=request.system_workers, cache=cache,
                              progress=progress)
        cases = with_summaries(cases, fly)
        failed = failed_calls(fly)
    report = evaluate(cases, request.config, cases_root=request.cases_root, progress=progress, executor=executor,
                      cache=cache, summarise_errors=failed)
    if request.missing:
        report = dataclasses.replace(report, missing_summaries=dict(request.missing))
    result = judge(report, baseline=request.baseline, compare=_compare_config(request),
                   baseline_label=request.baseline_label, report_label=request.report_label)
    return dataclasses.replace(result, fly=fly)


def judge(report: "Report", *, baseline: "Report | None" = None, compare: "CompareConfig | None" = None,
          baseline_label: str = "base", report_label: str = "new") -> RunResult:
    """The final verdict on ``report`` (a fresh run's or a saved one): its own gate and,
    with ``baseline``, the regression gate of the comparison under ``compare`` (default:
    the ``compare`` section recorded in ``report``). The one place the gate is assembled."""
    comparison = None
    if baseline is not None:
        from ..verdict.compare import compare_reports
        comparison = compare_reports(baseline, report, compare, base_label=baseline_label, new_label=report_label)
    gate = final_gate(report.gate, comparison.gate if comparison is not None else None)
    if gate != report.gate:
        report = dataclasses.replace(report, gate=gate)
    return RunResult(report=report, comparison=comparison, notes=tuple(report.notes))
