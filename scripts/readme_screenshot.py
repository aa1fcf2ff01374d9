"""Make the README's screenshot (docs/report-screenshot.png) from a real run.

    python3 scripts/readme_screenshot.py [--out docs/report-screenshot.png] [--keep DIR]

It runs the README's CI flow on the bundled cases: a baseline run of system "old"
(model-a's summaries), then a run of system "new" (the same summaries, one saying 74
percent where the source says 41) against it with ``--pair new=old`` and
``--format html``. The page is opened in headless chromium (tests/helpers/cdp.py),
filtered to regressions, the newly flagged claim is clicked so its evidence is
highlighted, and the viewport is saved (after checking that no heatmap column label
runs past the chart, as "new suppo" once did). The verdict shown on the page is checked
against the run's exit code before the picture is written, so the screenshot can
never show "gate failed" for a run that passed (or the reverse).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_runs(folder: Path) -> tuple[Path, Path]:
    """old.jsonl (model-a's summaries) and new.jsonl (the same, 74 percent for 41) in ``folder``."""
    from evalharness.io.cases import load_cases
    old, new = [], []
    for c in load_cases([ROOT / "cases"]):
        summary = c.candidates["model-a"]
        old.append({"case_id": c.id, "summary": summary})
        new.append({"case_id": c.id, "summary": summary.replace("41 percent", "74 percent")})
    if old == new:
        raise SystemExit("no bundled model-a summary says '41 percent' any more; update this script")
    paths = folder / "old.jsonl", folder / "new.jsonl"
    for path, rows in zip(paths, (old, new)):
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return paths


def evalharness(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    import os
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "evalharness", *args], cwd=cwd, env=env, capture_output=True,
                          text=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "report-screenshot.png"), help="where the PNG goes")
    ap.add_argument("--keep", metavar="DIR", help="keep the runs, reports and page in DIR (default: a temp folder)")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=1000)
    args = ap.parse_args(argv)
    from tests.helpers.cdp import Browser, find_chromium
    if find_chromium() is None:
        raise SystemExit("no chromium found (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        import shutil
        for folder in ("cases", "configs"):    # the repository's cases and config, run from a folder of its own
            shutil.rmtree(work / folder, ignore_errors=True)
            shutil.copytree(ROOT / folder, work / folder)
        write_runs(work)
        r = evalharness(work, "run", "cases/", "--candidates", "old=old.jsonl", "--out", "base", "--quiet")
        if r.returncode != 0:
            raise SystemExit(f"the baseline run exited {r.returncode}:\n{r.stdout}{r.stderr}")
        r = evalharness(work, "run", "cases/", "--candidates", "new=new.jsonl", "--baseline", "base/report.json",
                        "--pair", "new=old", "--format", "html", "--out", "new", "--quiet")
        if r.returncode not in (0, 1):
            raise SystemExit(f"the run exited {r.returncode}:\n{r.stdout}{r.stderr}")
        passed = json.loads((work / "new" / "report.json").read_text())["gate"]["passed"]
        if passed != (r.returncode == 0):
            raise SystemExit(f"report.json says passed={passed} but the run exited {r.returncode}")
        page = work / "new" / "report.html"
        with Browser(width=args.width, height=args.height) as b:
            b.navigate(page.as_uri())
            if b.evaluate("document.documentElement.getAttribute('data-eh-ready')") != "1":
                raise SystemExit("the page did not finish drawing")
            shown = b.evaluate("document.getElementById('verdict').className")
            if ("pass" in shown.split()) != passed:
                raise SystemExit(f"the page shows '{shown}' but the run {'passed' if passed else 'failed'}")
            cut = b.evaluate("""(() => { const svg = document.getElementById('heatmap').getBoundingClientRect();
                return [...document.querySelectorAll('#heatmap text.collabel')].filter(t => {
                  const r = t.getBoundingClientRect();
                  return r.left < svg.left - 0.5 || r.right > svg.right + 0.5 || r.top < svg.top - 0.5; })
                  .map(t => t.textContent); })()""")
            if cut:
                raise SystemExit(f"heatmap column labels cut at the edge of the chart: {cut}")
            b.click("#f-regressed")                                  # only the cases that got worse
            b.click('#candidates .cand[data-system="new"] .claim.bad')  # the newly flagged claim: evidence lit
            # the drill-down under the sticky header (verdict and filters stay in the picture)
            b.evaluate("window.scrollTo(0, document.getElementById('drilldown').getBoundingClientRect().top"
                       " + window.scrollY - document.getElementById('top').offsetHeight - 8)")
            verdict = b.evaluate("document.getElementById('verdict').textContent")
            first = b.evaluate("(document.querySelector('#new-flags-list li') || {}).textContent || ''")
            b.screenshot(Path(args.out))
    print(f"run exit {r.returncode}; page verdict: {verdict}; first newly flagged: {first}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
