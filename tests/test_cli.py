"""The command line as a user meets it: exit codes, one-line errors, outputs."""

import json
import sys

import pytest

from conftest import ROOT, run_cli

SEED = "cases/kursk-truce.yaml"


def test_help_does_not_import_torch():
    code = ("import sys; from evalharness.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', sorted(m for m in ('torch', 'transformers', 'numpy', 'bert_score') if m in sys.modules))")
    import subprocess
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_validate_checks_everything_and_loads_no_model():
    code = ("import sys; from evalharness.cli import main\n"
            "rc = main(['validate'])\n"
            "print('RC', rc, 'HEAVY', sorted(m for m in ('torch', 'transformers', 'bert_score') if m in sys.modules))")
    import subprocess
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert "RC 0 HEAVY []" in out.stdout, out.stdout + out.stderr
    assert "ok: 4 case(s), 12 summaries from 3 system(s)" in out.stdout


def test_no_command_is_usage_error():
    r = run_cli()
    assert r.returncode == 2


def test_unknown_flag_is_one_line_exit_2():
    r = run_cli("run", "--frobnicate")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[-1].startswith("evalharness: error: unrecognized arguments")


def test_bad_case_file_exit_2_one_line_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nsource: hello there\ncandidates:\n  - just a list\n")
    r = run_cli("validate", str(bad), "--config", "tests/fixtures/cli/rouge-only.yaml")
    assert r.returncode == 2
    assert r.stderr == (f"evalharness: error: {bad}:3: field 'candidates': must be a mapping of system name to "
                        "summary, got a list (write 'system-a: \"summary\"' instead of '- \"summary\"')\n")


def test_bad_config_exit_2_did_you_mean():
    r = run_cli("validate", "--config", "tests/fixtures/cli/rouge-gate.yaml", SEED)
    assert r.returncode == 0
    import tempfile, pathlib
    with tempfile.TemporaryDirectory() as d:
        p = pathlib.Path(d) / "c.yaml"
        p.write_text("scorers:\n  rogue: {}\n")
        r = run_cli("validate", "--config", str(p))
    assert r.returncode == 2
    assert r.stderr == (f"evalharness: error: {p}:2: field 'scorers.rogue': unknown scorer 'rogue' "
                        "(did you mean 'rouge'?); known: rouge, bertscore, support\n")


def test_gate_failure_exit_1_prints_rule_and_value(tmp_path):
    r = run_cli("run", "--config", "tests/fixtures/cli/rouge-gate.yaml", "--out", str(tmp_path))
    assert r.returncode == 1, r.stderr
    assert "GATE FAILED" in r.stdout
    assert "rouge.rouge1 >= 0.99: model-a has mean 0.7" in r.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["gate"]["passed"] is False
    assert report["gate"]["failures"][0]["bound"] == 0.99


def test_gate_pass_exit_0_and_json_format(tmp_path):
    r = run_cli("run", "tests/fixtures/cli/cup-final-no-expect.yaml", "--config", "tests/fixtures/cli/rouge-only.yaml", "--out",
                str(tmp_path), "--format", "json")
    assert r.returncode == 0, r.stderr
    printed = json.loads(r.stdout)
    assert printed == json.loads((tmp_path / "report.json").read_text())
    assert set(printed["systems"]) == {"model-a", "model-b", "model-c"}
    assert printed["signatures"]["rouge"].startswith("rouge|")


def test_scorer_failure_exit_3(tmp_path):
    r = run_cli("run", "cases/cup-final.yaml", "--config", "tests/fixtures/cli/missing-model.yaml", "--out",
                str(tmp_path), env={"HF_HUB_OFFLINE": "1"})
    assert r.returncode == 3, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert "[error] bertscore failed on case 'cup-final', system 'model-a'" in r.stdout


def test_candidates_runs_file_adds_a_system(tmp_path):
    runs = tmp_path / "new.jsonl"
    runs.write_text(json.dumps({"case_id": "cup-final", "summary": "Rovers won the cup."}) + "\n")
    r = run_cli("run", "tests/fixtures/cli/cup-final-no-expect.yaml", "--config", "tests/fixtures/cli/rouge-only.yaml", "--candidates",
                f"new={runs}", "--out", str(tmp_path), "--format", "json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert "new" in report["systems"]
    cand = [c for c in report["cases"][0]["candidates"] if c["system"] == "new"][0]
    assert cand["summary"] == "Rovers won the cup."


def test_candidates_unknown_case_id_is_exit_2(tmp_path):
    runs = tmp_path / "new.jsonl"
    runs.write_text('{"case_id": "cup-finale", "summary": "x"}\n')
    r = run_cli("validate", "tests/fixtures/cli/cup-final-no-expect.yaml", "--config", "tests/fixtures/cli/rouge-only.yaml",
                "--candidates", f"new={runs}")
    assert r.returncode == 2
    assert r.stderr == (f"evalharness: error: {runs}:1: field 'case_id': unknown case id 'cup-finale' "
                        "(did you mean 'cup-final'?)\n")


def test_report_command_renders_saved_report(tmp_path):
    r = run_cli("run", "tests/fixtures/cli/cup-final-no-expect.yaml", "--config", "tests/fixtures/cli/rouge-only.yaml", "--out", str(tmp_path))
    assert r.returncode == 0
    md = run_cli("report", str(tmp_path / "report.json"), "--format", "markdown")
    assert md.returncode == 0
    assert md.stdout.startswith("## evalharness: ✅ gate passed")
    assert "| rouge\\.rouge1 ↑ |" in md.stdout


@pytest.mark.slow
def test_default_run_on_the_seed_case_flags_its_errors(tmp_path):
    r = run_cli("run", SEED, "--out", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "GATE PASSED" in r.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    case = report["cases"][0]
    source = case["source"]
    by_system = {c["system"]: c for c in case["candidates"]}
    assert not [c for c in by_system["model-a"]["claims"] if not c["supported"]]

    def flagged_spans(system):
        return [s["text"] for c in by_system[system]["claims"] if not c["supported"] for s in c["unsupported_spans"]]

    assert any("world powers" in s for s in flagged_spans("model-c"))
    assert flagged_spans("model-b")
    for cand in case["candidates"]:
        for c in cand["claims"]:
            assert cand["summary"][c["start"]:c["end"]] == c["text"]
            if c["evidence"]:
                assert source[c["evidence"]["start"]:c["evidence"]["end"]] == c["evidence"]["text"]
    # the text rendering shows the flags with their evidence
    assert "world powers" in r.stdout and "closest evidence" in r.stdout


NO_EXPECT_CASE = """\
id: mine
source: The council approved a 12 million pound repair of the bridge on Tuesday.
references: [The council approved a 12 million pound bridge repair.]
candidates:
  mine: The council approved a 12 million pound repair of the bridge.
"""


def test_a_gate_that_checks_nothing_fails_loudly_unless_no_rules(tmp_path):
    (tmp_path / "case.yaml").write_text(NO_EXPECT_CASE)
    bare = tmp_path / "bare.yaml"
    bare.write_text("scorers:\n  rouge: {}\n")
    r = run_cli("run", str(tmp_path / "case.yaml"), "--config", str(bare), "--out", str(tmp_path / "out"))
    assert r.returncode == 1, r.stderr
    assert r.stdout.splitlines()[-2:] == [
        "GATE FAILED (1 failure(s))",
        "  [gate] the gate checked nothing: no gate rule and no case 'expect' entry applies to these cases (add "
        "gate.rules or expect entries, or set 'gate: {no_rules: true}' to accept a gate that fails only on scorer "
        "errors)"]
    cfg = tmp_path / "none.yaml"
    cfg.write_text("scorers:\n  rouge: {}\ngate:\n  no_rules: true\n")
    r = run_cli("run", str(tmp_path / "case.yaml"), "--config", str(cfg), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == ("GATE PASSED (0 checks: gate.no_rules is set, so only a scorer error "
                                         "could fail it)")


def test_validate_refuses_the_default_configs_model_a_rule_on_other_systems(tmp_path):
    """The issue's case: validate said ok, run failed on "system 'model-a' is not in this run"."""
    (tmp_path / "case.yaml").write_text(NO_EXPECT_CASE)
    line = ("evalharness: error: configs/default.yaml:28: field 'gate.rules[0].systems': names system 'model-a', "
            "which no case or runs file provides; systems here: mine\n")
    for command in ("validate", "run"):
        r = run_cli(command, str(tmp_path / "case.yaml"), *(["--out", str(tmp_path / "o")] if command == "run" else []))
        assert (r.returncode, r.stderr) == (2, line), command
    assert not (tmp_path / "o").exists()
    runs = tmp_path / "a.jsonl"   # a runs file that provides model-a satisfies the rule
    runs.write_text('{"case_id": "mine", "summary": "The council approved a repair."}\n')
    r = run_cli("validate", str(tmp_path / "case.yaml"), "--candidates", f"model-a={runs}")
    assert r.returncode == 0, r.stderr


def test_allow_missing_scores_what_the_runs_file_has_and_lists_the_rest(tmp_path):
    b = "tests/fixtures/broken"
    args = [f"{b}/cases/two-cases.yaml", "--config", f"{b}/valid/config.yaml",
            "--candidates", f"model-c={b}/runs/covers-one-of-two.jsonl"]
    r = run_cli("run", *args, "--out", str(tmp_path / "out"))
    assert r.returncode == 2
    assert r.stderr == (f"evalharness: error: {b}/runs/covers-one-of-two.jsonl: runs file of system 'model-c' "
                        "covers 1 of 2 case(s); missing: second (pass --allow-missing, or set run.allow_missing: "
                        "true, to score it on the cases it has)\n")
    line = ("missing summaries: system 'model-c' has none for 1 of 2 case(s) (accepted by --allow-missing / "
            "run.allow_missing): second")
    v = run_cli("validate", *args, "--allow-missing")
    assert v.returncode == 0 and v.stdout.splitlines()[-1] == line
    r = run_cli("run", *args, "--allow-missing", "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert line in r.stdout.splitlines()
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["missing_summaries"] == {"model-c": ["second"]}
    assert report["systems"]["model-c"]["rouge.rouge1"]["n"] == 1
    cfg = tmp_path / "allow.yaml"
    cfg.write_text((ROOT / b / "valid" / "config.yaml").read_text() + "run:\n  allow_missing: true\n")
    r = run_cli("validate", *args[:1], "--config", str(cfg), *args[3:])
    assert r.returncode == 0 and r.stdout.splitlines()[-1] == line


def test_report_exits_with_the_verdict_it_shows(tmp_path):
    r = run_cli("run", "--config", "tests/fixtures/cli/rouge-gate.yaml", "--out", str(tmp_path))
    assert r.returncode == 1
    rep = run_cli("report", str(tmp_path / "report.json"))
    assert rep.returncode == 1 and "GATE FAILED" in rep.stdout
