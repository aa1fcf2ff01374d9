"""pytest plugin: ``pytest cases/`` runs the YAML cases as test items.

One item per (case, system). An item passes when the case's ``expect`` entries and
the config's per-case gate rules (``on: every``) hold for that system and no
scorer failed on it; rules on a whole system (a mean, an interval end) become one
``evalharness::gate[<system>]`` item each, under their own node id (collected after
the case files and counted with them). A gate that would check nothing is one failing
``evalharness::gate-checks-something`` item (unless ``gate.no_rules``), and a rule that
names a system no case provides is a collection error, as in ``validate`` and ``run``.
A failing item reports the gate failures and the unsupported claims with their
evidence, not a stack trace.

Pass/fail comes from the one verdict ``evalharness run`` gives for the same cases and
config (both call :func:`evalharness.run_evaluation`): every failure of that gate lands
on an item, so ``pytest`` fails exactly when ``run`` would exit non-zero. A failure of a
(case, system) goes to its item; one of a whole system to its ``gate[<system>]`` item,
or, where there is none (an ``on: every`` rule whose metric has no value for the system),
to each of that system's case items; one of no system to ``gate-checks-something``, or
to every case item.

Registered through the ``pytest11`` entry point ``evalharness``. It only collects
YAML files from paths given explicitly on the command line (never from
``testpaths`` defaults, never inside the ``testpaths`` folders unless the file
itself is named), so a project's ordinary ``pytest`` run is unaffected. Importing
it imports nothing of evalharness; the harness loads on the first case file.
Uses only the public API (``evalharness.load_cases``, ``run_evaluation``, ``RunRequest``,
``CachePolicy``; the config is resolved the way the CLI resolves it). It shares the
CLI's caches and takes the same cache flags (``--evalharness-no-cache``,
``--evalharness-cache-dir``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

SUFFIXES = (".yaml", ".yml")
_STATE = pytest.StashKey["_HarnessState"]() if hasattr(pytest, "StashKey") else None


def pytest_addoption(parser) -> None:
    group = parser.getgroup("evalharness", "evalharness: YAML summarisation cases as tests")
    group.addoption("--evalharness-config", metavar="FILE", default=None,
                    help="evalharness config for collected cases (default: ini evalharness_config, "
                         "else configs/default.yaml under the rootdir, else the built-in default)")
    group.addoption("--no-evalharness", action="store_true", default=False,
                    help="do not collect YAML cases")
    group.addoption("--evalharness-no-cache", action="store_true", default=False,
                    help="neither read nor write any evalharness cache (as 'evalharness run --no-cache')")
    group.addoption("--evalharness-cache-dir", metavar="DIR", default=None,
                    help="evalharness cache folder (as 'evalharness run --cache-dir'; default: the config's "
                         "run.cache_dir, else the user cache folder, shared with the CLI)")
    parser.addini("evalharness_config", "evalharness config for collected YAML cases", default=None)


class _HarnessState:
    def __init__(self, config) -> None:
        self.pytest_config = config
        self._hconfig = None
        self.cases: dict[str, object] = {}          # case id -> Case
        self.items: list = []
        self.gate_items: set = set()                # systems with a gate[<system>] item; None: gate-checks-something
        self.report = None
        self.error: BaseException | None = None

    def harness_config(self):
        if self._hconfig is None:
            import evalharness
            cfg = self.pytest_config
            from evalharness.core.config import resolve_config
            path = cfg.getoption("--evalharness-config") or cfg.getini("evalharness_config")
            if path and not Path(path).is_absolute() and not Path(path).exists():
                path = Path(cfg.rootpath) / path
            try:  # like the CLI: the named config, else configs/default.yaml, else the built-in default
                self._hconfig = resolve_config(path or None, root=Path(cfg.rootpath))
            except evalharness.EvalHarnessError as exc:
                raise CaseFile.CollectError(f"evalharness: {exc}") from None
        return self._hconfig

    def cases_in(self, file: Path) -> list:
        """The cases of one file (its folder is the tree ``source_file`` may read from)."""
        import evalharness
        cases = evalharness.load_cases([file])
        for case in cases:
            other = self.cases.get(case.id)
            if other is not None:
                raise CaseFile.CollectError(f"evalharness: {case.file}:{case.line}: field 'id': duplicate case id "
                                            f"'{case.id}' (first defined at {other.file}:{other.line})")
        return cases

    def run(self):
        """Score every collected case once, on the first item that needs it."""
        if self.report is None and self.error is None:
            import evalharness
            cases = list(self.cases.values())
            cfg = self.pytest_config
            try:
                config = self.harness_config()
                # the CLI's cache and flags: what `evalharness run` cached, the plugin reads, and back
                policy = evalharness.CachePolicy.from_settings(config.run, no_cache=cfg.getoption("--evalharness-no-cache"),
                                                   cache_dir=cfg.getoption("--evalharness-cache-dir"))
                request = evalharness.RunRequest(cases=tuple(cases), config=config)
                self.report = evalharness.run_evaluation(request, cache=policy).report
            except evalharness.EvalHarnessError as exc:
                self.error = exc
        if self.error is not None:
            raise HarnessFailure(f"evalharness could not score the cases: {self.error}")
        return self.report

    def owner(self, failure) -> tuple:
        """Which items a gate failure lands on: ("case", id, system), ("gate", system),
        ("system", system) for every case item of it, or ("all",) for every case item."""
        if failure.system is not None and failure.case_id is not None:
            return ("case", failure.case_id, failure.system)
        if failure.system in self.gate_items:
            return ("gate", failure.system)
        if failure.system is not None:
            return ("system", failure.system)
        return ("all",)

    def failures_of(self, item) -> list:
        report = self.run()
        if isinstance(item, GateItem):
            keys = {("gate", item.system)}
        else:
            keys = {("case", item.case.id, item.system), ("system", item.system), ("all",)}
        return [f for f in report.gate.failures if self.owner(f) in keys]


def _state(config) -> _HarnessState:
    st = config.stash.get(_STATE, None)
    if st is None:
        st = _HarnessState(config)
        config.stash[_STATE] = st
    return st


def _explicit_roots(config) -> list[Path]:
    """The paths named on the command line, or none when pytest fell back to testpaths."""
    source = getattr(config, "args_source", None)
    if source is None or source != pytest.Config.ArgsSource.ARGS:
        return []
    roots = []
    for arg in config.args:
        p = Path(str(arg).split("::")[0])
        if not p.is_absolute():
            p = Path(config.invocation_params.dir) / p
        roots.append(p.resolve())
    return roots


def _looks_like_case_file(path: Path) -> bool:
    """A cheap text check before any YAML parsing: an ``id`` key and a source."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:200_000]
    except OSError:
        return False
    import re
    return bool(re.search(r"^[ -]*id\s*:", head, re.M)) and bool(re.search(r"^\s*(source|source_file)\s*:", head,
                                                                            re.M))


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix not in SUFFIXES:
        return None
    config = parent.config
    if config.getoption("--no-evalharness"):
        return None
    file_path = Path(file_path).resolve()
    roots = _explicit_roots(config)
    named = [r for r in roots if r == file_path or r in file_path.parents]
    if not named:
        return None
    if file_path not in roots:
        testpaths = [(Path(config.rootpath) / t).resolve() for t in (config.getini("testpaths") or ())]
        if any(t == file_path or t in file_path.parents for t in testpaths):
            return None  # YAML fixtures inside the test folders are not cases, unless named explicitly
    if not _looks_like_case_file(file_path):
        return None
    return CaseFile.from_parent(parent, path=file_path)


class CaseFile(pytest.File):
    def collect(self):
        import evalharness
        st = _state(self.config)
        try:
            st.harness_config()
            cases = st.cases_in(Path(self.path))
        except evalharness.EvalHarnessError as exc:
            raise self.CollectError(f"evalharness: {exc}") from None
        for case in cases:
            st.cases[case.id] = case
            if not case.candidates:
                raise self.CollectError(f"evalharness: {case.file}:{case.line}: case '{case.id}' has no "
                                        "candidate summaries")
            for system in case.candidates:
                item = CaseItem.from_parent(self, name=f"{case.id}[{system}]", case=case, system=system)
                st.items.append(item)
                yield item

    class CollectError(Exception):
        pass

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, (self.CollectError, pytest.UsageError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class HarnessFailure(Exception):
    """A failed item: the message is the whole report (no traceback)."""


def _fmt_claims(cand) -> list[str]:
    from evalharness.render.text import flagged_claim_lines
    return flagged_claim_lines(cand, indent="  ", width=300)


class CaseItem(pytest.Item):
    def __init__(self, *, case, system: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.system = system

    def runtest(self) -> None:
        report = _state(self.config).run()
        result = next((c for c in report.cases if c.id == self.case.id), None)
        cand = result.candidate(self.system) if result is not None else None
        if cand is None:
            raise HarnessFailure(f"{self.case.id} / {self.system}: no result in the report")
        failures = _state(self.config).failures_of(self)
        if not failures:
            return
        lines = [f"{self.case.id} / {self.system}: {len(failures)} gate failure(s)"]
        lines.extend(f"  [{f.kind}] {f.message}" for f in failures)
        if cand.flagged:
            lines.append(f"unsupported claims in: \"{textwrap.shorten(cand.summary, 300, placeholder=' …')}\"")
            lines.extend(_fmt_claims(cand))
        scores = ", ".join(f"{m}={v:.3f}" for m, v in cand.scores.items() if m in report.headline)
        if scores:
            lines.append(f"scores: {scores}")
        raise HarnessFailure("\n".join(lines))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, HarnessFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, (self.case.line or 1) - 1, f"evalharness case {self.case.id} [{self.system}]"


class GateItem(pytest.Item):
    """The config's rules on a whole system (mean or interval), over every collected
    case; or (``system`` None) the failure of a gate that checks nothing."""

    def __init__(self, *, system: str | None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.system = system

    def runtest(self) -> None:
        failures = _state(self.config).failures_of(self)
        if self.system is None:
            if failures:
                raise HarnessFailure("\n".join(f"[{f.kind}] {f.message}" for f in failures))
            return
        if failures:
            raise HarnessFailure(f"{self.system}: {len(failures)} gate rule(s) failed\n" +
                                 "\n".join(f"  [{f.kind}] {f.message}" for f in failures))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, HarnessFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        what = f"[{self.system}]" if self.system else "(checks something)"
        return self.path, None, f"evalharness gate {what}"


SystemGateItem = GateItem  # the name of earlier versions


class GateCollector(pytest.Collector):
    """The items of the whole-system gate, under their own node id (``evalharness::gate[<system>]``),
    collected once every case file is in, and counted in "collected N items" like any other."""

    NODEID = "evalharness"

    def collect(self):
        import evalharness
        from evalharness.core.config import check_rule_systems
        st = _state(self.config)
        hconfig = st.harness_config()
        systems: list[str] = []
        for item in st.items:
            if item.system not in systems:
                systems.append(item.system)
        try:  # the check `validate` and `run` make, with the same message
            check_rule_systems(hconfig, systems)
        except evalharness.EvalHarnessError as exc:
            raise CaseFile.CollectError(f"evalharness: {exc}") from None
        rules = hconfig.gate
        for system in systems:
            if any(r.on != "every" and (r.systems is None or system in r.systems) for r in rules):
                st.gate_items.add(system)
                yield GateItem.from_parent(self, name=f"gate[{system}]", system=system)
        has_checks = bool(rules) or any(s in case.candidates for case in st.cases.values() for s in case.expect)
        if not has_checks and not hconfig.gate_no_rules:
            st.gate_items.add(None)
            yield GateItem.from_parent(self, name="gate-checks-something", system=None)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CaseFile.CollectError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


@pytest.hookimpl(tryfirst=True)  # before -k / -m deselect, so those select gate items too
def pytest_collection_modifyitems(session, config, items) -> None:
    st = config.stash.get(_STATE, None)
    if st is None or not st.items:
        return
    collector = GateCollector.from_parent(session, name=GateCollector.NODEID, nodeid=GateCollector.NODEID)
    # collected the way pytest collects a node, so the report counts and shows it like the others
    config.hook.pytest_collectstart(collector=collector)
    rep = config.hook.pytest_make_collect_report(collector=collector)
    config.hook.pytest_collectreport(report=rep)
    if rep.passed:
        items.extend(x for x in rep.result if isinstance(x, pytest.Item))
