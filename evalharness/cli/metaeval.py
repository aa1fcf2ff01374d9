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
    p.add_argument("--no-cache", action="store_true", help="do not read or write any cache (per-row scores, embeddings): a cold run")
    p.add_argument("--cache-dir", default=None, metavar="DIR",
                   help="where per-row scores are kept (default: run.cache_dir of the config, else "
                        "~/.cache/evalharness)")
    p.add_argument("--verbose", action="store_true",
                   help="let model libraries draw their own progress bars (also: EVALHARNESS_VERBOSE=1)")
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
    from ..cache import default_cache_dir
    from ..metaeval_run import RowScoreCache, load_all, pick_metric, score_rows

    cls = registry.get_scorer_class(args.scorer)
    options = None
    cache_dir = None
    if args.config:
        config = load_config(Path(args.config))
        sc = config.scorer(args.scorer)
        if sc is None:
            raise InputError(f"the config has no '{args.scorer}' scorer", file=args.config, field="scorers")
        options = sc.options
        if not config.run.cache:
            args.no_cache = True
        cache_dir = config.run.cache_dir
    rows = load_all(args.data)  # every row validated before any model loads
    from ..progress import quiet_library_progress
    quiet_library_progress(verbose=getattr(args, "verbose", False))
    if args.no_cache:
        import dataclasses
        options = options if options is not None else cls.Options()
        if "embedding_cache" in getattr(options, "__dataclass_fields__", {}):
            options = dataclasses.replace(options, embedding_cache=False)
    scorer = cls(options)
    signature = scorer.signature()
    metric = pick_metric(scorer)
    cache = None
    if not args.no_cache:
        cache = RowScoreCache(Path(args.cache_dir or cache_dir or default_cache_dir()), signature)
    n_cached = 0
    if cache is not None:
        from ..metaeval_run import row_key
        n_cached = sum(cache.get(row_key(signature, r.source, r.summary)) is not None for r in rows)
    t0 = time.perf_counter()
    scores = score_rows(scorer, rows, metric, cache=cache, progress=_Bar(sys.stderr))
    seconds = time.perf_counter() - t0
    result = meta_evaluate(signature, metric, [(r.dataset, s, r.label, r.split) for r, s in zip(rows, scores)])
    sys.stdout.write(render(result, args.scorer, cls, seconds, len(rows), n_cached))
    if args.json:
        data = result.to_json()
        rec = recommended(result, cls)
        if rec is not None:
            data["recommended_threshold"] = round(rec, 6)
            data["recommended_config"] = {"scorers": {args.scorer: {"summary_threshold": round(rec, 6)}}}
        data["seconds"] = round(seconds, 3)
        n_scored = len(rows) - n_cached   # a rate over cached rows would only measure the cache
        data["rows_cached"] = n_cached
        data["summaries_per_second"] = round(n_scored / seconds, 3) if seconds > 0 and n_scored else None
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


def _thresh(x) -> str:
    return "    n/a" if x is None or x != x else f"{x:>7.4f}"


def render(result, scorer_name: str, cls, seconds: float, n_rows: int, n_cached: int = 0) -> str:
    lines = [f"meta-eval of {result.scorer}", f"metric: {scorer_name}.{result.metric} (consistent when >= threshold)",
             "", f"{'dataset':<24} {'n':>5} {'cons.':>5} {'AUC':>6} {'BAcc':>6} {'thresh':>7}  protocol"]
    for name, d in result.datasets.items():
        lines.append(f"{name:<24} {d.n:>5} {d.n_consistent:>5} {_pct(d.auc)} {_pct(d.balanced_accuracy)} "
                     f"{_thresh(d.threshold)}  {d.protocol}")
    lines.append(f"{'mean (unweighted)':<24} {'':>5} {'':>5} {_pct(result.mean_auc)} "
                 f"{_pct(result.mean_balanced_accuracy)}")
    for name, d in result.datasets.items():
        if d.undefined:
            lines.append(f"n/a in {name}: {d.undefined}")
    lines.append("")
    rec = recommended(result, cls)
    if rec is not None:
        lines.append(f"recommended threshold (best mean balanced accuracy over these datasets): {rec:.4f}")
        lines.append(f"  config:  scorers: {{{scorer_name}: {{summary_threshold: {rec:.4f}}}}}")
    elif result.recommended_threshold == result.recommended_threshold:
        lines.append(f"best threshold on {scorer_name}.{result.metric}: {result.recommended_threshold:.4f}")
    elif result.no_recommendation:
        lines.append(f"no threshold recommended: {result.no_recommendation}")
    n_scored = n_rows - n_cached
    if n_scored == 0:
        lines.append(f"all {n_rows} rows cached ({seconds:.1f}s)")
    else:
        rate = f"{n_scored / seconds:.1f} summaries/s" if seconds > 0 else "instant"
        cached = f"; {n_cached} more cached" if n_cached else ""
        lines.append(f"scored {n_scored} rows in {seconds:.1f}s ({rate}){cached}")
    return "\n".join(lines) + "\n"
