"""'My visits' in one statement (inspections.my_visit_reads) gives the rows of the ORM's reading
(selectors.my_visit_sections), with each section's total and each visit's leader."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections.models import TeamMember, TeamRole, VisitStatus
from inspections.my_visit_reads import section_rows
from inspections.selectors import MY_SECTIONS, my_visit_sections
from units.tests.factories import UnitFactory

from .factories import VisitFactory, at

pytestmark = pytest.mark.django_db


def _world(plan, department, me, other):
    """Visits of every status around 05/01/2027, some led by ``me``, some by ``other`` with
    ``me`` on the team, some without ``me``."""
    made = []
    statuses = list(VisitStatus)
    for n in range(28):
        status = statuses[n % len(statuses)]
        day = date(2027, 1, 1) + timedelta(days=n % 9)
        lead, members = (me, [other]) if n % 3 == 0 else (other, [me])
        if n % 7 == 6:
            members = []  # not on the team at all
        visit = VisitFactory(
            plan=plan,
            unit=UnitFactory(parent=department, name=f"Xã <{n}> & Co"),
            starts_at=at(day, 7 + n % 4),
            ends_at=at(day, 11 + n % 4),
            status=status,
            leader=lead,
            members=members,
        )
        made.append(visit)
    return made


@time_machine.travel(date(2027, 1, 5))
def test_the_one_statement_gives_the_orms_rows_sections_totals_and_leaders(
    approved_plan, department, leader, inspector
):
    _world(approved_plan, department, inspector, leader)
    expected = {
        section: list(
            my_visit_sections(user=inspector)
            .filter(section=section)
            .select_related("unit", "plan")
            .prefetch_related("team__user")
        )
        for section in MY_SECTIONS
    }
    assert all(expected.values())  # every section has rows
    rows = section_rows(user=inspector, last=100)
    for section in MY_SECTIONS:
        mine = [(row, total) for row, in_section, total in rows if in_section == section]
        assert [row.pk for row, _total in mine] == [v.pk for v in expected[section]], section
        assert {total for _row, total in mine} == {len(expected[section])}
        for (row, _total), visit in zip(mine, expected[section], strict=True):
            assert row == visit
            assert (row.status, row.starts_at, row.ends_at) == (visit.status, visit.starts_at, visit.ends_at)
            assert (row.unit.name, row.unit.short_name, row.unit.valid_to) == (
                visit.unit.name,
                visit.unit.short_name,
                visit.unit.valid_to,
            )
            assert (row.plan.title, row.plan.year, row.plan_id, row.unit_id) == (
                visit.plan.title,
                visit.plan.year,
                visit.plan_id,
                visit.unit_id,
            )
            assert row.leader_name == str(next(m.user for m in visit.team.all() if m.role == TeamRole.LEADER))
    # The first rows of each section, and one section alone, numbered in the section.
    first_two = section_rows(user=inspector, last=2)
    for section in MY_SECTIONS:
        assert [r.pk for r, s, _t in first_two if s == section] == [v.pk for v in expected[section][:2]]
    upcoming = section_rows(user=inspector, section="upcoming", first=2, last=3)
    assert [r.pk for r, _s, _t in upcoming] == [v.pk for v in expected["upcoming"][1:3]]
    assert {s for _r, s, _t in upcoming} == {"upcoming"}
    # A visit without a leader is listed without a name; nobody else's visits appear.
    TeamMember.objects.filter(visit=expected["upcoming"][0], role=TeamRole.LEADER).update(
        role=TeamRole.MEMBER
    )
    assert section_rows(user=inspector, section="upcoming", last=1)[0][0].leader_name is None
    assert section_rows(user=leader, last=100)  # the other person's own list
    assert not {r.pk for r, _s, _t in section_rows(user=inspector, last=100)} - {
        m.visit_id for m in TeamMember.objects.filter(user=inspector)
    }


@time_machine.travel(date(2027, 1, 5))
def test_my_visits_page_is_one_query_and_draws_its_rows(client, approved_plan, department, leader, inspector):
    made = _world(approved_plan, department, inspector, leader)
    client.force_login(inspector)
    client.get(reverse("inspections:my_visits"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("inspections:my_visits"))
    # session, user, the visits (with totals and leaders), the roles of the menu
    assert len(queries) == 4
    body = response.content.decode()
    mine = response.context["mine"]
    for section in MY_SECTIONS:
        assert mine.totals[section] == len(getattr(mine, section))
    running = mine.in_progress[0]
    assert reverse("inspections:checklist", args=[running.pk]) in body  # in progress opens the checklist
    assert "Xã &lt;" in body and "Xã <" not in body
    assert timezone.localtime(running.starts_at).strftime("%d/%m/%Y") in body  # dd/mm/yyyy
    outsider = made[13]  # led by the other, without the inspector on its team
    assert reverse("inspections:visit_detail", args=[outsider.pk]) not in body


@time_machine.travel(date(2027, 1, 2))
def test_a_sections_page_counts_and_pages_in_one_query(client, approved_plan, department, leader):
    for n in range(30):
        VisitFactory(
            plan=approved_plan,
            unit=UnitFactory(parent=department),
            starts_at=at(date(2027, 1, 4) + timedelta(days=n % 20), 7 + n // 20),
            ends_at=at(date(2027, 1, 4) + timedelta(days=n % 20), 9 + n // 20),
            status=VisitStatus.SCHEDULED,
            leader=leader,
        )
    expected = [v.pk for v in my_visit_sections(user=leader).filter(section="upcoming")]
    client.force_login(leader)
    url = reverse("inspections:my_visits")
    client.get(url, {"section": "upcoming"})
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url, {"section": "upcoming", "page": "2"})
    assert len(queries) == 4  # session, user, the page with its total, the roles of the menu
    page = second.context["page"]
    assert page.number == 2 and page.paginator.count == 30
    assert [v.pk for v in page.object_list] == expected[25:]
    assert "Trang 2/2" in second.content.decode()
    # A word: the first page; past the end or below 1: the last.
    assert [
        v.pk for v in client.get(url, {"section": "upcoming", "page": "abc"}).context["page"]
    ] == expected[:25]
    for number in ("9", "0", "-3"):
        last = client.get(url, {"section": "upcoming", "page": number}).context["page"]
        assert last.number == 2 and [v.pk for v in last] == expected[25:], number
    # An empty section.
    empty = client.get(url, {"section": "in_progress"}).context["page"]
    assert empty.paginator.count == 0 and list(empty) == []
