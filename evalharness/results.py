"""Typed, immutable results shared by scorers, aggregation and reports.

Offsets are Python string indices: ``summary[start:end] == text`` for claims and
unsupported spans, ``source[start:end] == text`` for evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

# Claim verdicts. "error" means the backend could not give a valid verdict; it
# never counts as supported.
SUPPORTED = "supported"
UNSUPPORTED = "unsupported"
CONTRADICTED = "contradicted"
ERROR = "error"
VERDICTS = (SUPPORTED, UNSUPPORTED, CONTRADICTED, ERROR)


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
    verdict: str = SUPPORTED
    reasons: tuple[str, ...] = ()
    #: the detector's explicit checks that flagged it (e.g. "novel_number"); empty when the
    #: claim is supported or its backend does not name checks
    checks: tuple[str, ...] = ()

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
