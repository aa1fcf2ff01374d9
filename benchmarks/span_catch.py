"""Planted errors caught and faithful rows left clean, per file and split, for labelled rows
that carry ``error_spans`` (``../shared/bench/genres``, ``genres2``, ``benchmarks/data/synthetic_*``).

A planted error is *caught* when a flagged claim's blamed words (or the whole flagged claim,
where no words are blamed) overlap one of the row's error spans; a faithful row is *clean* when
no claim of it is flagged. This is the figure the issue's targets are stated in; meta-eval
prints the same per dataset ("errors hit", "clean flagged").

    python benchmarks/span_catch.py benchmarks/data/synthetic_genres.jsonl [more.jsonl ...] [--split tune]

Rows are scored with the default ``support`` scorer (the shipped weights and threshold).
``--split`` keeps only rows of that split (``tune``, ``test``, ``synthetic``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def measure(rows: list[dict]) -> dict[tuple[str, str], list[int]]:
    """(file, split) -> [caught, unfaithful, clean, faithful]."""
    from evalharness.core.results import ScoreItem
    from evalharness.scorers.support import SupportOptions, SupportScorer

    backend = SupportScorer(SupportOptions()).backend()
    backend = backend.impl() if hasattr(backend, "impl") else backend
    judged = backend.judge([ScoreItem(str(r["id"]), "summary", r["source"], r["summary"]) for r in rows])
    out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r, claims in zip(rows, judged):
        tally = out[(r["_file"], r.get("split") or "-")]
        flagged = [c for c in claims if not c.supported]
        if r["label"] == 1:
            tally[3] += 1
            tally[2] += not flagged
            continue
        s = r["summary"]
        errors = [(s.index(e), s.index(e) + len(e)) for e in r.get("error_spans") or []]
        spans = [(u.start, u.end) for c in flagged for u in c.unsupported_spans] + \
                [(c.start, c.end) for c in flagged if not c.unsupported_spans]
        tally[1] += 1
        tally[0] += any(_overlaps(f, e) for f in spans for e in errors)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="+", help="JSON Lines files with label and error_spans")
    ap.add_argument("--split", default=None, help="keep only rows of this split")
    args = ap.parse_args()
    rows = []
    for f in args.data:
        for line in Path(f).read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                if args.split is None or r.get("split") == args.split:
                    rows.append(dict(r, _file=Path(f).name))
    if not rows:
        sys.exit("span_catch: no rows (check the files and --split)")
    res = measure(rows)
    total = [0, 0, 0, 0]
    print(f"{'file':<28} {'split':<10} {'errors caught':>15} {'faithful clean':>16}")
    for (f, split), (c, u, k, n) in sorted(res.items()):
        total = [a + b for a, b in zip(total, (c, u, k, n))]
        print(f"{f:<28} {split:<10} {c:>6}/{u:<3} {100 * c / max(u, 1):5.1f}% {k:>6}/{n:<3} {100 * k / max(n, 1):5.1f}%")
    c, u, k, n = total
    print(f"{'all':<28} {'':<10} {c:>6}/{u:<3} {100 * c / max(u, 1):5.1f}% {k:>6}/{n:<3} {100 * k / max(n, 1):5.1f}%")


if __name__ == "__main__":
    main()
