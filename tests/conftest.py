"""Shared test helpers. Tests import the package from this checkout (pytest's
``pythonpath``), and CLI tests run ``python -m evalharness`` in a subprocess so
exit codes and stderr are exactly what a user sees."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]  # for the pytest plugin's tests

ROOT = Path(__file__).resolve().parent.parent
BENCH_DEV = ROOT.parent / "shared" / "bench" / "dev"

#: helpers that moved from tests/ to tests/helpers/: ``from fake_chat_server import X``
#: (the old top-level name) still works and gives the very module
#: ``tests.helpers.fake_chat_server``, so old and new imports share one module.
MOVED_HELPERS = ("fake_chat_server", "cdp", "html_fixture", "report_factory")


class _MovedHelper(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        return importlib.util.spec_from_loader(name, self) if name in MOVED_HELPERS else None

    def create_module(self, spec):
        return importlib.import_module(f"tests.helpers.{spec.name}")

    def exec_module(self, module):
        pass  # already executed under its real name


if not any(isinstance(f, _MovedHelper) for f in sys.meta_path):
    sys.meta_path.append(_MovedHelper())


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 600,
            input: str | None = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.setdefault("HF_HUB_OFFLINE", "1")
    if env:
        full_env.update(env)
    return subprocess.run([sys.executable, "-m", "evalharness", *args], cwd=cwd or ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout, input=input)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True)
def _own_score_cache(tmp_path_factory, monkeypatch):
    """Each test gets an empty score cache of its own (CLI subprocesses inherit it),
    so no test reads another's cached scores or the user's cache."""
    monkeypatch.setenv("EVALHARNESS_CACHE_DIR", str(tmp_path_factory.mktemp("score-cache")))
