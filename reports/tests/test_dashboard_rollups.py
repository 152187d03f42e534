"""The dashboards' roll-ups (reports.dashboards.rollups): made by the worker, they give the figures a
recount from the visits gives, after operations through every path; the country's and a
province's dashboard read them and say when they were made; a narrower scope is counted live."""

from dataclasses import astuple
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from findings.models import ActionState, RemediationAction
from findings.services.remediation import action_report_done, action_verify
from inspections.models import VisitDomainScore, VisitStatus
from inspections.services.visits import visit_cancel
from reports import tasks
from reports.dashboards import selectors
from reports.dashboards.rollups import dashboards_refresh
from reports.models import DashboardRollupState, UnitPlanRollup, UnitYearRollup
from units.models import Unit
from units.tests.factories import UnitFactory

from . import factories

pytestmark = pytest.mark.django_db

URL = reverse("dashboards:head")


def _summary(board) -> dict:
    """What the page shows of a board, as plain values."""
    ranking = board.ranking
    return {
        "progress": [astuple(row) for row in board.progress],
        "domains": [
            (r.key, r.label, Decimal(r.points), Decimal(r.max_points), r.visits) for r in board.domains
        ],
        "ranking": (
            ranking.count,
            [
                (rank, r.key, r.label, Decimal(r.points), Decimal(r.max_points), r.visits)
                for rank, r in ranking.top_ranked
            ],
            [(rank, r.key, r.label, r.visits) for rank, r in ranking.bottom_ranked],
        ),
        "remediation": (
            board.remediation.unit_count,
            [astuple(row) for row in board.remediation.shown],
            astuple(board.remediation.totals),
        ),
        "repeats": (board.repeats.count, [astuple(row) for row in board.repeats.shown]),
        "trend": [(r.key, Decimal(r.points), Decimal(r.max_points), r.visits) for r in board.trend],
    }


def _live(**scope) -> dict:
    """The recount: every panel through the live queries, whatever the roll-ups hold."""
    scope = selectors.Scope(**scope)
    ranking, trend = selectors.ranking_and_trend(scope=scope)
    return _summary(
        selectors.HeadDashboard(
            progress=selectors.plan_progress(scope=scope),
            domains=selectors.compliance_by_domain(scope=scope),
            ranking=ranking,
            remediation=selectors.remediation_by_unit(scope=scope),
            repeats=selectors.repeat_limitations(scope=scope),
            trend=trend,
        )
    )


def _rolled(**scope) -> dict:
    board = selectors.head_dashboard(scope=selectors.Scope(**scope))
    assert board.as_of is not None, "read from the roll-ups"
    return _summary(board)


def _scopes(world, province, other_province) -> list[dict]:
    scopes = []
    for prefix in ("", province.path, other_province.path):
        scopes += [
            {"prefix": prefix},
            {"prefix": prefix, "latest_year": True},
            {"prefix": prefix, "year": 2025},
            {"prefix": prefix, "year": 2026},
            {"prefix": prefix, "plan_id": world.plan_2026.pk},
            {"prefix": prefix, "year": 2026, "plan_id": world.foreign_plan.pk},
        ]
    return scopes


def _assert_rollups_equal_recount(world, province, other_province):
    for scope in _scopes(world, province, other_province):
        assert _rolled(**scope) == _live(**scope), scope


def test_rollups_give_the_recount_of_every_panel_for_the_country_and_each_province(
    world, province, other_province
):
    dashboards_refresh()
    _assert_rollups_equal_recount(world, province, other_province)


def test_many_units_rank_by_both_ends_with_the_count_as_the_recount_does(
    world, province, other_province, commune, leader
):
    for n in range(25):
        unit = UnitFactory(parent=commune.parent, name=f"Xã Thử {n:02d}")
        made = factories.visit(
            plan=world.plan_2026, unit=unit, day=world.today - timedelta(days=n), scores={"1": (n % 7, 10)}
        )
        finding = factories.limitation(visit=made, code="1.2", creator=leader)
        factories.action(finding=finding, due=world.today - timedelta(days=7 * n))
    dashboards_refresh()
    board = selectors.head_dashboard(scope=selectors.Scope(prefix=province.path, year=2026))
    assert board.ranking.count == 27 and len(board.ranking.rows) == 20
    assert [rank for rank, _row in board.ranking.bottom_ranked] == list(range(18, 28))
    _assert_rollups_equal_recount(world, province, other_province)


def test_rollups_follow_operations_through_every_path_at_the_next_refresh(
    world, province, other_province, commune, head, liaison, leader, scheduler
):
    first = dashboards_refresh(now=timezone.now() - timedelta(minutes=5))
    before = _rolled(prefix=province.path, year=2026)

    # A service: the unit reports an action done, the team verifies another.
    open_action = RemediationAction.objects.filter(
        finding__visit=world.binh_tan_2026, state=ActionState.OPEN
    ).get()
    action_report_done(action=open_action, actor=liaison, text="Đã ban hành kế hoạch.", notify=False)
    in_progress = RemediationAction.objects.get(
        finding__visit=world.binh_tan_2026, state=ActionState.IN_PROGRESS
    )
    in_progress.state = ActionState.REPORTED_DONE
    in_progress.save()
    action_verify(action=in_progress, actor=leader, notify=False)
    # A service: a visit planned, then cancelled.
    planned = factories.visit(
        plan=world.plan_2026,
        unit=UnitFactory(parent=commune.parent),
        day=world.today,
        status=VisitStatus.SCHEDULED,
    )
    visit_cancel(visit=planned, version=planned.version, actor=scheduler, reason="Trùng lịch.", notify=False)
    factories.visit(
        plan=world.plan_2026,
        unit=UnitFactory(parent=commune.parent, name="Phường Mới"),
        day=world.today,
        status=VisitStatus.SUBMITTED,
        scores={"1": (9, 10), "2": (2, 2)},
    )
    # The checklist's autosave moves a domain total; a unit is renamed outside any service (the
    # admin, an import, a fix in the database).
    VisitDomainScore.objects.filter(visit=world.tan_my_2026, domain__code="1").update(points=Decimal(7))
    Unit.objects.filter(pk=commune.pk).update(name="Xã Bình Tấn (mới)")

    # Until the next refresh the dashboard shows the figures as of the last one, and says so.
    stale = selectors.head_dashboard(scope=selectors.Scope(prefix=province.path, year=2026))
    assert stale.as_of == first.computed_at
    assert _summary(stale) == before
    assert before != _live(prefix=province.path, year=2026)

    second = dashboards_refresh()
    assert second.computed_at > first.computed_at
    _assert_rollups_equal_recount(world, province, other_province)
    ranking = selectors.head_dashboard(scope=selectors.Scope(prefix=province.path, year=2026)).ranking
    assert "Xã Bình Tấn (mới)" in [row.label for row in ranking.rows]


def test_refresh_twice_makes_the_same_rows_once(world):
    dashboards_refresh()
    counts = (UnitPlanRollup.objects.count(), UnitYearRollup.objects.count())
    dashboards_refresh()
    assert (UnitPlanRollup.objects.count(), UnitYearRollup.objects.count()) == counts
    assert DashboardRollupState.objects.count() == 1


def test_the_worker_refreshes_them_every_five_minutes(world):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-refresh-dashboards"]
    assert entry == {"task": "reports.tasks.refresh_dashboards", "schedule": 300.0}
    tasks.refresh_dashboards.delay()
    assert DashboardRollupState.objects.get().computed_at is not None
    assert UnitPlanRollup.objects.exists()


def test_page_says_when_the_figures_were_made_in_vietnamese(client, head, world):
    client.force_login(head)
    assert "Số liệu tính đến" not in client.get(URL, {"year": 2026}).content.decode()  # live: no time
    made = timezone.make_aware(timezone.datetime(2026, 12, 6, 9, 5), timezone.get_fixed_timezone(420))
    dashboards_refresh(now=made)
    html = client.get(URL, {"year": 2026}).content.decode()
    assert "Số liệu tính đến 09:05 06/12/2026 (cập nhật 5 phút một lần)." in html


def test_administrator_reads_the_country_and_a_head_only_their_province_from_the_rollups(
    client, administrator, head, other_head, world
):
    dashboards_refresh()
    client.force_login(administrator)
    board = client.get(URL, {"year": 2026}).context["board"]
    assert board.as_of is not None
    assert {row.key for row in board.ranking.rows} == {
        world.binh_tan_2026.unit_id,
        world.tan_my_2026.unit_id,
        world.foreign_2026.unit_id,
    }
    client.force_login(other_head)
    board = client.get(URL, {"year": 2026}).context["board"]
    assert board.as_of is not None
    assert [row.key for row in board.ranking.rows] == [world.foreign_2026.unit_id]
    assert [row.unit_id for row in board.remediation.rows] == [world.foreign_2026.unit_id]
    assert board.repeats.rows == []
    assert [row.plan_id for row in board.progress] == [world.foreign_plan.pk]


def test_a_commune_filter_is_counted_live_up_to_the_minute(client, head, world, commune):
    dashboards_refresh()
    RemediationAction.objects.filter(finding__visit__unit=commune).update(state=ActionState.VERIFIED)
    client.force_login(head)
    board = client.get(URL, {"year": "", "unit": commune.pk}).context["board"]
    assert board.as_of is None
    assert board.remediation.totals.open == 0


def test_a_visit_with_figures_but_no_score_is_not_ranked_at_zero_live_or_rolled_up(
    world, province, other_province, commune
):
    """Sa Đéc's 2022 ward visit carries the seed's figures and no score: its domain rows have
    nothing answered, and the dashboards leave it out rather than rank it at 0 %."""
    ward = UnitFactory(parent=commune.parent, name="Phường Chỉ Có Số Liệu")
    made = factories.visit(plan=world.plan_2026, unit=ward, day=world.today, scores={"1": (0, 10)})
    VisitDomainScore.objects.filter(visit=made).update(answered=0)
    live = _live(prefix=province.path, year=2026)
    assert "Phường Chỉ Có Số Liệu" not in [row[2] for row in live["ranking"][1]]
    assert "Phường Chỉ Có Số Liệu" not in [row[2] for row in live["ranking"][2]]
    dashboards_refresh()
    _assert_rollups_equal_recount(world, province, other_province)


def _ranking_rows(scope: dict, *, rolled: bool) -> tuple:
    scope = selectors.Scope(**scope)
    if rolled:
        rows, as_of = selectors.ranked_units(scope=scope)
        assert as_of is not None, "read from the roll-ups"
    else:
        if scope.latest_year:
            scope.year = selectors.latest_scored_year(scope=scope)
        rows = selectors.unit_scores(scope=scope)
    return scope.year, [
        (
            r["visit__unit_id"],
            r["visit__unit__name"],
            r["total"],
            r["maximum"],
            r["visits"],
            round(r["percent"], 6),
        )
        for r in rows
    ]


def test_the_full_ranking_reads_the_rollups_and_lists_what_the_recount_lists(
    world, province, other_province, commune, leader
):
    for n in range(12):
        unit = UnitFactory(parent=commune.parent, name=f"Xã Thử {n:02d}")
        factories.visit(
            plan=world.plan_2026, unit=unit, day=world.today - timedelta(days=n), scores={"1": (n % 5, 10)}
        )
    dashboards_refresh()
    for prefix in ("", province.path, other_province.path):
        for scope in (
            {"prefix": prefix},
            {"prefix": prefix, "latest_year": True},
            {"prefix": prefix, "year": 2025},
        ):
            assert _ranking_rows(scope, rolled=True) == _ranking_rows(scope, rolled=False), scope


def test_the_full_ranking_page_says_when_the_figures_were_made(client, head, world):
    ranking = reverse("dashboards:ranking")
    client.force_login(head)
    response = client.get(ranking)
    assert "Số liệu tính đến" not in response.content.decode()  # no roll-ups yet: counted live
    live = [row["visit__unit_id"] for row in response.context["page"]]
    dashboards_refresh()
    response = client.get(ranking)
    assert "Số liệu tính đến" in response.content.decode()
    assert [row["visit__unit_id"] for row in response.context["page"]] == live
    assert response.context["form"]["year"].value() == "2026"
    # A plan filter is counted live (the plan's units only).
    response = client.get(ranking, {"plan": world.plan_2026.pk})
    assert "Số liệu tính đến" not in response.content.decode()


def test_a_board_drawn_from_the_rollups_is_kept_until_the_next_refresh(
    world, province, commune, django_assert_num_queries
):
    dashboards_refresh()
    scope = {"prefix": province.path, "latest_year": True}
    with django_assert_num_queries(7):  # the state, then the six reads of the roll-ups
        first = selectors.head_dashboard(scope=selectors.Scope(**scope))
    again = selectors.Scope(**scope)
    with django_assert_num_queries(1):  # the state only: the board comes from the cache
        cached = selectors.head_dashboard(scope=again)
    assert _summary(cached) == _summary(first) and cached.as_of == first.as_of
    assert again.year == 2026 and not again.latest_year  # settled as the board's own read does
    # Other filters are other boards.
    assert _summary(
        selectors.head_dashboard(scope=selectors.Scope(prefix=province.path, year=2025))
    ) == _live(prefix=province.path, year=2025)
    # The next refresh draws the board again from its rows.
    Unit.objects.filter(pk=commune.pk).update(name="Xã Bình Tấn (mới)")
    dashboards_refresh()
    with django_assert_num_queries(7):
        board = selectors.head_dashboard(scope=selectors.Scope(**scope))
    assert "Xã Bình Tấn (mới)" in [row.label for row in board.ranking.rows]


def test_a_board_is_cached_under_the_rows_it_was_drawn_from_not_a_refresh_not_committed(
    world, province, commune, django_assert_num_queries
):
    """The generation commits with the rows: a refresh rolled back (or not yet committed, which
    is the same to every other request) leaves the boards of the rows still seen in use, and a
    board is never cached under a generation whose rows it was not drawn from."""
    from django.db import transaction

    dashboards_refresh()
    scope = {"prefix": province.path, "latest_year": True}
    first = selectors.head_dashboard(scope=selectors.Scope(**scope))
    Unit.objects.filter(pk=commune.pk).update(name="Xã Bình Tấn (mới)")

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        dashboards_refresh()
        # Inside the refresh's transaction the new rows and their generation are seen together.
        inside = selectors.head_dashboard(scope=selectors.Scope(**scope))
        assert "Xã Bình Tấn (mới)" in [row.label for row in inside.ranking.rows]
        raise RolledBack
    with django_assert_num_queries(1):  # the state, then the board of the rows still there
        after = selectors.head_dashboard(scope=selectors.Scope(**scope))
    assert _summary(after) == _summary(first)
    assert "Xã Bình Tấn (mới)" not in [row.label for row in after.ranking.rows]
    # Committed, the next request draws the board from the new rows.
    dashboards_refresh()
    with django_assert_num_queries(7):
        board = selectors.head_dashboard(scope=selectors.Scope(**scope))
    assert "Xã Bình Tấn (mới)" in [row.label for row in board.ranking.rows]


def test_without_the_cache_the_board_is_read_from_the_rollups(world, province, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    dashboards_refresh()
    board = selectors.head_dashboard(scope=selectors.Scope(prefix=province.path, year=2026))
    assert board.as_of is not None
    assert _summary(board) == _live(prefix=province.path, year=2026)
