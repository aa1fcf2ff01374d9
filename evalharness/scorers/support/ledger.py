"""A precision ledger: how often each check fires on faithful and on unfaithful summaries,
per dataset, and where the rows carry annotated error spans, how often the words the
check blames land on one.

Pure functions over per-row check firings, so the same arithmetic serves the training
script (which decides from it which checks may flag a claim on their own, see
:func:`hard_rule`) and ``meta-eval`` (which prints it, see :func:`render_ledger`).

Definitions (per dataset and check):

- a *firing* is a row on which the check fired on at least one claim (a check firing on two
  claims of one summary counts once);
- ``fire_faithful`` = firings on faithful rows (label 1) / faithful rows, and
  ``fire_unfaithful`` likewise on unfaithful rows;
- in a dataset whose rows carry ``error_spans``, a firing *hits* when the check's blamed words
  on that row overlap an annotated span (character overlap). ``span_hit`` = hits / firings, all
  firings counted (a firing on a faithful row blames words that are no error, so it is a miss).

The rule (issue 21): a check may be *hard* (force a flag on its own) only if, in every dataset
with at least ``min_faithful`` (20) faithful rows, it fires on at most ``max_fire`` (3%) of
the faithful rows, and in every such dataset with spans its ``span_hit`` is at least
``min_hit`` (60%) when it fired there at all.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Iterable, Mapping, Sequence

#: the rule's parameters (issue 21)
MIN_FAITHFUL = 20
MAX_FIRE = 0.03
MIN_HIT = 0.60


@dataclass(frozen=True)
class RowFirings:
    """One labelled row and what the checks did on it: ``firings`` maps a check name to the
    character spans (start, end) of the summary words it blamed (an empty tuple when it fired
    without blaming words). Checks that did not fire are absent."""

    dataset: str
    label: int
    firings: Mapping[str, tuple] = field(default_factory=dict)
    error_spans: tuple = ()          # (start, end) of the annotated errors in the summary
    has_spans: bool = False          # the row's dataset annotates error spans


@dataclass
class CheckStats:
    faithful: int = 0            # faithful rows in the dataset
    unfaithful: int = 0
    fired_faithful: int = 0
    fired_unfaithful: int = 0
    span_firings: int = 0        # firings in rows of a dataset with spans
    span_hits: int = 0

    @property
    def fire_faithful(self) -> float | None:
        return self.fired_faithful / self.faithful if self.faithful else None

    @property
    def fire_unfaithful(self) -> float | None:
        return self.fired_unfaithful / self.unfaithful if self.unfaithful else None

    @property
    def span_hit(self) -> float | None:
        return self.span_hits / self.span_firings if self.span_firings else None


@dataclass
class Ledger:
    """``stats[dataset][check]``; ``checks`` in display order; ``spans[dataset]`` says whether
    that dataset's rows carry error spans."""

    checks: tuple[str, ...]
    stats: dict[str, dict[str, CheckStats]]
    spans: dict[str, bool]

    def to_json(self) -> dict:
        return {"checks": list(self.checks), "spans": dict(self.spans),
                "stats": {d: {c: asdict(s) for c, s in per.items()} for d, per in self.stats.items()}}

    @classmethod
    def from_json(cls, data: Mapping) -> "Ledger":
        return cls(tuple(data["checks"]), {d: {c: CheckStats(**s) for c, s in per.items()}
                                           for d, per in data["stats"].items()}, dict(data["spans"]))


def overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def build_ledger(rows: Iterable[RowFirings], checks: Sequence[str]) -> Ledger:
    """The ledger of ``checks`` over ``rows`` (see the module docstring for the definitions)."""
    stats: dict[str, dict[str, CheckStats]] = {}
    spans: dict[str, bool] = {}
    for r in rows:
        per = stats.setdefault(r.dataset, {c: CheckStats() for c in checks})
        spans[r.dataset] = spans.get(r.dataset, False) or r.has_spans
        for c in checks:
            s = per[c]
            if r.label == 1:
                s.faithful += 1
            else:
                s.unfaithful += 1
            if c not in r.firings:
                continue
            if r.label == 1:
                s.fired_faithful += 1
            else:
                s.fired_unfaithful += 1
            if r.has_spans:
                s.span_firings += 1
                if r.label == 0 and any(overlaps(b, e) for b in r.firings[c] for e in r.error_spans):
                    s.span_hits += 1
    return Ledger(tuple(checks), dict(sorted(stats.items())), spans)


def char_spans(summary: str, phrases: Iterable[str]) -> tuple:
    """(start, end) of every occurrence of each annotated phrase in the summary."""
    out = []
    for p in phrases:
        k = summary.find(p) if p else -1
        while k >= 0:
            out.append((k, k + len(p)))
            k = summary.find(p, k + 1)
    return tuple(out)


def ledger_rows(rows, analysed, checks: Sequence[str] | None = None, group=None) -> Ledger:
    """The ledger of labelled rows as the embedding backend judged them.

    ``rows``: objects with ``dataset``, ``label``, ``summary`` and optionally ``error_spans``
    (e.g. ``metaeval_run.LabelledRow``); ``analysed``: for each row, what
    ``EmbeddingBackend.analyse`` returned for it (a list of ``(span, ClaimCheck, evidence)``);
    ``checks``: which checks to count (default: every error check of the registry);
    ``group``: a function of a row giving its ledger dataset (default: ``row.dataset``)."""
    from .checks import ERROR_CHECKS
    checks = tuple(checks) if checks is not None else ERROR_CHECKS
    out = []
    for r, judged in zip(rows, analysed):
        firings: dict[str, list] = {}
        for _span, chk, _ev in judged:
            for c in checks:
                if chk.values.get(c, 0.0) > 0:
                    firings.setdefault(c, []).extend(chk.blamed_spans(c))
        err = tuple(getattr(r, "error_spans", ()) or ())
        out.append(RowFirings(group(r) if group else r.dataset, int(r.label),
                              {c: tuple(v) for c, v in firings.items()}, char_spans(r.summary, err), bool(err)))
    # a dataset carries spans when any of its rows does (its faithful rows then carry none)
    with_spans = {x.dataset for x in out if x.has_spans}
    out = [RowFirings(x.dataset, x.label, x.firings, x.error_spans, x.dataset in with_spans) for x in out]
    return build_ledger(out, checks)


def measure_ledger(rows, scorer=None, checks: Sequence[str] | None = None, group=None,
                   batch_size: int = 64) -> Ledger:
    """Run the embedding backend's checks on labelled rows (objects with ``id``, ``dataset``,
    ``source``, ``summary``, ``label`` and optionally ``error_spans``) and return their ledger.
    ``scorer``: a ``SupportScorer`` with the embedding backend (default: the default one)."""
    from ...core.results import ScoreItem
    from . import SupportScorer
    scorer = scorer or SupportScorer()
    if scorer.options.backend != "embedding":
        raise ValueError("the precision ledger reads the embedding backend's checks")
    backend = scorer.backend()
    backend = backend.impl() if hasattr(backend, "impl") else backend  # the checks' owner behind the Backend adapter
    rows = list(rows)
    analysed = []
    for b in range(0, len(rows), batch_size):
        chunk = rows[b:b + batch_size]
        analysed += backend.analyse([ScoreItem(str(r.id), "ledger", r.source, r.summary) for r in chunk])
    return ledger_rows(rows, analysed, checks, group)


def hard_rule(ledger: Ledger, min_faithful: int = MIN_FAITHFUL, max_fire: float = MAX_FIRE,
              min_hit: float = MIN_HIT) -> dict[str, list[str]]:
    """check -> the reasons it may not be hard (empty: it may). Datasets with fewer than
    ``min_faithful`` faithful rows are not judged; a dataset with spans on which the check
    never fired does not count against it."""
    out: dict[str, list[str]] = {}
    for c in ledger.checks:
        why = []
        for d, per in ledger.stats.items():
            s = per[c]
            if s.faithful < min_faithful:
                continue
            if s.fire_faithful is not None and s.fire_faithful > max_fire + 1e-12:
                why.append(f"{d}: fires on {s.fired_faithful}/{s.faithful} faithful rows "
                           f"({100 * s.fire_faithful:.1f}% > {100 * max_fire:g}%)")
            if ledger.spans.get(d) and s.span_hit is not None and s.span_hit < min_hit - 1e-12:
                why.append(f"{d}: blamed words on an error span in {s.span_hits}/{s.span_firings} firings "
                           f"({100 * s.span_hit:.0f}% < {100 * min_hit:g}%)")
        out[c] = why
    return out


def hard_checks(ledger: Ledger, **rule) -> tuple[str, ...]:
    """The checks the rule lets force a flag on their own, in ledger order."""
    verdict = hard_rule(ledger, **rule)
    return tuple(c for c in ledger.checks if not verdict[c])


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f}"


def render_ledger(ledger: Ledger, hard: Iterable[str] | None = None) -> str:
    """A plain-text table: per check and dataset, the fire rates on faithful and unfaithful
    rows (percent, with counts) and, where the dataset has spans, the span hits. With
    ``hard``, marks the checks that force a flag on their own."""
    hard = set(hard or ())
    lines = ["precision ledger: per check and dataset, % of faithful rows it fires on (F), % of unfaithful "
             "rows (U), and where rows carry error spans, firings whose blamed words hit a span (hits)"]
    head = f"  {'check':<20} {'dataset':<24} {'F %':>6} {'(n)':>9} {'U %':>6} {'(n)':>9} {'hits':>9}"
    lines.append(head)
    for c in ledger.checks:
        for k, (d, per) in enumerate(ledger.stats.items()):
            s = per[c]
            name = (c + (" [hard]" if c in hard else "")) if k == 0 else ""
            hits = f"{s.span_hits}/{s.span_firings}" if ledger.spans.get(d) else ""
            lines.append(f"  {name:<20} {d:<24} {_pct(s.fire_faithful):>6} "
                         f"{f'{s.fired_faithful}/{s.faithful}':>9} {_pct(s.fire_unfaithful):>6} "
                         f"{f'{s.fired_unfaithful}/{s.unfaithful}':>9} {hits:>9}")
    return "\n".join(lines)


def dump(ledger: Ledger) -> str:
    return json.dumps(ledger.to_json(), indent=1, sort_keys=True) + "\n"
