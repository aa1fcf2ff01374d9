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
    r = run_cli("run", "cases/cup-final.yaml", "--config", "tests/fixtures/cli/rouge-only.yaml", "--out",
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
    r = run_cli("run", "cases/cup-final.yaml", "--config", "tests/fixtures/cli/rouge-only.yaml", "--candidates",
                f"new={runs}", "--out", str(tmp_path), "--format", "json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert "new" in report["systems"]
    cand = [c for c in report["cases"][0]["candidates"] if c["system"] == "new"][0]
    assert cand["summary"] == "Rovers won the cup."


def test_candidates_unknown_case_id_is_exit_2(tmp_path):
    runs = tmp_path / "new.jsonl"
    runs.write_text('{"case_id": "cup-finale", "summary": "x"}\n')
    r = run_cli("validate", "cases/cup-final.yaml", "--config", "tests/fixtures/cli/rouge-only.yaml",
                "--candidates", f"new={runs}")
    assert r.returncode == 2
    assert r.stderr == (f"evalharness: error: {runs}:1: field 'case_id': unknown case id 'cup-finale' "
                        "(did you mean 'cup-final'?)\n")


def test_report_command_renders_saved_report(tmp_path):
    r = run_cli("run", "cases/cup-final.yaml", "--config", "tests/fixtures/cli/rouge-only.yaml", "--out", str(tmp_path))
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
