"""Runtime and development dependencies apart: a server install carries no test runner, browser
driver or linter, and nothing the server runs imports them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV_ONLY = {"pytest": "pytest", "playwright": "playwright", "ruff": "ruff",
            "aiosmtpd": "aiosmtpd"}
RUNTIME_CODE = ["app.py", "serve.py", "app_pages", "components", "data", "geo", "domain",
                "deploy"]


def _names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[\[<>=!~; ]", line, maxsplit=1)[0].lower())
    return names


def test_the_server_requirements_hold_no_development_tool():
    runtime, dev = _names(REPO / "requirements.txt"), _names(REPO / "requirements-dev.txt")
    assert not runtime & set(DEV_ONLY)
    assert set(DEV_ONLY) <= dev
    assert "-r requirements.txt" in (REPO / "requirements-dev.txt").read_text(encoding="utf-8")
    assert {"streamlit", "duckdb", "psycopg"} <= runtime


def test_nothing_the_server_runs_imports_a_development_package():
    wrong = []
    for entry in RUNTIME_CODE:
        root = REPO / entry
        for path in [root] if root.is_file() else sorted(root.rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                mods = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                        [node.module] if isinstance(node, ast.ImportFrom) and node.module
                        else [])
                wrong += [f"{path.relative_to(REPO)}: {m}" for m in mods
                          if m.split(".")[0] in DEV_ONLY.values()]
    assert wrong == []


def test_make_installs_both_and_reinstalls_when_either_changes():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    stamp = re.search(r"^\$\(STAMP\):(.*)$", makefile, re.M)
    assert stamp and {"requirements.txt", "requirements-dev.txt"} <= set(stamp.group(1).split())
    assert "-r requirements.txt -r requirements-dev.txt" in makefile
