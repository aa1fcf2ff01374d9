"""Train the ``support`` scorer's claim combiner (evalharness/scorers/support/weights.json).

Two steps, so the slow one runs once:

  python scripts/train_support_combiner.py extract --out /tmp/support-features.jsonl
      Runs the support backend's checks (not its combiner) on every row of
      ../shared/bench/dev/*.jsonl (or --data FILE...) and writes one line per row: id,
      dataset, label, and per claim its feature vector, its span and the spans its checks
      blame. Embeddings are memoised in --memo (a pickle outside the repo) so a rerun after
      a check changes is fast.

  python scripts/train_support_combiner.py train --features /tmp/support-features.jsonl
      Fits a logistic model over the claim features where a summary's score is the soft
      minimum over its claims (a summary is only as good as its worst claim, which is how
      the scorer decides: inconsistent exactly when a claim is flagged). Weight signs and
      floors come from the check registry (checks.CHECKS). Chooses the claim threshold
      precision first (at most --max-flag-rate of the consistent summaries of any dataset
      flagged). Reports leave-one-dataset-out estimates (weights and threshold fitted on
      the five other datasets) beside the in-sample fit, then writes weights.json.

The dev data stays where it is (read-only); nothing from it is written into the repo
except the fitted weights.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "bench" / "dev"
WEIGHTS = ROOT / "evalharness" / "scorers" / "support" / "weights.json"


def extract(args) -> None:
    from evalharness.metaeval.run import load_all
    from evalharness.core.results import ScoreItem
    from evalharness.scorers.support import SupportScorer
    from evalharness.scorers.support import merge_spans
    from evalharness.scorers.support.checks import ERROR_CHECKS

    files = [Path(f) for f in args.data] if args.data else sorted(Path(args.dev).glob("*.jsonl"))
    rows = load_all(files)
    kinds = {}  # error_kind where the data has one (kept for the ledger's per-kind view)
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                kinds[(str(raw.get("dataset")), str(raw.get("id")))] = raw.get("error_kind") or ""
    if args.limit:
        by = {}
        for r in rows:
            by.setdefault(r.dataset, []).append(r)
        # evenly spaced rows of each dataset
        rows = [r for v in by.values() for r in v[::max(1, len(v) // args.limit)][:args.limit]]
    from evalharness.scorers.support import SupportOptions
    scorer = SupportScorer(SupportOptions(threshold=0.5))  # the threshold plays no part in the features
    backend = scorer.backend()
    backend = backend.impl() if hasattr(backend, "impl") else backend  # the EmbeddingBackend under the judge adapter
    memo_path = Path(args.memo)
    if memo_path.is_file():
        backend.encoder._memo.update(pickle.loads(memo_path.read_bytes()))
    # interleave datasets (so a partial run is balanced), rows sharing a source together
    rank, seen_ds, first = {}, {}, {}
    for i, r in enumerate(rows):
        if r.source not in first:
            first[r.source] = seen_ds.get(r.dataset, 0)
            seen_ds[r.dataset] = first[r.source] + 1
        rank[i] = (first[r.source], r.dataset, i)
    order = sorted(range(len(rows)), key=lambda i: rank[i])
    t0 = time.perf_counter()
    out = open(args.out, "w", encoding="utf-8")
    for b in range(0, len(order), args.batch):
        idx = order[b:b + args.batch]
        items = [ScoreItem(rows[i].id, "s", rows[i].source, rows[i].summary) for i in idx]
        for i, judged in zip(idx, backend.analyse(items)):
            r = rows[i]
            out.write(json.dumps({
                "id": r.id, "dataset": r.dataset, "label": r.label,
                "claims": [[round(x, 5) for x in chk.vector()] for _, chk, _ in judged],
                "spans": [[span.start, span.end] for span, _, _ in judged],
                "blamed": [[[b.start, b.end] for b in merge_spans(r.summary, chk.blamed)] for _, chk, _ in judged],
                "fired": [chk.fired for _, chk, _ in judged],
                "check_spans": [{c: chk.blamed_spans(c) for c in ERROR_CHECKS if chk.values.get(c, 0.0) > 0}
                                for _, chk, _ in judged],
                "error_spans": list(getattr(r, "error_spans", None) or []),
                "split": r.split, "error_kind": kinds.get((r.dataset, r.id), ""),
                "file": Path(r.file).stem if getattr(r, "file", None) else r.dataset,
                "summary_text": r.summary}) + "\n")
        out.flush()
        if (b // args.batch) % 10 == 9:
            memo_path.write_bytes(pickle.dumps(backend.encoder._memo))
        done = b + len(idx)
        el = time.perf_counter() - t0
        print(f"{done}/{len(rows)} rows, {el:.0f}s, {done / el:.2f} rows/s", file=sys.stderr, flush=True)
    out.close()
    memo_path.write_bytes(pickle.dumps(backend.encoder._memo))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("extract")
    e.add_argument("--dev", default=str(DEV))
    e.add_argument("--data", nargs="*", help="labelled JSONL files instead of --dev/*.jsonl")
    e.add_argument("--out", default="/tmp/support-features.jsonl")
    e.add_argument("--memo", default="/tmp/support-embedding-memo.pkl")
    e.add_argument("--batch", type=int, default=32)
    e.add_argument("--limit", type=int, default=0, help="rows per dataset (0 = all)")
    e.set_defaults(func=extract)
    t = sub.add_parser("train")
    t.add_argument("--features", default="/tmp/support-features.jsonl")
    t.add_argument("--out", default=str(WEIGHTS))
    t.add_argument("--l2", type=float, default=0.1, help="claim combiner penalty (0.1: the best leave-one-dataset-out balanced accuracy of 0.003, 0.01, 0.03, 0.1, 0.3, 1)")
    t.add_argument("--claim-dataset-bias", action="store_true",
                   help="one intercept per dataset while fitting the claim combiner too")
    t.add_argument("--max-flag-rate", type=float, default=0.1,
                   help="precision first: the most consistent summaries of any dataset that may carry a flag")
    t.add_argument("--dry-run", action="store_true", help="report the estimates, do not write weights")
    t.add_argument("--soft-cap", type=float, default=SOFT_CAP, help="the most a soft error check may weigh")
    t.add_argument("--all-hard", action="store_true",
                   help="ignore the ledger and make every explicit check hard (the old rule; for comparison)")
    t.set_defaults(func=train)
    args = ap.parse_args()
    args.func(args)


def load_features(path):
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["claims"]]


#: an explicit error check lowers the claim's logit by at least this much, enough to flag the
#: claim on its own at any usual threshold: a check that found an error names its words and
#: its reason, and its verdict does not depend on how well the rest of the claim paraphrases
CHECK_FLOOR = 4.0


#: a check the ledger does not admit as hard only moves the score: its weight is at most this
#: much below zero, so that on its own (in a claim whose support features are all at their
#: best) it cannot bring the claim below the threshold (tests/test_ledger.py checks this)
SOFT_CAP = 1.0


def fit(rows, l2: float, hard=frozenset(), tau: float = 0.3, steps: int = 300, dataset_bias: bool = False,
        soft_cap: float = SOFT_CAP):
    """Logistic weights over claim features; summary logit = soft minimum over claims.
    Rows are weighted so that every dataset, and both labels within it, weigh the
    same (the objective behind balanced accuracy averaged over datasets). Signs and
    floors come from the check registry, so every weight stays explainable."""
    import torch
    from evalharness.scorers.support.checks import CHECKS

    torch.manual_seed(0)
    n_feat = len(rows[0]["claims"][0])
    X = [torch.tensor(r["claims"], dtype=torch.float64) for r in rows]
    y = torch.tensor([float(r["label"]) for r in rows], dtype=torch.float64)
    wts = torch.tensor(_group_weights(rows), dtype=torch.float64)
    lengths = torch.tensor([len(x) for x in X])
    flat = torch.cat(X)
    seg = torch.repeat_interleave(torch.arange(len(X)), lengths)
    sign = torch.tensor([c.sign for c in CHECKS], dtype=torch.float64)
    floor = torch.tensor([CHECK_FLOOR if c.name in hard else 0.0 for c in CHECKS], dtype=torch.float64)
    capped = torch.tensor([c.sign < 0 and c.name not in hard for c in CHECKS])
    u = torch.zeros(n_feat, dtype=torch.float64, requires_grad=True)
    datasets = sorted({r["dataset"] for r in rows}) if dataset_bias else [None]
    row_ds = torch.tensor([datasets.index(r["dataset"]) if dataset_bias else 0 for r in rows])
    b = torch.zeros(len(datasets), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([u, b], max_iter=steps, line_search_fn="strong_wolfe")

    def weights():
        soft = torch.nn.functional.softplus(u)
        w = torch.where(sign == 0, u, sign * (floor + soft))
        return torch.where(capped, -soft_cap * torch.sigmoid(-u), w)

    def summary_logits():
        w = weights()
        z = flat @ w + b[row_ds][seg]
        # soft minimum per summary: -tau * log(sum(exp(-z / tau))), shifted by each summary's own
        # minimum (a shift by the global minimum underflowed to log(0) for summaries far above it,
        # and the fit diverged to weights of 1e221 in some leave-one-out folds)
        zmin = torch.full((len(X),), float("inf"), dtype=torch.float64).scatter_reduce(
            0, seg, z.detach(), reduce="amin")
        e = torch.zeros(len(X), dtype=torch.float64).index_add(0, seg, torch.exp(-(z - zmin[seg]) / tau))
        return -tau * torch.log(e) + zmin

    def closure():
        opt.zero_grad()
        zs = summary_logits()
        loss = (wts * torch.nn.functional.binary_cross_entropy_with_logits(zs, y, reduction="none")).sum()
        loss = loss + l2 * (weights() ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    # with one intercept per dataset (fitting only), the shipped bias is their mean
    return [float(v) for v in weights().detach()], float(b.detach().mean())


def summary_scores(rows, w, b):
    """support.score of each row: its worst claim's probability."""
    import math
    out = []
    for r in rows:
        z = min(b + sum(wi * xi for wi, xi in zip(w, c)) for c in r["claims"])
        out.append(1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z)))))
    return out


def _group_weights(rows):
    counts = {}
    for r in rows:
        counts[(r["dataset"], r["label"])] = counts.get((r["dataset"], r["label"]), 0) + 1
    w = [1.0 / counts[(r["dataset"], r["label"])] for r in rows]
    total = sum(w)
    return [v / total for v in w]


def _groups(rows, scores):
    by = {}
    for r, s in zip(rows, scores):
        by.setdefault(r["dataset"], ([], []))
        by[r["dataset"]][0].append(s)
        by[r["dataset"]][1].append(r["label"])
    return by


def report(title, rows, scores, threshold):
    """Per dataset: AUC, two-fold balanced accuracy (meta-eval's protocol), and at the
    given claim threshold the balanced accuracy and the flag rates."""
    from evalharness.metaeval.metrics import flag_rates, meta_evaluate
    res = meta_evaluate("train", "score", [(r["dataset"], s, r["label"], None) for r, s in zip(rows, scores)])
    by = _groups(rows, scores)
    print(title)
    print(f"  {'dataset':<22} {'n':>4}  {'AUC':>5} {'BAcc2f':>6} {'BAcc@t':>6} {'flag1':>6} {'flag0':>6}")
    f1s, f0s, bats = [], [], []
    for name, d in sorted(res.datasets.items()):
        fr = flag_rates(by[name][0], by[name][1], threshold)
        f1s.append(fr.consistent)
        f0s.append(fr.inconsistent)
        bats.append(fr.balanced_accuracy)
        print(f"  {name:<22} {d.n:>4}  {100 * d.auc:5.1f} {100 * d.balanced_accuracy:6.1f} "
              f"{100 * fr.balanced_accuracy:6.1f} {100 * fr.consistent:6.1f} {100 * fr.inconsistent:6.1f}")
    mean = lambda v: sum(v) / len(v)  # noqa: E731
    print(f"  {'mean':<22} {'':>4}  {100 * res.mean_auc:5.1f} {100 * res.mean_balanced_accuracy:6.1f} "
          f"{100 * mean(bats):6.1f} {100 * mean(f1s):6.1f} {100 * mean(f0s):6.1f}   (threshold {threshold:.4f})")
    return res


def choose_threshold(rows, scores, max_rate: float, w=None, b=None, hard=frozenset()) -> float:
    """Precision first (at most ``max_rate`` of the consistent summaries of any dataset
    flagged), but never so low that a claim on which an explicit error check fired goes
    unflagged: such a claim names its words and its reason, and is always shown."""
    import math
    from evalharness.metaeval.metrics import precision_first_threshold
    from evalharness.scorers.support.checks import FEATURE_NAMES
    by = _groups(rows, scores)
    t = precision_first_threshold(list(by.values()), max_rate)
    if w is not None:
        hard_idx = [k for k, n in enumerate(FEATURE_NAMES) if n in hard]
        top = max((1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, b + sum(wi * xi for wi, xi in zip(w, c))))))
                   for r in rows for c in r["claims"] if any(c[k] > 0 for k in hard_idx)), default=0.0)
        t = max(t, top + 1e-4)
    return t


def ledger_group(r) -> str:
    """The ledger's dataset of a feature row: its file (each dev file, genres), with genres2
    split into its tune and test halves (the rule reads only the tune half)."""
    f = r.get("file") or r["dataset"]
    if f == "genres2":
        return f"genres2-{r.get('split') or 'tune'}"
    return f


#: ledger datasets the hard rule may not read (held-out test data)
HELD_OUT = ("genres2-test",)


def feature_ledger(rows, exclude=HELD_OUT):
    """The precision ledger of the extracted rows (ledger.py's definitions)."""
    from evalharness.scorers.support.checks import ERROR_CHECKS
    from evalharness.scorers.support.ledger import RowFirings, build_ledger, char_spans
    with_spans = {ledger_group(r) for r in rows if r.get("error_spans")}
    recs = []
    for r in rows:
        g = ledger_group(r)
        if g in exclude:
            continue
        firings = {}
        for cs in r.get("check_spans") or [{} for _ in r["claims"]]:
            for c, sp in cs.items():
                firings.setdefault(c, []).extend(tuple(x) for x in sp)
        recs.append(RowFirings(g, int(r["label"]), {c: tuple(v) for c, v in firings.items()},
                               char_spans(r.get("summary_text", ""), r.get("error_spans") or ()), g in with_spans))
    return build_ledger(recs, ERROR_CHECKS)


def is_dev(r) -> bool:
    return not (r.get("file") or r["dataset"]).startswith("genres")


def span_report(title, rows, w, b, thr):
    """Rows with error spans, at the claim threshold: unfaithful rows with the planted error
    inside a flagged span (the flagged claim's blamed words, else the whole claim, as the
    scorer shows them), and faithful rows with no flag."""
    import math
    caught = n_bad = clean = n_good = 0
    for r in rows:
        flagged = []
        for c, span, bl in zip(r["claims"], r["spans"], r["blamed"]):
            z = b + sum(wi * xi for wi, xi in zip(w, c))
            if 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z)))) < thr:
                flagged.extend([tuple(x) for x in bl] or [tuple(span)])
        if r["label"] == 1:
            n_good += 1
            clean += not flagged
        else:
            n_bad += 1
            from evalharness.scorers.support.ledger import char_spans, overlaps
            errs = char_spans(r["summary_text"], r["error_spans"])
            caught += any(overlaps(f, e) for f in flagged for e in errs)
    pct = lambda a, n: f"{a}/{n} ({100 * a / max(n, 1):.1f}%)"  # noqa: E731
    print(f"  {title:<34} error in a flagged span {pct(caught, n_bad):>15}   faithful with no flag "
          f"{pct(clean, n_good):>15}")
    return caught, n_bad, clean, n_good


def train(args) -> None:
    from evalharness.scorers.support.checks import EXPLICIT_CHECKS, FEATURE_NAMES
    from evalharness.scorers.support.ledger import hard_checks, hard_rule, render_ledger, dump
    every = load_features(args.features)
    rows = [r for r in every if is_dev(r)]
    others = [r for r in every if not is_dev(r)]
    ledger = feature_ledger(every)
    verdict = hard_rule(ledger)
    hard = frozenset(c for c in hard_checks(ledger) if c in EXPLICIT_CHECKS) if not args.all_hard \
        else frozenset(EXPLICIT_CHECKS)
    print(render_ledger(ledger, hard))
    print("hard (force a flag on their own): " + (", ".join(sorted(hard)) or "none"))
    for c in sorted(EXPLICIT_CHECKS - hard):
        print(f"  soft {c}: " + "; ".join(verdict[c][:3]) + (" ..." if len(verdict[c]) > 3 else ""))
    datasets = sorted({r["dataset"] for r in rows})
    # leave-one-dataset-out: each dataset scored by weights and a threshold fitted on the others
    held, held_thr = {}, {}
    for ds in datasets:
        tr = [r for r in rows if r["dataset"] != ds]
        w, b = fit(tr, args.l2, hard, dataset_bias=args.claim_dataset_bias, soft_cap=args.soft_cap)
        thr = choose_threshold(tr, summary_scores(tr, w, b), args.max_flag_rate, w, b, hard)
        te = [r for r in rows if r["dataset"] == ds]
        for r, s in zip(te, summary_scores(te, w, b)):
            held[r["id"]] = s
        held_thr[ds] = thr
    # each held-out dataset at the threshold chosen without it: shift its scores so that
    # one report threshold (0.5) stands for each dataset's own held-out threshold
    import math

    def shift(r):
        s, t = held[r["id"]], held_thr[r["dataset"]]
        z = math.log(max(s, 1e-12) / max(1 - s, 1e-12)) - math.log(t / (1 - t))
        return 1.0 / (1.0 + math.exp(-z))
    lodo = report("leave-one-dataset-out (weights and threshold fitted on the five other datasets):", rows,
                  [shift(r) for r in rows], 0.5)
    print("  held-out thresholds: " + ", ".join(f"{d} {t:.4f}" for d, t in held_thr.items()))
    w, b = fit(rows, args.l2, hard, dataset_bias=args.claim_dataset_bias, soft_cap=args.soft_cap)
    scores = summary_scores(rows, w, b)
    thr = choose_threshold(rows, scores, args.max_flag_rate, w, b, hard)
    res = report("fitted on all dev rows (in-sample):", rows, scores, thr)
    for name, v in zip(FEATURE_NAMES, w):
        print(f"  {name:<20} {v:+.3f}" + ("  hard" if name in hard else ""))
    print(f"  {'bias':<20} {b:+.3f}")
    if others:
        print(f"rows with error spans, at the fitted threshold {thr:.4f} (not used for fitting weights):")
        groups = {}
        for r in others:
            groups.setdefault((r.get("file") or r["dataset"]) + (f"-{r['split']}" if r.get("split") else ""),
                              []).append(r)
        for g in sorted(groups):
            span_report(g, groups[g], w, b, thr)
        tests = [r for r in others if (r.get("split") or "") == "test"]
        if tests:
            span_report("genres + genres2, test splits", tests, w, b, thr)
    if args.dry_run:
        return
    data = {"name": "dev-softmin-lr", "note": "Fitted by scripts/train_support_combiner.py on claim features of "
            "../shared/bench/dev (soft-minimum logistic regression, datasets and labels weighted equally, "
            f"l2={args.l2:g}, no per-dataset intercepts). support.score = the worst claim's probability; "
            f"recommended_threshold: at most {100 * args.max_flag_rate:g}% of the consistent summaries of any dev "
            f"dataset flagged. Hard checks (weight <= -{CHECK_FLOOR:g}) are those the precision ledger admits "
            f"(ledger.json, ledger.hard_rule); the other error checks weigh at most {args.soft_cap:g}. "
            f"Mean AUC in-sample {100 * res.mean_auc:.1f}, leave-one-dataset-out "
            f"{100 * lodo.mean_auc:.1f}; see docs/detector.md.", "features": list(FEATURE_NAMES),
            "weights": [round(v, 4) for v in w], "bias": round(b, 4), "recommended_threshold": round(thr, 4),
            "hard": sorted(hard), "soft_cap": args.soft_cap}
    Path(args.out).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    Path(args.out).with_name("ledger.json").write_text(dump(ledger), encoding="utf-8")
    print(f"wrote {args.out} and {Path(args.out).with_name('ledger.json')}")


if __name__ == "__main__":
    main()
