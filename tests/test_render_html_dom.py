"""The HTML report's script run under node on a minimal DOM (tests/dom_shim.js): what the
page builds, checked without a browser (tests/test_render_html_browser.py checks the
drawing in a real one)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from evalharness.render.html import render_html
from html_fixture import BAD_SYSTEM, build

NODE = shutil.which("node")
SHIM = Path(__file__).parent / "dom_shim.js"
CHAR = 6.6  # px per character of an 11px label, as the page assumes

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    base, new, comp = build(n_extra=3)
    path = tmp_path_factory.mktemp("dom") / "report.html"
    path.write_text(render_html(new, comparison=comp, baseline=base), encoding="utf-8")
    return path, comp


def run_page(path: Path, scenario: str, hash: str = ""):
    sc = path.with_name("scenario.js")
    sc.write_text(scenario, encoding="utf-8")
    r = subprocess.run([NODE, str(SHIM), str(path), hash, str(sc)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_heatmap_column_labels_fit_and_carry_the_full_name(page):
    path, _ = page
    got = run_page(path, """
      var svg = $("#heatmap");
      result = { W: +svg.getAttribute("width"),
                 labels: $$("#heatmap text.collabel").map(function (t) {
                   return { text: t.childNodes[0].textContent, title: t.querySelector("title").textContent,
                            x: +t.getAttribute("x"), y: +t.getAttribute("y") }; }) };""")
    assert len(got["labels"]) == 2 * 3            # 2 systems x 3 main metrics
    lab = next(x for x in got["labels"] if x["title"] == f"{BAD_SYSTEM} / support.supported_rate")
    assert lab["text"] == f"{BAD_SYSTEM} supported_rate"   # 41 characters, once cut at the top
    for x in got["labels"]:
        n = len(x["text"])
        assert x["y"] - n * CHAR * 0.87 >= 0, x        # room above for the label rising at 60 degrees
        assert x["x"] + n * CHAR * 0.5 <= got["W"], x  # and to the right for the last ones


def test_the_baseline_table_hides_unchanged_rows_until_asked(page):
    path, comp = page
    changed = sum(1 for d in comp.deltas if d.metric in comp.headline and
                  max(abs(d.stats.delta), abs(d.stats.ci_low), abs(d.stats.ci_high)) >= 1e-12)
    total = sum(1 for d in comp.deltas if d.metric in comp.headline)
    assert 0 < changed < total
    got = run_page(path, """
      var before = $$("#delta-table tbody tr").length, label = $("#unchanged-toggle").textContent;
      var box = $("#f-unchanged"); box.checked = true; box.dispatch("change");
      result = { before: before, label: label, after: $$("#delta-table tbody tr").length };""")
    assert got == {"before": changed, "after": total,
                   "label": f" show the {total - changed} unchanged row(s) (delta 0)"}


def test_every_case_has_an_anchor_and_a_link_opens_it(page):
    path, _ = page
    got = run_page(path, """
      var ids = $$("#case-table tbody tr").map(function (tr) { return tr.id; });
      var opened = $("#drill-title").textContent;
      click($$("#case-table tbody tr")[2]);
      result = { ids: ids, opened: opened, after: location.hash, title: $("#drill-title").textContent,
                 link: $("#case-link").textContent };""", hash="#case=case-1")
    assert got["ids"] == ["case-<b>bridge</b>", "case-case-0", "case-case-1", "case-case-2"]
    assert got["opened"] == "Case case-1"            # the link's case, not the first flagged one
    assert got["after"] == "#case=case-1" and got["title"] == "Case case-1"
    got = run_page(path, """
      click($$("#case-table tbody tr")[0]);
      result = { hash: location.hash, link: $("#case-link").textContent };""")
    assert got == {"hash": "#case=%3Cb%3Ebridge%3C%2Fb%3E",
                   "link": "link to this case: this page + #case=%3Cb%3Ebridge%3C%2Fb%3E"}


def test_the_claim_panel_names_the_verdict_once(page):
    path, _ = page
    got = run_page(path, """
      var span = $$("#candidates .claim.bad")[0]; click(span);
      result = $("#claim-info b").textContent;""")
    assert got == "model-a: unsupported"              # was "model-a: unsupported (unsupported)"


def test_newly_flagged_claims_come_first_and_the_drill_down_opens_on_the_most_regressed_case(tmp_path):
    """Case "a" is flagged in both runs (the first flagged case), "b" only dropped, "c" has a newly flagged
    claim: the page lists c's claim first and opens on c, not on a."""
    from evalharness.verdict.compare import compare_reports
    from evalharness.core.config import CompareConfig
    from report_factory import case, cand, claim, make_report
    src = "The bridge repair costs 12 million pounds and starts in May."
    bad, flagged = "The repair costs 21 million pounds.", "It starts in June."
    base = make_report([case("a", src, cand("A", flagged, {"rouge.rouge1": 0.5}, [claim(flagged, flagged, False)])),
                        case("b", src, cand("A", src, {"rouge.rouge1": 0.9})),
                        case("c", src, cand("A", src, {"rouge.rouge1": 0.7}))])
    new = make_report([case("a", src, cand("A", flagged, {"rouge.rouge1": 0.5}, [claim(flagged, flagged, False)])),
                       case("b", src, cand("A", src, {"rouge.rouge1": 0.2})),
                       case("c", src, cand("A", bad, {"rouge.rouge1": 0.7}, [claim(bad, bad, False, "", None,
                                                                                   ("21",))]))])
    comp = compare_reports(base, new, CompareConfig(no_rules=True))
    path = tmp_path / "report.html"
    path.write_text(render_html(new, comparison=comp, baseline=base), encoding="utf-8")
    got = run_page(path, """
      result = { first: $("main").childNodes[0].id, items: $$("#new-flags-list li").map(function (li) { return li.textContent; }),
                 opened: $("#drill-title").textContent, warnings: $$("#warnings li").map(function (li) { return li.textContent; }) };""")
    assert got["first"] == "new-flags"
    assert got["items"] == ["case c / A: \u201cThe repair costs 21 million pounds.\u201d  offending: \u201c21\u201d"]
    assert got["opened"] == "Case c"
    assert got["warnings"][0].startswith("warning: 1 claim(s) newly flagged against the baseline, not gated")
