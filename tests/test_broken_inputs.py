"""The catalogue of broken inputs (tests/fixtures/broken/manifest.yaml).

Every entry must give exit 2, exactly its one expected stderr line, no traceback,
nothing on stdout and no report file, both through ``evalharness run`` in a real
subprocess and through ``validate`` in process.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli

BROKEN = ROOT / "tests" / "fixtures" / "broken"
REL = "tests/fixtures/broken"
MANIFEST = yaml.safe_load((BROKEN / "manifest.yaml").read_text(encoding="utf-8"))
PAYLOAD = BROKEN / "cases" / "unsafe-python-object-apply.yaml"
MARKER = "EVALHARNESS_PAYLOAD_RAN"


def argv(entry: dict) -> list[str]:
    args = [f"{REL}/{entry.get('cases', 'valid/case.yaml')}", "--config", f"{REL}/{entry.get('config', 'valid/config.yaml')}"]
    for spec in entry.get("candidates", []):
        name, sep, file = spec.partition("=")
        args += ["--candidates", f"{name}={REL}/{file}" if sep else spec]
    return args


def ids(entry: dict) -> str:
    return entry.get("cases") or entry.get("config") or ",".join(entry.get("candidates", [])) or entry["what"]


def test_catalogue_is_large_and_complete():
    assert len(MANIFEST) >= 30
    used = set()
    for e in MANIFEST:
        assert set(e) <= {"what", "cases", "config", "candidates", "error"}, e
        assert e["error"].startswith("evalharness: error: ") and "\n" not in e["error"]
        used.update(filter(None, [e.get("cases"), e.get("config")]))
        used.update(c.partition("=")[2] for c in e.get("candidates", []))
    # Every broken fixture file is exercised by an entry (data files that a case points at are exempt).
    for kind in ("cases", "runs", "configs"):
        for f in (BROKEN / kind).rglob("*"):
            if f.is_file() and f.suffix != ".txt":
                rel = f.relative_to(BROKEN).as_posix()
                assert rel in used or any(rel.startswith(u + "/") for u in used), f"{rel} has no manifest entry"


@pytest.mark.parametrize("entry", MANIFEST, ids=ids)
def test_run_refuses_with_exact_message(entry, tmp_path):
    out = tmp_path / "out"
    r = run_cli("run", *argv(entry), "--out", str(out), timeout=120)
    assert r.stderr == entry["error"] + "\n", entry["what"]
    assert r.returncode == 2
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    assert not out.exists(), "a refused run must leave no output behind"


@pytest.mark.parametrize("entry", MANIFEST, ids=ids)
def test_validate_refuses_with_exact_message(entry, monkeypatch, capsys):
    from evalharness.cli import main

    monkeypatch.chdir(ROOT)
    code = main(["validate", *argv(entry)])
    captured = capsys.readouterr()
    assert (code, captured.err, captured.out) == (2, entry["error"] + "\n", "")


def test_refused_run_leaves_previous_report_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    previous = out / "report.json"
    previous.write_text('{"previous": true}\n')
    r = run_cli("run", f"{REL}/cases/summary-null.yaml", "--config", f"{REL}/valid/config.yaml", "--out", str(out))
    assert r.returncode == 2
    assert previous.read_text() == '{"previous": true}\n'
    assert sorted(p.name for p in out.iterdir()) == ["report.json"]  # no temporary file either


def test_unsafe_tag_payload_is_real_but_never_runs(tmp_path):
    # Positive control: an unsafe loader really does run the payload (creates the marker file).
    unsafe_dir = tmp_path / "unsafe"
    unsafe_dir.mkdir()
    subprocess.run([sys.executable, "-c", f"import yaml; yaml.unsafe_load(open({str(PAYLOAD)!r}))"],
                   cwd=unsafe_dir, check=True, capture_output=True, timeout=60)
    assert (unsafe_dir / MARKER).exists()

    # evalharness refuses the same file, and nothing is created.
    safe_dir = tmp_path / "safe"
    safe_dir.mkdir()
    for command in ("validate", "run"):
        r = run_cli(command, str(PAYLOAD), "--config", str(BROKEN / "valid" / "config.yaml"),
                    "--out", str(safe_dir / "out"), cwd=safe_dir) if command == "run" else \
            run_cli(command, str(PAYLOAD), "--config", str(BROKEN / "valid" / "config.yaml"), cwd=safe_dir)
        assert r.returncode == 2
        assert "YAML tag '!!python/object/apply:os.system' refused" in r.stderr
        assert list(safe_dir.iterdir()) == []


def _limit_memory():  # runs in the child: 1 GiB of address space
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_alias_bomb_refused_within_bounded_memory():
    # Expanded naively, billion-laughs.yaml is 387,420,489 strings; under a 1 GiB
    # address-space limit the refusal must still be the clean one-line error.
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "evalharness", "validate", f"{REL}/cases/billion-laughs.yaml",
                        "--config", f"{REL}/valid/config.yaml"], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=120, preexec_fn=_limit_memory)
    assert r.returncode == 2, r.stderr
    assert r.stderr == ("evalharness: error: tests/fixtures/broken/cases/billion-laughs.yaml:2: document expands "
                        "to more than 200000 nodes (YAML alias bomb?); refused\n")


def test_alias_bomb_limit_counts_expanded_nodes():
    """The bound is on expanded nodes: a document just under it loads, one just over is refused."""
    from evalharness.io import safe_yaml as _yaml
    from evalharness.errors import InputError

    # 'a' is a list of 99 numbers (100 nodes); 'b' repeats it k times via aliases.
    def doc(k: int) -> str:
        return "a: &a [" + ", ".join(["1"] * 99) + "]\nb: [" + ", ".join(["*a"] * k) + "]\n"

    # nodes: root 1 + key a (not counted) + 100 + b list 1 + k*100
    ok = _yaml.load_yaml(Path("ok.yaml"), text=doc((_yaml.MAX_NODES - 102) // 100))
    assert len(ok.data["b"]) == (_yaml.MAX_NODES - 102) // 100
    with pytest.raises(InputError, match="alias bomb"):
        _yaml.load_yaml(Path("bomb.yaml"), text=doc((_yaml.MAX_NODES - 102) // 100 + 1))


def test_yaml_11_booleans_are_not_keys():
    """`on:`, `no:` and `yes:` are names when used as keys (YAML 1.1 would make them booleans)."""
    from evalharness.io import safe_yaml as _yaml

    d = _yaml.load_yaml(Path("k.yaml"), text="on: mean\nno: 1\nyes: 2\n1.0: x\n").data
    assert d == {"on": "mean", "no": 1, "yes": 2, "1.0": "x"}
