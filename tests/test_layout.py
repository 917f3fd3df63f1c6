"""The architecture, kept true: which package may import which, and no import cycles.

Layers, lowest first (docs/architecture.md):
- search.analysis: pure text work; imports nothing of ours, nor Django, Whoosh or haystack;
- search.engine.contract: the engine interface; imports only search.analysis;
- search.engine.<name>: one package per engine; only search.engine.whoosh imports whoosh;
- the models, search.entities (gazetteer, matcher, tagging) and search.indexing (outbox,
  documents, the one writer, the worker);
- search.service (and search.related): SearchParams → ResultPage through the contract;
- search.web: views, forms, feeds, exports, sitemaps, serializers, URLs.
The archive app may use search.analysis, search.entities, search.indexing and search.models,
never the service, the web side or an engine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("archive", "search", "arshif")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) for every import in a module.

    `from package import name` counts as importing package.name when that is a module.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append((alias.name, child.lineno, in_function))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    candidate = f"{base}.{alias.name}"
                    found.append(
                        (candidate if candidate in MODULES else base, child.lineno, in_function)
                    )
            visit(child, nested)

    visit(tree, False)
    return found


IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _violations(importer_prefix: str, allowed) -> list[str]:
    bad = []
    for name, imports in IMPORTS.items():
        if not _within(name, importer_prefix):
            continue
        for imported, line, _ in imports:
            if not allowed(imported):
                bad.append(f"{MODULES[name].relative_to(ROOT)}:{line} imports {imported}")
    return bad


def test_the_layout_is_the_documented_one():
    for package in (
        "search.analysis",
        "search.engine",
        "search.engine.contract",
        "search.engine.whoosh",
        "search.indexing",
        "search.entities",
        "search.web",
        "search.service",
    ):
        assert package in MODULES, f"{package} is missing"
    # The layout test sees every module it is meant to guard.
    assert len(MODULES) > 80


def test_only_the_whoosh_engine_imports_whoosh():
    bad = [
        f"{MODULES[name].relative_to(ROOT)}:{line}"
        for name, imports in IMPORTS.items()
        for imported, line, _ in imports
        if _within(imported, "whoosh") and not _within(name, "search.engine.whoosh")
    ]
    assert bad == []


def test_haystack_is_only_the_engine_registry_and_the_outbox_hook():
    allowed = ("search.engine", "search.indexing.outbox")
    bad = [
        f"{MODULES[name].relative_to(ROOT)}:{line}"
        for name, imports in IMPORTS.items()
        for imported, line, _ in imports
        if _within(imported, "haystack") and not any(_within(name, a) for a in allowed)
    ]
    assert bad == []


def test_analysis_imports_nothing_of_ours_and_no_framework():
    def allowed(imported: str) -> bool:
        if _within(imported, "search.analysis"):
            return True
        first = imported.split(".")[0]
        return first not in {*PACKAGES, "django", "whoosh", "haystack"}

    assert _violations("search.analysis", allowed) == []


def test_the_engine_contract_depends_on_analysis_only():
    def allowed(imported: str) -> bool:
        first = imported.split(".")[0]
        if first in PACKAGES:
            return _within(imported, "search.analysis")
        return first not in {"django", "whoosh", "haystack"}

    assert _violations("search.engine.contract", allowed) == []


def test_engines_know_the_contract_and_analysis_not_the_rest_of_the_product():
    def allowed(imported: str) -> bool:
        if imported.split(".")[0] not in PACKAGES:
            return True
        return any(_within(imported, ok) for ok in ("search.analysis", "search.engine"))

    assert _violations("search.engine", allowed) == []


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("archive", ("search.web", "search.service", "search.related", "search.engine")),
        ("search.indexing", ("search.web", "search.service", "search.entities")),
        ("search.entities.tagging", ("search.web", "search.service", "search.indexing")),
        ("search.entities.matcher", ("search.web", "search.service", "archive", "django")),
        ("search.service", ("search.web", "search.engine.whoosh")),
        ("search.related", ("search.web", "search.engine.whoosh")),
    ],
)
def test_dependencies_run_one_way(layer, forbidden):
    def allowed(imported: str) -> bool:
        return not any(_within(imported, no) for no in forbidden)

    assert _violations(layer, allowed) == []


def test_the_web_side_reaches_engines_only_through_the_service():
    def allowed(imported: str) -> bool:
        return not _within(imported, "search.engine.whoosh")

    assert _violations("search.web", allowed) == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_import_cycles_even_through_imports_inside_functions():
    graph = {
        name: {imported for imported, _, _ in imports if imported in MODULES and imported != name}
        for name, imports in IMPORTS.items()
    }
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# Imports inside a function, each for a reason other than a cycle.
DEFERRED_IMPORTS = {
    # AppConfig.ready(): registering checks and receivers once the app registry is loaded.
    "search.apps",
    "archive.apps",
    # The benchmark sets Django up from the command line before importing the project.
    "search.bench.__main__",
    # So does the load run, after pointing it at the copy of its archive.
    "search.bench.load",
    "search.bench.phases",
    # trafilatura and lxml (archive.ingest.html) take up to a second to import: only reading an
    # HTML page imports them.
    "archive.ingest.formats",
}


def test_imports_inside_functions_are_only_the_deliberate_ones():
    deferred = {
        name
        for name, imports in IMPORTS.items()
        for imported, _, in_function in imports
        if in_function and imported.split(".")[0] in PACKAGES
    }
    assert deferred <= DEFERRED_IMPORTS
