"""The package's shape: dependencies point one way (no import cycle) and no module is too long.

Read from the source with `ast`, nothing imported. What counts as "module A imports module B":

* every ``import`` / ``from ... import`` of our own modules, at module level *or inside a
  function* (an import moved into a function to dodge a cycle still makes the cycle);
* importing ``conoha_learn.a.b`` also runs the package ``conoha_learn/a/__init__.py`` (unless the
  importer is inside that package already), so that counts as importing the package too;
* ``from . import x`` imports the submodule ``x`` when there is one, else the package itself;
* a package's lazy public names (a module-level ``_LAZY = {"name": "module"}`` read by its
  ``__getattr__``) are imports of those modules by the package.

Imports under ``if TYPE_CHECKING:`` are *allowed*: they never run, so they are not run-time
dependencies, and type hints in both directions are normal (a Connection has a Compute, a Compute
belongs to a Connection).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "conoha_learn"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE
MAX_LINES = 400


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    modules = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = (PACKAGE, *path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_nodes(tree: ast.AST):
    """Every node of ``tree`` except what sits under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The absolute name ``from <node.module>`` means inside ``module``."""
    if not node.level:
        return node.module or ""
    base = module.split(".") if _is_package(module) else module.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _with_packages(importer: str, target: str) -> set[str]:
    """``target`` plus the packages above it that importing it runs (not the importer's own)."""
    found = {target} if target in MODULES else set()  # named: counts even if it is an ancestor
    parts = target.split(".")
    for end in range(1, len(parts)):
        name = ".".join(parts[:end])
        if name in MODULES and not importer.startswith(name + "."):
            found.add(name)
    return found


def imports_of(module: str) -> set[str]:
    """The package's modules that ``module`` imports when it runs (see the docstring)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    targets: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                targets |= _with_packages(module, alias.name)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                targets |= _with_packages(module, submodule if submodule in MODULES else source)
    if _is_package(module):
        targets |= _lazy_imports(module, tree)
    targets.discard(module)
    return targets


def _lazy_imports(package: str, tree: ast.Module) -> set[str]:
    targets: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict):
            names = [t.id for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                     if isinstance(t, ast.Name)]
            if "_LAZY" in names:
                for value in node.value.values:
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        targets |= _with_packages(package, f"{package}.{value.value}")
    return targets


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path A -> ... -> A) per strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_a_cycle(graph, set(group)) for group in groups]


def _a_cycle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for other in sorted(graph[node] & group):
                if other == start:
                    return paths[node] + [start]
                if other not in paths:
                    paths[other] = paths[node] + [other]
                    following.append(other)
        frontier = following
    raise AssertionError("not a cycle")  # a strongly connected group always has one


def test_the_scan_sees_the_package():
    # Guards the test itself: a scan that found no modules or no imports would pass vacuously.
    assert {"conoha_learn", "conoha_learn.connection", "conoha_learn.sim"} <= set(MODULES)
    assert "conoha_learn.errors" in imports_of("conoha_learn.connection")
    assert "conoha_learn.connection" in imports_of("conoha_learn")  # through _LAZY


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"} - {"e"}}
    assert import_cycles(graph) == [["a", "b", "c", "a"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    graph = {module: imports_of(module) for module in MODULES}
    cycles = import_cycles(graph)
    assert not cycles, "import cycles (A -> B: A imports B):\n" + "\n".join(
        "  " + " -> ".join(cycle) for cycle in cycles)


def test_no_module_over_the_limit():
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines:\n" + "\n".join(
        f"  {name}: {n}" for name, n in sorted(long.items()))
