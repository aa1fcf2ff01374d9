"""``evalharness meta-eval``: how often the detector's verdicts agree with human labels."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from ..errors import InputError

ORDER = 40


def add_parser(sub) -> None:
    p = sub.add_parser("meta-eval", help="measure a scorer against human consistency labels (AUC, balanced "
                       "accuracy) and recommend a threshold")
    p.add_argument("data", nargs="+", metavar="DATA.jsonl",
                   help='labelled rows: {"id", "dataset", "source", "summary", "label" (1 = consistent), "split"?}')
    p.add_argument("--scorer", default="support", help="scorer to measure (default: support)")
    p.add_argument("--config", default=None, metavar="FILE", help="take the scorer's options from this config")
    p.add_argument("--json", default=None, metavar="OUT", help="also write the results as JSON to OUT")
    p.add_argument("--no-cache", action="store_true", help="do not read or write any cache (per-row scores, "
                   "embeddings, llm replies): a cold run")
    p.add_argument("--cache-dir", default=None, metavar="DIR",
                   help="cache folder for every cache (default: run.cache_dir of the config, else "
                        "the user cache folder)")
    p.set_defaults(func=run)


class _Bar:
    def __init__(self, stream) -> None:
        self.stream = stream
        self.on = stream.isatty()
        self.t0 = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if not self.on or total == 0:
            return
        width = 30
        fill = int(width * done / total)
        rate = done / max(time.perf_counter() - self.t0, 1e-9)
        self.stream.write(f"\rscoring [{'#' * fill}{'.' * (width - fill)}] {done}/{total} ({rate:.1f}/s)")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def run(args) -> int:
    from .. import registry
    from ..config import load_config
    from ..metaeval import meta_evaluate
    from ..metaeval_run import RowScoreCache, load_all, pick_metric, score_rows
    from ..store import CachePolicy

    cls = registry.get_scorer_class(args.scorer)
    options = None
    run_config = None
    if args.config:
        config = load_config(Path(args.config))
        sc = config.scorer(args.scorer)
        if sc is None:
            raise InputError(f"the config has no '{args.scorer}' scorer", file=args.config, field="scorers")
        options = sc.options
        run_config = config.run
    rows = load_all(args.data)  # every row validated before any model loads
    # one policy for every cache (rows, embeddings, llm replies): the flags over the config's run: section
    policy = CachePolicy.from_settings(run_config, no_cache=args.no_cache, cache_dir=args.cache_dir)
    scorer = cls(options)
    scorer.cache_policy = policy
    signature = scorer.signature()
    metric = pick_metric(scorer)
    cache = RowScoreCache(policy, signature)  # opens the store: a broken cache is exit 2 before any model loads
    t0 = time.perf_counter()
    try:
        scores = score_rows(scorer, rows, metric, cache=cache, progress=_Bar(sys.stderr))
    finally:
        cache.close()
    seconds = time.perf_counter() - t0
    for note in policy.health.notes():
        print(f"evalharness: warning: {note}", file=sys.stderr)
    result = meta_evaluate(signature, metric, [(r.dataset, s, r.label, r.split) for r, s in zip(rows, scores)])
    sys.stdout.write(render(result, args.scorer, cls, seconds, len(rows)))
    if args.json:
        data = result.to_json()
        rec = recommended(result, cls)
        if rec is not None:
            data["recommended_threshold"] = round(rec, 6)
            data["recommended_config"] = {"scorers": {args.scorer: {"summary_threshold": round(rec, 6)}}}
        data["seconds"] = round(seconds, 3)
        data["summaries_per_second"] = round(len(rows) / seconds, 3) if seconds > 0 else None
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        tmp.replace(out)
    return 0


def recommended(result, cls) -> float | None:
    """The cut-off to put in the config, when the scorer has a ``summary_threshold``
    option in [0, 1] on the measured score (as ``support`` does: ``support.consistent``)."""
    rec = result.recommended_threshold
    has_threshold = "summary_threshold" in getattr(cls.Options, "__dataclass_fields__", {})
    if rec != rec or not has_threshold or result.metric != "score":
        return None
    return min(1.0, max(0.0, rec))


def _pct(x) -> str:
    return "   n/a" if x is None or x != x else f"{100 * x:6.1f}"


def render(result, scorer_name: str, cls, seconds: float, n_rows: int) -> str:
    lines = [f"meta-eval of {result.scorer}", f"metric: {scorer_name}.{result.metric} (consistent when >= threshold)",
             "", f"{'dataset':<24} {'n':>5} {'cons.':>5} {'AUC':>6} {'BAcc':>6} {'thresh':>7}  protocol"]
    for name, d in result.datasets.items():
        lines.append(f"{name:<24} {d.n:>5} {d.n_consistent:>5} {_pct(d.auc)} {_pct(d.balanced_accuracy)} "
                     f"{d.threshold:>7.4f}  {d.protocol}")
    lines.append(f"{'mean (unweighted)':<24} {'':>5} {'':>5} {_pct(result.mean_auc)} "
                 f"{_pct(result.mean_balanced_accuracy)}")
    lines.append("")
    rec = recommended(result, cls)
    if rec is not None:
        lines.append(f"recommended threshold (best mean balanced accuracy over these datasets): {rec:.4f}")
        lines.append(f"  config:  scorers: {{{scorer_name}: {{summary_threshold: {rec:.4f}}}}}")
    elif result.recommended_threshold == result.recommended_threshold:
        lines.append(f"best threshold on {scorer_name}.{result.metric}: {result.recommended_threshold:.4f}")
    rate = n_rows / seconds if seconds > 0 else float("inf")
    lines.append(f"scored {n_rows} rows in {seconds:.1f}s ({rate:.1f} summaries/s, cached rows included)")
    return "\n".join(lines) + "\n"
