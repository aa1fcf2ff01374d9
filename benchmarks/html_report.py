"""How long a 500-case HTML report takes to build and to load, and whether it scrolls smoothly.

    python benchmarks/html_report.py [--cases 500] [--from REPORT.json]

Without --from, the report is built from the bundled cases/*.yaml (sources and
summaries repeated to N cases, one claim per summary sentence with the
best-overlapping source sentence as evidence, seeded scores): no model runs, so
anyone can rerun it. With --from, the cases of a real report are repeated instead.

Build time is given next to a baseline measured in the same process (json.dumps
of the same report), and load time next to the 4-case report loaded in the same
browser, as ratios.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evalharness.stats.aggregate import bootstrap_mean, derive_seed  # noqa: E402
from evalharness.core.report import CandidateResult, CaseResult, GateResult, Report, dumps, read_report  # noqa: E402
from evalharness.core.results import Claim, Span  # noqa: E402

METRICS = {"rouge.rouge1": True, "rouge.rouge2": True, "rouge.rougeL": True, "rouge.rougeLsum": True,
           "bertscore.f1": True, "support.supported_rate": True, "support.unsupported_claims": False,
           "support.score": True}


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?]?", text) if m.group().strip()]


def _synthetic_claims(summary: str, source: str, rng) -> tuple[Claim, ...]:
    src_sents = _sentences(source)
    out = []
    for a, b in _sentences(summary):
        while a < b and summary[a].isspace():
            a += 1
        words = set(summary[a:b].lower().split())
        ea, eb = max(src_sents, key=lambda s: len(words & set(source[s[0]:s[1]].lower().split())))
        ok = bool(rng.random() > 0.2)
        spans = ()
        if not ok:
            w = re.search(r"\w+", summary[a:b])
            if w:
                spans = (Span(w.group(), a + w.start(), a + w.end()),)
        out.append(Claim(text=summary[a:b], start=a, end=b, supported=ok, score=float(rng.random()),
                         evidence=Span(source[ea:eb], ea, eb), unsupported_spans=spans,
                         verdict="supported" if ok else "unsupported"))
    return tuple(out)


def build_report(n: int, template: Report | None, seed: int = 7) -> Report:
    import numpy as np
    rng = np.random.default_rng(seed)
    if template is not None:
        pool = [(c.source, [(k.system, k.summary, k.claims) for k in c.candidates]) for c in template.cases]
        metrics = dict(template.metrics)
    else:
        from evalharness.io.cases import load_cases
        cases = load_cases([ROOT / "cases"])
        pool = [(c.source, [(s, t, None) for s, t in c.candidates.items()]) for c in cases]
        metrics = METRICS
    results = []
    for i in range(n):
        source, cands = pool[i % len(pool)]
        out = []
        for system, summary, claims in cands:
            claims = claims if claims is not None else _synthetic_claims(summary, source, rng)
            scores = {m: float(rng.random()) for m in metrics}
            scores["support.unsupported_claims"] = float(sum(not c.supported for c in claims))
            out.append(CandidateResult(system=system, summary=summary, scores=scores, claims=claims))
        results.append(CaseResult(id=f"case-{i:04d}", source=source, references=(), candidates=tuple(out)))
    per: dict = {}
    for c in results:
        for k in c.candidates:
            for m, v in k.scores.items():
                per.setdefault(k.system, {}).setdefault(m, []).append(v)
    systems = {s: {m: bootstrap_mean(v, seed=derive_seed(1, s, m)) for m, v in ms.items()} for s, ms in per.items()}
    return Report(signatures={"synthetic": "benchmark"}, metrics=metrics, systems=systems, cases=tuple(results),
                  gate=GateResult(passed=True), headline=tuple(metrics))


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


SCROLL_JS = """new Promise(resolve => {
  const frames = []; let last = performance.now(); const max = document.documentElement.scrollHeight;
  const boxes = [...document.querySelectorAll('.heatwrap, .caselist')];
  const atEnd = e => e.scrollTop + e.clientHeight >= e.scrollHeight - 2;
  function step(now) {
    frames.push(now - last); last = now;
    window.scrollBy(0, 40); boxes.forEach(e => { e.scrollTop += 60; });
    if ((window.scrollY + window.innerHeight >= max - 2 && boxes.every(atEnd)) || frames.length > 600) {
      frames.shift(); frames.sort((a, b) => a - b);
      resolve({frames: frames.length, median: frames[Math.floor(frames.length / 2)],
               p95: frames[Math.floor(frames.length * 0.95)], max: frames[frames.length - 1], height: max,
               inner: boxes.map(e => e.scrollHeight)});
    } else requestAnimationFrame(step);
  }
  requestAnimationFrame(step);
})"""


def load_in_browser(b, path: Path, repeat: int) -> dict:
    loads, renders = [], []
    for _ in range(repeat):
        b.navigate(path.as_uri())
        loads.append(b.evaluate("window.__eh.readyAt"))
        renders.append(b.evaluate("window.__eh.renderMs"))
    t0 = time.perf_counter()
    b.evaluate("window.__eh.select(document.querySelectorAll('#case-table tbody tr')[250 % "
               "document.querySelectorAll('#case-table tbody tr').length].dataset.case)")
    select_ms = (time.perf_counter() - t0) * 1000
    scroll = b.evaluate(SCROLL_JS)
    return {"ready_ms": statistics.median(loads), "script_ms": statistics.median(renders), "select_ms": select_ms,
            "scroll": scroll}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=500)
    ap.add_argument("--from", dest="template", metavar="REPORT.json")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", metavar="FILE.html", help="keep the big page here")
    args = ap.parse_args()
    from evalharness.render.html import render_html

    template = read_report(args.template) if args.template else None
    small = build_report(len(template.cases) if template else 4, template)
    big = build_report(args.cases, template)
    n_items = sum(len(c.candidates) for c in big.cases)
    n_claims = sum(len(k.claims) for c in big.cases for k in c.candidates)

    t_json = best_of(lambda: dumps(big), args.repeat)
    t_html = best_of(lambda: render_html(big), args.repeat)
    page = render_html(big)
    tmp = Path(tempfile.mkdtemp(prefix="eh-bench-"))
    big_path = Path(args.keep) if args.keep else tmp / "big.html"
    big_path.write_text(page, encoding="utf-8")
    small_path = tmp / "small.html"
    small_path.write_text(render_html(small), encoding="utf-8")
    print(f"report: {len(big.cases)} cases, {n_items} summaries, {n_claims} claims; "
          f"HTML {len(page.encode()) / 1e6:.2f} MB")
    print(f"build:  render_html {t_html * 1000:.0f} ms (median of {args.repeat}); json.dumps of the same report "
          f"{t_json * 1000:.0f} ms; ratio {t_html / t_json:.2f}x")

    from tests.helpers.cdp import Browser, find_chromium
    if find_chromium() is None:
        print("load:   skipped (no chromium)")
        return 0
    with Browser(width=1400, height=1000) as b:
        s = load_in_browser(b, small_path, args.repeat)
        g = load_in_browser(b, big_path, args.repeat)
    print(f"load:   {len(big.cases)} cases ready {g['ready_ms']:.0f} ms after navigation (page script "
          f"{g['script_ms']:.0f} ms); {len(small.cases)} cases {s['ready_ms']:.0f} ms; ratio "
          f"{g['ready_ms'] / s['ready_ms']:.1f}x (median of {args.repeat}, headless chromium)")
    print(f"click:  opening a case's drill-down {g['select_ms']:.0f} ms (round trip over the DevTools pipe)")
    sc = g["scroll"]
    print(f"scroll: {sc['frames']} frames, page {sc['height']} px and the heatmap/case list ({sc['inner']} px) "
          f"scrolled together: frame interval median {sc['median']:.1f} ms, "
          f"p95 {sc['p95']:.1f} ms, max {sc['max']:.1f} ms")
    print(json.dumps({"cases": len(big.cases), "build_ms": t_html * 1000, "json_ms": t_json * 1000,
                      "ready_ms": g["ready_ms"], "small_ready_ms": s["ready_ms"], "scroll": sc}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
