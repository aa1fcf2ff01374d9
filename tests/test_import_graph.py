"""No import cycle in evalharness/: the module graph is built from the source (every
``import`` and ``from ... import``, at module level or inside a function, since a
lazy import that closes a cycle is still a tangle) and must be acyclic."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "evalharness"

def modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for p in PKG.rglob("*.py"):
        parts = list(p.relative_to(PKG.parent).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_pkg else parts)] = (p, is_pkg)
    return out


def import_graph() -> dict[str, set[str]]:
    mods = modules()

    def owner(name: str) -> str | None:  # the module a dotted name lives in
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for mod, (path, is_pkg) in mods.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                    base = base[:len(base) - (node.level - 1)]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                targets = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in mods else prefix for a in node.names]
            else:
                continue
            deps.update(t for t in map(owner, targets) if t and t != mod)
        graph[mod] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def test_the_graph_sees_the_package():
    graph = import_graph()
    assert "evalharness.scorers.support.backends.llm" in graph["evalharness.scorers.support.backends"]
    assert "evalharness.scorers.support.types" in graph["evalharness.scorers.support.backends.llm"]


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_in_evalharness():
    assert cycles(import_graph()) == []


# Data flows one way (docs in /work/shared/design/architecture.md): the CLI and the pytest plugin
# sit on top and call the pipeline; the pipeline calls the engine (runner, summarise, compare,
# gate); renderers are called only from the top. A lower module never imports one above it.
ABOVE = {  # module (or package) -> the only modules that may import it
    "evalharness.cli": ("evalharness.cli", "evalharness.__main__"),
    "evalharness.engine.pipeline": ("evalharness.cli", "evalharness.pytest_plugin"),
    "evalharness.render": ("evalharness.render", "evalharness.cli", "evalharness.pytest_plugin"),
}


def _under(mod: str, prefixes) -> bool:
    return any(mod == p or mod.startswith(p + ".") for p in prefixes)


def test_no_import_runs_back_up():
    graph = import_graph()
    assert "evalharness.engine.pipeline" in graph  # the pipeline is in the graph
    assert "evalharness.engine.pipeline" in graph["evalharness.cli.run"]
    bad = sorted((mod, dep) for mod, deps in graph.items() for dep in deps for top, allowed in ABOVE.items()
                 if _under(dep, (top,)) and not _under(mod, allowed))
    assert bad == []


def test_the_pipeline_imports_nothing_above_it():
    deps = import_graph()["evalharness.engine.pipeline"]
    assert not [d for d in deps if _under(d, ("evalharness.cli", "evalharness.render",
                                              "evalharness.pytest_plugin"))]


# The rooms, bottom to top: a module may import its own room and the rooms below it, never one
# above (lazy imports inside functions included). errors and _signals are leaves every room uses.
ROOMS = ("errors", "_signals", "io", "stats", "core", "cache", "scorers", "verdict", "metaeval", "engine",
         "render", "cli", "pytest_plugin", "__main__")
# known exceptions, each a lazy import by name: (importer, imported) -> why it may climb (none today:
# core reaches a scorer only through the registry, by name)
CLIMBS: dict[tuple[str, str], str] = {}


def room(mod: str) -> str | None:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 else None


def upward_imports(graph) -> list[tuple[str, str]]:
    rank = {r: i for i, r in enumerate(ROOMS)}
    out = []
    for mod, deps in graph.items():
        a = room(mod)
        for dep in deps:
            b = room(dep)
            if a in rank and b in rank and rank[b] > rank[a] and (mod, dep) not in CLIMBS:
                out.append((mod, dep))
    return sorted(out)


def test_every_module_lives_in_a_room():
    assert sorted({room(m) for m in import_graph()} - set(ROOMS) - {None}) == []


def test_rooms_import_only_downward():
    assert upward_imports(import_graph()) == []


def test_the_room_check_sees_an_upward_import():
    graph = {"evalharness.core.report": {"evalharness.engine.runner"}, "evalharness.engine.runner": set()}
    assert upward_imports(graph) == [("evalharness.core.report", "evalharness.engine.runner")]
