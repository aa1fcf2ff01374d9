"""Measure the opt-in LM slot check (evalharness/scorers/support/slots.py) by the ledger's rule.

    python benchmarks/slot_check.py [--dev-per-file 50 | --dev-faithful 20 --dev-unfaithful 10] [--no-genres]
        [--margin 3.0] [--kinds number,date] [--threads 2] [--json rows.json]

Rows: ../shared/bench/genres/genres.jsonl (64), ../shared/bench/genres2/genres2.jsonl (96, its tune
and test splits reported apart) and the first N rows of each dev file in the order of a hash of
their id (deterministic, not file order). For each row the default embedding backend picks each
claim's evidence window (EmbeddingBackend._analyse) and the slot check runs on every claim.

Prints, per dataset, the precision ledger of the check ``lm_slot`` (ledger.py's definitions:
faithful rows fired on, unfaithful rows fired on, firings whose blamed words overlap an annotated
error span) and whether it passes ``ledger.hard_rule`` (genres2-test is reported, never read by
the rule); then on the test splits of genres and genres2, "caught" (the planted error inside a
flagged span) and "clean" (a faithful summary without a flag) for the default detector and for
the default plus the slot check; and the cost: seconds per summary of the slot check against
one MiniLM pass over every source and summary sentence of the same rows, timed in this run.
Nothing is tuned here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH = ROOT.parent / "shared" / "bench"


def load_rows(dev_per_file: int, dev_faithful: int = 0, dev_unfaithful: int = 0) -> list[dict]:
    rows = []
    for name in ("genres", "genres2"):
        for line in (BENCH / name / f"{name}.jsonl").read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                r["group"] = name if name == "genres" else f"genres2-{r['split']}"
                rows.append(r)
    for path in sorted((BENCH / "dev").glob("*.jsonl")):
        file_rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
        file_rows.sort(key=lambda r: hashlib.sha1(str(r["id"]).encode()).hexdigest())
        if dev_faithful or dev_unfaithful:   # per class, so that the rule can judge the faithful rate
            pick = [r for r in file_rows if int(r["label"]) == 1][:dev_faithful] + \
                   [r for r in file_rows if int(r["label"]) == 0][:dev_unfaithful]
        else:
            pick = file_rows[:dev_per_file]
        for r in pick:
            r["group"] = path.stem
            rows.append(r)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev-per-file", type=int, default=50)
    ap.add_argument("--dev-faithful", type=int, default=0, help="instead: this many faithful rows per dev file")
    ap.add_argument("--dev-unfaithful", type=int, default=0, help="... and this many unfaithful ones")
    ap.add_argument("--no-genres", action="store_true", help="dev rows only")
    ap.add_argument("--margin", type=float, default=3.0)
    ap.add_argument("--kinds", default="number,date")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", help="also write the per-row findings here")
    args = ap.parse_args()

    import torch
    torch.set_num_threads(args.threads)
    from evalharness.core.results import ScoreItem
    from evalharness.scorers.support import SupportScorer
    from evalharness.scorers.support.ledger import (RowFirings, build_ledger, char_spans, hard_rule, overlaps,
                                                    render_ledger)
    from evalharness.scorers.support.lm import LmOptions
    from evalharness.scorers.support.slots import SlotCheck
    from evalharness.scorers.text import split_sentences

    rows = load_rows(args.dev_per_file, args.dev_faithful, args.dev_unfaithful)
    if args.no_genres:
        rows = [r for r in rows if not r["group"].startswith("genres")]
    backend = SupportScorer().backend().impl()
    threshold = backend.options.threshold
    items = [ScoreItem(str(r["id"]), "bench", r["source"], r["summary"]) for r in rows]

    # one MiniLM pass over every distinct source and summary sentence, from an empty memo
    sentences = list(dict.fromkeys(s.text for r in rows for t in (r["source"], r["summary"])
                                   for s in (split_sentences(t) or [])))
    backend.encoder.encode(["warm up the encoder."])
    backend.encoder.clear()
    t0 = time.perf_counter()
    backend.encoder.encode(sentences, backend.options.batch_size)
    minilm_s = time.perf_counter() - t0
    backend.encoder.clear()

    t0 = time.perf_counter()
    analysed = []
    for b in range(0, len(items), 32):
        analysed += backend._analyse(items[b:b + 32])
    default_s = time.perf_counter() - t0
    defaults = backend.judge_items(items)   # the default verdicts (slots off), memo warm

    kinds = tuple(args.kinds.split(","))
    check = SlotCheck(LmOptions(slots=True, margin=args.margin, kinds=kinds))
    t0 = time.perf_counter()
    check.find([("The price rose to 12 dollars.", "The price rose from 9 to 12 dollars.")])   # load the model
    load_s = time.perf_counter() - t0
    check.scored = 0
    t0 = time.perf_counter()
    findings = []
    for k, judged in enumerate(analysed):
        if k % 20 == 0:
            print(f"  slot check: {k}/{len(analysed)} rows, {time.perf_counter() - t0:.0f} s", file=sys.stderr,
                  flush=True)
        findings.append(check.find([(span.text, window) for span, _chk, _ev, window in judged]))
    slot_s = time.perf_counter() - t0

    recs, out_rows = [], []
    groups_with_spans = {r["group"] for r in rows if r.get("error_spans")}
    for r, judged, found, (claims, _score) in zip(rows, analysed, findings, defaults):
        by_kind = {k: [(span.start + f.slot.start, span.start + f.slot.end)
                       for (span, *_), fs in zip(judged, found) for f in fs if f.slot.kind == k] for k in kinds}
        blamed = [b for k in kinds for b in by_kind[k]]
        fired = bool(blamed)
        err = char_spans(r["summary"], r.get("error_spans") or ())
        firings = {f"lm_slot.{k}": tuple(v) for k, v in by_kind.items() if v}
        if fired:
            firings["lm_slot"] = tuple(blamed)
        recs.append(RowFirings(r["group"], int(r["label"]), firings, err, r["group"] in groups_with_spans))
        default_spans = [(s.start, s.end) for c in claims if not c.supported
                         for s in (c.unsupported_spans or ())] + \
                        [(c.start, c.end) for c in claims if not c.supported and not c.unsupported_spans]
        out_rows.append({"id": r["id"], "group": r["group"], "label": int(r["label"]), "split": r.get("split"),
                         "error_kind": r.get("error_kind", ""), "err": err, "default": default_spans,
                         "slot": blamed, **{f"slot.{k}": v for k, v in by_kind.items()}, "reasons": [f.reason for fs in found for f in fs]})
    names = ["lm_slot"] + [f"lm_slot.{k}" for k in kinds] if len(kinds) > 1 else ["lm_slot"]
    ledger = build_ledger(recs, names)
    dev = (f"{args.dev_faithful} faithful + {args.dev_unfaithful} unfaithful" if args.dev_faithful or
           args.dev_unfaithful else f"{args.dev_per_file}")
    print(f"LM slot check, margin {args.margin:g} nats, kinds {args.kinds}; {len(rows)} rows "
          f"({dev} per dev file); default threshold {threshold:.4f}")
    print(render_ledger(ledger))
    judged = hard_rule(build_ledger([x for x in recs if x.dataset != "genres2-test"], names))
    tested = hard_rule(build_ledger([x for x in recs if x.dataset == "genres2-test"], names))
    for name in names:
        why = judged[name]
        print(f"hard_rule for {name} (every dataset but genres2-test): " +
              ("PASSES" if not why else "fails: " + "; ".join(why)))
        print("  genres2-test alone: " + ("passes" if not tested[name] else "fails: " + "; ".join(tested[name])))

    print("\ncaught (the planted error in a flagged span) and clean (faithful, no flag):")
    for title, sel in (("genres + genres2, test splits", lambda x: x["split"] == "test"),
                       ("genres + genres2, tune splits", lambda x: x["split"] == "tune")):
        sub = [x for x in out_rows if x["group"].startswith("genres") and sel(x)]
        variants = [("default", lambda x: x["default"]), ("default + slots", lambda x: x["default"] + x["slot"])]
        if len(kinds) > 1:
            variants += [(f"default + {k} slots", lambda x, k=k: x["default"] + x[f"slot.{k}"]) for k in kinds]
        for name, spans in variants:
            bad = [x for x in sub if x["label"] == 0]
            good = [x for x in sub if x["label"] == 1]
            caught = sum(any(overlaps(f, e) for f in spans(x) for e in x["err"]) for x in bad)
            clean = sum(not spans(x) for x in good)
            print(f"  {title:<32} {name:<22} caught {caught}/{len(bad)}   clean {clean}/{len(good)}")
        extra = [x for x in sub if x["label"] == 0 and x["slot"] and not any(
            overlaps(f, e) for f in x["default"] for e in x["err"]) and any(
            overlaps(f, e) for f in x["slot"] for e in x["err"])]
        print(f"    caught only by the slot check: {', '.join(x['id'] + ' (' + x['error_kind'] + ')' for x in extra) or 'none'}")

    n = len(rows)
    print(f"\ncost on {n} rows ({args.threads} threads): one MiniLM pass over {len(sentences)} sentences "
          f"{minilm_s:.1f} s; default detector (cold memo) {default_s:.1f} s; "
          f"slot check {slot_s:.1f} s = {slot_s / n:.2f} s per summary ({check.scored} claims reached the LM), "
          f"{slot_s / max(minilm_s, 1e-9):.1f}x the MiniLM pass; model load {load_s:.1f} s")
    print("firings:")
    for x in out_rows:
        if x["slot"]:
            print(f"  {x['id']:<22} label {x['label']} {x['error_kind'] or '':<24} " + " | ".join(x["reasons"]))
    if args.json:
        Path(args.json).write_text(json.dumps(out_rows, indent=1))


if __name__ == "__main__":
    main()
