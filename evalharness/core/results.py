"""Typed, immutable results shared by scorers, aggregation and reports.

Offsets are Python string indices: ``summary[start:end] == text`` for claims and
unsupported spans, ``source[start:end] == text`` for evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Mapping

class TextEnum(str, Enum):
    """A str enum that compares equal to, and is written in JSON and text as, its value."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:   # f"{v}" is the value on every Python version
        return format(self.value, spec)


class Verdict(TextEnum):
    """A claim's verdict. ``ERROR`` means the backend could not give a valid verdict; it
    never counts as supported. A str enum: it compares equal to, and is written in JSON
    and text as, its value ("supported")."""

    SUPPORTED = "supported"
    UNSUPPORTED = "unsupported"
    CONTRADICTED = "contradicted"
    ERROR = "error"


SUPPORTED, UNSUPPORTED, CONTRADICTED, ERROR = Verdict
VERDICTS = tuple(v.value for v in Verdict)


class MetricKey(str):
    """A metric's key, ``<scorer>.<metric>`` ("rouge.rougeL", "support.supported_rate"). A str,
    so it is a dict key and a JSON string as it is; ``scorer`` and ``metric`` are its parts."""

    __slots__ = ()

    def __new__(cls, key: str) -> "MetricKey":
        if "." not in key or key.startswith(".") or key.endswith("."):
            raise ValueError(f"a metric key is '<scorer>.<metric>', got '{key}'")
        return super().__new__(cls, key)

    @classmethod
    def of(cls, scorer: str, metric: str) -> "MetricKey":
        return cls(f"{scorer}.{metric}")

    @property
    def scorer(self) -> str:
        return self.partition(".")[0]

    @property
    def metric(self) -> str:
        return self.partition(".")[2]


#: the scorer that finds claims (the detector); rules about flags and claims need it
SUPPORT = "support"


@dataclass(frozen=True)
class Span:
    text: str
    start: int
    end: int

    def to_json(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}

    @classmethod
    def from_json(cls, d: Mapping) -> "Span":
        return cls(text=d["text"], start=int(d["start"]), end=int(d["end"]))


@dataclass(frozen=True)
class Claim:
    """One claim of a summary with its verdict, evidence and offending words."""

    text: str
    start: int
    end: int
    supported: bool
    score: float
    evidence: Span | None
    unsupported_spans: tuple[Span, ...] = ()
    verdict: Verdict = Verdict.SUPPORTED
    reasons: tuple[str, ...] = ()
    #: the detector's explicit checks that flagged it (e.g. "novel_number"); empty when the
    #: claim is supported or its backend does not name checks
    checks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if type(self.verdict) is not Verdict:   # a backend's or a report's "unsupported"
            object.__setattr__(self, "verdict", Verdict(self.verdict))

    def to_json(self) -> dict:
        return {
            "text": self.text, "start": self.start, "end": self.end,
            "supported": self.supported, "score": self.score, "verdict": self.verdict,
            "evidence": self.evidence.to_json() if self.evidence else None,
            "unsupported_spans": [s.to_json() for s in self.unsupported_spans],
            "reasons": list(self.reasons),
            **({"checks": list(self.checks)} if self.checks else {}),
        }

    @classmethod
    def from_json(cls, d: Mapping) -> "Claim":
        return cls(text=d["text"], start=int(d["start"]), end=int(d["end"]), supported=bool(d["supported"]),
                   score=float(d["score"]), evidence=Span.from_json(d["evidence"]) if d.get("evidence") else None,
                   unsupported_spans=tuple(Span.from_json(s) for s in d.get("unsupported_spans", ())),
                   verdict=d.get("verdict", SUPPORTED if d["supported"] else UNSUPPORTED),
                   reasons=tuple(d.get("reasons", ())), checks=tuple(d.get("checks", ())))


@dataclass(frozen=True)
class ScoreItem:
    """One thing to score: a candidate summary of a case, with its source and references."""

    case_id: str
    system: str
    source: str
    summary: str
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemScore:
    """What one scorer says about one item.

    ``scores`` maps metric name (without the scorer prefix) to a finite float.
    A metric that is undefined for this item is absent from ``scores`` and present
    in ``not_applicable`` with the reason.
    """

    scores: Mapping[str, float]
    not_applicable: Mapping[str, str] = field(default_factory=dict)
    claims: tuple[Claim, ...] = ()
    notes: tuple[str, ...] = ()
