"""The checklist's pages and budgets in `manage.py bench` (the timings themselves are not tested)."""

from devtools.bench import render
from devtools.bench.registry import Budget, Page, discover
from devtools.bench.results import Measurement, Result, Row


def test_the_checklist_pages_and_their_budgets_are_registered():
    registry = discover()

    names = {page.name for page in registry.pages}
    assert {"checklist, 120 criteria", "plain table, 100 rows", "autosave one answer (POST)"} <= names
    assert {(b.page, b.baseline, b.max_ratio) for b in registry.budgets} >= {
        ("checklist, 120 criteria", "plain table, 100 rows", 1.5),
        ("autosave one answer (POST)", "floor", 3.0),
    }


def test_a_budget_is_reported_over_when_a_data_set_exceeds_it():
    page = Page(name="page", url="home", role=None)
    base = Page(name="base", url="home", role=None)
    budget = Budget(page="page", baseline="base", max_ratio=1.5)
    result = Result(
        floor={},
        rows=[
            Row(page, {"small": Measurement(5, 12.0), "large": Measurement(5, 20.0)}),
            Row(base, {"small": Measurement(2, 10.0), "large": Measurement(2, 10.0)}),
        ],
        repeat=1,
        machine={"date": "today"},
        budgets=[budget],
        paired={("page", "base", "small"): 1.1},
    )

    assert result.ratios(budget) == {"small": 1.1, "large": 2.0}
    assert result.over_budget() == [budget]
    assert "OVER BUDGET" in render.render_text(result)
    assert "OVER BUDGET" in render.render_markdown(result)
