"""The shape of the house: the domain imports no surface, no surface imports another,
and the domain's modules import each other without a cycle (a cycle means two modules
that should be one, or a rule in the wrong one)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SURFACES = ("facilitator", "players", "realtime")


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, wherever the import sits (a function-level import
    hides a cycle from Python, not from this test)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("package", ["exercise", *SURFACES])
def test_no_package_reaches_into_a_surface_that_is_not_its_own(package):
    others = [s for s in SURFACES if s != package]
    for path in sources(package):
        wrong = sorted(m for m in imports_of(path) if m.split(".")[0] in others)
        assert wrong == [], f"{path.relative_to(ROOT)} imports {wrong}"


def test_the_domain_has_no_import_cycle():
    modules = {module_name(p): p for p in sources("exercise")}
    graph = {
        name: {m for m in imports_of(path) if m in modules and m != name and not name.startswith(f"{m}.")}
        for name, path in modules.items()
    }
    # A package's __init__ re-exporting its own modules is not a cycle through them.
    graph = {name: {m for m in deps if not m.startswith(f"{name}.")} for name, deps in graph.items()}
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for dep in sorted(graph[name]):
            if state.get(dep) == "open":
                cycle = [*path[path.index(dep) :], dep]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep, [*path, dep])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
