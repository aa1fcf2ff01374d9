"""The default detector's cost as a ratio against one MiniLM pass (issue 21's speed budget).

The budget: the default ``support`` scorer may take at most 2x the time of one pass of the
bundled MiniLM encoder over every source and summary sentence of the same rows. Both are
timed cold in one process (the encoder's memo is emptied before each timing, no embedding
cache), alternating A B A B, and the minimum of each is kept, so the ratio is taken on one
machine in one run.

    python3 benchmarks/detector_speed.py [--rows 150] [--repeats 2]

Rows: the first rows of each file of ../shared/bench/dev (round robin, project development
data), else of the bundled cases' candidates.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evalharness.core.results import ScoreItem  # noqa: E402

DEV = ROOT.parent / "shared" / "bench" / "dev"
BUDGET = 2.0


def rows(n: int) -> list[ScoreItem]:
    files = sorted(DEV.glob("*.jsonl")) if DEV.is_dir() else []
    if files:
        per = [[json.loads(x) for x in f.read_text(encoding="utf-8").splitlines() if x.strip()] for f in files]
        picked = [r for group in itertools.zip_longest(*per) for r in group if r is not None][:n]
        return [ScoreItem(r["id"], "dev", r["source"], r["summary"]) for r in picked]
    from evalharness.io.cases import load_cases
    cases = load_cases([ROOT / "cases"])
    return [ScoreItem(c.id, s, c.source, text) for c in cases for s, text in c.candidates.items()][:n]


def sentences(items) -> list[str]:
    from evalharness.scorers.support.evidence import source_units
    from evalharness.scorers.text import split_claims
    out: dict[str, None] = {}
    for it in items:
        out.update((u.span.text, None) for u in source_units(it.source))
        out.update((c.text, None) for c in split_claims(it.summary))
    return list(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=150)
    ap.add_argument("--repeats", type=int, default=2)
    a = ap.parse_args(argv)
    from evalharness.scorers.models import get_encoder
    from evalharness.engine.progress import quiet_library_progress
    quiet_library_progress()
    from evalharness.scorers.support import SupportOptions, SupportScorer
    items = rows(a.rows)
    sents = sentences(items)
    enc = get_encoder()
    scorer = SupportScorer(SupportOptions(embedding_cache=False))
    scorer.score_batch([ScoreItem("warm-up", "x", "A warm-up source. It has two sentences.", "A warm-up.")])
    minilm, detector = [], []
    for _ in range(a.repeats):
        enc.clear()
        t0 = time.perf_counter()
        enc.encode(sents)
        minilm.append(time.perf_counter() - t0)
        enc.clear()
        t0 = time.perf_counter()
        scorer.score_batch(items)
        detector.append(time.perf_counter() - t0)
    ratio = min(detector) / min(minilm)
    print(f"{len(items)} rows, {len(sents)} distinct sentences; best of {a.repeats}, cold each time")
    print(f"one MiniLM pass over every sentence: {min(minilm):.2f} s")
    print(f"default support scorer:              {min(detector):.2f} s")
    print(f"ratio: {ratio:.2f}x (budget {BUDGET:g}x) -> {'within' if ratio <= BUDGET else 'OVER'} budget")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
