"""`manage.py bench`: its registry, its data sets and its report (the timings are not tested)."""

from pathlib import Path

import pytest

from devtools.bench import registry as bench_registry
from devtools.bench import render, runner
from devtools.bench.registry import Page
from devtools.bench.results import Measurement, Result, Row


@pytest.fixture
def registry():
    return bench_registry.discover()


def test_every_page_module_is_discovered(registry):
    names = {page.name for page in registry.pages}
    assert {"login page", "unit list", "unit tree", "unit edit form", "documents list"} <= names
    assert any(builder.__module__ == "devtools.bench.pages.units" for builder in registry.builders)


@pytest.mark.django_db
def test_every_registered_page_answers_on_the_small_data_set(registry):
    result = runner.run(registry, repeat=1, warmup=0, sizes=("small",))

    failures = {row.page.name: row.by_size["small"].error for row in result.rows if row.failed}
    assert failures == {}
    assert result.floor["small"].queries == 2  # session and user
    assert "units" in result.datasets["small"]


def test_a_page_whose_queries_grow_with_the_data_is_flagged():
    page = Page(name="n+1", url="home", role=None)
    row = Row(page, {"small": Measurement(5, 1.0), "large": Measurement(50, 9.0)})
    result = Result(
        floor={"small": Measurement(2, 1.0), "large": Measurement(2, 1.0)},
        rows=[row],
        repeat=1,
        machine={"date": "today"},
    )

    assert row.grows
    assert "GROWS" in render.render_text(result)
    assert "**GROWS**" in render.render_markdown(result)


def test_a_page_entry_with_an_unknown_key_is_refused():
    with pytest.raises(TypeError):
        Page(name="x", url="home", role=None, roles=["x"])


def test_regenerating_the_document_keeps_the_hand_written_header(tmp_path: Path):
    result = Result(floor={"small": Measurement(2, 1.0)}, rows=[], repeat=1, machine={"date": "d"})
    output = tmp_path / "PERFORMANCE.md"
    output.write_text("# My header\n\nKept.\n\n" + render.MARKER + "\nold table\n", encoding="utf-8")

    render.write_document(result, output)

    text = output.read_text(encoding="utf-8")
    assert text.startswith("# My header\n\nKept.\n")
    assert "old table" not in text
    assert text.count(render.MARKER) == 1
