"""No import cycle inside ``src/opentruth``: imports go one way (see the README's layout).

Every import statement counts, wherever it sits: at module level, under ``TYPE_CHECKING`` or
inside a function. A deferred import hides a cycle from the interpreter, not from the design.
``from package import name`` is an edge to the submodule ``package.name`` when there is one,
else to the package itself; the implicit import of a module's parent packages is no edge.

The one exception is the model registry, ``opentruth.db.models`` with its ``models_*`` modules:
``models`` imports them so that one import registers every table with SQLAlchemy, and each of
them imports ``Base`` from ``models`` (see that module's docstring).
"""

from __future__ import annotations

import ast
from pathlib import Path

import opentruth

ROOT = Path(opentruth.__file__).parent
#: Modules allowed to import each other: the SQLAlchemy model registry.
REGISTRY_PREFIX = "opentruth.db.models"


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_package(name: str, modules: dict[str, Path]) -> bool:
    return modules[name].name == "__init__.py"


def _imports(name: str, modules: dict[str, Path]) -> set[str]:
    """The opentruth modules that module ``name`` imports."""
    tree = ast.parse(modules[name].read_text("utf-8"))
    package = name if _is_package(name, modules) else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target not in modules:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in modules else target)
    out.discard(name)
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component: list[str] = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {name: _imports(name, modules) for name in modules}
    for name, targets in graph.items():
        if name.startswith(REGISTRY_PREFIX):  # the model registry (see the module docstring)
            targets.difference_update(t for t in set(targets) if t.startswith(REGISTRY_PREFIX))
    return graph


def test_no_import_cycle_inside_opentruth() -> None:
    cycles = _cycles(_graph())
    assert cycles == [], "import cycles (each a set of modules that import each other):\n" + "\n".join(
        " <-> ".join(c) for c in cycles
    )


def test_the_graph_sees_imports_of_every_kind() -> None:
    # The check is only as good as the edges it reads: deferred and TYPE_CHECKING imports count.
    graph = _graph()
    assert "opentruth.labeling.jobstep" in graph["opentruth.labeling.streaming"]
    assert "opentruth.labeling.runner" not in graph["opentruth.labeling.streaming"]
    assert "opentruth.labeling.streaming" in graph["opentruth.labeling.runner"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
