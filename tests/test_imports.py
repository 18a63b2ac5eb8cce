"""The import graph of analysis/: domain modules do not know the build, and there is no circle.

Only the build (``analysis.pipeline``), its stages (``analysis.stages.*``) and the command
line (``analysis.cli``, ``analysis.__main__``) may import ``analysis.pipeline`` or
``analysis.stages``; every ``analysis.*`` import is at module level (none hidden inside a
function), and the graph of ``analysis.*`` imports has no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis.paths import PACKAGE_DIR

BUILD_MODULES = ("analysis.pipeline", "analysis.stages", "analysis.cli", "analysis.__main__")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def imports(path: Path, modules: dict[str, Path]) -> list[tuple[str, int, bool]]:
    """(imported analysis module, line, at module level) for every analysis.* import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    out = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from analysis import x``: x may be a module; ``from analysis.y import z``: y
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules
                     else node.module for a in node.names]
        for name in names:
            if name == "analysis" or name.startswith("analysis."):
                out.append((name, node.lineno, id(node) in top))
    return out


def graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {m: {n for n, _, _ in imports(p, modules) if n in modules and n != m}
            for m, p in modules.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle in the directed graph as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_domain_modules_do_not_import_the_build():
    modules = all_modules()
    offenders = [f"{m} rad {line} importerar {name}"
                 for m, p in modules.items() if not m.startswith(BUILD_MODULES)
                 for name, line, _ in imports(p, modules)
                 if name.startswith(("analysis.pipeline", "analysis.stages"))]
    assert offenders == []


def test_no_function_local_imports_of_the_package():
    modules = all_modules()
    hidden = [f"{m} rad {line}: {name}" for m, p in modules.items()
              for name, line, top in imports(p, modules) if not top]
    assert hidden == []


def test_the_import_graph_has_no_cycle():
    assert find_cycle(graph()) is None


@pytest.mark.parametrize("edges, cycle", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
])
def test_the_cycle_finder_finds_cycles(edges, cycle):
    assert find_cycle(edges) == cycle
