"""`manage.py bench`: its registry, its data sets and its report (the timings are not tested)."""

from pathlib import Path

import pytest

from reports import bench


@pytest.fixture
def registry():
    return bench.discover()


def test_every_app_bench_module_is_discovered(registry):
    names = {page.name for page in registry.pages}
    assert {"login page", "unit list", "unit tree", "unit edit form", "documents list"} <= names
    assert any(builder.__module__ == "units.bench" for builder in registry.builders)


@pytest.mark.django_db
def test_every_registered_page_answers_on_the_small_data_set(registry):
    result = bench.run(registry, repeat=1, warmup=0, sizes=("small",))

    failures = {row.page.name: row.by_size["small"].error for row in result.rows if row.failed}
    assert failures == {}
    assert result.floor["small"].queries == 2  # session and user
    assert "units" in result.datasets["small"]


def test_a_page_whose_queries_grow_with_the_data_is_flagged():
    page = bench.Page(name="n+1", url="home", role=None)
    row = bench.Row(page, {"small": bench.Measurement(5, 1.0), "large": bench.Measurement(50, 9.0)})
    result = bench.Result(
        floor={"small": bench.Measurement(2, 1.0), "large": bench.Measurement(2, 1.0)},
        rows=[row],
        repeat=1,
        machine={"date": "today"},
    )

    assert row.grows
    assert "GROWS" in bench.render_text(result)
    assert "**GROWS**" in bench.render_markdown(result)


def test_a_page_entry_with_an_unknown_key_is_refused():
    with pytest.raises(TypeError):
        bench.Page(name="x", url="home", role=None, roles=["x"])


def test_regenerating_the_document_keeps_the_hand_written_header(tmp_path: Path):
    result = bench.Result(
        floor={"small": bench.Measurement(2, 1.0)}, rows=[], repeat=1, machine={"date": "d"}
    )
    output = tmp_path / "PERFORMANCE.md"
    output.write_text("# My header\n\nKept.\n\n" + bench.MARKER + "\nold table\n", encoding="utf-8")

    bench.write_document(result, output)

    text = output.read_text(encoding="utf-8")
    assert text.startswith("# My header\n\nKept.\n")
    assert "old table" not in text
    assert text.count(bench.MARKER) == 1
