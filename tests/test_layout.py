"""The layout of tests/ and benchmarks/: shared pieces are imported by name.

Tests never load a benchmark by file path, benchmarks and scripts never put
tests/ on sys.path, and the helpers that moved to tests/helpers/ are still
reachable under their old top-level names (one module either way)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILE_PATH_IMPORTS = ("spec_from_file_location", "run_path", "SourceFileLoader")


def _python_files(*folders: str) -> list[Path]:
    return sorted(p for f in folders for p in (ROOT / f).rglob("*.py"))


def test_tests_import_nothing_by_file_path():
    offenders = []
    for path in _python_files("tests"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
            if name in FILE_PATH_IMPORTS:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert offenders == []


def _sys_path_inserts(path: Path) -> list[str]:
    """The source text of every sys.path.insert/append argument in a file."""
    out = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("insert", "append") and ast.unparse(node.func.value) == "sys.path"):
            out.append(ast.unparse(node.args[-1]))
    return out


def test_benchmarks_and_scripts_never_put_tests_on_sys_path():
    offenders = [f"{p.relative_to(ROOT)}: sys.path gets {arg}" for p in _python_files("benchmarks", "scripts")
                 for arg in _sys_path_inserts(p) if "tests" in arg]
    assert offenders == []


def test_the_sys_path_check_sees_an_insert_of_tests(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('import sys\nsys.path.insert(0, str(ROOT / "tests"))\n', encoding="utf-8")
    assert _sys_path_inserts(bad) == ['str(ROOT / \'tests\')']


def test_moved_helpers_keep_their_old_names():
    for name in ("fake_chat_server", "cdp", "html_fixture", "report_factory"):
        old = importlib.import_module(name)
        assert old is importlib.import_module(f"tests.helpers.{name}")
        assert not (ROOT / "tests" / f"{name}.py").exists()
    from fake_chat_server import FakeChatServer  # the form older tests use
    from tests.helpers.fake_chat_server import FakeChatServer as New
    assert FakeChatServer is New
