"""The report: the one source of truth every renderer, the gate and ``compare`` read.

Versioned and self-describing. Everything that varies between two identical runs
(timings, hostnames, versions, the git state) lives under the ``run`` key, so the
rest is byte-identical for identical inputs.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .aggregate import MetricSummary
from .errors import InputError
from .results import Claim

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


@dataclass(frozen=True)
class GateFailure:
    """One reason the gate failed. ``kind`` is "rule" (a config gate rule),
    "expect" (a case's expectation) or "error" (a scorer failed; never a pass)."""

    kind: str
    message: str
    rule: str | None = None
    metric: str | None = None
    system: str | None = None
    case_id: str | None = None
    value: float | None = None
    bound: float | None = None

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

    kind: str
    name: str
    system: str | None
    case_id: str | None
    passed: bool
    message: str = ""

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
        return any(f.kind == "error" for f in self.failures)

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
    config: Mapping[str, Any] = field(default_factory=dict)
    run: Mapping[str, Any] = field(default_factory=dict)     # timings and provenance: not deterministic
    headline: tuple[str, ...] = ()                           # metrics shown first by renderers
    schema_version: int = SCHEMA_VERSION
    notes: tuple[str, ...] = ()                              # e.g. damaged cache entries; omitted when none
    # system -> the case ids its runs file left out (accepted with --allow-missing / run.allow_missing)
    missing_summaries: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

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
            "config": self.config,
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


def atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the mode open() would
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_report(report: Report, path: Path) -> None:
    atomic_write(path, dumps(report))


def read_report(path: Path | str) -> Report:
    path = Path(path)
    from ._yaml import read_text
    text = read_text(path, what="report")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not a JSON report: {exc.msg}", file=str(path), line=exc.lineno) from None
    if not isinstance(data, dict) or data.get("tool") != "evalharness":
        raise InputError("not an evalharness report (no \"tool\": \"evalharness\")", file=str(path))
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise InputError(f"report schema_version {version!r} is not supported (this evalharness reads "
                         f"{SCHEMA_VERSION})", file=str(path), field="schema_version")
    try:
        return Report.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed report: {exc!r}", file=str(path)) from None
