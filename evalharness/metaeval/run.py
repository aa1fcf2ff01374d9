"""Meta-eval plumbing: read labelled rows, score them (with a small on-disk cache
of per-row scores), and hand the numbers to :mod:`evalharness.metaeval.metrics`.

Rows are ``{"id", "dataset", "source", "summary", "label", "split"?}`` per JSONL
line; other keys are provenance and are ignored.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..errors import CaseError, InputError, ScorerError, type_name
from ..core.results import ScoreItem

REQUIRED = ("id", "dataset", "source", "summary", "label")


@dataclass(frozen=True)
class LabelledRow:
    id: str
    dataset: str
    source: str
    summary: str
    label: int
    split: str | None
    file: str
    line: int
    #: substrings of the summary that annotators marked wrong (optional; span-level meta-eval)
    error_spans: tuple[str, ...] = ()


def load_labelled(path: Path | str) -> list[LabelledRow]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseError("labelled data file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseError(f"cannot read labelled data file: {exc}", file=str(path)) from None
    rows: list[LabelledRow] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = {"file": str(path), "line": lineno}
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CaseError(f"invalid JSON: {exc.msg}", **where) from None
        if not isinstance(row, dict):
            raise CaseError(f"each line must be a JSON object, got {type_name(row)}", **where)
        for key in REQUIRED:
            if key not in row:
                raise CaseError("missing required field", field=key, **where)
        for key in ("id", "dataset"):
            v = row[key]
            if isinstance(v, bool) or not isinstance(v, (str, int)) or not str(v).strip():
                raise CaseError(f"must be non-empty text, got {type_name(v)}", field=key, **where)
        for key in ("source", "summary"):
            v = row[key]
            if not isinstance(v, str):
                raise CaseError(f"must be text, got {type_name(v)}", field=key, **where)
            if not v.strip():
                raise CaseError("must not be empty", field=key, **where)
        label = row["label"]
        if isinstance(label, bool):
            label = int(label)
        if label not in (0, 1) or isinstance(label, float) and not float(label).is_integer():
            raise CaseError(f"must be 0 (inconsistent) or 1 (consistent), got {json.dumps(label)}",
                            field="label", **where)
        split = row.get("split")
        if split is not None and not isinstance(split, str):
            raise CaseError(f"must be text, got {type_name(split)}", field="split", **where)
        spans = row.get("error_spans", [])
        if spans is None:
            spans = []
        if not isinstance(spans, list) or not all(isinstance(x, str) and x.strip() for x in spans):
            raise CaseError("must be a list of non-empty texts (substrings of the summary)", field="error_spans",
                            **where)
        for x in spans:
            if x not in row["summary"]:
                raise CaseError(f"'{x[:60]}' does not occur in the summary", field="error_spans", **where)
        if spans and int(label) == 1:
            raise CaseError("a consistent row (label 1) cannot carry error spans", field="error_spans", **where)
        rid = str(row["id"])
        if rid in seen:
            raise CaseError(f"duplicate id '{rid}' (first on line {seen[rid]})", field="id", **where)
        seen[rid] = lineno
        rows.append(LabelledRow(rid, str(row["dataset"]), row["source"], row["summary"], int(label), split,
                                str(path), lineno, tuple(spans)))
    if not rows:
        raise CaseError("labelled data file holds no rows", file=str(path))
    return rows


def row_key(signature: str, source: str, summary: str) -> str:
    h = hashlib.sha256()
    for part in (signature, source, summary):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


class RowScoreCache:
    """Per-row results (score and flagged spans) in the ``metaeval-rows`` namespace of
    the one store, keyed by (scorer signature, source, summary); written batch by batch,
    so an interrupted run keeps what it finished. A stored value that does not parse, or
    whose score is not a finite number, is dropped and recomputed. Swappable: anything
    with ``get(key)`` and ``put(dict)`` works."""

    NAMESPACE = "metaeval-rows"

    def __init__(self, policy, signature: str) -> None:
        self._ns = policy.open(self.NAMESPACE)
        self.tag = signature.split("|", 1)[0]
        self._data: dict[str, RowScore] = {}

    def prefetch(self, keys: Iterable[str]) -> None:
        """Read the stored values of ``keys`` in one pass (``get`` then answers from memory)."""
        if self._ns is None:
            return
        bad = []
        for k, (value, _) in self._ns.get(keys).items():
            row = RowScore.decode(value)
            if row is None:
                bad.append(k)
            else:
                self._data[k] = row
        self._ns.reject(bad)

    def get(self, key: str) -> "RowScore | None":
        return self._data.get(key)

    def put(self, values: "dict[str, RowScore]") -> None:
        values = {k: v for k, v in values.items() if math.isfinite(v.score)}
        if not values or self._ns is None:
            return
        self._data.update(values)
        self._ns.put([(k, self.tag, v.encode(), "") for k, v in values.items()])

    def close(self) -> None:
        if self._ns is not None:
            self._ns.close()


@dataclass(frozen=True)
class RowScore:
    """One row's score (higher = more consistent) and the character spans of the summary
    its flagged claims blame (None when the scorer flags no claims at all, e.g. rouge)."""

    score: float
    flags: tuple[tuple[int, int], ...] | None = None

    def encode(self) -> bytes:
        flags = [list(x) for x in self.flags] if self.flags is not None else None
        return json.dumps({"v": repr(self.score), "f": flags}).encode("ascii")

    @classmethod
    def decode(cls, value: bytes) -> "RowScore | None":
        """The stored row, or None for anything that is not one with a finite score."""
        try:
            rec = json.loads(value.decode("ascii"))
            score = float(rec["v"])
            flags = rec["f"]
            flags = tuple((int(a), int(b)) for a, b in flags) if flags is not None else None
        except (ValueError, UnicodeDecodeError, KeyError, TypeError):
            return None
        return cls(score, flags) if math.isfinite(score) else None


def pick_metric(scorer) -> str:
    if "score" in scorer.higher_is_better:
        return "score"
    if scorer.default_metrics:
        return scorer.default_metrics[0]
    return next(iter(scorer.higher_is_better))


def score_rows(scorer, rows: Sequence[LabelledRow], metric: str, *, cache=None, batch_size: int = 64,
               progress: Callable[[int, int], None] | None = None) -> list[RowScore]:
    """One score per row (higher = more consistent) with its flagged spans. Rows sharing a
    source are batched together, so each source is cut and encoded once per batch."""
    signature = scorer.signature()
    keys = [row_key(signature, r.source, r.summary) for r in rows]
    if cache is not None and hasattr(cache, "prefetch"):
        cache.prefetch(keys)
    out: list[RowScore | None] = [cache.get(k) if cache is not None else None for k in keys]
    todo = [i for i, v in enumerate(out) if v is None]
    # group by source, keeping first-seen order of sources
    first: dict[str, int] = {}
    for i in todo:
        first.setdefault(rows[i].source, i)
    todo.sort(key=lambda i: (first[rows[i].source], i))
    done = len(rows) - len(todo)
    if progress:
        progress(done, len(rows))
    higher = scorer.higher_is_better.get(metric, True)
    for b in range(0, len(todo), batch_size):
        idx = todo[b:b + batch_size]
        items = [ScoreItem(rows[i].id, "summary", rows[i].source, rows[i].summary) for i in idx]
        try:
            results = scorer.score_batch(items)
        except ScorerError:
            raise
        except Exception as exc:  # noqa: BLE001 - surfaced as exit 3
            raise ScorerError(f"{type(exc).__name__}: {exc}", scorer=scorer.name) from exc
        fresh = {}
        for i, res in zip(idx, results):
            if isinstance(res, BaseException):  # a row the scorer could not score: never a pass
                raise res if isinstance(res, ScorerError) else ScorerError(
                    f"row '{rows[i].id}': {type(res).__name__}: {res}", scorer=scorer.name)
            if metric in res.scores:
                v = float(res.scores[metric])
            elif metric in res.not_applicable:
                # never a made-up number (such as 0.5 for every row, which reads as AUC 50)
                r = rows[i]
                raise InputError(f"{scorer.name}.{metric} is not applicable to row '{r.id}': "
                                 f"{res.not_applicable[metric]}; meta-eval needs a value for every row"
                                 + (" (labelled rows have no references: measure a scorer that reads the "
                                    "source, such as support)" if "reference" in res.not_applicable[metric] else ""),
                                 file=r.file, line=r.line)
            else:
                raise ScorerError(f"gave no '{metric}' for row '{rows[i].id}'", scorer=scorer.name)
            v = v if higher else -v
            flags = None
            if res.claims:
                flags = tuple((sp.start, sp.end) for c in res.claims if not c.supported
                              for sp in (c.unsupported_spans or (c,)))
            out[i] = fresh[keys[i]] = RowScore(v, flags)
        if cache is not None:
            cache.put(fresh)
        done += len(idx)
        if progress:
            progress(done, len(rows))
    return [v for v in out if v is not None]


def error_offsets(row: LabelledRow) -> tuple[tuple[int, int], ...]:
    """Every occurrence of each annotated error span in the row's summary."""
    out = []
    for x in row.error_spans:
        i = row.summary.find(x)
        while i >= 0:
            out.append((i, i + len(x)))
            i = row.summary.find(x, i + 1)
    return tuple(out)


def load_all(paths: Iterable[Path | str]) -> list[LabelledRow]:
    rows: list[LabelledRow] = []
    for p in paths:
        rows.extend(load_labelled(p))
    seen: dict[tuple[str, str], LabelledRow] = {}
    for r in rows:
        k = (r.dataset, r.id)
        if k in seen and seen[k].file != r.file:
            raise CaseError(f"duplicate id '{r.id}' in dataset '{r.dataset}' (also in {seen[k].file}:"
                            f"{seen[k].line})", file=r.file, line=r.line, field="id")
        seen[k] = r
    return rows
