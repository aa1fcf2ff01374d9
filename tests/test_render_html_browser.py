"""The HTML report in a real browser (Debian's chromium, headless, driven over the
DevTools protocol): charts drawn, clicking a claim highlights its evidence in the
source, filters work, and no injected markup ever ran. Saves screenshots under
tests/artifacts/ (ignored by git)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers.cdp import Browser, find_chromium
from evalharness.render.html import render_html
from tests.helpers.html_fixture import EVIDENCE, PAYLOAD, build

ARTIFACTS = Path(os.environ.get("EVALHARNESS_ARTIFACTS", Path(__file__).parent / "artifacts"))

if find_chromium() is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs chromium for the browser test (.ci/run installs it)")
    pytest.skip("chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    base, new, comp = build(n_extra=3)
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(new, comparison=comp, baseline=base), encoding="utf-8")
    with Browser(width=1400, height=1100) as b:
        b.send("Page.addScriptToEvaluateOnNewDocument",
               source="window.__errors = []; window.addEventListener('error', e => window.__errors.push(String(e.message)));")
        b.navigate(path.as_uri())
        yield b, new, comp


def js(b, expr):
    return b.evaluate(expr)


def test_page_is_ready_without_errors_or_injection(page):
    b, _, _ = page
    assert js(b, "document.documentElement.getAttribute('data-eh-ready')") == "1"
    assert js(b, "window.__errors") == []
    assert js(b, "typeof window.__pwned") == "undefined"
    assert js(b, "document.images.length") == 0                      # no <img> from a payload
    assert js(b, "document.scripts.length") == 2                     # the data and our script
    assert js(b, "document.querySelectorAll('a, iframe, textarea, object, embed').length") == 0
    # the payload is shown as text
    assert PAYLOAD.replace("\u2028", "") in js(b, "document.getElementById('candidates').textContent").replace("\u2028", "")


def test_charts_are_drawn(page):
    b, new, comp = page
    n_metrics, n_systems = 3, 2
    assert js(b, "document.querySelectorAll('#chart-systems svg.sys-chart').length") == n_metrics
    assert js(b, "document.querySelectorAll('#chart-systems g.ci circle').length") == n_metrics * n_systems
    assert js(b, "document.querySelectorAll('#chart-dist svg.dist-chart').length") == n_metrics
    assert js(b, "document.querySelectorAll('#heatmap rect.cell').length") == len(new.cases) * n_systems * n_metrics
    # rows that did not move at all (delta and its interval 0) hide behind a toggle
    moved = [d for d in comp.deltas if not (d.stats.delta == d.stats.ci_low == d.stats.ci_high == 0)]
    assert 0 < len(moved) < len(comp.deltas)
    assert js(b, "document.querySelectorAll('#delta-table tbody tr').length") == len(moved)
    b.click("#f-unchanged")
    assert js(b, "document.querySelectorAll('#delta-table tbody tr').length") == len(comp.deltas)
    b.click("#f-unchanged")
    assert js(b, "document.querySelectorAll('#delta-table tbody tr').length") == len(moved)


def test_clicking_a_claim_highlights_its_evidence_in_the_source(page):
    b, _, _ = page
    assert js(b, "document.getElementById('evidence-mark')") is None
    b.click('.cand[data-system="model-a"] .claim.bad')
    assert js(b, "document.getElementById('evidence-mark').textContent") == EVIDENCE
    assert js(b, "document.querySelector('.claim.active').textContent") == \
        "Millbrook council approved a 21 million pound repair."
    assert js(b, "document.querySelector('.claim.active mark.unsup').textContent") == "21"
    assert EVIDENCE in js(b, "document.getElementById('claim-evidence').textContent")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    b.screenshot(ARTIFACTS / "report-claim-evidence.png")
    b.screenshot(ARTIFACTS / "report-full.png", full_page=True)
    assert (ARTIFACTS / "report-full.png").stat().st_size > 10_000


def test_hovering_a_claim_moves_the_highlight(page):
    b, _, _ = page
    box = js(b, """(() => { const e = document.querySelectorAll('.cand')[1].querySelectorAll('.claim')[1];
                    e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();
                    return [r.left + 5, r.top + r.height / 2]; })()""")
    b.send("Input.dispatchMouseEvent", type="mouseMoved", x=box[0], y=box[1])
    assert js(b, "document.getElementById('evidence-mark').textContent") == "Work will start in May and take two years."


def test_filters(page):
    b, new, comp = page
    rows = "document.querySelectorAll('#case-table tbody tr').length"
    assert js(b, rows) == len(new.cases)
    b.click("#f-flagged")
    assert js(b, rows) == 1                                    # only the bridge case has flags
    b.click("#f-flagged")
    b.click("#f-regressed")
    regressed = {c.case_id for c in comp.changes if c.regressed}
    assert js(b, rows) == len(regressed)
    b.click("#f-regressed")
    b.click("#f-sys-1")                                        # hide the second system
    assert js(b, "document.querySelectorAll('#heatmap rect.cell').length") == len(new.cases) * 3
    assert js(b, "document.querySelectorAll('#chart-systems g.ci circle').length") == 3
    b.click("#f-sys-1")
    assert js(b, "typeof window.__pwned") == "undefined"


def test_selecting_a_case_from_the_heatmap(page):
    b, _, _ = page
    b.click('#heatmap g.heatrow[data-case="case-1"] rect.cell')
    assert js(b, "document.getElementById('drill-title').textContent") == "Case case-1"
    assert json.loads(json.dumps(js(b, "[...document.querySelectorAll('#case-table tr.sel')].map(t => t.dataset.case)"))) == ["case-1"]


EXAMPLE = Path(__file__).parent / "data" / "example"


def test_example_report_screenshot():
    """The bundled cases scored by the real scorers (tests/data/example: the baseline, and a run where
    model-b's summaries changed), compared. This screenshot is the one in docs/report.md."""
    from evalharness.verdict.compare import compare_reports
    from evalharness.core.report import read_report
    base, new = read_report(EXAMPLE / "base.json"), read_report(EXAMPLE / "new.json")
    comp = compare_reports(base, new)
    out = ARTIFACTS / "report-example.html"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(new, comparison=comp, baseline=base), encoding="utf-8")
    with Browser(width=1400, height=1000) as b:
        b.navigate(out.as_uri())
        b.click("#f-regressed")
        assert js(b, "[...document.querySelectorAll('#case-table tbody tr')].map(t => t.dataset.case)") == \
            [c.case_id for c in comp.changes if c.regressed]
        b.click('#case-table tr[data-case="vaccine-trial"]')
        b.click('.cand[data-system="model-b"] .claim.bad')
        claim = next(c for c in new.cases if c.id == "vaccine-trial").candidate("model-b").flagged[0]
        assert js(b, "document.getElementById('evidence-mark').textContent") == claim.evidence.text
        b.evaluate("document.getElementById('drilldown').scrollIntoView()")
        b.screenshot(ARTIFACTS / "report-example-drilldown.png")
        b.evaluate("window.scrollTo(0, 0)")
        b.screenshot(ARTIFACTS / "report-example.png", full_page=True)
