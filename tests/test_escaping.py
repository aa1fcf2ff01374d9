"""Reports are safe to open: every text from the input is escaped.

The payloads come from tests/fixtures/injection.yaml (shared with the HTML
report's headless-browser test, issue 5). Each one goes into every user-controlled
field of a report; the Markdown is then rendered to HTML the way GitHub does
(CommonMark with raw HTML allowed, plus tables) and the HTML must hold only the
report's own tags, no attribute that runs script and no link at all.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli

CORPUS = yaml.safe_load((ROOT / "tests" / "fixtures" / "injection.yaml").read_text(encoding="utf-8"))["payloads"]
PAYLOADS = [p["text"] for p in CORPUS]
# The tags the Markdown renderer itself produces; anything else came from the input.
REPORT_TAGS = {"h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "em", "strong", "ul", "li", "details",
               "summary"}


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)


def report_with(payload: str, n: int = 0):
    """A report in which ``payload`` is every user-controlled text."""
    from evalharness.stats.aggregate import MetricSummary
    from evalharness.core.report import CandidateResult, CaseResult, GateFailure, GateResult, Report
    from evalharness.core.results import Claim, Span

    summary = f"{payload} The council approved it."
    source = f"Source text. {payload} More source."
    ev_start = source.index(payload)
    claim = Claim(text=summary, start=0, end=len(summary), supported=False, score=0.1,
                  evidence=Span(payload, ev_start, ev_start + len(payload)),
                  unsupported_spans=(Span(payload, 0, len(payload)),), verdict="unsupported",
                  reasons=(f"name '{payload}' does not appear in the source",))
    system = f"sys {payload}"
    cand = CandidateResult(system=system, summary=summary, scores={"support.supported_rate": 0.0},
                           not_applicable={"rouge.rouge1": f"no reference {payload}"}, claims=(claim,),
                           notes=(f"note {payload}",), errors={"bertscore": f"ValueError: {payload}"})
    case = CaseResult(id=f"case-{n} {payload}", source=source, references=(payload,), candidates=(cand,))
    gate = GateResult(passed=False, failures=(
        GateFailure("expect", f"expect {payload}/{system}: expected '{payload}' inside an unsupported span",
                    system=system, case_id=case.id),
        GateFailure("error", f"bertscore failed on case '{case.id}': {payload}", system=system)))
    return Report(signatures={"support": "support|x"}, metrics={"support.supported_rate": True},
                  systems={system: {"support.supported_rate": MetricSummary(0.0, 0.0, 0.0, 1)}},
                  cases=(case,), gate=gate, headline=("support.supported_rate",))


def visible_text(html: str) -> str:
    parser = TextCollector()
    parser.feed(html)
    parser.close()
    return "".join(parser.data)


class TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: list[str] = []

    def handle_data(self, data):
        self.data.append(data)


def markdown_to_html(text: str) -> str:
    from markdown_it import MarkdownIt
    return MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough").render(text)


def assert_inert_html(html: str) -> None:
    parser = TagCollector()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in REPORT_TAGS, f"injected <{tag}> in {html[:2000]}"
        # the renderer's own tags carry no attributes (tables may carry style=text-align)
        for name, value in attrs:
            assert name == "style" and tag in ("th", "td") and re.fullmatch(r"text-align:\w+", value or ""), (
                tag, name, value)
    assert parser.comments == []


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p["name"] for p in CORPUS])
def test_markdown_report_escapes_every_payload(payload):
    from evalharness.render.markdown import render_markdown

    md = render_markdown(report_with(payload))
    html = markdown_to_html(md)
    assert_inert_html(html)
    # and nothing is lost: the reader sees the payload itself (line breaks become spaces,
    # control characters show as escapes, as in the other renderers: issue 13)
    from evalharness.errors import one_line
    if "\x00" not in payload:
        assert one_line(" ".join(payload.split())) in " ".join(visible_text(html).split())
    assert md.count("<details>") == md.count("</details>") == 1
    # table rows keep their cell count: no pipe from the input splits a cell
    rows = [line for line in md.split("\n") if line.startswith("|")]
    assert len({len(re.findall(r"(?<!\\)\|", r)) for r in rows}) == 1


def test_markdown_report_escapes_all_payloads_at_once():
    """All payloads in one report: no payload can open a context that un-escapes the next."""
    from evalharness.core.report import Report
    from evalharness.render.markdown import render_markdown

    parts = [report_with(p, i) for i, p in enumerate(PAYLOADS)]
    merged = Report(signatures=parts[0].signatures, metrics=parts[0].metrics,
                    systems={k: v for r in parts for k, v in r.systems.items()},
                    cases=tuple(c for r in parts for c in r.cases),
                    gate=type(parts[0].gate)(passed=False, failures=tuple(f for r in parts for f in r.gate.failures)),
                    headline=parts[0].headline)
    assert_inert_html(markdown_to_html(render_markdown(merged)))


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p["name"] for p in CORPUS])
def test_text_report_holds_no_terminal_control_characters(payload):
    from evalharness.render.text import render_text

    text = render_text(report_with(payload))
    bad = re.findall(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert bad == [], bad


def test_md_escape_examples():
    from evalharness.render.markdown import md_escape

    assert md_escape("<script>") == "&lt;script&gt;"
    assert md_escape("[a](javascript:x)") == "\\[a\\]\\(javascript:x\\)"
    assert md_escape("a|b\nc") == "a\\|b c"
    assert md_escape('"&\'') == "\"&amp;'"


def test_payloads_through_the_cli(tmp_path):
    """End to end: payloads as case ids, system names and summaries in a real case file."""
    cases = []
    for i, p in enumerate(PAYLOADS):
        cases.append({"id": f"{i}-{p}", "source": f"The council approved it. {p}",
                      "references": ["The council approved it."],
                      "candidates": {f"model {p}"[:60]: f"{p} The council approved it."}})
    f = tmp_path / "cases.yaml"
    f.write_text(yaml.safe_dump(cases, allow_unicode=True), encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text("scorers:\n  rouge: {}\ngate:\n  no_rules: true\n")
    r = run_cli("run", str(f), "--config", str(config), "--out", str(tmp_path / "out"), "--format", "markdown")
    assert r.returncode == 0, r.stderr
    assert_inert_html(markdown_to_html(r.stdout))
    t = run_cli("report", str(tmp_path / "out" / "report.json"), "--format", "text")
    assert "\x1b" not in t.stdout and "\u202e" not in t.stdout


def merged_report():
    from evalharness.core.report import Report

    parts = [report_with(p, i) for i, p in enumerate(PAYLOADS)]
    return Report(signatures=parts[0].signatures, metrics=parts[0].metrics,
                  systems={k: v for r in parts for k, v in r.systems.items()},
                  cases=tuple(c for r in parts for c in r.cases),
                  gate=type(parts[0].gate)(passed=False, failures=tuple(f for r in parts for f in r.gate.failures)),
                  headline=parts[0].headline)


@pytest.mark.slow
def test_html_report_runs_no_injected_payload_in_a_browser(tmp_path):
    """The HTML report (issue 5) with every payload of the corpus in every field, opened in
    headless chromium: no payload ran, no element came from a payload, and each payload
    is on the page as text."""
    from tests.helpers.cdp import Browser, find_chromium
    from evalharness.render.html import render_html

    if find_chromium() is None:
        if os.environ.get("CI"):
            raise RuntimeError("CI needs chromium for the browser test (.ci/run installs it)")
        pytest.skip("chromium is not installed")
    page = tmp_path / "report.html"
    page.write_text(render_html(merged_report()), encoding="utf-8")
    with Browser(width=1200, height=900) as b:
        b.send("Page.addScriptToEvaluateOnNewDocument",
               source="window.__errors = []; window.addEventListener('error', e => window.__errors.push(String(e.message)));")
        b.navigate(page.as_uri())
        assert b.evaluate("document.documentElement.getAttribute('data-eh-ready')") == "1"
        # open every collapsed case so lazily built parts render too, then look again
        b.evaluate("document.querySelectorAll('details').forEach(d => d.open = true); 1")
        b.evaluate("document.querySelectorAll('.case, .case-row, [data-case]').forEach(e => e.click && e.click()); 1")
        assert b.evaluate("typeof window.__evalharness_pwned") == "undefined"
        assert b.evaluate("window.__errors") == []
        assert b.evaluate("document.images.length") == 0
        assert b.evaluate("document.querySelectorAll('iframe, textarea, object, embed, svg[onload], math, meta[http-equiv=refresh], base, a[href^=javascript], a[href^=data]').length") == 0
        assert b.evaluate("document.scripts.length") == 2  # the report's data and its own script
        text = b.evaluate("document.body.textContent")
    for p in PAYLOADS:
        if "\x00" in p or "\r" in p:
            continue
        first_line = p.split("\n")[0].strip()
        assert first_line in text, p


def test_html_report_holds_no_payload_markup():
    """Without a browser: the payloads appear in the HTML only inside the JSON data
    block, with every '<' escaped, so none can close the script element."""
    from evalharness.render.html import render_html

    html = render_html(merged_report())
    assert "window.__evalharness_pwned" in html  # the data is there ...
    for p in PAYLOADS:
        if "<" in p:
            assert p not in html  # ... but never as raw markup
    assert html.lower().count("<script") == 2 and html.lower().count("</script") == 2
