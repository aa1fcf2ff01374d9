"""Issue 13 (and issue 12's Ctrl-C): the CLI under faults. Each test drives the real
CLI in a subprocess and asserts the exit code, the exact line, which files exist
afterwards and, where processes are involved, that none is left behind (checked
through the CLI's own process group and the pids the summarisers record).

Every config is rouge-only (no model loads) and every case set is tiny. Phases are
hit with the EVALHARNESS_TEST_SIGNAL_AT hook or by signalling once a summariser has
recorded its pid; nothing sleeps a fixed time to reach a phase."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

ROUGE = "scorers:\n  rouge: {}\ngate:\n  rules:\n    - metric: rouge.rouge1\n      min: 0.99\n"
CASES = """\
- id: c1
  source: "The cat sat on the mat. It was a sunny day in the town."
  references: ["A cat sat on a mat on a sunny day."]
  candidates:
    sys-a: "The cat sat on the mat."
- id: c2
  source: "Rain fell over the hills all night and the river rose."
  references: ["Rain fell all night and the river rose."]
  candidates:
    sys-a: "The river rose after rain."
"""


def setup(tmp_path: Path, cases: str = CASES) -> tuple[Path, Path]:
    cfg = tmp_path / "rouge.yaml"
    cfg.write_text(ROUGE)
    cf = tmp_path / "cases.yaml"
    cf.write_text(cases)
    return cfg, cf


def many_cases(n: int) -> str:
    return "".join(f"- id: m{i}\n  source: \"Item {i} was sold at the market on day {i} for a fair price.\"\n"
                   f"  references: [\"Item {i} sold on day {i}.\"]\n  candidates:\n"
                   f"    sys-a: \"Item {i} was sold.\"\n" for i in range(n))


def env_with(**extra) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
    env.update(extra)
    return env


def popen(args, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "evalharness", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, **kw)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


def group_members(pgid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                out.append(int(d.name))
    return out


def assert_gone(pids, pgid: int | None = None, within: float = 5.0) -> None:
    """Poll (bounded) until none of ``pids`` and nothing of the group is alive."""
    deadline = time.monotonic() + within
    while True:
        left = [p for p in pids if _alive(p)] + (group_members(pgid) if pgid else [])
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    for p in left:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert not left, f"left running: {left}"


def wait_for_pids(path: Path, n: int, proc: subprocess.Popen, within: float = 60.0) -> list[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and proc.poll() is None:
        if path.exists():
            pids = [int(x) for x in path.read_text().split()]
            if len(pids) >= n:
                return pids
        time.sleep(0.02)
    raise AssertionError(f"summarisers did not start: {proc.poll()}")


# -- 1. a --system replaces the YAML candidate of that name --------------------------------

def test_failing_system_never_scores_the_yaml_candidate(tmp_path):
    cfg, cf = setup(tmp_path)
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q", "--system",
                "sys-a=cmd:false")
    assert r.returncode == 3, r.stderr
    report = (tmp_path / "o" / "report.json").read_text()
    assert "The cat sat on the mat." not in report.replace("The cat sat on the mat. It", "")
    assert "The river rose after rain." not in report
    data = json.loads(report)
    for case in data["cases"]:
        [cand] = case["candidates"]
        assert cand["summary"] == "" and "summarise" in cand["errors"] and cand["scores"] == {}
    # each failed call is an error of its (case, system); the rule on the system says why it has no
    # value, and the gate never claims it "checked nothing"
    assert "GATE FAILED (3 failure(s))" in r.stdout
    assert "summarise failed on case 'c1', system 'sys-a'" in r.stdout
    assert "system 'sys-a' not evaluated: no summaries (its summariser failed on every case)" in r.stdout
    assert "checked nothing" not in r.stdout


def test_system_failing_on_one_case_is_an_error_there_not_the_old_text(tmp_path):
    cfg, cf = setup(tmp_path)
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q", "--system",
                "sys-a=cmd:sh -c 'grep -q Rain && exit 1; echo The cat sat.'")
    assert r.returncode == 3, r.stderr
    data = json.loads((tmp_path / "o" / "report.json").read_text())
    by_id = {c["id"]: c["candidates"] for c in data["cases"]}
    assert [c["summary"] for c in by_id["c1"]] == ["The cat sat."]
    assert [(c["summary"], sorted(c["errors"])) for c in by_id["c2"]] == [("", ["summarise"])]
    assert data["systems"]["sys-a"]["rouge.rouge1"]["n"] == 1


# -- 2. a closed stdout never changes the exit code or loses an output ----------------------

def _closed_stdout_run(args) -> tuple[int, str]:
    rd, wr = os.pipe()
    os.close(rd)
    try:
        p = subprocess.run([sys.executable, "-m", "evalharness", *args], cwd=ROOT, stdout=wr,
                           stderr=subprocess.PIPE, text=True, env=env_with(), timeout=300)
    finally:
        os.close(wr)
    return p.returncode, p.stderr


def test_closed_stdout_keeps_the_gate_exit_code_and_writes_junit(tmp_path):
    cfg, cf = setup(tmp_path)
    code, err = _closed_stdout_run(["run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q",
                                    "--junit", str(tmp_path / "j.xml")])
    assert code == 1, err
    assert (tmp_path / "j.xml").is_file() and (tmp_path / "o" / "report.json").is_file()
    assert "Traceback" not in err and "BrokenPipe" not in err
    rep = str(tmp_path / "o" / "report.json")
    base = tmp_path / "base.json"
    base.write_text((tmp_path / "o" / "report.json").read_text())
    normal = run_cli("compare", str(base), rep)
    code, err = _closed_stdout_run(["compare", str(base), rep, "--junit", str(tmp_path / "c.xml")])
    assert code == normal.returncode, err
    assert (tmp_path / "c.xml").is_file()
    code, err = _closed_stdout_run(["report", rep, "--baseline", str(base), "--junit", str(tmp_path / "r.xml")])
    assert (tmp_path / "r.xml").is_file() and "Traceback" not in err


# -- 4. compare pairs only cases that ask the same thing ------------------------------------

def test_compare_lists_cases_whose_source_changed_apart(tmp_path):
    cfg, cf = setup(tmp_path)
    assert run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "a"), "-q").returncode == 1
    cf.write_text(CASES.replace("It was a sunny day in the town.", "Dogs barked."))
    assert run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "b"), "-q").returncode == 1
    r = run_cli("compare", str(tmp_path / "a" / "report.json"), str(tmp_path / "b" / "report.json"),
                "--format", "json")
    data = json.loads(r.stdout)
    assert data["cases"]["shared"] == ["c2"] and data["cases"]["changed"] == ["c1"]
    assert all(d["n"] == 1 for d in data["deltas"])
    assert [c["case_id"] for c in data["changes"]] == ["c2"]
    assert any("c1" in n and "not paired" in n for n in data["notes"])
    text = run_cli("compare", str(tmp_path / "a" / "report.json"), str(tmp_path / "b" / "report.json"))
    assert "cases changed (source or references differ; not paired) (1): c1" in text.stdout


# -- 5. runs file names are injective ---------------------------------------------------------

def test_systems_with_one_cleaned_name_get_two_runs_files(tmp_path):
    cfg, cf = setup(tmp_path)
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q",
                "--system", "é=cmd:echo first", "--system", "ü=cmd:echo second",
                "--system", "a/b=cmd:echo third", "--system", "a_b=cmd:echo fourth")
    assert r.returncode == 1, r.stderr
    files = sorted((tmp_path / "o" / "runs").iterdir())
    assert len(files) == 4
    texts = sorted(json.loads(f.read_text().split("\n")[0])["summary"] for f in files)
    assert texts == ["first", "fourth", "second", "third"]


def test_summariser_names_that_would_collide_are_refused_before_any_work():
    from evalharness.errors import InputError
    from evalharness.engine.summarise import check_runs_names, runs_file_name
    assert len({runs_file_name(n) for n in ("é", "ü", "a/b", "a_b", "A_B", "a b", "x" * 300)}) == 7
    with pytest.raises(InputError, match="would both write"):
        check_runs_names(["same", "same"])


# -- 6. JSONL splits on \n only; 7. duplicate keys ------------------------------------------

def test_runs_file_with_unicode_line_separators_reads_back(tmp_path):
    cfg, cf = setup(tmp_path)
    summary = "The cat\u2028sat\x85on the mat\rtoday."
    runs = tmp_path / "r.jsonl"
    runs.write_text(json.dumps({"case_id": "c1", "summary": summary}, ensure_ascii=False) + "\n"
                    + json.dumps({"case_id": "c2", "summary": "River."}) + "\n", encoding="utf-8")
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q", "--candidates",
                f"new={runs}")
    assert r.returncode == 1, r.stderr
    data = json.loads((tmp_path / "o" / "report.json").read_text())
    assert data["cases"][0]["candidates"][1]["summary"] == summary


def test_runs_file_duplicate_key_is_refused(tmp_path):
    cfg, cf = setup(tmp_path)
    runs = tmp_path / "r.jsonl"
    runs.write_text('{"case_id": "c1", "summary": "a", "summary": "b"}\n')
    r = run_cli("validate", str(cf), "--config", str(cfg), "--candidates", f"new={runs}")
    assert r.returncode == 2
    assert r.stderr == f"evalharness: error: {runs}:1: invalid JSON: duplicate key 'summary'\n"


# -- 7. silent skips and conversions ---------------------------------------------------------

def test_symlinked_folders_and_upper_case_suffixes_are_case_files(tmp_path):
    cfg, _ = setup(tmp_path)
    tree, real = tmp_path / "tree", tmp_path / "elsewhere"
    tree.mkdir()
    real.mkdir()
    (real / "one.yaml").write_text(CASES.split("- id: c2")[0])
    (tree / "linked").symlink_to(real, target_is_directory=True)
    (tree / "loop").symlink_to(tree, target_is_directory=True)
    (tree / "two.YAML").write_text("- id: c2" + CASES.split("- id: c2")[1])
    r = run_cli("run", str(tree), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q")
    assert r.returncode == 1, r.stderr
    assert [c["id"] for c in json.loads((tmp_path / "o" / "report.json").read_text())["cases"]] == ["c1", "c2"]


def test_numeric_looking_ids_keep_their_text_and_ids_are_nfc(tmp_path):
    cfg, _ = setup(tmp_path)
    nfc = unicodedata.normalize("NFC", "café")
    cf = tmp_path / "ids.yaml"
    cf.write_text(CASES.replace("id: c1", "id: 010").replace("id: c2", f"id: {unicodedata.normalize('NFD', 'café')}"))
    runs = tmp_path / "r.jsonl"
    runs.write_text(json.dumps({"case_id": nfc, "summary": "x y"}, ensure_ascii=False) + "\n")
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q")
    assert r.returncode == 1, r.stderr
    ids = [c["id"] for c in json.loads((tmp_path / "o" / "report.json").read_text())["cases"]]
    assert ids == ["010", nfc]
    cf.write_text(CASES.replace("id: c1", "id: 0x1F"))
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q")
    assert json.loads((tmp_path / "o" / "report.json").read_text())["cases"][0]["id"] == "0x1F"


# -- 8, 11 and issue 12: Ctrl-C and SIGTERM in every phase -------------------------------------

@pytest.mark.parametrize("phase, sig, code, line", [
    ("imports", "INT", 130, "evalharness: interrupted"),
    ("workers", "INT", 130, "evalharness: interrupted"),
    ("scoring", "INT", 130, "evalharness: interrupted"),
    ("writing", "INT", 130, "evalharness: interrupted"),
    ("workers", "TERM", 143, "evalharness: terminated"),
    ("scoring", "TERM", 143, "evalharness: terminated"),
])
def test_signal_in_each_phase_exits_cleanly_and_leaves_no_worker(tmp_path, phase, sig, code, line):
    cfg, cf = setup(tmp_path, many_cases(40))
    out = tmp_path / "o"
    p = popen(["run", str(cf), "--config", str(cfg), "--out", str(out), "-q", "--workers", "2", "--no-cache"],
              env=env_with(EVALHARNESS_TEST_SIGNAL_AT=f"{phase}:{sig}"))
    stdout, stderr = p.communicate(timeout=120)  # EOF on stdout: no worker holds it
    assert p.returncode == code, stderr
    assert stderr.splitlines()[-1] == line and "Traceback" not in stderr
    assert not out.exists() or list(out.iterdir()) == []
    assert_gone([], pgid=p.pid)


def test_killed_while_writing_by_sigkill_leaves_no_partial_report(tmp_path):
    cfg, cf = setup(tmp_path)
    out = tmp_path / "o"
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(out), "-q",
                env={"EVALHARNESS_TEST_SIGNAL_AT": "writing:KILL"})
    assert r.returncode == -signal.SIGKILL
    assert [f.name for f in out.iterdir() if not f.name.endswith(".tmp")] == []


@pytest.mark.parametrize("sig, code, line", [(signal.SIGINT, 130, "evalharness: interrupted"),
                                             (signal.SIGTERM, 143, "evalharness: terminated")])
def test_signal_during_summarisers_kills_their_groups_at_once(tmp_path, sig, code, line):
    cfg, cf = setup(tmp_path)
    pids = tmp_path / "pids"
    cmd = f"sh -c 'sleep 300 & echo $! >> {pids}; echo $$ >> {pids}; sleep 301'"
    p = popen(["run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q", "--system",
               f"new=cmd:{cmd}", "--system-timeout", "200"], env=env_with())
    started = wait_for_pids(pids, 4, p)  # both calls run (two cases, 4 workers)
    t0 = time.monotonic()
    p.send_signal(sig)
    _, stderr = p.communicate(timeout=60)
    assert time.monotonic() - t0 < 30  # not the 200 s time limit
    assert p.returncode == code, stderr
    assert stderr.splitlines()[-1] == line
    assert not (tmp_path / "o").exists()
    assert_gone(started, pgid=p.pid)


# -- 9, 10: summariser process groups and bounded output --------------------------------------

def test_background_child_holding_stdout_is_no_timeout_and_is_killed(tmp_path):
    cfg, cf = setup(tmp_path)
    pids = tmp_path / "pids"
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q", "--system",
                f"new=cmd:sh -c 'sleep 77 & echo $! >> {pids}; echo The cat sat.'", "--system-timeout", "60",
                timeout=50)
    assert r.returncode == 1, r.stdout + r.stderr  # the gate's verdict: both calls succeeded
    data = json.loads((tmp_path / "o" / "report.json").read_text())
    assert [c["candidates"][1]["summary"] for c in data["cases"]] == ["The cat sat."] * 2
    assert_gone([int(x) for x in pids.read_text().split()])


def test_timeout_kills_the_whole_summariser_tree(tmp_path):
    cfg, cf = setup(tmp_path, CASES.split("- id: c2")[0])
    pids = tmp_path / "pids"
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q", "--system",
                f"new=cmd:sh -c 'sleep 78 & echo $! >> {pids}; echo $$ >> {pids}; sleep 79'",
                "--system-timeout", "1", timeout=50)
    assert r.returncode == 3
    assert "ERROR summarise: cmd:sh -c" in r.stdout and "timed out after 1s" in r.stdout
    assert_gone([int(x) for x in pids.read_text().split()])


def test_endless_summariser_output_is_capped(tmp_path):
    cfg, cf = setup(tmp_path, CASES.split("- id: c2")[0])
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q", "--system",
                "new=cmd:yes", timeout=60)
    assert r.returncode == 3
    assert "cmd:yes: wrote more than 10485760 bytes to stdout; stopped" in r.stdout


def test_fifo_and_device_inputs_are_refused_not_read_forever(tmp_path):
    cfg, cf = setup(tmp_path)
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    r = run_cli("validate", str(fifo), "--config", str(cfg), timeout=30)
    assert (r.returncode, r.stderr) == (2, f"evalharness: error: {fifo}: is not a regular file (a pipe or a "
                                           "device); a YAML file must be a file\n")
    r = run_cli("validate", str(cf), "--config", str(cfg), "--candidates", "new=/dev/zero", timeout=60)
    assert (r.returncode, r.stderr) == (2, "evalharness: error: /dev/zero: runs file is larger than the "
                                           "52428800 byte limit\n")
    (tmp_path / "src").mkdir()
    os.mkfifo(tmp_path / "src" / "a.txt")
    (tmp_path / "src" / "case.yaml").write_text("id: s\nsource_file: a.txt\ncandidates: {x: y}\n")
    r = run_cli("validate", str(tmp_path / "src" / "case.yaml"), "--config", str(cfg), timeout=30)
    assert r.returncode == 2
    assert r.stderr.endswith("field 'source_file': 'a.txt' is not a regular file (a pipe or a device); refused\n")


# -- exit 2 with one clear line, before the work -------------------------------------------------

@pytest.mark.parametrize("value", ["inf", "nan", "-1"])
def test_system_timeout_must_be_a_finite_positive_number(tmp_path, value):
    cfg, cf = setup(tmp_path)
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q", "--system",
                "new=cmd:cat", "--system-timeout", value)
    assert r.returncode == 2
    assert r.stderr == (f"evalharness: error: field '--system-timeout': must be a positive number of seconds, "
                        f"got {float(value):g}\n")
    assert not (tmp_path / "o").exists()


def test_long_system_name_runs_to_the_end(tmp_path):
    cfg, cf = setup(tmp_path)
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q", "--system",
                "n" * 300 + "=cmd:echo The cat sat.")
    assert r.returncode == 1, r.stderr
    [f] = (tmp_path / "o" / "runs").iterdir()
    assert len(f.name) <= 100


def test_output_paths_are_checked_before_scoring(tmp_path):
    cfg, cf = setup(tmp_path)
    afile = tmp_path / "afile"
    afile.write_text("x")
    folder = tmp_path / "folder"
    folder.mkdir()
    cases = [
        (["--out", str(afile)], f"field '--out': '{afile}' exists and is not a folder"),
        (["--out", str(afile / "sub")], f"field '--out': '{afile / 'sub'}' is under '{afile}', which is a file, "
                                        "not a folder"),
        (["--out", str(tmp_path / "o"), "--junit", str(folder)], f"field '--junit': '{folder}' is a folder; give a "
                                                                  "file name"),
    ]
    for extra, msg in cases:
        r = run_cli("run", str(cf), "--config", str(cfg), "-q", *extra)
        assert (r.returncode, r.stdout, r.stderr) == (2, "", f"evalharness: error: {msg}\n")
    assert not (tmp_path / "o").exists()
    rep = tmp_path / "rep"
    assert run_cli("run", str(cf), "--config", str(cfg), "-q", "--out", str(rep)).returncode == 1
    r = run_cli("report", str(rep / "report.json"), "-o", str(folder))
    assert (r.returncode, r.stdout, r.stderr) == (2, "", f"evalharness: error: field '--output': '{folder}' is a "
                                                         "folder; give a file name\n")


def test_read_only_output_folder_is_refused_before_scoring(tmp_path):
    target = Path("/proc/evalharness-out")  # a file system no one may create files in, also as root
    cfg, cf = setup(tmp_path)
    r = run_cli("run", str(cf), "--config", str(cfg), "-q", "--out", str(target))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("evalharness: error: field '--out': cannot write in '/proc': ")


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_non_utf8_terminal_gets_ascii_arrows(tmp_path, encoding):
    cfg, cf = setup(tmp_path)
    for fmt in ("text", "markdown"):
        r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q", "--format", fmt,
                    env={"PYTHONIOENCODING": encoding})
        assert r.returncode == 1, r.stderr
        assert ("rouge.rouge1 ^" if fmt == "text" else "rouge\\.rouge1 ^") in r.stdout
        assert "\u2191" not in r.stdout and "Traceback" not in r.stderr


def test_memory_error_exits_3_with_one_preallocated_line(monkeypatch, capfd):
    from evalharness import cli
    from evalharness.cli import validate

    def boom(args):
        raise MemoryError()
    monkeypatch.setattr(validate, "run", boom)
    monkeypatch.setattr(cli, "print", lambda *a, **k: (_ for _ in ()).throw(MemoryError()), raising=False)
    assert cli.main(["validate"]) == 3
    assert capfd.readouterr().err == "evalharness: internal error: out of memory (MemoryError); the run was stopped\n"


# -- hand-edited or corrupted reports are refused on reading -----------------------------------

def _edit(path: Path, fn) -> Path:
    data = json.loads(path.read_text())
    fn(data)
    out = path.with_name("edited.json")
    out.write_text(json.dumps(data))
    return out


def _score(d, v):
    d["cases"][0]["candidates"][0]["scores"]["rouge.rouge1"] = v


@pytest.fixture(scope="module")
def rouge_report(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("rouge-report")
    cfg, cf = setup(tmp)
    assert run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp / "o"), "-q").returncode == 1
    return tmp / "o" / "report.json"


@pytest.mark.parametrize("edit, field, why", [
    (lambda d: _score(d, "0.5"), "cases[0].candidates[0].scores.rouge.rouge1", "must be a number, got text ('0.5')"),
    (lambda d: _score(d, None), "cases[0].candidates[0].scores.rouge.rouge1", "must be a number, got null"),
    (lambda d: _score(d, 1e308), "cases[0].candidates[0].scores.rouge.rouge1",
     "must be a number within ±1e+15, got a number (1e+308)"),
    (lambda d: d["gate"].update(passed="false"), "gate.passed", "must be true or false, got text ('false')"),
    (lambda d: d.update(schema_version=True), "schema_version", None),
    (lambda d: d["systems"]["sys-a"]["rouge.rouge1"].update(n=2.5), "systems.sys-a.rouge.rouge1.n",
     "must be a count, got a number (2.5)"),
    (lambda d: d["gate"]["failures"][0].update(kind="rules"), "gate.failures[0].kind",
     "must be one of rule, expect, error, regression, gate, got text ('rules')"),
])
def test_hand_edited_report_is_refused_naming_the_field(tmp_path, rouge_report, edit, field, why):
    bad = _edit(rouge_report, edit)
    bad = bad.rename(tmp_path / "edited.json")
    for args in (["report", str(bad)], ["report", str(bad), "--format", "html"],
                 ["compare", str(rouge_report), str(bad)]):
        r = run_cli(*args)
        assert r.returncode == 2 and r.stdout == "", r.stderr
        if why is None:
            assert r.stderr == (f"evalharness: error: {bad}: field 'schema_version': report schema_version True "
                                "is not supported (this evalharness reads 1, an integer)\n")
        else:
            assert r.stderr == f"evalharness: error: {bad}: field '{field}': {why}\n"


def test_nan_and_deep_reports_are_refused(tmp_path, rouge_report):
    text = rouge_report.read_text()
    nan = tmp_path / "nan.json"
    nan.write_text(text.replace('"rouge.rouge1": 0.5', '"rouge.rouge1": NaN', 1))
    for fmt in ("text", "json", "html"):
        r = run_cli("report", str(nan), "--format", fmt)
        assert (r.returncode, r.stderr) == (2, f"evalharness: error: {nan}: not a valid report: NaN is not a JSON "
                                               "number (scores must be finite)\n")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    r = run_cli("report", str(deep))
    assert (r.returncode, r.stderr) == (2, f"evalharness: error: {deep}: not a valid report: the JSON nests too "
                                           "deeply\n")


# -- smaller ---------------------------------------------------------------------------------------

def test_rerun_into_an_old_out_removes_what_this_run_did_not_write(tmp_path):
    cfg, cf = setup(tmp_path)
    out = tmp_path / "o"
    first = run_cli("run", str(cf), "--config", str(cfg), "--out", str(out), "-q", "--format", "html",
                    "--system", "new=cmd:echo The cat sat.")
    assert first.returncode == 1, first.stderr
    base = tmp_path / "base.json"
    base.write_text((out / "report.json").read_text())
    assert run_cli("run", str(cf), "--config", str(cfg), "--out", str(out), "-q", "--baseline",
                   str(base)).returncode == 1
    assert (out / "comparison.json").is_file()
    (out / "mine.txt").write_text("a user's own file stays")
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(out), "-q")
    assert r.returncode == 1
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt", "report.json"]


def test_node_limit_is_told_apart_from_an_alias_bomb(tmp_path):
    from evalharness.io.safe_yaml import MAX_NODES, load_yaml
    from evalharness.errors import InputError
    big = tmp_path / "big.yaml"
    big.write_text("[" + ", ".join("1" for _ in range(MAX_NODES + 10)) + "]\n")
    assert len(load_yaml(big).data) == MAX_NODES + 10  # plain data: bounded by the file size limit
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n")
    with pytest.raises(InputError, match="alias bomb"):
        load_yaml(bomb)


def test_markdown_escapes_control_characters_in_names(tmp_path):
    cfg, cf = setup(tmp_path, CASES.replace("sys-a", '"sys\\e[31m\\0a"'))
    r = run_cli("run", str(cf), "--config", str(cfg), "--out", str(tmp_path / "o"), "-q", "--format", "markdown")
    assert r.returncode == 1, r.stderr
    assert "\x1b" not in r.stdout and "\x00" not in r.stdout
    assert "\\x1b" in r.stdout
