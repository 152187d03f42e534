"""The department head's dashboard: who may open it, what it counts, for which units, in how many queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from findings.models import ActionState
from inspections.models import VisitStatus
from reports.dashboards import selectors
from units.tests.factories import UnitFactory

from . import factories

pytestmark = pytest.mark.django_db

URL = reverse("dashboards:head")


def _board(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.context["board"]


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["scheduler", "inspector", "liaison"])
def test_roles_other_than_head_and_administrator_are_refused(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403


def test_post_is_not_allowed(client, head):
    client.force_login(head)
    assert client.post(URL).status_code == 405


def test_head_sees_plan_progress_of_their_province_only(client, head, world):
    board = _board(client, head, year="")
    titles = {(row.plan_id, row.planned, row.done, row.concluded) for row in board.progress}
    assert titles == {(world.plan_2025.pk, 1, 1, 1), (world.plan_2026.pk, 2, 2, 1)}


def test_cancelled_visits_are_not_planned_and_scheduled_ones_are_not_done(
    client, head, world, commune, leader
):
    factories.visit(
        plan=world.plan_2026,
        unit=UnitFactory(parent=commune.parent),
        day=world.today,
        status=VisitStatus.SCHEDULED,
    )
    factories.visit(plan=world.plan_2025, unit=commune, day=world.today, status=VisitStatus.CANCELLED)
    board = _board(client, head, year=2026)
    (row,) = board.progress
    assert (row.planned, row.done, row.concluded) == (3, 2, 1)


def test_compliance_by_domain_adds_up_points_of_finished_visits(client, head, world):
    board = _board(client, head, year=2026)
    by_code = {row.key: (row.points, row.max_points, row.visits) for row in board.domains}
    assert by_code == {"1": (12, 20, 2), "2": (2, 4, 2)}
    assert [row.percent for row in board.domains] == [60.0, 50.0]


def test_visits_still_in_progress_do_not_count_towards_scores(client, head, world, commune):
    factories.visit(
        plan=world.plan_2026,
        unit=UnitFactory(parent=commune.parent),
        day=world.today,
        status=VisitStatus.IN_PROGRESS,
        scores={"1": (0, 10)},
    )
    board = _board(client, head, year=2026)
    assert board.domains[0].max_points == 20


def test_units_are_ranked_by_score_best_first(client, head, world, commune, other_commune):
    board = _board(client, head, year=2026)
    assert [(row.key, row.percent) for row in board.ranking.rows] == [
        (commune.pk, 83.3),
        (other_commune.pk, 33.3),
    ]


def test_remediation_counts_open_overdue_by_age_and_verified_per_unit(client, head, world, commune):
    board = _board(client, head, year="")
    (row,) = board.remediation.rows
    assert row.unit_id == commune.pk
    assert (row.open, row.overdue_30, row.overdue_90, row.overdue_more, row.verified) == (2, 1, 0, 1, 1)
    assert board.remediation.totals.overdue == 2


def test_an_action_reported_done_is_neither_open_nor_overdue(client, head, world):
    action = world.binh_tan_2026.findings.get(criterion__code="1.1").action
    action.state = ActionState.REPORTED_DONE
    action.save(update_fields=["state"])
    (row,) = _board(client, head, year="").remediation.rows
    assert (row.open, row.overdue, row.reported) == (1, 1, 1)


def test_repeat_limitations_are_the_criteria_failed_at_the_two_latest_concluded_visits(
    client, head, world, commune
):
    board = _board(client, head, year=2026)
    assert [(row.unit_id, row.criterion_code) for row in board.repeats.rows] == [(commune.pk, "1.1")]


def test_a_limitation_found_once_is_not_a_repeat(client, head, world):
    board = _board(client, head, year=2025)
    assert board.repeats.rows == []


def test_ranking_and_trend_in_one_query_agree_with_their_own_queries(province, world):
    scope = selectors.Scope(prefix=province.path, year=2026)
    ranking, trend = selectors.ranking_and_trend(scope=scope)
    assert [(r.key, r.percent) for r in ranking.rows] == [
        (r.key, r.percent) for r in selectors.unit_ranking(scope=scope).rows
    ]
    assert [(r.key, r.percent, r.visits) for r in trend] == [
        (r.key, r.percent, r.visits) for r in selectors.score_trend(scope=scope)
    ]


def test_trend_shows_every_year_whatever_the_year_filter(client, head, world):
    board = _board(client, head, year=2026)
    assert [(row.label, row.percent) for row in board.trend] == [("2025", 50.0), ("2026", 58.3)]


def test_unit_filter_narrows_every_panel_to_that_subtree(client, head, world, other_commune):
    board = _board(client, head, year=2026, unit=other_commune.pk)
    assert [row.key for row in board.ranking.rows] == [other_commune.pk]
    assert board.remediation.rows == []
    assert [(row.label, row.percent) for row in board.trend] == [("2026", 33.3)]


def test_plan_filter_narrows_to_that_plan(client, head, world):
    board = _board(client, head, year="", plan=world.plan_2025.pk)
    assert [row.plan_id for row in board.progress] == [world.plan_2025.pk]


def test_head_of_one_province_sees_nothing_of_another(client, other_head, world):
    board = _board(client, other_head, year="")
    assert [row.plan_id for row in board.progress] == [world.foreign_plan.pk]
    assert [row.key for row in board.ranking.rows] == [world.foreign_2026.unit_id]
    assert [row.unit_id for row in board.remediation.rows] == [world.foreign_2026.unit_id]
    assert board.repeats.rows == []


def test_a_unit_of_another_province_in_the_query_string_is_refused(client, other_head, world, commune):
    client.force_login(other_head)
    response = client.get(URL, {"unit": commune.pk, "year": ""})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert [row.key for row in response.context["board"].ranking.rows] == [world.foreign_2026.unit_id]


def test_a_plan_of_another_province_in_the_query_string_is_refused(client, other_head, world):
    client.force_login(other_head)
    response = client.get(URL, {"plan": world.plan_2026.pk})
    assert "plan" in response.context["form"].errors


def test_administrator_sees_every_province(client, administrator, world):
    board = _board(client, administrator, year=2026)
    assert len(board.ranking.rows) == 3


def test_without_a_year_the_latest_year_with_finished_visits_is_shown(client, head, world, time_machine):
    time_machine.move_to("2026-11-22 09:00 +07:00")
    client.force_login(head)
    response = client.get(URL)
    assert response.context["year"] == 2026
    assert 'value="2026" selected' in response.content.decode()
    assert {row.plan_id for row in response.context["board"].progress} == {world.plan_2026.pk}


def test_a_year_whose_visits_are_not_finished_yet_is_not_the_default(client, head, world, time_machine):
    time_machine.move_to("2026-11-22 09:00 +07:00")
    for visit in (world.binh_tan_2026, world.tan_my_2026):
        visit.status = VisitStatus.IN_PROGRESS
        visit.save(update_fields=["status"])
    client.force_login(head)
    response = client.get(URL)
    assert response.context["year"] == 2025
    assert [row.key for row in response.context["board"].ranking.rows] == [world.binh_tan_2025.unit_id]


def test_an_empty_year_means_every_year(client, head, world):
    client.force_login(head)
    response = client.get(URL, {"year": ""})
    assert response.context["year"] is None
    assert len(response.context["board"].progress) == 2


def test_page_shows_charts_with_their_tables_and_loads_chartjs_from_our_static_files(client, head, world):
    client.force_login(head)
    html = client.get(URL, {"year": 2026}).content.decode()
    for chart in ("chart-domains", "chart-ranking", "chart-remediation", "chart-trend"):
        assert f'data-chart="{chart}-data"' in html
        assert f'<script id="{chart}-data" type="application/json">' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "js/charts.js" in html
    assert "style=" not in html
    assert html.count("<table") >= 5


def test_query_count_stays_flat_as_units_and_visits_grow(
    client, head, world, commune, django_assert_max_num_queries
):
    client.force_login(head)
    with django_assert_max_num_queries(15):
        client.get(URL, {"unit": commune.pk})
    for n in range(6):
        unit = UnitFactory(parent=commune.parent, name=f"Xã Thử {n}")
        made = factories.visit(
            plan=world.plan_2026, unit=unit, day=world.today - timedelta(days=n), scores={"1": (n, 10)}
        )
        finding = factories.limitation(visit=made, code="1.2", creator=head)
        factories.action(finding=finding, due=world.today - timedelta(days=40 * n))
    with django_assert_max_num_queries(15):
        response = client.get(URL, {"year": 2026, "unit": commune.parent.pk})
    assert len(response.context["board"].ranking.rows) == 8


def test_selectors_run_in_one_query_each(province, world, django_assert_num_queries):
    scope = selectors.Scope(prefix=province.path, year=2026)
    # The roll-ups' state (none yet: live), the scope's units, then one query a panel (progress,
    # ranking and trend share one).
    with django_assert_num_queries(6):
        selectors.head_dashboard(scope=scope)


def test_the_filters_units_and_the_unit_asked_for_are_read_in_one_query(client, head, world, commune):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(head)
    client.get(URL, {"unit": commune.pk})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"unit": commune.pk})
    assert response.context["form"].values["unit"] == commune
    unit_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip("(").startswith('SELECT "units_unit"."id"')
    ]
    # The filter's units with the one asked for, the scope's ids (the head's own unit, the rules'
    # scope, comes with the user).
    assert len(unit_reads) == 2, unit_reads


def test_the_unit_list_offers_branches_and_the_chosen_leaf_only(client, head, world, commune, other_commune):
    client.force_login(head)
    form = client.get(URL, {"unit": commune.pk}).context["form"]
    offered = [key for key, _label in form.fields["unit"].widget.choices]
    assert commune.pk in offered and commune.parent_id in offered
    assert other_commune.pk not in offered
    assert f'<option value="{commune.pk}" selected>{commune.name}</option>' in str(form["unit"])
    assert other_commune.pk not in [
        key for key, _label in client.get(URL).context["form"].fields["unit"].widget.choices
    ]


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-3", "0"])
def test_a_unit_that_is_no_id_is_an_invalid_choice(client, head, world, value):
    client.force_login(head)
    response = client.get(URL, {"unit": value})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == [
        "Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các lựa chọn khả thi."
    ]
    assert response.context["form"].values["unit"] is None


@pytest.mark.parametrize(
    "filters",
    [
        {"year": 2026},
        {"year": 2025},
        {"year": None},
        {"latest_year": True},
        {"plan": "plan_2025"},
        {"year": 2024},
    ],
)
@pytest.mark.parametrize("where", ["province", "commune"])
def test_progress_ranking_and_trend_in_one_query_agree_with_their_own_queries(
    province, commune, world, filters, where, django_assert_num_queries
):
    def scope():
        plan = filters.get("plan")
        return selectors.Scope(
            prefix=(province if where == "province" else commune).path,
            year=filters.get("year"),
            plan_id=getattr(world, plan).pk if plan else None,
            latest_year=filters.get("latest_year", False),
        )

    # A visit planned but not finished, and a cancelled one, count in the progress only / not at all.
    # A year with no finished visit is in the progress, not in the trend; a domain with no scored
    # answer is no score.
    for status in (VisitStatus.SCHEDULED, VisitStatus.CANCELLED):
        unit = UnitFactory(parent=commune, name=f"Thôn {status}")
        factories.visit(plan=world.plan_2026, unit=unit, day=world.today, status=status)
    plan_2024 = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.plan_2026.template, year=2024, units=[commune]
    )
    factories.visit(plan=plan_2024, unit=commune, day=date(2024, 5, 6), status=VisitStatus.IN_PROGRESS)
    unscored = factories.visit(
        plan=plan_2024, unit=UnitFactory(parent=commune), day=date(2024, 5, 7), status=VisitStatus.SUBMITTED
    )
    unscored.domain_scores.create(
        domain=unscored.plan.template.domains.get(code="1"), points=0, max_points=10, answered=0
    )
    together = scope()
    together.unit_ids  # noqa: B018 (read first: the count below is the panels' query alone)
    with django_assert_num_queries(1):
        progress, ranking, trend = selectors.progress_ranking_and_trend(scope=together)
    apart = scope()
    expected_ranking, expected_trend = selectors.ranking_and_trend(scope=apart)
    assert together.year == apart.year
    assert progress == selectors.plan_progress(scope=apart)
    assert [(r.key, r.label, r.points, r.max_points, r.visits) for r in ranking.rows] == [
        (r.key, r.label, r.points, r.max_points, r.visits) for r in expected_ranking.rows
    ]
    assert [(r.key, r.points, r.max_points, r.visits) for r in trend] == [
        (r.key, r.points, r.max_points, r.visits) for r in expected_trend
    ]
    if where == "province" and filters.get("year") == 2026:
        assert progress and ranking.rows and trend


def test_a_units_dashboard_counts_the_units_it_replaced_once_each(client, head, world, commune):
    ward = UnitFactory(parent=commune.parent, name="Phường Mới")
    child = UnitFactory(parent=ward, name="Khu phố 1")
    # The ward replaced the commune; its own child is listed as replaced too (in both reads).
    ward.predecessors.add(commune, child)
    assert sorted(selectors.Scope(prefix=ward.path).unit_ids) == sorted([ward.pk, child.pk, commune.pk])
    board = _board(client, head, unit=ward.pk, year=2026)
    assert [row.key for row in board.ranking.rows] == [commune.pk]
    assert board.totals.planned == 1
