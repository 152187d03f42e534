"""`manage.py bench`: its registry, its data sets and its report (the timings are not tested)."""

import dataclasses
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

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
    # Every page was also timed alternately with the plain page, which is 1 x itself.
    paired = {row.page.name: row.plain_paired.get("small") for row in result.rows}
    assert paired["plain table, 100 rows"] == 1.0
    assert all(ratio and ratio > 0 for ratio in paired.values()), paired


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


def _two_sizes(row_times: dict[str, tuple[float, float]], *, max_growth=None, grows=None) -> Result:
    rows = [
        Row(
            Page(name=name, url="home", role=None, grows=(grows or {}).get(name, "")),
            {"small": Measurement(5, small), "large": Measurement(5, large)},
        )
        for name, (small, large) in row_times.items()
    ]
    return Result(
        floor={"small": Measurement(2, 1.0), "large": Measurement(2, 1.0)},
        rows=rows,
        repeat=1,
        machine={"date": "today"},
        max_growth=max_growth,
    )


def test_the_growth_of_each_page_is_printed_and_checked_against_the_limit():
    result = _two_sizes(
        {"flat list": (10.0, 12.0), "whole calendar": (10.0, 50.0), "plain table, 100 rows": (10.0, 10.0)},
        max_growth=1.3,
    )

    assert [row.page.name for row in result.over_growth()] == ["whole calendar"]
    text = render.render_text(result)
    assert "TIME GROWS 5.00 x" in text
    assert "1.20" in text  # the flat list's growth, printed even when within
    assert "FAILED: whole calendar (anonymous) 5.00 x" in text
    assert "**TIME GROWS 5.00 x**" in render.render_markdown(result)
    # 1.2 and 5.0 times the plain page on the large set; the first is within 1.5 x of it.
    assert "Pages over 1.5 x the plain 100-row page on the large set: whole calendar" in text


def test_a_write_is_held_to_its_own_budget_not_to_the_pages_that_are_read():
    result = _two_sizes(
        {
            "whole card saved": (20.0, 20.0),
            "whole calendar": (20.0, 20.0),
            "plain table, 100 rows": (10.0, 10.0),
        },
        max_growth=1.3,
    )
    result.rows[0].page = dataclasses.replace(result.rows[0].page, method="post")
    text = render.render_text(result)
    # Both at 2 x the plain page: only the page that is read is listed.
    assert (
        "Pages over 1.5 x the plain 100-row page on the large set: whole calendar (anonymous) 2.00 x." in text
    )


def test_growth_and_the_plain_ratio_come_from_the_alternated_measurements_when_there_are_some():
    # Two separate series: the machine was slower while the large set was measured (every page,
    # the plain one too, 1.6 x slower); timed alternately with the plain page, the list did not grow.
    result = _two_sizes(
        {"flat list": (10.0, 16.0), "whole calendar": (10.0, 50.0), "plain table, 100 rows": (10.0, 16.0)},
        max_growth=1.3,
    )
    flat, calendar, plain = result.rows
    plain.plain_paired = {"small": 1.0, "large": 1.0}  # the reference, as the runner records it
    flat.plain_paired = {"small": 1.0, "large": 1.05}
    calendar.plain_paired = {"small": 1.0, "large": 3.1}

    assert flat.raw_growth == pytest.approx(1.6)
    assert flat.growth == pytest.approx(1.05)
    assert [row.page.name for row in result.over_growth()] == ["whole calendar"]
    assert result.plain_ratio(calendar) == 3.1
    assert "1.00 / 3.10" in render.render_text(result)


def test_an_export_of_every_row_is_left_out_of_the_growth_check():
    result = _two_sizes(
        {"overdue actions as XLSX": (10.0, 90.0)},
        max_growth=1.3,
        grows={"overdue actions as XLSX": "an export holds every row"},
    )

    assert result.over_growth() == []
    assert "export: not checked" in render.render_text(result)


def test_without_a_limit_growth_is_only_printed():
    result = _two_sizes({"whole calendar": (10.0, 50.0)})

    assert result.over_growth() == []
    assert "Growth check" not in render.render_text(result)


def test_the_bench_command_fails_when_a_page_grows_beyond_the_limit(monkeypatch):
    grown = _two_sizes({"whole calendar": (10.0, 50.0)})
    monkeypatch.setattr(runner, "run", lambda *args, **kwargs: grown)
    monkeypatch.setattr("devtools.management.commands.bench.throwaway_database", _fake_database)

    with pytest.raises(CommandError, match="whole calendar"):
        call_command("bench", "--max-growth", "1.3", "--repeat", "1")
    grown.max_growth = None
    call_command("bench", "--repeat", "1")  # the same figures pass without the check


@contextmanager
def _fake_database(verbosity=0):
    yield "none"


@pytest.mark.django_db
def test_the_national_data_set_is_migrated_before_it_is_measured(monkeypatch):
    """The data set outlives the code it was made with: a column added since (the roll-ups' state
    gained one) made `make bench` print "skipped" instead of measuring. Pending migrations are
    applied first; an up-to-date database is left alone."""
    from devtools.bench import national

    calls = []
    monkeypatch.setattr(national, "call_command", lambda *args, **kwargs: calls.append((args, kwargs)))
    assert national.migrate_data_set() == 0 and calls == []
    monkeypatch.setattr(
        national.MigrationExecutor, "migration_plan", lambda self, targets: [("migration", False)]
    )
    assert national.migrate_data_set() == 1
    assert calls == [(("migrate",), {"interactive": False, "verbosity": 0})]
