"""The HTML page without a browser: one file, no network, no report text in the markup."""

from __future__ import annotations

import json
import re

from evalharness.render.html import json_for_script, page_data, render_html
from tests.helpers.html_fixture import BAD_SYSTEM, PAYLOAD, build


def _data_script(page: str) -> str:
    m = re.search(r'<script type="application/json" id="eh-data">(.*?)</script>', page, re.S)
    assert m
    return m.group(1)


def test_json_for_script_escapes_everything_that_could_close_the_element():
    text = json_for_script({"s": "</script><!-- & \u2028 \u2029 >"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"s": "</script><!-- & \u2028 \u2029 >"}


def test_report_text_only_travels_inside_the_json_data():
    base, new, comp = build()
    page = render_html(new, comparison=comp, baseline=base)
    data = _data_script(page)
    assert json.loads(data) == json.loads(json.dumps(page_data(new, comp, base)))
    outside = page.replace(data, "")
    for needle in ("__pwned", "javascript:", "onerror", "bridge", BAD_SYSTEM, "Millbrook"):
        assert needle not in outside
    # exactly our two script elements, and nothing loads from anywhere
    assert len(re.findall(r"<script\b", page)) == 2
    assert not re.search(r"\b(src|href)\s*=", outside)
    assert "default-src 'none'" in page


def test_the_page_script_never_parses_html():
    from importlib import resources
    js = resources.files("evalharness.render").joinpath("assets", "report.js").read_text()
    for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert banned not in js


def test_page_data_holds_offsets_and_comparison():
    base, new, comp = build(n_extra=1)
    d = page_data(new, comp, base)
    first = d["cases"][0]["c"][0]
    cl = first["cl"][0]
    assert first["t"][cl["a"]:cl["b"]] == "Millbrook council approved a 21 million pound repair."
    assert d["cases"][0]["src"][cl["ev"][0]:cl["ev"][1]].startswith("Millbrook council approved a 12")
    ch = d["cmp"]["changes"]["<b>bridge</b>"]["model-a"]
    assert ch["reg"] and ch["new"][1] == PAYLOAD and ch["base"].startswith("Millbrook council approved a 12")
    assert d["main"] == ["rouge.rouge1", "support.supported_rate", "support.unsupported_claims"]


def test_cli_report_writes_one_html_file(cli, tmp_path):
    from evalharness.core.report import write_report
    base, new, _ = build(n_extra=1)
    write_report(base, tmp_path / "base.json")
    write_report(new, tmp_path / "new.json")
    out = tmp_path / "r.html"
    r = cli("report", str(tmp_path / "new.json"), "--format", "html", "--baseline", str(tmp_path / "base.json"),
            "-o", str(out))
    assert r.returncode == 1, r.stderr  # exits like run --baseline: the recorded config has no compare rules
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and '"cmp":{' in page
