"""Summarise on the fly: a system given as a command or a Python callable.

``NAME=cmd:COMMAND`` runs COMMAND once per case with the source on stdin and takes
its stdout as the summary; ``NAME=py:MODULE:FUNC`` calls ``FUNC(source) -> str``.
Calls run concurrently, each under a time limit; a failed call is an error for that
(case, system) only, reported like a scorer error (exit 3). With a user-given version
string, outputs are cached by (system name, version, source hash); without one they
are never cached, since nothing says the summariser is unchanged.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from ..errors import InputError

KINDS = ("cmd", "py")


@dataclass(frozen=True)
class SystemSpec:
    name: str
    kind: str                    # "cmd" or "py"
    target: str                  # the command line, or "module:func"
    version: str | None = None
    timeout: float = 120.0


@dataclass(frozen=True)
class Summarised:
    """One call's outcome: a summary, or an error message."""

    case_id: str
    system: str
    summary: str | None
    error: str | None = None
    cached: bool = False
    seconds: float = 0.0


def parse_system_specs(specs: Sequence[str], versions: Sequence[str] = (), *,
                       timeout: float = 120.0) -> list[SystemSpec]:
    import math
    if not math.isfinite(timeout) or timeout <= 0:
        raise InputError(f"must be a positive number of seconds, got {timeout:g}", field="--system-timeout")
    out: dict[str, SystemSpec] = {}
    for spec in specs:
        name, sep, rest = spec.partition("=")
        name = name.strip()
        kind, sep2, target = rest.partition(":")
        if not sep or not name or not sep2 or not target.strip():
            raise InputError(f"expected NAME=cmd:COMMAND or NAME=py:MODULE:FUNC, got '{spec}'", field="--system")
        if kind not in KINDS:
            from ..errors import did_you_mean
            raise InputError(f"unknown kind '{kind}' in '{spec}'; use cmd: or py:{did_you_mean(kind, KINDS)}",
                             field="--system")
        if name in out:
            raise InputError(f"system '{name}' given twice", field="--system")
        target = target.strip()
        if kind == "cmd":
            try:
                argv = shlex.split(target)
            except ValueError as exc:
                raise InputError(f"cannot parse command '{target}': {exc}", field="--system") from None
            if not argv or shutil.which(argv[0]) is None:
                raise InputError(f"command not found: '{argv[0] if argv else target}'", field="--system")
        else:
            load_callable(target)
        out[name] = SystemSpec(name=name, kind=kind, target=target, timeout=timeout)
    check_runs_names(list(out))
    for v in versions:
        name, sep, version = v.partition("=")
        name = name.strip()
        if not sep or not name or not version.strip():
            raise InputError(f"expected NAME=VERSION, got '{v}'", field="--system-version")
        if name not in out:
            from ..errors import did_you_mean
            raise InputError(f"no --system named '{name}'{did_you_mean(name, out)}", field="--system-version")
        out[name] = dataclasses.replace(out[name], version=version.strip())
    return list(out.values())


def load_callable(target: str) -> Callable[[str], str]:
    module, sep, func = target.rpartition(":")
    if not sep or not module or not func:
        raise InputError(f"expected py:MODULE:FUNC, got 'py:{target}'", field="--system")
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())  # like `python -m`: modules of the current folder import
    try:
        mod = importlib.import_module(module)
    except Exception as exc:  # noqa: BLE001 - the user's module; any failure is bad input
        raise InputError(f"cannot import '{module}': {type(exc).__name__}: {exc}", field="--system") from None
    fn = getattr(mod, func, None)
    if fn is None or not callable(fn):
        raise InputError(f"'{module}' has no callable '{func}'", field="--system")
    return fn


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def cache_key(spec: SystemSpec, source: str) -> str:
    raw = json.dumps([spec.name, spec.version, source_hash(source)], ensure_ascii=True)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _tail(text: str, n: int = 300) -> str:
    text = " ".join((text or "").strip().splitlines()[-3:])
    return text[-n:]


MAX_SUMMARY_BYTES = 10 * 1024 * 1024   # a summariser writing more than this (``yes``) is stopped
MAX_STDERR_BYTES = 64 * 1024           # of a summariser's stderr only the tail is kept


class _Calls:
    """The summariser processes running now. Each runs in its own process group, so
    killing the group also ends what it started in the background; on Ctrl-C or
    SIGTERM every group is killed at once (no call is left to run out its time limit)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active: set = set()
        self.stopping = False

    def start(self, argv: list[str]):
        with self.lock:
            if self.stopping:
                raise _CallError("interrupted")
            p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 start_new_session=True)
            self.active.add(p)
        from .._signals import phase
        phase("summarise")
        return p

    def done(self, p) -> None:
        with self.lock:
            self.active.discard(p)

    def kill_all(self) -> None:
        with self.lock:
            self.stopping = True
            procs = list(self.active)
        for p in procs:
            _kill_group(p)
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


def _kill_group(p) -> None:
    import signal
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        p.kill()
    except OSError:
        pass


def _run_cmd(spec: SystemSpec, source: str, calls: "_Calls | None" = None) -> str:
    argv = shlex.split(spec.target)
    calls = calls or _Calls()
    try:
        p = calls.start(argv)
    except OSError as exc:
        raise _CallError(f"could not start '{argv[0]}': {exc}") from None
    out = bytearray()
    err = bytearray()
    too_much = threading.Event()

    def read_out() -> None:
        while True:
            chunk = p.stdout.read1(65536)
            if not chunk:
                return
            if len(out) + len(chunk) > MAX_SUMMARY_BYTES:
                too_much.set()
                _kill_group(p)
                return
            out.extend(chunk)

    def read_err() -> None:
        while True:
            chunk = p.stderr.read1(65536)
            if not chunk:
                return
            err.extend(chunk)
            if len(err) > MAX_STDERR_BYTES:
                del err[:-MAX_STDERR_BYTES]

    def write_in() -> None:
        try:
            p.stdin.write(source.encode("utf-8"))
        except OSError:  # it exited without reading all of its input: its exit code tells
            pass
        finally:
            try:
                p.stdin.close()
            except OSError:
                pass

    threads = [threading.Thread(target=f, daemon=True) for f in (read_out, read_err, write_in)]
    for t in threads:
        t.start()
    try:
        try:
            code = p.wait(timeout=spec.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(p)
            p.wait()
            raise _CallError(f"timed out after {spec.timeout:g}s") from None
        # It exited: whatever it left running in its group (``sleep 77 &`` holding
        # stdout) is killed, so its output ends here and nothing is left behind.
        _kill_group(p)
        for t in threads:
            t.join(timeout=5)
    finally:
        _kill_group(p)
        calls.done(p)
        for stream in (p.stdin, p.stdout, p.stderr):
            try:
                stream.close()
            except OSError:
                pass
    if too_much.is_set():
        raise _CallError(f"wrote more than {MAX_SUMMARY_BYTES} bytes to stdout; stopped")
    if code != 0:
        tail = _tail(err.decode("utf-8", "replace"))
        raise _CallError(f"exited with code {code}" + (f": {tail}" if tail else ""))
    return out.decode("utf-8", "replace")


def _run_py(fn: Callable[[str], str], spec: SystemSpec, source: str) -> str:
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = fn(source)
        except BaseException as exc:  # noqa: BLE001 - reported per case
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True, name=f"summarise-{spec.name}")
    t.start()
    t.join(spec.timeout)
    if t.is_alive():
        raise _CallError(f"timed out after {spec.timeout:g}s")  # the thread is abandoned (daemon)
    if "error" in box:
        exc = box["error"]
        raise _CallError(f"raised {type(exc).__name__}: {exc}")
    value = box.get("value")
    if not isinstance(value, str):
        raise _CallError(f"returned {type(value).__name__}, not a string")
    if len(value) > MAX_SUMMARY_BYTES:
        raise _CallError(f"returned more than {MAX_SUMMARY_BYTES} characters")
    return value


class _CallError(Exception):
    pass


def summarise_cases(specs: Sequence[SystemSpec], cases: Sequence, *, workers: int = 4,
                    cache=None, progress=None) -> dict[str, dict[str, Summarised]]:
    """Summarise every case with every spec: system -> case id -> outcome. ``cache`` is
    the run's :class:`evalharness.cache.store.CachePolicy` (None: no cache)."""
    if workers < 1:
        raise InputError(f"must be at least 1, got {workers}", field="--system-workers")
    store = cache.try_open("summaries") if cache is not None and any(s.version for s in specs) else None
    try:
        return _summarise_all(specs, cases, workers, store, progress)
    finally:
        if store is not None:
            store.close()


def _summarise_all(specs, cases, workers, store, progress) -> dict[str, dict[str, Summarised]]:
    out: dict[str, dict[str, Summarised]] = {}
    calls = _Calls()
    for spec in specs:
        fn = load_callable(spec.target) if spec.kind == "py" else None
        results: dict[str, Summarised] = {}
        todo = []
        hits = _cache_get(store, spec, cases) if (store is not None and spec.version) else {}
        for case in cases:
            hit = hits.get(case.id)
            if hit is not None:
                results[case.id] = Summarised(case.id, spec.name, hit, cached=True)
            else:
                todo.append(case)
        stage = f"summarise {spec.name}"
        total = len(cases)
        done = len(results)
        if progress:
            progress(stage, done, total)

        def call(case) -> Summarised:
            t0 = time.perf_counter()
            try:
                text = (_run_cmd(spec, case.source, calls) if spec.kind == "cmd"
                        else _run_py(fn, spec, case.source))
                text = text.strip()
                if not text:
                    raise _CallError("wrote an empty summary" if spec.kind == "cmd" else "returned an empty summary")
            except _CallError as exc:
                return Summarised(case.id, spec.name, None, error=f"{spec.kind}:{spec.target}: {exc}",
                                  seconds=round(time.perf_counter() - t0, 3))
            return Summarised(case.id, spec.name, text, seconds=round(time.perf_counter() - t0, 3))

        pool = ThreadPoolExecutor(max_workers=min(workers, max(1, len(todo))))
        try:
            for res in pool.map(call, todo):
                results[res.case_id] = res
                if res.error is None and store is not None and spec.version:
                    _cache_put(store, spec, next(c.source for c in todo if c.id == res.case_id), res.summary)
                done += 1
                if progress:
                    progress(stage, done, total)
        except BaseException:  # Ctrl-C or SIGTERM: kill every running call now, wait for none
            calls.kill_all()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        out[spec.name] = {c.id: results[c.id] for c in cases}
    return out


def _cache_get(store, spec: SystemSpec, cases: Sequence) -> dict[str, str]:
    """Case id -> cached summary (the ``summaries`` namespace); a bad entry is dropped."""
    keys = {c.id: cache_key(spec, c.source) for c in cases}
    found = store.get(keys.values())
    out, bad = {}, []
    for case in cases:
        entry = found.get(keys[case.id])
        if entry is None:
            continue
        try:
            data = json.loads(entry[0].decode("utf-8"))
            summary = data["summary"]
            ok = ((data["system"], data["version"], data["source_sha256"]) == (spec.name, spec.version,
                                                                              source_hash(case.source))
                  and isinstance(summary, str) and bool(summary.strip()))
        except (ValueError, KeyError, TypeError):
            ok = False
        if ok:
            out[case.id] = summary
        else:
            bad.append(keys[case.id])
    store.reject(bad)
    return out


def _cache_put(store, spec: SystemSpec, source: str, summary: str) -> None:
    value = json.dumps({"system": spec.name, "version": spec.version, "source_sha256": source_hash(source),
                        "summary": summary}, ensure_ascii=False)
    store.put([(cache_key(spec, source), spec.name, value.encode("utf-8"), "")])  # a failed write only costs time


def with_summaries(cases: Sequence, results: Mapping[str, Mapping[str, Summarised]]) -> list:
    """The cases with the fresh summaries. A system given on the command line replaces
    a candidate of the same name entirely: a case its call failed on has no summary of
    it (an error of that (case, system)), never the YAML's old text."""
    from ..io.cases import with_runs
    cases = [dataclasses.replace(c, candidates={s: t for s, t in c.candidates.items() if s not in results})
             if any(s in results for s in c.candidates) else c for c in cases]
    runs = {system: {cid: r.summary for cid, r in by_case.items() if r.summary is not None}
            for system, by_case in results.items()}
    return with_runs(list(cases), runs)


def failed_calls(results: Mapping[str, Mapping[str, Summarised]]) -> dict[str, dict[str, str]]:
    """system -> case id -> why, for every call that gave no summary: the runner puts each
    into the report as an error of its (case, system) before the gate decides (exit 3,
    never a pass, never the YAML's old text)."""
    out: dict[str, dict[str, str]] = {}
    for system, by_case in results.items():
        for cid, r in by_case.items():
            if r.error is not None:
                out.setdefault(system, {})[cid] = r.error
    return out


def runs_file_name(system: str) -> str:
    """The runs file of ``system``: one injective safe-name rule (:func:`evalharness.io.paths.safe_filename`)."""
    from ..io.paths import safe_filename
    return safe_filename(system, ".jsonl")


def check_runs_names(names: Sequence[str]) -> None:
    """Two systems whose runs files would be one file (also on a case-insensitive
    file system) are an error before any work."""
    seen: dict[str, str] = {}
    for name in names:
        key = runs_file_name(name).casefold()
        if key in seen:
            raise InputError(f"systems '{seen[key]}' and '{name}' would both write runs/{runs_file_name(name)}; "
                             "rename one", field="--system")
        seen[key] = name


def write_runs(results: Mapping[str, Mapping[str, Summarised]], folder: Path) -> list[Path]:
    """The summaries that were scored, one runs JSONL per system (readable by ``--candidates``)."""
    from ..io.paths import atomic_write
    paths = []
    for system, by_case in results.items():
        lines = []
        for r in by_case.values():
            if r.summary is None:
                continue
            lines.append(json.dumps({"case_id": r.case_id, "summary": r.summary,
                                     "meta": {"system": system, "cached": r.cached, "seconds": r.seconds}},
                                    ensure_ascii=False))
        path = Path(folder) / runs_file_name(system)
        atomic_write(path, "\n".join(lines) + ("\n" if lines else ""))
        paths.append(path)
    return paths
