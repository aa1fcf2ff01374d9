"""Measure the source-conditioned LM signal (evalharness/scorers/support/lm.py) on labelled rows.

Two steps, so the slow one runs once:

  python scripts/lm_features.py extract --out /work/lm-features/dev.jsonl \\
      --per-class 30 ../shared/bench/dev/*.jsonl
      For each row (source, summary, label, dataset): split the summary into claims
      (evalharness.scorers.text.split_claims), pick each claim's evidence window (the top-2
      source sentences by IDF-weighted shared stems, kept in source order), run the LM
      on (claim, evidence) and write one line per row: id, dataset, label, the
      summary-level features (worst claim and mean over claims of each aggregate) and
      every claim's words with their log-prob and PMI (offsets into the summary), so a
      claim combiner can be fitted on them without rerunning the model.
      --per-class N keeps N consistent + N inconsistent rows per dataset (fewer where a
      class has fewer), chosen by a hash of the id (deterministic, not file order).

  python scripts/lm_features.py report /work/lm-features/dev.jsonl [...]
      Per dataset: ROC AUC of each feature with label 1 = consistent, each feature
      oriented so that higher means "more consistent" (low-word counts are negated);
      the mean over datasets; seconds per summary. For rows with error_spans (the
      genres set): how often the lowest-PMI word of an unfaithful summary falls inside
      an annotated error span, and how often a faithful summary's lowest-PMI word is
      "low" (logp < bar and PMI < 0), i.e. would be flagged.

Run it niced with one or two threads on a shared machine (--threads, default 1).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EVIDENCE_SENTENCES = 2


def pick_rows(rows: list[dict], per_class: int | None) -> list[dict]:
    if not per_class:
        return rows
    out = []
    by = defaultdict(list)
    for r in rows:
        by[(r["dataset"], int(r["label"]))].append(r)
    for key in sorted(by):
        group = sorted(by[key], key=lambda r: hashlib.sha1(str(r["id"]).encode()).hexdigest())
        out.extend(group[:per_class])
    return out


class Evidence:
    """The top-k source sentences of a claim by IDF-weighted shared content stems."""

    def __init__(self, source: str, k: int = EVIDENCE_SENTENCES) -> None:
        from evalharness.scorers.text import is_content, split_sentences, tokenize
        self.k = k
        self.sents = split_sentences(source) or []
        self.stems = [{t.norm for t in tokenize(s.text) if is_content(t)} for s in self.sents]
        df: dict[str, int] = defaultdict(int)
        for st in self.stems:
            for w in st:
                df[w] += 1
        n = max(len(self.sents), 1)
        self.idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}
        self._tok = (is_content, tokenize)

    def window(self, claim: str) -> tuple[str, list[int]]:
        is_content, tokenize = self._tok
        cs = {t.norm for t in tokenize(claim) if is_content(t)}
        scores = [(sum(self.idf.get(w, 0.0) for w in cs & st), -i) for i, st in enumerate(self.stems)]
        best = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)[:self.k]
        best = sorted(best)
        return " ".join(self.sents[i].text for i in best), best


def summary_features(claims: list) -> dict:
    f = {}
    for name in ("min_pmi", "mean_pmi", "min_logp", "mean_logp"):
        vals = [getattr(c, name) for c in claims]
        f[f"worst_{name}"] = min(vals)
        f[f"avg_{name}"] = sum(vals) / len(vals)
    f["low_words"] = sum(c.low_words for c in claims)
    f["low_words_per_claim"] = f["low_words"] / len(claims)
    return f


def extract(args) -> None:
    import torch
    torch.set_num_threads(args.threads)
    from evalharness.scorers.support.lm import LmOptions, LmSignal
    from evalharness.scorers.text import split_claims
    rows = []
    for path in args.inputs:
        file_rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
        rows.extend(pick_rows(file_rows, args.per_class))
    opts = LmOptions(model=args.model, batch_size=args.batch_size, low_logp=args.low_logp)
    sig = LmSignal(opts)
    t0 = time.perf_counter()
    sig.score_claims([("Loading.", "Loading the model.")])
    load_s = time.perf_counter() - t0
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    total = 0.0
    n_claims = 0
    with out.open("w") as fh:
        for k in range(0, len(rows), args.chunk):
            chunk = rows[k:k + args.chunk]
            t = time.perf_counter()
            pairs, owner, windows = [], [], []
            for ri, r in enumerate(chunk):
                ev = Evidence(r["source"], args.evidence_sentences)
                for span in split_claims(r["summary"]):
                    text, idx = ev.window(span.text)
                    pairs.append((span.text, text))
                    owner.append((ri, span))
                    windows.append(idx)
            results = sig.score_claims(pairs)
            dt = time.perf_counter() - t
            total += dt
            n_claims += len(pairs)
            per_row = defaultdict(list)
            for (ri, span), res, idx in zip(owner, results, windows):
                per_row[ri].append((span, res, idx))
            for ri, r in enumerate(chunk):
                claims = per_row.get(ri, [])
                rec = {"id": r["id"], "dataset": r["dataset"], "label": int(r["label"]),
                       "summary": r["summary"], "error_spans": r.get("error_spans") or [],
                       "error_span_offsets": [o for sp in r.get("error_spans") or []
                                              for o in span_offsets(r["summary"], sp)],
                       "error_kind": r.get("error_kind", ""),
                       "seconds": dt / len(chunk), "claims": []}
                if claims:
                    rec["features"] = summary_features([c for _, c, _ in claims])
                for span, c, idx in claims:
                    rec["claims"].append({
                        "text": span.text, "start": span.start, "end": span.end, "evidence_sentences": idx,
                        "tokens": c.tokens, "truncated": c.truncated,
                        **{name: getattr(c, name) for name in ("min_pmi", "mean_pmi", "min_logp", "mean_logp",
                                                               "low_words")},
                        "words": [[w.text, span.start + w.start, span.start + w.end, round(w.logp, 5),
                                   round(w.pmi, 5), round(w.min_token_logp, 5)] for w in c.words]})
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            print(f"{min(k + args.chunk, len(rows))}/{len(rows)} rows, {total / min(k + args.chunk, len(rows)):.2f} "
                  f"s/summary", file=sys.stderr, flush=True)
    print(json.dumps({"rows": len(rows), "claims": n_claims, "load_s": round(load_s, 1),
                      "seconds_per_summary": round(total / max(len(rows), 1), 3),
                      "seconds_per_claim": round(total / max(n_claims, 1), 3), "threads": args.threads,
                      "evidence_sentences": args.evidence_sentences,
                      "signature": list(sig.signature_parts()), "out": str(out)}))


def roc_auc(scores: list[float], labels: list[int]) -> float | None:
    """P(score of a random positive > score of a random negative), ties counted half."""
    pos = [s for s, y in zip(scores, labels) if y == 1]
    neg = [s for s, y in zip(scores, labels) if y == 0]
    if not pos or not neg:
        return None
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    r_pos = sum(r for r, y in zip(ranks, labels) if y == 1)
    return (r_pos - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def oriented(name: str, value: float) -> float:
    """Higher = more consistent: log-probs and PMI as they are, low-word counts negated."""
    return -value if name.startswith("low_words") else value


def span_offsets(summary: str, span: str) -> list[tuple[int, int]]:
    """Every occurrence of an annotated error span in the summary."""
    out, start = [], 0
    while span:
        i = summary.find(span, start)
        if i < 0:
            break
        out.append((i, i + len(span)))
        start = i + 1
    return out


def is_entity(word: list, first: bool) -> bool:
    """A number, or a capitalised word that does not open its claim (a name, a month)."""
    text = word[0]
    return any(ch.isdigit() for ch in text) or (not first and text[:1].isupper())


def derived_features(r: dict, bar: float) -> dict:
    """Features recomputed from the stored words (no model run): the same signal restricted
    to numbers and names, where a source-conflicting token is most telling."""
    ents = [w for c in r["claims"] for i, w in enumerate(c["words"]) if is_entity(w, i == 0)]
    return {"ent_min_pmi": min((w[4] for w in ents), default=0.0),
            "ent_min_logp": min((w[3] for w in ents), default=0.0),
            "ent_low_words": sum(1 for w in ents if w[3] < bar and w[4] < 0)}


def report(args) -> None:
    rows = []
    for path in args.features:
        rows.extend(json.loads(line) for line in Path(path).read_text().splitlines() if line.strip())
    rows = [r for r in rows if r.get("features")]
    for r in rows:
        r["features"].update(derived_features(r, args.low_logp))
    names = list(rows[0]["features"])
    by = defaultdict(list)
    for r in rows:
        by[r["dataset"]].append(r)
    print(f"ROC AUC x100, label 1 = consistent, every feature oriented higher = consistent "
          f"(low_words* negated); n = rows (consistent/inconsistent)")
    head = f"{'dataset':24s} {'n':>9s} " + " ".join(f"{n[:15]:>15s}" for n in names) + f" {'s/summary':>9s}"
    print(head)
    means = defaultdict(list)
    for ds in sorted(by):
        rs = by[ds]
        labels = [r["label"] for r in rs]
        cells = []
        for n in names:
            auc = roc_auc([oriented(n, r["features"][n]) for r in rs], labels)
            cells.append(f"{auc * 100:15.1f}" if auc is not None else f"{'-':>15s}")
            if auc is not None:
                means[n].append(auc)
        sec = sum(r["seconds"] for r in rs) / len(rs)
        print(f"{ds:24s} {len(rs):4d} ({sum(labels)}/{len(rs) - sum(labels)}) " + " ".join(cells) + f" {sec:9.2f}")
    print(f"{'mean over datasets':24s} {'':9s} " + " ".join(f"{sum(v) / len(v) * 100:15.1f}" for v in
                                                        (means[n] for n in names)))
    labels = [r["label"] for r in rows]
    pooled = [roc_auc([oriented(n, r["features"][n]) for r in rows], labels) for n in names]
    print(f"{'all rows pooled':24s} {len(rows):4d} ({sum(labels)}/{len(rows) - sum(labels)}) "
          + " ".join(f"{a * 100:15.1f}" if a is not None else f"{'-':>15s}" for a in pooled)
          + f" {sum(r['seconds'] for r in rows) / len(rows):9.2f}")
    spans = [r for r in rows if r["label"] == 0 and r.get("error_spans")]
    if spans:
        span_view(rows, args.low_logp)


def span_view(rows: list[dict], bar: float) -> None:
    def words(r):
        return [w for c in r["claims"] for w in c["words"]]

    def low(w):
        return w[3] < bar and w[4] < 0

    def in_span(w, spans):
        return any(w[1] < b and w[2] > a for a, b in spans)

    bad = [r for r in rows if r["label"] == 0 and r.get("error_spans")]
    annotated = {r["dataset"] for r in bad}
    good = [r for r in rows if r["label"] == 1 and r["dataset"] in annotated]
    hit = hit_low = any_low_hit = 0
    low_words_bad = low_in_span = 0
    kinds = defaultdict(lambda: [0, 0])
    for r in bad:
        spans = r["error_span_offsets"]
        ws = words(r)
        worst = min(ws, key=lambda w: (w[4], w[1]))
        h = in_span(worst, spans)
        hit += h
        hit_low += h and low(worst)
        kinds[r["error_kind"]][0] += 1
        kinds[r["error_kind"]][1] += h
        lows = [w for w in ws if low(w)]
        low_words_bad += len(lows)
        low_in_span += sum(1 for w in lows if in_span(w, spans))
        any_low_hit += any(in_span(w, spans) for w in lows)
    good_low = sum(1 for r in good if low(min(words(r), key=lambda w: (w[4], w[1]))))
    good_any_low = sum(1 for r in good if any(low(w) for w in words(r)))
    low_words_good = sum(1 for r in good for w in words(r) if low(w))
    print(f"\nspan view (rows with error_spans; 'low' = word logp < {bar:g} and PMI < 0)")
    print(f"  unfaithful: lowest-PMI word inside an error span      {hit}/{len(bad)}")
    print(f"  unfaithful: ... and that word is low                  {hit_low}/{len(bad)}")
    print(f"  unfaithful: some low word inside an error span        {any_low_hit}/{len(bad)}")
    print(f"  faithful:   lowest-PMI word is low (a false flag)     {good_low}/{len(good)}")
    print(f"  faithful:   any low word                              {good_any_low}/{len(good)}")
    print(f"  low words inside error spans / all low words          {low_in_span}/{low_words_bad + low_words_good} "
          f"(unfaithful rows {low_in_span}/{low_words_bad}; faithful rows carry {low_words_good})")
    print("  per error kind, lowest-PMI word in span: " + ", ".join(f"{k} {v[1]}/{v[0]}"
                                                                    for k, v in sorted(kinds.items())))
    # the trade-off of a word flag "logp < bar and PMI < pmi_bar", recomputed from the stored words
    print("\n  word flag = logp < bar and PMI < pmi_bar: unfaithful rows with a flagged word inside an error span;"
          "\n  faithful rows with any flagged word; flagged words inside error spans / all flagged words")
    print(f"  {'bar':>5s} {'pmi_bar':>7s} {'unfaithful hit':>14s} {'faithful flagged':>16s} {'word precision':>14s}")
    for b in (-2.0, -3.0, -4.0, -6.0, -8.0):
        for pb in (0.0, -1.0, -2.0):
            def flag(w, b=b, pb=pb):
                return w[3] < b and w[4] < pb
            hits = sum(1 for r in bad if any(flag(w) and in_span(w, r["error_span_offsets"]) for w in words(r)))
            fp = sum(1 for r in good if any(flag(w) for w in words(r)))
            inside = sum(1 for r in bad for w in words(r) if flag(w) and in_span(w, r["error_span_offsets"]))
            total = sum(1 for r in bad + good for w in words(r) if flag(w))
            print(f"  {b:5g} {pb:7g} {hits:>8d}/{len(bad):<5d} {fp:>10d}/{len(good):<5d} {inside:>8d}/{total:<5d}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("extract")
    e.add_argument("inputs", nargs="+")
    e.add_argument("--out", required=True)
    e.add_argument("--per-class", type=int, default=None)
    e.add_argument("--model", default=None, help="local causal-LM folder or .gguf (default: bundled Gemma 3 270M)")
    e.add_argument("--threads", type=int, default=1)
    e.add_argument("--batch-size", type=int, default=8)
    e.add_argument("--chunk", type=int, default=8, help="rows whose claims are scored together")
    e.add_argument("--low-logp", type=float, default=-4.0)
    e.add_argument("--evidence-sentences", type=int, default=EVIDENCE_SENTENCES,
                   help="source sentences in a claim's evidence window (top by IDF-weighted shared stems)")
    r = sub.add_parser("report")
    r.add_argument("features", nargs="+")
    r.add_argument("--low-logp", type=float, default=-4.0)
    args = ap.parse_args(argv)
    if args.cmd == "extract":
        extract(args)
    else:
        report(args)


if __name__ == "__main__":
    main()
