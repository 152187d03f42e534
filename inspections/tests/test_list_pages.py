"""Every list by pages (issue 17): the shared pagination keeps the filters, a page past the end
shows the last one and a page that is not a number the first (never a 500); the totals come
from aggregates; the calendar shows a few visits a day and links the others; my visits shows each
section's first rows and lists one in full by pages."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.pagination import paginate
from inspections.models import VisitStatus
from inspections.selectors import CALENDAR_PER_DAY
from units.tests.factories import UnitFactory

from .factories import VisitFactory, at


def _visits(plan, department, count, *, per_day=1, **kwargs):
    """``count`` visits in ``plan`` of fresh units, ``per_day`` a day from 04/01/2027."""
    made = plan.visits.count()
    while made < count:
        day = date(2027, 1, 4) + timedelta(days=(made // per_day) % 28)
        VisitFactory(
            plan=plan,
            unit=UnitFactory(parent=department),
            starts_at=at(day, 7 + made % per_day),
            ends_at=at(day, 8 + made % per_day),
            **kwargs,
        )
        made += 1


def test_the_pagination_helper_keeps_the_query_string_and_forgives_bad_numbers(rf):
    rows = list(range(60))

    page = paginate(rf.get("/visits/", {"q": "binh tan", "status": "scheduled", "page": "2"}), rows, 25)
    assert list(page) == rows[25:50]
    assert page.previous_url == "?q=binh+tan&status=scheduled"  # page 1 has no number
    assert page.next_url == "?q=binh+tan&status=scheduled&page=3"

    assert paginate(rf.get("/", {"page": "abc"}), rows, 25).number == 1
    assert paginate(rf.get("/", {"page": "999"}), rows, 25).number == 3  # the last page
    assert paginate(rf.get("/", {"page": "-4"}), rows, 25).number == 3
    assert paginate(rf.get("/", {"units_page": "2"}), rows, 25, param="units_page").number == 2
    assert paginate(rf.get("/"), rows, 25, count=500).paginator.count == 500


def test_visit_list_pages_keep_the_filters(client, scheduler, approved_plan, department, leader):
    _visits(approved_plan, department, 55, leader=leader, status=VisitStatus.SCHEDULED)
    client.force_login(scheduler)

    response = client.get(reverse("inspections:visit_list"), {"status": "scheduled", "page": "2"})

    page = response.context["page"]
    assert page.number == 2 and page.paginator.count == 55
    assert len(page.object_list) == 5
    body = response.content.decode()
    # "Trang 2/2" and a previous link that keeps the status filter.
    assert "Trang 2/2" in body
    assert 'href="?status=scheduled"' in body
    assert all(v.status == VisitStatus.SCHEDULED for v in page.object_list)


@pytest.mark.parametrize("number", ["abc", "99", "0", "1e9", "99999999999999999999999"])
def test_a_page_past_the_end_or_not_a_number_is_never_an_error(
    client, scheduler, approved_plan, department, leader, number
):
    _visits(approved_plan, department, 3, leader=leader)
    client.force_login(scheduler)

    for url in (
        reverse("inspections:visit_list"),
        reverse("inspections:plan_detail", args=[approved_plan.pk]),
        reverse("inspections:plan_list"),
        reverse("inspections:template_list"),
        reverse("findings:action_list"),
    ):
        response = client.get(url, {"page": number, "units_page": number})
        assert response.status_code == 200, url


def test_plan_page_lists_its_visits_by_pages_with_totals_from_aggregates(
    client, scheduler, plan, department, leader, django_assert_max_num_queries
):
    _visits(plan, department, 30, leader=leader)
    client.force_login(scheduler)
    url = reverse("inspections:plan_detail", args=[plan.pk])

    first = client.get(url)
    second = client.get(url, {"page": "2"})

    assert len(first.context["visits"]) == 25 and len(second.context["visits"]) == 5
    assert first.context["progress"].visit_count == 30
    # The plan's own two communes have no visit; the 30 visited units count as the plan's too.
    assert first.context["progress"].unit_count == 32
    assert first.context["unscheduled_units"].paginator.count == 2
    assert "Trang 1/2" in first.content.decode()


@time_machine.travel(date(2027, 1, 2))
def test_calendar_shows_a_few_visits_a_day_and_links_the_others(
    client, scheduler, approved_plan, department, leader
):
    _visits(approved_plan, department, CALENDAR_PER_DAY + 4, per_day=CALENDAR_PER_DAY + 4, leader=leader)
    client.force_login(scheduler)

    response = client.get(
        reverse("inspections:visit_calendar"), {"year": 2027, "month": 1, "plan": approved_plan.pk}
    )

    day = next(d for week in response.context["weeks"] for d in week if d.day == date(2027, 1, 4))
    assert len(day.visits) == CALENDAR_PER_DAY
    assert day.more == 4
    assert response.context["visit_count"] == CALENDAR_PER_DAY + 4
    body = response.content.decode()
    assert "+4 cuộc kiểm tra khác" in body
    assert f"date_from=04/01/2027&amp;date_to=04/01/2027&amp;plan={approved_plan.pk}" in body


@time_machine.travel(date(2027, 1, 2))
def test_my_visits_shows_the_first_of_each_section_and_lists_one_in_full(
    client, leader, approved_plan, department
):
    _visits(approved_plan, department, 30, leader=leader, status=VisitStatus.SCHEDULED)
    client.force_login(leader)

    mine = client.get(reverse("inspections:my_visits")).context["mine"]
    assert len(mine.upcoming) == 25 and mine.totals["upcoming"] == 30

    response = client.get(reverse("inspections:my_visits"), {"section": "upcoming", "page": "2"})
    assert response.context["page"].paginator.count == 30
    assert len(response.context["page"].object_list) == 5
    assert "?section=upcoming" in response.content.decode()

    # An unknown section is the page of every section.
    assert (
        client.get(reverse("inspections:my_visits"), {"section": "x"}).context["mine"].totals["upcoming"]
        == 30
    )


def test_review_queue_and_the_liaisons_page_are_by_pages(client, head, liaison, db):
    client.force_login(head)
    response = client.get(reverse("findings:review_queue"), {"page": "abc"})
    assert response.status_code == 200 and response.context["visits"].number == 1

    client.force_login(liaison)
    response = client.get(reverse("findings:my_unit"), {"page": "42"})
    assert response.status_code == 200 and response.context["mine"].visits.number == 1


@pytest.mark.parametrize(
    ("number", "shown"), [(None, 1), ("2", 2), ("abc", 1), ("0", 2), ("-3", 2), ("99", 2)]
)
def test_the_visit_list_reads_its_page_and_count_together_and_lands_where_paginator_did(
    client, scheduler, approved_plan, department, leader, number, shown
):
    # core.pagination.paginate_ids: the page's ids carry the total; a word gives the first page,
    # a number past the end or below 1 the last (Paginator.get_page's answers).
    _visits(approved_plan, department, 55, leader=leader)
    client.force_login(scheduler)
    response = client.get(reverse("inspections:visit_list"), {} if number is None else {"page": number})
    page = response.context["page"]
    assert page.number == shown and page.paginator.count == 55 and page.paginator.num_pages == 2
    assert len(page.object_list) == (50 if shown == 1 else 5)
    assert f"Trang {shown}/2" in response.content.decode()


def test_the_visit_list_reads_its_rows_and_total_in_one_query_in_the_lists_order(
    client, scheduler, approved_plan, department, leader, django_assert_num_queries
):
    # inspections.visit_reads.visit_page_rows: the page's ids, total and shown columns in one
    # query, read as columns (dates converted as the ORM would, on SQLite too), in start order.
    closed = UnitFactory(parent=department, name="Xã Đã Sáp Nhập", valid_to=date(2025, 6, 30))
    late = VisitFactory(plan=approved_plan, unit=UnitFactory(parent=department, name="Xã Sau"), leader=leader)
    late.starts_at, late.ends_at = at(date(2027, 1, 5), 13, 30), at(date(2027, 1, 6), 9)
    late.save()
    VisitFactory(
        plan=approved_plan,
        unit=closed,
        starts_at=at(date(2027, 1, 4), 7),
        ends_at=at(date(2027, 1, 4), 11, 15),
        status=VisitStatus.CANCELLED,
    )
    client.force_login(scheduler)
    client.get(reverse("inspections:visit_list"))  # the session's first touches

    # The plans and people lists load after the page (filters.lists_response): none read here.
    with django_assert_num_queries(4):  # session, user with their unit, roles; the page
        response = client.get(reverse("inspections:visit_list"))

    page = response.context["page"]
    assert page.paginator.count == 2 and [row.pk for row in page] == [page[0].pk, late.pk]
    assert page[1] == late and page[1].leader_name == str(leader) and page[0].leader_name is None
    body = response.content.decode()
    first, second = body.index("Xã Đã Sáp Nhập"), body.index("Xã Sau")
    assert first < second
    assert "04/01/2027" in body and "07:00–11:15" in body and "13:30 05/01–09:00 06/01" in body
    assert "trước sắp xếp" in body[first : body.index("</tr>", first)]  # closed in the merger
    assert f"{approved_plan.title} ({approved_plan.year})" in body


@pytest.mark.parametrize(("number", "shown"), [(None, 1), ("2", 2), ("99", 2)])
def test_an_unfiltered_list_counts_its_table_beside_the_page_and_a_filtered_one_its_rows(
    client, administrator, scheduler, approved_plan, department, leader, number, shown
):
    # core.pagination._total: every visit (an administrator, no filter) is counted by a scalar
    # COUNT(*) of the table, the page read along the order's index; a filter counts by the window.
    _visits(approved_plan, department, 55, leader=leader)
    client.force_login(administrator)
    params = {} if number is None else {"page": number}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("inspections:visit_list"), params)
    page = response.context["page"]
    assert page.number == shown and page.paginator.count == 55
    assert [row.pk for row in page] == list(
        approved_plan.visits.order_by("starts_at", "id").values_list("pk", flat=True)[
            (shown - 1) * 50 : shown * 50
        ]
    )
    paged = [q["sql"] for q in queries.captured_queries if "_page_total" in q["sql"]]
    assert paged and all("OVER ()" not in sql and "SELECT COUNT(*) FROM" in sql for sql in paged)

    response = client.get(reverse("inspections:visit_list"), {**params, "plan": approved_plan.pk})
    assert response.context["page"].paginator.count == 55
    client.force_login(scheduler)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("inspections:visit_list"), params)
    assert response.context["page"].paginator.count == 55
    assert any("OVER ()" in q["sql"] for q in queries.captured_queries if "_page_total" in q["sql"])


def test_plan_page_takes_both_lists_totals_from_its_progress_counts(
    client, scheduler, plan, department, leader, django_assert_num_queries
):
    # selectors.plan_progress counts the plan's visits by status (the cancelled apart: the list
    # shows them, the progress does not) and, in one query, its units and those without an
    # active visit: no COUNT of either list.
    _visits(plan, department, 27, leader=leader)
    cancelled = plan.visits.order_by("id").first()
    cancelled.status = VisitStatus.CANCELLED
    cancelled.save()
    plan.visits.filter(pk__in=plan.visits.order_by("-id").values("pk")[:4]).update(
        status=VisitStatus.CONCLUDED
    )
    client.force_login(scheduler)
    url = reverse("inspections:plan_detail", args=[plan.pk])
    client.get(url)

    # session, user with their unit, plan, roles; statuses with the units' counts (and whether the plan has
    # amendments or history: this one has neither, so neither is read); the visits' page and the
    # page of units without a visit.
    with django_assert_num_queries(7):
        response = client.get(url, {"page": "2"})

    progress = response.context["progress"]
    assert progress.visit_count == 26 and progress.listed_visits == 27
    assert progress.by_status == {VisitStatus.CONCLUDED: 4, VisitStatus.DRAFT: 22}
    assert progress.concluded == 4 and progress.percent_done == 15
    assert response.context["visits"].paginator.count == 27 and len(response.context["visits"]) == 2
    # The plan's two communes and the unit of the cancelled visit have no active visit.
    assert progress.units_without_visit == 3 == response.context["unscheduled_units"].paginator.count
    assert progress.unit_count == 29
    assert len(response.context["unscheduled_units"].object_list) == 3


def test_plan_page_of_a_plan_without_visits_counts_its_units(client, scheduler, plan):
    # plan_progress's second query, for a plan whose visits' rows cannot carry the units' counts.
    client.force_login(scheduler)
    response = client.get(reverse("inspections:plan_detail", args=[plan.pk]))
    progress = response.context["progress"]
    assert progress.visit_count == 0 == progress.listed_visits
    assert progress.unit_count == plan.units.count() == progress.units_without_visit > 0
    assert response.context["unscheduled_units"].paginator.count == progress.units_without_visit


def test_the_visit_lists_unit_filter_walks_every_merger_back_in_the_lists_own_query(
    client, scheduler, approved_plan, department, django_assert_num_queries
):
    # selectors._replaced_by: a commune of 2025 replaced two of 2020, one of which replaced one
    # of 2008; the filter by the new name finds all four units' visits, no one else's, and the
    # walk is part of the page's query (no query per generation).
    oldest = UnitFactory(parent=department, name="Xã Cổ Lũy", valid_to=date(2019, 12, 31))
    older = UnitFactory(parent=department, name="Xã Tân Mỹ", valid_to=date(2025, 6, 30))
    old = UnitFactory(parent=department, name="Xã Bình Tấn", valid_to=date(2025, 6, 30))
    new = UnitFactory(parent=department, name="Phường Hòa Bình Mới")
    older.predecessors.add(oldest)
    new.predecessors.add(older, old)
    other = UnitFactory(parent=department, name="Xã Khác")
    for n, unit in enumerate([oldest, older, old, new, other]):
        VisitFactory(
            plan=approved_plan,
            unit=unit,
            starts_at=at(date(2027, 1, 4 + n)),
            ends_at=at(date(2027, 1, 4 + n), 11),
        )
    client.force_login(scheduler)
    url = reverse("inspections:visit_list")
    client.get(url, {"q": "hoa binh moi"})

    # The plans and people lists load after the page (filters.lists_response): none read here.
    with django_assert_num_queries(4):  # session, user with their unit, roles; the page
        response = client.get(url, {"q": "hoa binh moi"})

    shown = {row.unit.name for row in response.context["page"]}
    assert shown == {oldest.name, older.name, old.name, new.name}
    shown = {row.unit.name for row in client.get(url, {"q": "tan my"}).context["page"]}
    assert shown == {older.name, oldest.name}


def test_an_approved_plans_page_names_its_approver_without_a_query_of_its_own(
    client, scheduler, approved_plan, head, django_assert_num_queries
):
    # access.get_plan_for_user reads the approver with the plan ("Đã duyệt ... · <head>").
    client.force_login(scheduler)
    url = reverse("inspections:plan_detail", args=[approved_plan.pk])
    client.get(url)
    # session, user with their unit, plan with its approver, roles; statuses and counts (which say the plan
    # has no amendment nor history line: neither is read); the page of units without a visit (the
    # plan has no visit: no page of visits).
    with django_assert_num_queries(6):
        response = client.get(url)
    assert f" · {head}</dd>" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"q": 'Bình "Tấn" <b>&', "date_from": "01/10/2018", "date_to": "31/12/2018"},
        {"q": "x", "date_from": "31/02/2026", "date_to": "hôm qua"},  # refused: aria-invalid, kept
    ],
)
def test_the_visit_filters_inputs_are_drawn_as_django_draws_them(rf, scheduler, data):
    # The text and date inputs of the visit list's and calendar's filters are drawn in Python
    # (VisitFilterForm, units.widgets.FastField): the same markup as Django's widget templates,
    # typed values escaped and kept, a refused date marked invalid.
    from django import forms
    from django.test import override_settings

    from inspections.filters import CalendarFilter, VisitFilter
    from inspections.models import Visit

    request = rf.get("/")
    request.user = scheduler
    for filter_class in (VisitFilter, CalendarFilter):
        form = filter_class(data or None, queryset=Visit.objects.none(), request=request).form
        form.is_valid()
        for name in ("q", "date_from", "date_to"):
            if name not in form.fields:
                continue
            drawn = str(form[name])
            django_drawn = forms.Form.__getitem__(form, name).as_widget()  # Django's widget templates
            assert drawn == str(django_drawn) and drawn != "", (filter_class, name)
            if name in data:
                assert "value=" in drawn
        if data.get("date_from") == "31/02/2026" and "date_from" in form.fields:
            assert 'aria-invalid="true"' in str(form["date_from"])
    with override_settings(LANGUAGE_CODE="vi"):
        empty = VisitFilter(None, queryset=Visit.objects.none(), request=request).form
        assert 'placeholder="dd/mm/yyyy"' in str(empty["date_from"])
