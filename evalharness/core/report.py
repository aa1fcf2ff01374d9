"""The report: the one source of truth every renderer, the gate and ``compare`` read.

Versioned and self-describing. Everything that varies between two identical runs
(timings, hostnames, versions, the git state) lives under the ``run`` key, so the
rest is byte-identical for identical inputs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..stats.aggregate import MetricSummary
from .config import RecordedConfig
from ..errors import InputError, type_name
from ..io.paths import atomic_write
from .results import VERDICTS, Claim, TextEnum

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class CandidateResult:
    system: str
    summary: str
    scores: Mapping[str, float]                   # "<scorer>.<metric>" -> value
    not_applicable: Mapping[str, str] = field(default_factory=dict)  # metric -> reason
    claims: tuple[Claim, ...] = ()
    notes: tuple[str, ...] = ()
    errors: Mapping[str, str] = field(default_factory=dict)  # scorer -> message

    @property
    def flagged(self) -> tuple[Claim, ...]:
        return tuple(c for c in self.claims if not c.supported)

    def to_json(self) -> dict:
        return {"system": self.system, "summary": self.summary, "scores": dict(self.scores),
                "not_applicable": dict(self.not_applicable), "claims": [c.to_json() for c in self.claims],
                "notes": list(self.notes), "errors": dict(self.errors)}

    @classmethod
    def from_json(cls, d: Mapping) -> "CandidateResult":
        return cls(system=d["system"], summary=d["summary"], scores=dict(d.get("scores", {})),
                   not_applicable=dict(d.get("not_applicable", {})),
                   claims=tuple(Claim.from_json(c) for c in d.get("claims", ())), notes=tuple(d.get("notes", ())),
                   errors=dict(d.get("errors", {})))


@dataclass(frozen=True)
class CaseResult:
    id: str
    source: str
    references: tuple[str, ...]
    candidates: tuple[CandidateResult, ...]
    file: str | None = None

    def candidate(self, system: str) -> CandidateResult | None:
        return next((c for c in self.candidates if c.system == system), None)

    def to_json(self) -> dict:
        return {"id": self.id, "file": self.file, "source": self.source, "references": list(self.references),
                "candidates": [c.to_json() for c in self.candidates]}

    @classmethod
    def from_json(cls, d: Mapping) -> "CaseResult":
        return cls(id=d["id"], source=d.get("source", ""), references=tuple(d.get("references", ())),
                   candidates=tuple(CandidateResult.from_json(c) for c in d["candidates"]), file=d.get("file"))


class FailureKind(TextEnum):
    """What a gate failure or check comes from. A str enum: equal to, and written as, its value."""

    RULE = "rule"               # a config gate rule
    EXPECT = "expect"           # a case's expectation
    ERROR = "error"             # a scorer or summariser failed on an item; never a pass
    REGRESSION = "regression"   # a comparison rule against the baseline
    GATE = "gate"               # the gate itself (it checked nothing)


def _kind_field(obj) -> None:
    if type(obj.kind) is not FailureKind:   # a report's or a caller's "rule"
        object.__setattr__(obj, "kind", FailureKind(obj.kind))


FAILURE_KINDS = tuple(k.value for k in FailureKind)


@dataclass(frozen=True)
class GateFailure:
    """One reason the gate failed (see :class:`FailureKind`)."""

    kind: FailureKind
    message: str
    rule: str | None = None
    metric: str | None = None
    system: str | None = None
    case_id: str | None = None
    value: float | None = None
    bound: float | None = None

    def __post_init__(self) -> None:
        _kind_field(self)

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in ("kind", "message", "rule", "metric", "system", "case_id", "value",
                                               "bound")}

    @classmethod
    def from_json(cls, d: Mapping) -> "GateFailure":
        return cls(**{k: d.get(k) for k in ("kind", "message", "rule", "metric", "system", "case_id", "value",
                                            "bound")})


@dataclass(frozen=True)
class GateCheck:
    """One (rule, system) or (expectation, case, system) that was checked, passed or not."""

    kind: FailureKind
    name: str
    system: str | None
    case_id: str | None
    passed: bool
    message: str = ""

    def __post_init__(self) -> None:
        _kind_field(self)

    def to_json(self) -> dict:
        return {"kind": self.kind, "name": self.name, "system": self.system, "case_id": self.case_id,
                "passed": self.passed, "message": self.message}

    @classmethod
    def from_json(cls, d: Mapping) -> "GateCheck":
        return cls(kind=d["kind"], name=d["name"], system=d.get("system"), case_id=d.get("case_id"),
                   passed=bool(d["passed"]), message=d.get("message", ""))


@dataclass(frozen=True)
class GateResult:
    passed: bool
    failures: tuple[GateFailure, ...] = ()
    checks: tuple[GateCheck, ...] = ()

    @property
    def has_errors(self) -> bool:
        return any(f.kind == FailureKind.ERROR for f in self.failures)

    def to_json(self) -> dict:
        return {"passed": self.passed, "failures": [f.to_json() for f in self.failures],
                "checks": [c.to_json() for c in self.checks]}

    @classmethod
    def from_json(cls, d: Mapping) -> "GateResult":
        return cls(passed=bool(d["passed"]), failures=tuple(GateFailure.from_json(f) for f in d.get("failures", ())),
                   checks=tuple(GateCheck.from_json(c) for c in d.get("checks", ())))


@dataclass(frozen=True)
class Report:
    signatures: Mapping[str, str]
    metrics: Mapping[str, bool]                              # metric -> higher is better
    systems: Mapping[str, Mapping[str, MetricSummary]]       # system -> metric -> summary
    cases: tuple[CaseResult, ...]
    gate: GateResult
    config: RecordedConfig = field(default_factory=RecordedConfig)   # given as its JSON, it is parsed
    run: Mapping[str, Any] = field(default_factory=dict)     # timings and provenance: not deterministic
    headline: tuple[str, ...] = ()                           # metrics shown first by renderers
    schema_version: int = SCHEMA_VERSION
    notes: tuple[str, ...] = ()                              # e.g. damaged cache entries; omitted when none
    # system -> the case ids its runs file left out (accepted with --allow-missing / run.allow_missing)
    missing_summaries: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.config, RecordedConfig):   # the run's or a report file's JSON
            object.__setattr__(self, "config", RecordedConfig.from_json(self.config))

    @property
    def system_names(self) -> tuple[str, ...]:
        return tuple(self.systems)

    def to_json(self) -> dict:
        return {
            "schema_version": self.schema_version,
            "tool": "evalharness",
            "signatures": dict(self.signatures),
            "metrics": {m: {"higher_is_better": hib} for m, hib in self.metrics.items()},
            "headline": list(self.headline),
            "systems": {s: {m: v.to_json() for m, v in ms.items()} for s, ms in self.systems.items()},
            "cases": [c.to_json() for c in self.cases],
            "gate": self.gate.to_json(),
            **({"notes": list(self.notes)} if self.notes else {}),
            **({"missing_summaries": {s: list(ids) for s, ids in self.missing_summaries.items()}}
               if self.missing_summaries else {}),
            "config": self.config.to_json(),
            "run": self.run,   # last: everything before it is deterministic
        }

    @classmethod
    def from_json(cls, d: Mapping) -> "Report":
        return cls(
            schema_version=int(d["schema_version"]), signatures=dict(d["signatures"]),
            metrics={m: bool(v["higher_is_better"]) for m, v in d.get("metrics", {}).items()},
            systems={s: {m: MetricSummary(**v) for m, v in ms.items()} for s, ms in d["systems"].items()},
            cases=tuple(CaseResult.from_json(c) for c in d["cases"]), gate=GateResult.from_json(d["gate"]),
            config=d.get("config", {}), run=d.get("run", {}), headline=tuple(d.get("headline", ())),
            notes=tuple(d.get("notes", ())),
            missing_summaries={s: tuple(ids) for s, ids in d.get("missing_summaries", {}).items()},
        )


def dumps(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_report(report: Report, path: Path) -> None:
    atomic_write(path, dumps(report))


def read_report(path: Path | str) -> Report:
    path = Path(path)
    from ..io.safe_yaml import read_text
    text = read_text(path, what="report")
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"not a JSON report: {exc.msg}", file=str(path), line=exc.lineno) from None
    except _BadConstant as exc:
        raise InputError(f"not a valid report: {exc} is not a JSON number (scores must be finite)",
                         file=str(path)) from None
    except RecursionError:
        raise InputError("not a valid report: the JSON nests too deeply", file=str(path)) from None
    if not isinstance(data, dict) or data.get("tool") != "evalharness":
        raise InputError("not an evalharness report (no \"tool\": \"evalharness\")", file=str(path))
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        raise InputError(f"report schema_version {version!r} is not supported (this evalharness reads "
                         f"{SCHEMA_VERSION}, an integer)", file=str(path), field="schema_version")
    try:
        validate_report_json(data)
    except _Invalid as exc:
        raise InputError(exc.message, file=str(path), field=exc.field) from None
    try:
        return Report.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed report: {exc!r}", file=str(path)) from None


class _BadConstant(ValueError):
    pass


def _refuse_constant(name: str):
    raise _BadConstant(name)


class _Invalid(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message


def _expect(ok: bool, field: str, what: str, value: Any) -> None:
    if not ok:
        shown = f" ({value!r})" if isinstance(value, (str, int, float)) and len(repr(value)) < 40 else ""
        raise _Invalid(field, f"must be {what}, got {type_name(value)}{shown}")


MAX_MAGNITUDE = 1e15  # no metric comes near it; beyond it a paired difference could overflow to inf


def _num(v: Any, field: str, *, null: bool = False) -> None:
    import math
    if v is None and null:
        return
    _expect(type(v) in (int, float), field, "a number" + (" or null" if null else ""), v)
    _expect(math.isfinite(v) and abs(v) <= MAX_MAGNITUDE, field, f"a number within \u00b1{MAX_MAGNITUDE:g}", v)


def _str(v: Any, field: str, *, null: bool = False) -> None:
    _expect(isinstance(v, str) or (null and v is None), field, "text" + (" or null" if null else ""), v)


def _map(v: Any, field: str) -> dict:
    _expect(isinstance(v, dict), field, "a mapping", v)
    return v


def _list(v: Any, field: str) -> list:
    _expect(isinstance(v, list), field, "a list", v)
    return v


def _bool(v: Any, field: str) -> None:
    _expect(type(v) is bool, field, "true or false", v)


def _span(d: Any, f: str) -> None:
    d = _map(d, f)
    _str(d.get("text"), f"{f}.text")
    for k in ("start", "end"):
        _expect(type(d.get(k)) is int, f"{f}.{k}", "an integer", d.get(k))


def validate_report_json(d: Mapping) -> None:
    """Check a report's JSON before anything reads it: every type, every number finite,
    every verdict a real boolean. A hand-edited or corrupted report is refused (exit 2,
    naming the field), never rendered or compared with made-up values."""
    for k, v in _map(d.get("signatures"), "signatures").items():
        _str(v, f"signatures.{k}")
    for m, v in _map(d.get("metrics", {}), "metrics").items():
        _bool(_map(v, f"metrics.{m}").get("higher_is_better"), f"metrics.{m}.higher_is_better")
    for i, h in enumerate(_list(d.get("headline", []), "headline")):
        _str(h, f"headline[{i}]")
    for s, ms in _map(d.get("systems"), "systems").items():
        for m, v in _map(ms, f"systems.{s}").items():
            f = f"systems.{s}.{m}"
            v = _map(v, f)
            for k in ("mean", "ci_low", "ci_high"):
                _num(v.get(k), f"{f}.{k}")
            _expect(type(v.get("n")) is int and v["n"] >= 0, f"{f}.n", "a count", v.get("n"))
            extra = set(v) - {"mean", "ci_low", "ci_high", "n"}
            if extra:
                raise _Invalid(f, f"unknown key '{sorted(extra)[0]}'")
    for i, c in enumerate(_list(d.get("cases"), "cases")):
        f = f"cases[{i}]"
        c = _map(c, f)
        _str(c.get("id"), f"{f}.id")
        _str(c.get("source", ""), f"{f}.source")
        _str(c.get("file"), f"{f}.file", null=True)
        for j, r in enumerate(_list(c.get("references", []), f"{f}.references")):
            _str(r, f"{f}.references[{j}]")
        for j, cand in enumerate(_list(c.get("candidates"), f"{f}.candidates")):
            g = f"{f}.candidates[{j}]"
            cand = _map(cand, g)
            _str(cand.get("system"), f"{g}.system")
            _str(cand.get("summary"), f"{g}.summary")
            for m, v in _map(cand.get("scores", {}), f"{g}.scores").items():
                _num(v, f"{g}.scores.{m}")
            for key in ("not_applicable", "errors"):
                for m, v in _map(cand.get(key, {}), f"{g}.{key}").items():
                    _str(v, f"{g}.{key}.{m}")
            for k, n in enumerate(_list(cand.get("notes", []), f"{g}.notes")):
                _str(n, f"{g}.notes[{k}]")
            for k, cl in enumerate(_list(cand.get("claims", []), f"{g}.claims")):
                h = f"{g}.claims[{k}]"
                _span(cl, h)
                _bool(cl.get("supported"), f"{h}.supported")
                _num(cl.get("score"), f"{h}.score")
                if "verdict" in cl:
                    _expect(cl["verdict"] in VERDICTS, f"{h}.verdict", f"one of {', '.join(VERDICTS)}", cl["verdict"])
                if cl.get("evidence") is not None:
                    _span(cl["evidence"], f"{h}.evidence")
                for q, sp in enumerate(_list(cl.get("unsupported_spans", []), f"{h}.unsupported_spans")):
                    _span(sp, f"{h}.unsupported_spans[{q}]")
                for q, r in enumerate(_list(cl.get("reasons", []), f"{h}.reasons")):
                    _str(r, f"{h}.reasons[{q}]")
                for q, r in enumerate(_list(cl.get("checks", []), f"{h}.checks")):
                    _str(r, f"{h}.checks[{q}]")
    gate = _map(d.get("gate"), "gate")
    _bool(gate.get("passed"), "gate.passed")
    for i, fl in enumerate(_list(gate.get("failures", []), "gate.failures")):
        f = f"gate.failures[{i}]"
        fl = _map(fl, f)
        _expect(fl.get("kind") in FAILURE_KINDS, f"{f}.kind", f"one of {', '.join(FAILURE_KINDS)}", fl.get("kind"))
        _str(fl.get("message"), f"{f}.message")
        for k in ("rule", "metric", "system", "case_id"):
            _str(fl.get(k), f"{f}.{k}", null=True)
        for k in ("value", "bound"):
            _num(fl.get(k), f"{f}.{k}", null=True)
    for i, ch in enumerate(_list(gate.get("checks", []), "gate.checks")):
        f = f"gate.checks[{i}]"
        ch = _map(ch, f)
        _expect(ch.get("kind") in FAILURE_KINDS, f"{f}.kind", f"one of {', '.join(FAILURE_KINDS)}", ch.get("kind"))
        _str(ch.get("name"), f"{f}.name")
        _bool(ch.get("passed"), f"{f}.passed")
        for k in ("system", "case_id"):
            _str(ch.get(k), f"{f}.{k}", null=True)
        _str(ch.get("message", ""), f"{f}.message")
    _map(d.get("config", {}), "config")
    _map(d.get("run", {}), "run")
    if gate["passed"] and gate.get("failures"):
        raise _Invalid("gate.passed", "is true while gate.failures lists failures")
