"""Performance benchmarks, as ratios measured in one run (not part of the test suite).

    python benchmarks/bench.py                 # everything, sized for a 2-core laptop
    python benchmarks/bench.py --quick         # smaller sets, a minute or two

Inputs come from ../shared/bench/dev (relative to the repository root; read, never
copied): each row's source and summary, with a reference made from the first three
sentences of the source. Every comparison runs both sides in this one process on the
same inputs and prints the ratio; the scaling points each run in a fresh child process
so that each reports its own peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "bench" / "dev"

from evalharness.io.cases import Case  # noqa: E402
from evalharness.core.results import ScoreItem  # noqa: E402
from evalharness.scorers.text import split_sentences  # noqa: E402


def dev_rows() -> list[dict]:
    rows = []
    for f in sorted(DEV.glob("*.jsonl")):
        rows.extend(json.loads(line) for line in f.open() if line.strip())
    return rows


def reference(source: str) -> str:
    return " ".join(s.text for s in split_sentences(source)[:3])


def variant(summary: str, copy: int) -> str:
    """A distinct but realistic summary: copy 0 is the original, later copies drop one word."""
    if copy == 0:
        return summary
    words = summary.split()
    if len(words) < 3:
        return f"{summary} ({copy})"
    k = copy % len(words)
    return " ".join(words[:k] + words[k + 1:]) + ("" if copy < len(words) else f" ({copy})")


def build_cases(n: int, rows: list[dict] | None = None) -> list[Case]:
    """n candidate summaries from the dev rows (cycled, varied), grouped into one case per source."""
    rows = rows or dev_rows()
    by_source: dict[str, dict] = {}
    for k in range(n):
        row = rows[k % len(rows)]
        copy = k // len(rows)
        case = by_source.setdefault(row["source"], {"id": f"dev-{len(by_source):05d}", "cands": {}})
        case["cands"][f"sys{copy}-{len(case['cands'])}"] = variant(row["summary"], copy)
    return [Case(id=c["id"], source=src, references=(reference(src),), candidates=c["cands"])
            for src, c in by_source.items()]


def items_of(cases: list[Case]) -> list[ScoreItem]:
    return [ScoreItem(c.id, s, c.source, summ, c.references) for c in cases for s, summ in c.candidates.items()]


def cores() -> int:
    from evalharness.engine.executor import available_cores
    return available_cores()


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def row(label: str, base: float, ours: float, note: str = "") -> None:
    print(f"| {label} | {base:.2f} s | {ours:.2f} s | {base / ours:.2f}x | {note} |", flush=True)


# --- sections ------------------------------------------------------------------

def bench_rouge(items: list[ScoreItem]) -> None:
    from rouge_score import rouge_scorer

    from evalharness.engine.runner import LocalExecutor
    from evalharness.scorers.rouge import ROUGE_TYPES, RougeScorer, lsum_text

    # the direct baseline gets its rougeLsum inputs (one sentence per line) prepared untimed
    pairs = [([lsum_text(r) for r in it.references], lsum_text(it.summary)) for it in items]

    def direct():
        scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
        return [scorer.score_multi(refs, pred) for refs, pred in pairs]

    base, t_base = timed(direct)
    ours, t_ours = timed(lambda: LocalExecutor(workers=cores()).run(RougeScorer(), items))
    same = all(o.scores[t] == b[t].fmeasure and o.scores[f"{t}_precision"] == b[t].precision
               and o.scores[f"{t}_recall"] == b[t].recall for o, b in zip(ours, base) for t in ROUGE_TYPES)
    one, t_one = timed(lambda: LocalExecutor(workers=1).run(RougeScorer(), items))
    row(f"ROUGE-1/2/L/Lsum, {len(items)} summaries ({cores()} workers)", t_base, t_ours,
        f"identical: {same}; target >= 1.8x")
    row(f"ROUGE, same, 1 worker (memoised tokens + bit-parallel LCS alone)", t_base, t_one, f"identical to {cores()} workers: {one == ours}")


def bench_bertscore(items: list[ScoreItem]) -> None:
    import bert_score

    from evalharness.scorers.models import resolve_model
    from evalharness.engine.runner import LocalExecutor
    from evalharness.scorers.bertscore import BertScoreOptions, BertScoreScorer

    path, _ = resolve_model("bundled")
    cands = [it.summary for it in items]
    refs = [list(it.references) for it in items]
    (p, r, f), t_base = timed(lambda: bert_score.score(cands, refs, model_type=path, num_layers=6,
                                                       batch_size=64, verbose=False))
    ours, t_ours = timed(lambda: LocalExecutor(workers=1).run(BertScoreScorer(BertScoreOptions(num_layers=6)),
                                                              items))
    diff = max(max(abs(o.scores["f1"] - float(f[i])), abs(o.scores["precision"] - float(p[i])),
                   abs(o.scores["recall"] - float(r[i]))) for i, o in enumerate(ours))
    shared = len(items) - len({it.references for it in items})
    row(f"BERTScore (MiniLM-L6, layer 6), {len(items)} summaries, {shared} sharing a reference", t_base, t_ours,
        f"max abs diff {diff:.1e}; target no slower, within 1e-6")


def bench_half(items: list[ScoreItem]) -> None:
    """BERTScore in fp16 against fp32 (the tolerance the README states for GPUs)."""
    from evalharness.engine.runner import LocalExecutor
    from evalharness.scorers.bertscore import BertScoreOptions, BertScoreScorer

    full, t_full = timed(lambda: LocalExecutor().run(BertScoreScorer(BertScoreOptions(num_layers=6)), items))
    half, t_half = timed(lambda: LocalExecutor().run(
        BertScoreScorer(BertScoreOptions(num_layers=6, precision="fp16")), items))
    diff = max(abs(a.scores[k] - b.scores[k]) for a, b in zip(full, half) for k in a.scores)
    from evalharness.scorers.models import pick_device
    row(f"BERTScore fp32 vs fp16 on {pick_device()}, {len(items)} summaries", t_full, t_half,
        f"max abs diff {diff:.1e} (stated tolerance 1e-3)")


def bench_cache(cases: list[Case]) -> None:
    from evalharness.cache.scores import ScoreCache
    from evalharness.core.config import load_config
    from evalharness.engine.runner import LocalExecutor, evaluate

    config = load_config(ROOT / "configs" / "default.yaml")
    n = sum(len(c.candidates) for c in cases)
    with tempfile.TemporaryDirectory() as d:
        with ScoreCache(d) as cache:
            cold, t_cold = timed(lambda: evaluate(cases, config, cache=cache,
                                                  executor=LocalExecutor(workers=cores())))
        with ScoreCache(d) as cache:
            warm, t_warm = timed(lambda: evaluate(cases, config, cache=cache,
                                                  executor=LocalExecutor(workers=cores())))
            hits = (cache.hits, cache.misses)
    a, b = cold.to_json(), warm.to_json()
    a.pop("run"), b.pop("run")
    row(f"full default run (rouge, bertscore, support), {n} summaries: cold vs warm cache", t_cold, t_warm,
        f"warm hits/misses {hits[0]}/{hits[1]}; same report: {a == b}; target >= 20x")


def bench_cli() -> None:
    """The README's main command (all of cases/, configs/default.yaml) end to end, process
    start-up included: a cold cache, then a warm one."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
    with tempfile.TemporaryDirectory() as d:
        cmd = [sys.executable, "-m", "evalharness", "run", "cases/", "--config", "configs/default.yaml",
               "--cache-dir", d, "--out", d, "--format", "json"]
        _, t_cold = timed(lambda: subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True))
        cold = json.loads((Path(d) / "report.json").read_text())
        _, t_warm = timed(lambda: subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True))
        warm = json.loads((Path(d) / "report.json").read_text())
    hits = warm["run"].get("cache", {})
    cold.pop("run"), warm.pop("run")
    row("`evalharness run cases/` (README command, process start-up included): cold vs warm", t_cold, t_warm,
        f"warm hits/misses {hits.get('hits')}/{hits.get('misses')}; same report: {cold == warm}; target >= 20x")


def scaling_point(n: int, scorers: str) -> dict:
    """One scaling point, meant for a fresh process: wall time and peak memory."""
    from evalharness.core.config import load_config
    from evalharness.engine.runner import LocalExecutor, build_scorers, evaluate

    config = load_config(ROOT / "configs" / "default.yaml")
    cases = build_cases(n)
    wanted = scorers.split(",")
    chosen = [s for s in build_scorers(config) if s.name in wanted]
    t = time.perf_counter()
    evaluate(cases, config, scorers=chosen, executor=LocalExecutor(workers=cores()))
    wall = time.perf_counter() - t
    return {"n": n, "scorers": scorers, "wall_s": wall, "per_candidate_ms": 1000 * wall / n,
            "peak_rss_mb": peak_rss_mb(), "cases": len(cases)}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited
    from the parent across exec), ."""
    own = 0.0
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
    except OSError:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return own


def bench_scaling(points: list[tuple[int, str]]) -> None:
    print("\n| candidates | scorers | cases (sources) | wall | per candidate | peak RSS |")
    print("|---|---|---|---|---|---|", flush=True)
    for n, scorers in points:
        r = subprocess.run([sys.executable, __file__, "--point", str(n), "--scorers", scorers],
                           capture_output=True, text=True, cwd=ROOT)
        if r.returncode != 0:
            print(f"| {n} | {scorers} | failed: {r.stderr.strip().splitlines()[-1:]} |")
            continue
        d = json.loads(r.stdout.strip().splitlines()[-1])
        print(f"| {n:,} | {scorers} | {d['cases']:,} | {d['wall_s']:.1f} s | {d['per_candidate_ms']:.2f} ms | "
              f"{d['peak_rss_mb']:.0f} MB |", flush=True)


def bench_long(words: list[int]) -> None:
    """Cost of the support detector's source side (units, pairs, embeddings) against source length."""
    from evalharness.scorers.models import get_encoder
    from evalharness.scorers.support.evidence import candidate_spans, join_span, source_units

    rows = dev_rows()
    text = " ".join(r["source"] for r in rows[:400])
    all_words = text.split()
    enc = get_encoder("bundled", "auto")
    enc.encode(["warm up"])
    print("\n| source words | evidence units | tokens through the model | wall | per 1,000 words |")
    print("|---|---|---|---|---|", flush=True)
    for n in words:
        src = " ".join(all_words[:n])
        enc.clear()
        t = time.perf_counter()
        units = source_units(src, 80)
        cands = candidate_spans(src, units)
        texts = [join_span(src, units, c).text for c in cands]
        enc.encode(texts, 64)
        wall = time.perf_counter() - t
        tokens = sum(len(w) for ids in enc.tokenizer(texts, add_special_tokens=False)["input_ids"]
                     for w in enc._windows(ids))
        print(f"| {n:,} | {len(units):,} | {tokens:,} | {wall:.1f} s | {1000 * wall / n:.2f} s |", flush=True)


def bench_truncation() -> None:
    from evalharness.scorers.bertscore import BertScoreScorer
    rows = dev_rows()
    long_ref = " ".join(r["source"] for r in rows[:60])
    n_words = len(long_ref.split())
    res = BertScoreScorer().score_batch([ScoreItem("long", "s", long_ref, rows[0]["summary"], (long_ref,))])[0]
    print(f"\nbertscore on a {n_words:,}-word reference: notes = {list(res.notes)}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sets (a minute or two)")
    ap.add_argument("--rouge-n", type=int, default=2004)
    ap.add_argument("--bert-n", type=int, default=600)
    ap.add_argument("--half-n", type=int, default=150)
    ap.add_argument("--full-n", type=int, default=200)
    ap.add_argument("--scale", default=None, help="N:scorer;scorer,... (default: 100:rouge,1000:rouge,...)")
    ap.add_argument("--scale-default", help=argparse.SUPPRESS, default="100:rouge,1000:rouge,10000:rouge,100:rouge;bertscore;support,"
                                        "1000:rouge;bertscore;support")
    ap.add_argument("--long", default="2500,5000,10000,20000")
    ap.add_argument("--only", default="rouge,bertscore,half,cache,cli,scaling,long,truncation")
    ap.add_argument("--point", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--scorers", default="rouge", help=argparse.SUPPRESS)
    a = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if a.point:
        print(json.dumps(scaling_point(a.point, a.scorers)))
        return
    if a.quick:
        a.rouge_n, a.bert_n, a.half_n, a.full_n = 400, 150, 50, 40
        a.scale = a.scale or "100:rouge,1000:rouge,100:rouge;bertscore;support"
        a.long = "2500,5000,10000"
    a.scale = a.scale or a.scale_default
    import platform
    print(f"machine: {platform.processor() or platform.machine()}, {cores()} cores available, "
          f"python {platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"command: python benchmarks/bench.py {' '.join(sys.argv[1:])}\n")
    rows = dev_rows()
    only = a.only.split(",")
    print("| what | baseline | harness | speed-up | check |")
    print("|---|---|---|---|---|", flush=True)
    if "rouge" in only:
        bench_rouge(items_of(build_cases(min(a.rouge_n, len(rows)), rows)))
    if "bertscore" in only:
        bench_bertscore(items_of(build_cases(min(a.bert_n, len(rows)), rows)))
    if "half" in only:
        bench_half(items_of(build_cases(min(a.half_n, len(rows)), rows)))
    if "cache" in only:
        bench_cache(build_cases(a.full_n, rows))
    if "cli" in only:
        bench_cli()
    if "scaling" in only:
        pts = []
        for spec in a.scale.split(","):
            n, _, sc = spec.partition(":")
            pts.append((int(n), sc.replace(";", ",")))
        bench_scaling(pts)
    if "long" in only:
        bench_long([int(x) for x in a.long.split(",")])
    if "truncation" in only:
        bench_truncation()


if __name__ == "__main__":
    main()
