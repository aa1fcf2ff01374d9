"""``evalharness meta-eval``: how often the detector's verdicts agree with human labels."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
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
    p.add_argument("--no-ledger", action="store_true",
                   help="skip the precision ledger (per check: how often it fires on faithful and on unfaithful "
                        "rows of each data file, and how often its blamed words hit an annotated error)")
    p.add_argument("--verbose", action="store_true",
                   help="let model libraries draw their own progress bars (also: EVALHARNESS_VERBOSE=1)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..core import registry
    from ..core.config import load_config
    from ..metaeval.metrics import json_number, meta_evaluate
    from ..metaeval.run import RowScoreCache, load_all, pick_metric, row_key, score_rows
    from ..cache.store import CachePolicy

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
    from ..engine.progress import quiet_library_progress
    quiet_library_progress(verbose=getattr(args, "verbose", False))
    # one policy for every cache (rows, embeddings, llm replies): the flags over the config's run: section
    policy = CachePolicy.from_settings(run_config, no_cache=args.no_cache, cache_dir=args.cache_dir)
    scorer = cls(options)
    scorer.cache_policy = policy
    signature = scorer.signature()
    metric = pick_metric(scorer)
    cache = RowScoreCache(policy, signature)  # opens the store: a broken cache is exit 2 before any model loads
    keys = [row_key(signature, r.source, r.summary) for r in rows]
    cache.prefetch(keys)
    n_cached = sum(cache.get(k) is not None for k in keys)
    t0 = time.perf_counter()
    from ..engine.progress import make_progress
    bar = make_progress()  # the run's one progress bar: on a terminal only
    try:
        row_scores = score_rows(scorer, rows, metric, cache=cache,
                                progress=(lambda done, total: bar("meta-eval", done, total)) if bar else None)
    finally:
        cache.close()
        if bar is not None:
            bar.close()
    seconds = time.perf_counter() - t0
    scores = [r.score for r in row_scores]
    for note in policy.health.notes():
        print(f"evalharness: warning: {note}", file=sys.stderr)
    result = meta_evaluate(signature, metric, [(r.dataset, s, r.label, r.split) for r, s in zip(rows, scores)])
    detail = decision_detail(scorer, rows, row_scores, result)
    sys.stdout.write(render(result, args.scorer, cls, seconds, len(rows), detail, n_cached))
    band = None
    if getattr(scorer.options, "backend", None) == "cascade":
        band = cascade_band(cls, scorer, rows, policy)
        sys.stdout.write(render_band(band, args.scorer))
    ledger = None
    if not args.no_ledger and getattr(scorer.options, "backend", None) == "embedding":
        # the checks of the default detector, per data file (the rule a check must pass to flag
        # on its own is judged per file: scripts/train_support_combiner.py)
        from ..scorers.support.checks import HARD_CHECKS
        from ..scorers.support.ledger import measure_ledger, render_ledger
        ledger = measure_ledger(rows, scorer, group=lambda r: Path(r.file).stem)
        sys.stdout.write("\n" + render_ledger(ledger, HARD_CHECKS) + "\n")
    if args.json:
        data = result.to_json()
        if ledger is not None:
            data["ledger"] = ledger.to_json()
        if band is not None:
            data["recommended_band"] = {"band": [band.low, band.high], "coverage": band.coverage,
                                        "summaries_sent": round(band.sent, 6)}
        for name, d in data["datasets"].items():
            fr = detail.flags.get(name)
            if fr is not None:
                d["flag_rate"] = {"threshold": fr.threshold, "consistent": json_number(fr.consistent),
                                  "inconsistent": json_number(fr.inconsistent)}
            if name in detail.spans:
                d["spans"] = detail.spans[name].to_json()
        if detail.recommended is not None:
            data["recommended_threshold"] = round(detail.recommended, 6)
            data["recommended_config"] = {"scorers": {args.scorer: {"threshold": round(detail.recommended, 6)}}}
        data["seconds"] = round(seconds, 3)
        n_scored = len(rows) - n_cached   # a rate over cached rows would only measure the cache
        data["rows_cached"] = n_cached
        data["summaries_per_second"] = round(n_scored / seconds, 3) if seconds > 0 and n_scored else None
        from ..io.paths import atomic_write
        atomic_write(Path(args.json), json.dumps(data, indent=2) + "\n")
    return 0


#: precision first: the recommended claim threshold flags at most this share of the
#: consistent summaries of any dataset
MAX_CONSISTENT_FLAG_RATE = 0.1  # the budget the shipped weights were fitted under (train_support_combiner.py --max-flag-rate)


@dataclass(frozen=True)
class Detail:
    """What meta-eval says about the scorer's own decision (flags at its claim threshold)."""

    threshold: float | None      # the scorer's claim threshold, or None
    flags: dict                  # dataset -> FlagRates at that threshold
    spans: dict                  # dataset -> SpanResult (rows with error_spans only)
    recommended: float | None    # precision-first claim threshold, or None


def decision_detail(scorer, rows, row_scores, result) -> Detail:
    """For a scorer that flags claims below a ``threshold`` and scores a summary by its worst
    claim (``support``): the flag rates at its threshold, the span-level agreement where rows
    carry ``error_spans``, and the precision-first threshold to recommend."""
    from ..metaeval.metrics import flag_rates, one_class_reason, precision_first_threshold, span_agreement
    from ..metaeval.run import error_offsets

    threshold = getattr(scorer.options, "threshold", None)
    claims_flagged = result.metric == "score" and isinstance(threshold, float)
    if not claims_flagged:
        return Detail(None, {}, {}, None)
    by: dict[str, list] = {}
    for r, rs in zip(rows, row_scores):
        by.setdefault(r.dataset, []).append((r, rs))
    flags = {ds: flag_rates([rs.score for _, rs in v], [r.label for r, _ in v], threshold) for ds, v in by.items()}
    spans = {}
    for ds, v in by.items():
        if any(r.error_spans for r, _ in v):
            spans[ds] = span_agreement([(r.label, rs.flags or (), error_offsets(r)) for r, rs in v])
    # only datasets with both classes choose the threshold: one class alone says nothing about errors
    groups = [([rs.score for _, rs in v], [r.label for r, _ in v]) for v in by.values()
              if one_class_reason([r.label for r, _ in v]) is None]
    rec = precision_first_threshold(groups, MAX_CONSISTENT_FLAG_RATE) if groups else float("nan")
    return Detail(threshold, flags, spans, None if rec != rec else min(1.0, max(0.0, rec)))


def cascade_band(cls, scorer, rows, policy):
    """The band to recommend for a ``cascade``: from the screen's own scores (the screen
    alone, scored like any backend and cached under its own signature), where the worst
    claims of the inconsistent summaries fall (:func:`evalharness.metaeval.metrics.recommend_band`)."""
    import dataclasses

    from ..metaeval.metrics import recommend_band
    from ..metaeval.run import RowScoreCache, score_rows
    o = scorer.configured_options   # an unset threshold: the screen keeps its own calibrated default
    screen = cls(dataclasses.replace(o, backend=o.cascade.screen))
    screen.cache_policy = policy
    cache = RowScoreCache(policy, screen.signature())
    try:
        got = score_rows(screen, rows, "score", cache=cache)
    finally:
        cache.close()
    threshold = screen.backend().options.threshold
    return recommend_band([g.score for g in got], [r.label for r in rows], threshold)


def render_band(band, scorer_name: str) -> str:
    if band is None:
        return "\nno cascade band recommended: no inconsistent row says where the errors score\n"
    return (f"\nrecommended cascade band (the judge sees the worst claim of at least {100 * band.coverage:g}% of the "
            f"inconsistent summaries; {100 * band.sent:.1f}% of all summaries): [{band.low:g}, {band.high:g}]\n"
            f"  config:  scorers: {{{scorer_name}: {{cascade: {{band: [{band.low:g}, {band.high:g}]}}}}}}\n")


def _pct(x) -> str:
    return "   n/a" if x is None or x != x else f"{100 * x:6.1f}"


def _rate(x) -> str:
    """A percentage with its sign, or n/a (never "n/a%")."""
    return "    n/a" if x is None or x != x else f"{_pct(x)}%"


def _thresh(x) -> str:
    return "    n/a" if x is None or x != x else f"{x:>7.4f}"


def render(result, scorer_name: str, cls, seconds: float, n_rows: int, detail: Detail | None = None,
           n_cached: int = 0) -> str:
    detail = detail or Detail(None, {}, {}, None)
    flagged = f"  flagged at {detail.threshold:.4f}: cons. / incons." if detail.threshold is not None else ""
    lines = [f"meta-eval of {result.scorer}", f"metric: {scorer_name}.{result.metric} (consistent when >= threshold)",
             "", f"{'dataset':<24} {'n':>5} {'cons.':>5} {'AUC':>6} {'BAcc':>6} {'thresh':>7}  {'protocol':<8}"
             f"{flagged}"]
    for name, d in result.datasets.items():
        line = (f"{name:<24} {d.n:>5} {d.n_consistent:>5} {_pct(d.auc)} {_pct(d.balanced_accuracy)} "
                f"{_thresh(d.threshold)}  {d.protocol:<8}")
        fr = detail.flags.get(name)
        if fr is not None:
            line += f"  {_rate(fr.consistent)} / {_rate(fr.inconsistent)}"
        lines.append(line)
    lines.append(f"{'mean (unweighted)':<24} {'':>5} {'':>5} {_pct(result.mean_auc)} "
                 f"{_pct(result.mean_balanced_accuracy)}")
    for name, d in result.datasets.items():
        if d.undefined:
            lines.append(f"n/a in {name}: {d.undefined}")
    lines.append("")
    if detail.spans:
        lines.append("span level (rows with error_spans): errors hit = erroneous summaries whose flagged words "
                     "overlap an annotated span;")
        lines.append("  flagged spans on target = flagged spans that overlap one; clean flagged = consistent "
                     "summaries with any flag")
        lines.append(f"{'dataset':<24} {'annot.':>6} {'errors hit':>10} {'spans on target':>15} "
                     f"{'clean flagged':>13}")
        for name, sp in detail.spans.items():
            lines.append(f"{name:<24} {sp.n_annotated:>6} {_rate(sp.hit_rate):>10} {_rate(sp.span_precision):>15} "
                         f"{_rate(sp.clean_flag_rate):>13}")
        lines.append("")
    if detail.recommended is not None:
        lines.append(f"recommended claim threshold (precision first: at most "
                     f"{100 * MAX_CONSISTENT_FLAG_RATE:g}% of the consistent summaries of any dataset flagged): "
                     f"{detail.recommended:.4f}")
        lines.append(f"  config:  scorers: {{{scorer_name}: {{threshold: {detail.recommended:.4f}}}}}")
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
