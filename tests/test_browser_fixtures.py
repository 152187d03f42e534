"""The browser tests' shared setup lives once, in the root conftest.py: a Vietnamese browser
(``browser_context_args``; a module adds its viewport with the pytest-playwright marker) and the
role groups put back after a flushing module. A copy in a test module would drift from it."""

import ast
from pathlib import Path

from django.conf import settings

SHARED = {"browser_context_args", "_role_groups", "_role_groups_back", "_ensure_role_groups"}


def _test_modules():
    root = Path(settings.BASE_DIR)
    for path in root.rglob("test*.py"):
        if ".venv" not in path.parts and "node_modules" not in path.parts:
            yield root, path


def test_no_test_module_keeps_its_own_copy_of_the_browser_setup():
    copies = []
    for root, path in _test_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.FunctionDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.ImportFrom):
                names = [a.asname or a.name for a in node.names]
            copies += [f"{path.relative_to(root)}: {name}" for name in names if name in SHARED]
    assert copies == []


def test_the_root_conftest_holds_it():
    tree = ast.parse((Path(settings.BASE_DIR) / "conftest.py").read_text(encoding="utf-8"))
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert {"browser_context_args", "_role_groups_back", "_role_groups_after_flush"} <= defined
