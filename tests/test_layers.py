"""The layer order, read from the imports: app_pages -> components -> geo / data -> domain.

Lower layers never reach up, nothing below components imports Streamlit, and no module imports
a private name (``_x``) of another module."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# What each layer may import of the project's own packages.
ALLOWED = {
    "app_pages": {"components", "domain"},
    "components": {"components", "data", "geo", "domain"},
    "geo": {"geo", "data", "domain"},
    "data": {"data", "domain"},
    "domain": {"domain"},
}
OWN = set(ALLOWED) | {"bench", "tests"}


def _imports(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(module imported, names imported from it) of one file, at any depth (lazy imports
    inside functions count as much as those at the top)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append((node.module, tuple(a.name for a in node.names)))
    return out


def _sources():
    for layer in ALLOWED:
        for path in sorted((REPO / layer).rglob("*.py")):
            yield layer, path


def test_no_layer_imports_a_layer_above_it():
    wrong = []
    for layer, path in _sources():
        for module, _names in _imports(path):
            top = module.split(".")[0]
            if top in OWN and top not in ALLOWED[layer]:
                wrong.append(f"{path.relative_to(REPO)} imports {module}")
    assert wrong == []


def test_streamlit_only_in_pages_and_components():
    wrong = [f"{path.relative_to(REPO)}" for layer, path in _sources()
             if layer in ("geo", "data", "domain")
             for module, _n in _imports(path) if module.split(".")[0] in ("streamlit",
                                                                          "streamlit_folium")]
    assert wrong == []


def test_no_module_imports_another_modules_private_names():
    wrong = []
    for _layer, path in _sources():
        for module, names in _imports(path):
            if module.split(".")[0] in OWN:
                wrong += [f"{path.relative_to(REPO)}: {module}.{n}" for n in names
                          if n.startswith("_") and not n.startswith("__")]
    assert wrong == []


def test_no_function_in_the_app_is_longer_than_sixty_lines():
    """A function a reader takes in at once (issue 24): the app's layers hold none over 60
    lines. The command-line entry points of bench/ and deploy/ (argument tables) are not
    counted."""
    long = []
    for layer in ALLOWED:
        for path in sorted((REPO / layer).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    lines = node.end_lineno - node.lineno + 1
                    if lines > 60:
                        long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} "
                                    f"({lines} lines)")
    assert long == []
