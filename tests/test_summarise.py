"""Summarise on the fly: commands and callables, concurrency, time limits, per-case errors, cache, runs JSONL."""

from __future__ import annotations

import json
import sys
import threading
import types

import pytest

from evalharness.io.cases import Case, load_runs
from evalharness.errors import InputError
from evalharness.cache.store import CachePolicy
from evalharness.engine.summarise import (parse_system_specs, summarise_cases, with_summaries, write_runs)

SCRIPT = """\
import sys, time
src = sys.stdin.read()
if "FAIL" in src:
    sys.stderr.write("model exploded\\n"); sys.exit(3)
if "SLEEP" in src:
    time.sleep(30)
print(src.split(".")[0].strip() + ".")
"""


def _cases(*sources):
    return [Case(id=f"c{i}", source=s, references=(), candidates={}) for i, s in enumerate(sources)]


@pytest.fixture
def script(tmp_path):
    p = tmp_path / "summ.py"
    p.write_text(SCRIPT)
    return f"{sys.executable} {p}"


def test_command_outputs_errors_and_timeouts_are_per_case(script):
    specs = parse_system_specs([f"new=cmd:{script}"], timeout=2)
    out = summarise_cases(specs, _cases("First one. Second.", "It will FAIL here.", "SLEEP now."), workers=3)
    r = out["new"]
    assert r["c0"].summary == "First one." and r["c0"].error is None
    assert r["c1"].summary is None and r["c1"].error.endswith("exited with code 3: model exploded")
    assert r["c2"].summary is None and r["c2"].error.endswith("timed out after 2s")


def _install_module(monkeypatch, name, **attrs):
    mod = types.ModuleType(name)
    for k, v in attrs.items():
        setattr(mod, k, v)
    monkeypatch.setitem(sys.modules, name, mod)


def test_callables_run_concurrently(monkeypatch):
    barrier = threading.Barrier(3, timeout=10)

    def summarise(source: str) -> str:
        barrier.wait()  # only passes when three calls are in flight at once
        return source.upper()

    _install_module(monkeypatch, "ehtest_conc", summarise=summarise)
    specs = parse_system_specs(["p=py:ehtest_conc:summarise"])
    out = summarise_cases(specs, _cases("a", "b", "c"), workers=3)
    assert [out["p"][f"c{i}"].summary for i in range(3)] == ["A", "B", "C"]


def test_callable_errors_and_bad_returns(monkeypatch):
    def summarise(source: str):
        if source == "boom":
            raise ValueError("no summary today")
        return None if source == "none" else "ok"

    _install_module(monkeypatch, "ehtest_err", summarise=summarise)
    out = summarise_cases(parse_system_specs(["p=py:ehtest_err:summarise"]), _cases("boom", "none", "fine"))["p"]
    assert out["c0"].error == "py:ehtest_err:summarise: raised ValueError: no summary today"
    assert out["c1"].error == "py:ehtest_err:summarise: returned NoneType, not a string"
    assert out["c2"].summary == "ok"


def test_cache_by_name_version_and_source(monkeypatch, tmp_path):
    calls = []

    def summarise(source: str) -> str:
        calls.append(source)
        return f"summary of {source}"

    _install_module(monkeypatch, "ehtest_cache", summarise=summarise)
    cases = _cases("a", "b")

    def go(*versions):
        specs = parse_system_specs(["p=py:ehtest_cache:summarise"], list(versions))
        return summarise_cases(specs, cases, cache=CachePolicy(tmp_path / "cache"))["p"]

    first = go("p=v1")
    assert len(calls) == 2 and not first["c0"].cached
    again = go("p=v1")
    assert len(calls) == 2 and again["c0"].cached and again["c1"].summary == "summary of b"
    go("p=v2")                      # a new version is a new summariser
    assert len(calls) == 4
    go()                            # no version: never cached
    assert len(calls) == 6


def test_runs_jsonl_is_readable_as_candidates(monkeypatch, tmp_path):
    _install_module(monkeypatch, "ehtest_runs", summarise=lambda s: s + "!" if s != "x" else "")
    cases = _cases("a", "x")
    out = summarise_cases(parse_system_specs(["my sys=py:ehtest_runs:summarise"]), cases)
    assert out["my sys"]["c1"].error == "py:ehtest_runs:summarise: returned an empty summary"
    [path] = write_runs(out, tmp_path)
    assert path.name.startswith("my_sys~") and path.suffix == ".jsonl"  # injective: see test_cli_faults
    assert load_runs(path, "my sys", cases) == {"c0": "a!"}
    merged = with_summaries(cases, out)
    assert merged[0].candidates == {"my sys": "a!"} and merged[1].candidates == {}
    assert json.loads(path.read_text().splitlines()[0])["meta"]["cached"] is False


@pytest.mark.parametrize("specs, versions, message", [
    (["new"], [], "field '--system': expected NAME=cmd:COMMAND or NAME=py:MODULE:FUNC, got 'new'"),
    (["new=sh:ls"], [], "field '--system': unknown kind 'sh' in 'new=sh:ls'; use cmd: or py:"),
    (["new=cmd:no-such-binary-xyz --flag"], [], "field '--system': command not found: 'no-such-binary-xyz'"),
    (["new=py:no_such_module_xyz:f"], [], "field '--system': cannot import 'no_such_module_xyz': "
                                          "ModuleNotFoundError: No module named 'no_such_module_xyz'"),
    (["new=py:json:no_such_func"], [], "field '--system': 'json' has no callable 'no_such_func'"),
    (["new=py:json:loads", "new=py:json:dumps"], [], "field '--system': system 'new' given twice"),
    (["new=py:json:loads"], ["neu=1"], "field '--system-version': no --system named 'neu' (did you mean 'new'?)"),
])
def test_bad_specs_are_input_errors(specs, versions, message):
    with pytest.raises(InputError) as exc:
        parse_system_specs(specs, versions)
    assert str(exc.value) == message
