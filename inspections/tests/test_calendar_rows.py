"""The calendar's one query (visit_reads.calendar_rows, issue 17): the windows that keep each day's
first visits and count the days and the month are written around the ORM's filtered rows; they
give the rows a plain reading of the visible visits gives, for every role, on both databases."""

from collections import defaultdict
from datetime import date, datetime, time

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from inspections.models import TeamMember, TeamRole, Visit, VisitStatus
from inspections.selectors import CALENDAR_PER_DAY, visible_rows, visit_calendar, visits_visible_to
from inspections.visit_reads import calendar_rows, person_name
from units.tests.factories import UnitFactory, UserFactory

from .factories import PlanFactory, VisitFactory, at

JANUARY = (date(2026, 12, 29), date(2027, 2, 1))  # the grid of January 2027: whole weeks


def _plain(user, visits=None):
    """The calendar's rows read plainly: every visible visit of the grid, grouped in Python."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(JANUARY[0], time.min, tzinfo=tz)
    end = datetime.combine(JANUARY[1], time.min, tzinfo=tz)
    month = (
        datetime.combine(date(2027, 1, 1), time.min, tzinfo=tz),
        datetime.combine(date(2027, 2, 1), time.min, tzinfo=tz),
    )
    rows = list(
        (visits if visits is not None else visits_visible_to(user))
        .exclude(status=VisitStatus.CANCELLED)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("unit")
        .order_by("starts_at", "id")
    )
    by_day = defaultdict(list)
    for visit in rows:
        by_day[timezone.localtime(visit.starts_at, tz).date()].append(visit)
    in_month = sum(1 for v in rows if v.starts_at < month[1] and v.ends_at > month[0])
    kept = []
    for day_visits in by_day.values():
        for visit in day_visits[:CALENDAR_PER_DAY]:
            seat = TeamMember.objects.filter(visit=visit, role=TeamRole.LEADER).select_related("user").first()
            leader = seat.user if seat else None
            kept.append(
                (
                    visit.pk,
                    visit.status,
                    visit.starts_at,
                    visit.ends_at,
                    visit.unit.name,
                    visit.unit.short_name,
                    len(day_visits),
                    in_month,
                    *((leader.last_name, leader.first_name, leader.username) if leader else (None,) * 3),
                )
            )
    return sorted(kept, key=lambda row: (row[2], row[0]))


def _read(user, visits=None):
    tz = timezone.get_current_timezone()
    start = datetime.combine(JANUARY[0], time.min, tzinfo=tz)
    end = datetime.combine(JANUARY[1], time.min, tzinfo=tz)
    window = (
        (visits if visits is not None else Visit.objects.all())
        .exclude(status=VisitStatus.CANCELLED)
        .filter(starts_at__lt=end, ends_at__gt=start)
    )
    return calendar_rows(
        visible_rows(user, window),
        tz=tz,
        month_start=datetime.combine(date(2027, 1, 1), time.min, tzinfo=tz),
        month_end=datetime.combine(date(2027, 2, 1), time.min, tzinfo=tz),
        per_day=CALENDAR_PER_DAY,
    )


def test_the_calendars_one_query_gives_the_plain_readings_rows_for_every_role(
    scheduler, head, inspector, leader, liaison, outsider, administrator, approved_plan, department, commune
):
    other_province = UnitFactory(name="UBND tỉnh Thái Nguyên", kind="province")
    foreign_plan = PlanFactory(issuing_unit=other_province)
    units = [
        commune,
        *(UnitFactory(parent=department, name=f"Xã Thử {n}", short_name=f"T{n}") for n in range(7)),
    ]

    def visit(unit, starts, ends, plan=approved_plan, **more):
        return VisitFactory(plan=plan, unit=unit, starts_at=starts, ends_at=ends, **more)

    # A busy Monday (five visits, two at the same hour: the id breaks the tie), a visit past
    # midnight (its local day, not UTC's), one over three days, one before the month in the
    # grid's first week, one after it, a cancelled one, one without a leader, another province's.
    busy = date(2027, 1, 4)
    for n in range(5):
        visit(units[n], at(busy, 7 + n // 2), at(busy, 11), leader=leader if n % 2 else inspector)
    visit(units[5], at(date(2027, 1, 5), 0, 30), at(date(2027, 1, 5), 3), leader=leader)
    visit(units[6], at(date(2027, 1, 6), 8), at(date(2027, 1, 8), 17), leader=inspector)
    december = PlanFactory(issuing_unit=department, year=2026)
    visit(units[0], at(date(2026, 12, 30), 8), at(date(2026, 12, 30), 11), plan=december, leader=leader)
    visit(units[1], at(date(2026, 12, 31), 22), at(date(2027, 1, 1), 9), plan=december)
    february = PlanFactory(issuing_unit=department, year=2027)
    visit(units[2], at(date(2027, 1, 31), 8), at(date(2027, 1, 31), 11), plan=february, leader=leader)
    visit(units[3], at(date(2027, 1, 20), 8), at(date(2027, 1, 20), 11), plan=february, status="cancelled")
    foreign = visit(
        UnitFactory(parent=other_province), at(busy, 6), at(busy, 10), plan=foreign_plan, leader=inspector
    )
    people = [scheduler, head, inspector, leader, liaison, outsider, administrator, UserFactory()]

    for person in [*people, AnonymousUser()]:
        assert _read(person) == _plain(person), person
    # The filters narrow the rows before they are numbered and counted.
    mine = Visit.objects.filter(team__user=leader, team__role=TeamRole.LEADER)
    assert _read(scheduler, mine) == _plain(scheduler, visits_visible_to(scheduler) & mine)
    # The page: the busy day shows three and counts two more; the month counts its visits only.
    grid = visit_calendar(user=scheduler, year=2027, month=1)
    monday = next(day for week in grid["weeks"] for day in week if day.day == busy)
    assert len(monday.visits) == 3 and monday.more == 2
    assert grid["visit_count"] == 9  # the five, the night, the three days, 31/12 to 1/1, the 31st
    assert monday.visits[0].leader_name == person_name(inspector.last_name, inspector.first_name, "inspector")
    assert foreign.pk in {row[0] for row in _read(administrator)}
