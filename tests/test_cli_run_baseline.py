"""``evalharness run`` with on-the-fly systems, --baseline, --junit and --format html (ROUGE only: no model)."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET

import pytest

CONFIG = """\
scorers:
  rouge: {types: [rouge1]}
gate:
  rules:
    - {metric: rouge.rouge1, min: 0.0}
compare:
  rules:
    - {metric: rouge.rouge1, max_drop: 0.0, significant: false, systems: [new]}
"""

# The "summariser": the source's first sentence; it fails on the Kursk article.
LEAD = """\
import sys
src = sys.stdin.read()
if "Kremlin" in src:
    sys.stderr.write("cannot summarise this one\\n"); sys.exit(1)
print(src.strip().split(". ")[0].rstrip(".") + ".")
"""
# A worse summariser: the first four words.
SHORT = """\
import sys
print(" ".join(sys.stdin.read().split()[:4]))
"""


CASES = {
    "bridge": ("Millbrook council approved a 12 million pound repair of the Harbour Bridge on Tuesday. "
               "Work will start in May.", "Millbrook council approved a 12 million pound repair of the bridge."),
    "cup": ("Northfield Rovers won the county cup on Saturday, beating Eastmoor United 2-1. The winner came late.",
            "Northfield Rovers beat Eastmoor United 2-1 to win the county cup."),
    "truce": ("The Kremlin is weighing a 30-day truce proposed by the US. Talks continue.",
              "The Kremlin is considering a US proposal for a 30-day truce."),
}


@pytest.fixture
def setup(tmp_path):
    (tmp_path / "cases").mkdir()
    for cid, (source, ref) in CASES.items():
        (tmp_path / "cases" / f"{cid}.yaml").write_text(json.dumps({"id": cid, "source": source,
                                                                    "references": [ref]}))
    (tmp_path / "cfg.yaml").write_text(CONFIG)
    (tmp_path / "lead.py").write_text(LEAD)
    (tmp_path / "short.py").write_text(SHORT)
    return tmp_path


def test_summariser_errors_are_exit_3_and_runs_are_kept(cli, root, setup):
    out = setup / "base"
    r = cli("run", str(setup / "cases"), "--config", str(setup / "cfg.yaml"), "--out", str(out), "--quiet",
            "--system", f"new=cmd:{sys.executable} {setup / 'lead.py'}", "--junit", str(setup / "j.xml"))
    assert r.returncode == 3, r.stderr
    assert "[error] summarise failed on case 'truce', system 'new': cmd:" in r.stdout
    assert "exited with code 1: cannot summarise this one" in r.stdout
    rows = [json.loads(x) for x in (out / "runs" / "new.jsonl").read_text().splitlines()]
    assert [x["case_id"] for x in rows] == ["bridge", "cup"]
    assert rows[1]["summary"] == "Northfield Rovers won the county cup on Saturday, beating Eastmoor United 2-1."
    report = json.loads((out / "report.json").read_text())
    kursk = next(c for c in report["cases"] if c["id"] == "truce")
    assert next(c for c in kursk["candidates"] if c["system"] == "new")["errors"] == {
        "summarise": next(f["message"] for f in report["gate"]["failures"] if f["kind"] == "error").split(
            "system 'new': ", 1)[1]}
    suite = ET.parse(setup / "j.xml").getroot().find("testsuite")
    errors = [tc for tc in suite.iter("testcase") if tc.find("error") is not None]
    assert [(e.get("classname"), e.get("name")) for e in errors] == [("evalharness.case.truce",
                                                                      "new :: scored")]
    assert suite.get("errors") == "1"
    assert "\r" not in r.stderr  # not a terminal: no progress bar


def test_run_against_a_baseline_gates_regressions(cli, root, setup):
    base, new = setup / "base", setup / "new"
    lead = f"new=cmd:{sys.executable} {setup / 'lead.py'}"
    c = setup / "cases"
    r = cli("run", str(c / "bridge.yaml"), str(c / "cup.yaml"), "--config", str(setup / "cfg.yaml"),
            "--out", str(base), "--system", lead)
    assert r.returncode == 0, r.stdout + r.stderr
    r = cli("run", str(c / "bridge.yaml"), str(c / "cup.yaml"), str(c / "truce.yaml"),
            "--config", str(setup / "cfg.yaml"), "--out", str(new), "--format", "html",
            "--system", f"new=cmd:{sys.executable} {setup / 'short.py'}", "--quiet", "--baseline", str(base / "report.json"),
            "--junit", str(setup / "j.xml"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "cases only in the new run (1): truce" in r.stdout
    assert "[regression] rouge.rouge1: drop <= 0: new dropped by" in r.stdout  # the kind is not repeated
    comp = json.loads((new / "comparison.json").read_text())
    assert comp["cases"] == {"shared": ["bridge", "cup"], "missing": [], "extra": ["truce"], "changed": []}
    d = next(x for x in comp["deltas"] if x["system"] == "new" and x["metric"] == "rouge.rouge1")
    assert d["delta"] < 0 and d["n"] == 2
    report = json.loads((new / "report.json").read_text())
    assert not report["gate"]["passed"]
    assert [f["kind"] for f in report["gate"]["failures"]] == ["regression"]
    page = (new / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and '"cmp":{' in page
    suite = ET.parse(setup / "j.xml").getroot().find("testsuite")
    failed = [tc.get("name") for tc in suite.iter("testcase") if tc.find("failure") is not None]
    assert failed == ["new :: rouge.rouge1: drop <= 0"]


def _testcases(path):
    suite = ET.parse(path).getroot().find("testsuite")
    return [(tc.get("classname"), tc.get("name"), "failure" if tc.find("failure") is not None else "pass")
            for tc in suite.iter("testcase")]


def test_run_report_and_compare_give_one_verdict_and_one_junit(cli, root, setup):
    """The same two runs judged by `run --baseline`, `report --baseline` and `compare`: the same
    exit code and the same JUnit test cases (mean rules included), whatever wrote them."""
    base, new = setup / "base", setup / "new"
    c = setup / "cases"
    cases = [str(c / "bridge.yaml"), str(c / "cup.yaml")]
    r = cli("run", *cases, "--config", str(setup / "cfg.yaml"), "--out", str(base),
            "--system", f"new=cmd:{sys.executable} {setup / 'lead.py'}")
    assert r.returncode == 0, r.stdout + r.stderr
    r = cli("run", *cases, "--config", str(setup / "cfg.yaml"), "--out", str(new), "--quiet",
            "--system", f"new=cmd:{sys.executable} {setup / 'short.py'}", "--baseline", str(base / "report.json"),
            "--junit", str(setup / "run.xml"))
    assert r.returncode == 1, r.stdout + r.stderr
    r2 = cli("report", str(new / "report.json"), "--baseline", str(base / "report.json"),
             "--junit", str(setup / "report.xml"))
    r3 = cli("compare", str(base / "report.json"), str(new / "report.json"), "--junit", str(setup / "compare.xml"))
    assert (r2.returncode, r3.returncode) == (1, 1), r2.stdout + r3.stdout
    got = _testcases(setup / "run.xml")
    assert ("evalharness.rule", "new :: rouge.rouge1 >= 0", "pass") in got          # the mean rule
    assert ("evalharness.regression", "new :: rouge.rouge1: drop <= 0", "failure") in got
    assert _testcases(setup / "report.xml") == got
    assert _testcases(setup / "compare.xml") == got
