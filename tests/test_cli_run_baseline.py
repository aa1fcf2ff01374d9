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


# ---- the README's CI flow: a runs file per system, a wrong number, systems named differently -------------------

@pytest.fixture(scope="module")
def readme_flow(tmp_path_factory):
    """The bundled cases; "old" (the baseline) gives model-a's summaries, "new" the same with one number wrong:
    74 percent where the source says 41. The baseline run is made once for the tests below."""
    from conftest import ROOT, run_cli
    from evalharness.io.cases import load_cases
    tmp = tmp_path_factory.mktemp("readme-flow")
    env = {"EVALHARNESS_CACHE_DIR": str(tmp / "cache")}
    old, new = [], []
    for c in load_cases([ROOT / "cases"]):
        old.append({"case_id": c.id, "summary": c.candidates["model-a"]})
        wrong = c.candidates["model-a"].replace("41 percent", "74 percent")
        assert (wrong != c.candidates["model-a"]) == (c.id == "vaccine-trial")
        new.append({"case_id": c.id, "summary": wrong})
    for name, rows in (("old", old), ("new", new)):
        (tmp / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    r = run_cli("run", "cases/", "--candidates", f"old={tmp / 'old.jsonl'}", "--out", str(tmp / "base"), "--quiet",
                env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    return tmp, env


CLAIM = "In a trial of 3,200 adults, a nasal cold vaccine reduced infections by 74 percent"


def _readme_run(tmp, env, label, *extra):
    from conftest import run_cli
    out = tmp / label
    return out, run_cli("run", "cases/", "--candidates", f"new={tmp / 'new.jsonl'}", "--baseline",
                        str(tmp / "base" / "report.json"), "--pair", "new=old", "--format", "markdown",
                        "--junit", str(out / "junit.xml"), "--out", str(out), "--quiet", *extra, env=env)


def test_the_readme_ci_flow_with_new_flags_on_fails_and_names_the_wrong_number_everywhere(readme_flow):
    from conftest import ROOT, run_cli
    tmp, env = readme_flow
    cfg = tmp / "strict.yaml"   # the repository's config with the new_flags rule on every newly flagged claim
    default = (ROOT / "configs" / "default.yaml").read_text()
    assert "  new_flags: {max: 0, checks: [novel_number]}" in default
    cfg.write_text(default.replace("  new_flags: {max: 0, checks: [novel_number]}", "  new_flags: {max: 0}", 1))
    out, r = _readme_run(tmp, env, "strict", "--config", str(cfg))
    assert r.returncode == 1, r.stdout + r.stderr
    md = r.stdout.splitlines()
    assert md[0] == "## evalharness: ❌ gate failed (1 failure(s))"
    assert md[2] == "### 🚩 Newly flagged against the baseline (1 claim(s))"
    assert md[4].startswith(f"- case **vaccine\\-trial** (baseline: old), **new**: “{CLAIM.replace('-', chr(92) + '-')}”")
    assert md[5] == "  - offending: “74”"
    assert any(x.startswith("- **regression**: new\\_flags &lt;= 0: new has 1 newly flagged claim\\(s\\): case "
                            "vaccine\\-trial") and "\\(offending: '74'\\)" in x for x in md)
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    first = next(suite.iter("testcase"))
    assert first.get("name") == f'new :: newly flagged: "{CLAIM}" (offending: "74")'
    assert first.find("failure") is not None and suite.get("failures") == "1"
    text = run_cli("report", str(out / "report.json"), "--baseline", str(tmp / "base" / "report.json"),
                   "--pair", "new=old", "--junit", str(out / "report.xml"), env=env)
    assert text.returncode == 1, text.stdout + text.stderr
    comp = run_cli("compare", str(tmp / "base" / "report.json"), str(out / "report.json"), "--pair", "new=old",
                   "--junit", str(out / "compare.xml"), env=env)
    assert comp.returncode == 1, comp.stdout + comp.stderr
    assert comp.stdout.splitlines()[2] == f'    + newly flagged: "{CLAIM}"'
    assert _testcases(out / "report.xml") == _testcases(out / "compare.xml") == _testcases(out / "junit.xml")
    lines = text.stdout.splitlines()
    assert lines[:4] == ["NEWLY FLAGGED against the baseline: 1 claim(s) in 1 (case, system) pair(s)",
                         "  case vaccine-trial / new (baseline: old)", f'    + newly flagged: "{CLAIM}"',
                         '      offending: "74"']


def test_the_readme_ci_flow_with_the_default_config_fails_on_the_wrong_number(readme_flow):
    """The default turns new_flags on for numbers the source lacks (docs/ci.md: a faithful rewrite trips
    that rule in 3.8% of pairs, any new flag in 15.0%): the README's CI flow with "74" where the source
    says 41 fails, and names the claim first in the Markdown and as the first, failing JUnit test case.
    With 4 cases no significance rule can fail, and the output says so."""
    from conftest import run_cli
    tmp, env = readme_flow
    out, r = _readme_run(tmp, env, "default")
    assert r.returncode == 1, r.stdout + r.stderr
    md = r.stdout
    assert md.splitlines()[0] == "## evalharness: ❌ gate failed (1 failure(s))"
    assert md.index("### 🚩 Newly flagged against the baseline (1 claim(s))") < md.index("“74”") \
        < md.index("### Against the baseline")
    assert "new\\_flags &lt;= 0 \\(novel\\_number\\): new has 1 newly flagged claim\\(s\\)" in md
    assert "not gated" not in md
    assert "- paired: **new** (this run) with **old** (baseline)" in md
    assert "> ⚠️ **warning**: with 4 paired case\\(s\\) no 'significant: true' rule can fail: the smallest p the " \
        "paired test can give is 0\\.125, not below alpha 0\\.05 \\(it needs at least 6 cases\\)" in md
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    first = next(suite.iter("testcase"))
    assert first.get("name") == f'new :: newly flagged: "{CLAIM}" (offending: "74")'
    assert first.find("failure").get("message").startswith("new_flags <= 0 (novel_number): ")
    assert suite.get("failures") == "1"
    # without the pair nothing is compared: the regression gate fails and says so
    r = run_cli("compare", str(tmp / "base" / "report.json"), str(out / "report.json"), env=env)
    assert r.returncode == 1
    assert "  [regression] no system is in both reports: nothing was compared (pair them with --pair NEW=OLD)" \
        not in r.stdout  # model-a/b/c are in both: those are compared; the old/new pair is named as missing
    assert "system 'old' is in the baseline but missing from the new run" in r.stdout


def test_a_bad_pair_is_refused_before_any_work(cli, setup):
    base = setup / "base"
    c = setup / "cases"
    r = cli("run", str(c / "bridge.yaml"), "--config", str(setup / "cfg.yaml"), "--out", str(base),
            "--system", f"new=cmd:{sys.executable} {setup / 'lead.py'}")
    assert r.returncode == 0, r.stdout + r.stderr
    args = ("run", str(c / "bridge.yaml"), "--config", str(setup / "cfg.yaml"), "--out", str(setup / "x"),
            "--system", f"new=cmd:{sys.executable} {setup / 'short.py'}")
    r = cli(*args, "--baseline", str(base / "report.json"), "--pair", "new=olde")
    assert (r.returncode, r.stderr) == (2, "evalharness: error: field '--pair / compare.pair': pair new=olde: the "
                                           "baseline has no system 'olde'; its systems: new\n")
    assert not (setup / "x").exists()
    r = cli(*args, "--pair", "new=old")
    assert (r.returncode, r.stderr) == (2, "evalharness: error: field '--pair': --pair needs --baseline\n")
