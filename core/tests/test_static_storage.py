"""In production (collectstatic with the project's storage, served by WhiteNoise), every ES module of
the checklist is a hashed file cached for a year, the modules it imports included: the imports
between them name the hashed files, so the browser never asks for a plain name cached 60 s."""

import re
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import RequestFactory

IMPORT = re.compile(
    r"""(?:import|export)[^;]*?from\s*["']([./][^"']+)["']|import\(\s*["']([./][^"']+)["']\s*\)"""
)
YEAR = "max-age=315360000"


def module_graph(root: Path, start: str) -> set[str]:
    """The names (under STATIC_ROOT) of ``start`` and every module it imports, followed through."""
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for match in IMPORT.finditer((root / name).read_text(encoding="utf-8")):
            target = PurePosixPath(name).parent / (match.group(1) or match.group(2))
            todo.append(str(PurePosixPath(*_normalised(target.parts))))
    return seen


def _normalised(parts):
    out = []
    for part in parts:
        if part == "..":
            out.pop()
        elif part != ".":
            out.append(part)
    return out


def test_every_checklist_module_is_reached_under_a_hashed_name(collected, production):
    main = staticfiles_storage.stored_name("js/checklist/main.js")
    assert re.fullmatch(r"js/checklist/main\.[0-9a-f]{12}\.js", main)
    graph = module_graph(collected, main)
    hashed = set(staticfiles_storage.hashed_files.values())
    assert graph <= hashed, graph - hashed
    # Every module of static/js/checklist/ is in the graph (none imported by its plain name).
    sources = {p.name for p in (Path(settings.BASE_DIR) / "static/js/checklist").glob("*.js")}
    reached = {re.sub(r"\.[0-9a-f]{12}\.js$", ".js", PurePosixPath(n).name) for n in graph}
    assert sources <= reached
    assert "index.js" in reached  # idb-keyval, imported by journal.js


def test_the_modules_responses_carry_a_long_immutable_max_age(collected, production):
    request = RequestFactory()
    main = staticfiles_storage.stored_name("js/checklist/main.js")
    for name in sorted(module_graph(collected, main)):
        response = production(request.get(settings.STATIC_URL + name))
        assert response.status_code == 200, name
        assert YEAR in response["Cache-Control"] and "immutable" in response["Cache-Control"], name
    # What the browser fetched before: the plain names, cached for a minute only.
    plain = production(request.get(settings.STATIC_URL + "js/checklist/names.js"))
    assert "max-age=60" in plain["Cache-Control"]


def test_the_checklist_preloads_the_hashed_modules(production):
    from django.template import Context, Template

    from inspections.checklist.views import CHECKLIST_MODULES

    page = Template(
        "{% load static %}{% get_static_prefix as STATIC_PREFIX %}"
        + (Path(settings.BASE_DIR) / "templates/inspections/checklist_page.html")
        .read_text(encoding="utf-8")
        .split("{% block head %}")[1]
        .split("{% endblock %}")[0]
    ).render(Context({"checklist_modules": CHECKLIST_MODULES}))
    hrefs = re.findall(r'rel="modulepreload" href="([^"]+)"', page)
    assert len(hrefs) == len(CHECKLIST_MODULES)
    assert all(re.search(r"\.[0-9a-f]{12}\.js$", href) for href in hrefs), hrefs
