"""The search of everything in one statement (selectors.search_everything, PostgreSQL): the
visible visits, the findings' capped counts and the units' and visits' first pages with their
totals are what the ORM's readings give (finding_visit_ids, capped_counts, counted_page of
search_units and search_visits), for every role, on data reaching each branch: merged units and
their predecessors, a dissolved unit's successors, a liaison's draft visit (visible, its findings
not), words of fewer than three letters, no match, counts past the cap and totals past the page.
The page drawn from it is the page drawn kind by kind."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse

from findings.selectors import finding_visits_visible_to
from inspections.models import VisitStatus
from inspections.selectors import visits_visible_to
from inspections.tests.factories import PlanFactory, VisitFactory, at
from reports.paging import counted_page
from reports.search import selectors, views
from units.roles import is_staff_member
from units.tests.factories import UserFactory

from . import factories
from .test_merger_search import merged  # noqa: F401  the fixture

pytestmark = pytest.mark.django_db

QUERIES = [
    "mot cua",
    "binh tan",
    "binh tan my",
    "tan",
    "ho so",
    "ke hoach 2020",
    "xa",
    "cchc",
    "khong-co-dau",
]
SIZE = 2


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("search_everything is PostgreSQL's (SQLite reads kind by kind)")


@pytest.fixture
def searched(world, merged, leader, department, commune, liaison, monkeypatch):  # noqa: F811
    """The world, the merger, findings past a cap of 3 and a draft visit of the liaison's commune
    holding a finding of the words (the liaison sees the visit, not its findings)."""
    monkeypatch.setattr(selectors, "RESULT_CAP", 3)
    monkeypatch.setattr(views, "RESULT_CAP", 3)
    factories.one_stop_limitations(visit=world.binh_tan_2026, creator=leader, count=5)
    plan = PlanFactory(
        year=2027,
        issuing_unit=department,
        units=[commune],
        period_start=date(2027, 3, 1),
        period_end=date(2027, 11, 30),
        title="Kế hoạch kiểm tra năm 2027",
    )
    draft = VisitFactory(
        plan=plan,
        unit=commune,
        starts_at=at(date(2027, 9, 8), 8),
        ends_at=at(date(2027, 9, 8), 11),
        status=VisitStatus.DRAFT,
        place="Hội trường một cửa",
    )
    factories.limitation(visit=draft, code="1.2", creator=leader, text="Một cửa của bản nháp.")
    return draft


def _users(head, scheduler, inspector, liaison, outsider, administrator):
    return [head, scheduler, inspector, liaison, outsider, administrator, UserFactory(username="nobody")]


def _unit_row(unit):
    parent = unit.parent.name if unit.parent_id else None
    return (unit.pk, unit.name, unit.kind, unit.valid_from, unit.valid_to, unit.parent_id, parent)


def _visit_row(visit):
    unit = visit.unit
    return (
        visit.pk,
        visit.starts_at,
        visit.status,
        visit.plan_id,
        visit.plan.title,
        visit.unit_id,
        unit.name,
        unit.valid_from,
        unit.valid_to,
    )


def _finding_row(finding):
    code = finding.criterion.code if finding.criterion_id else None
    visit = finding.visit
    return (
        finding.pk,
        finding.kind,
        finding.text,
        finding.recommendation,
        finding.criterion_id,
        code,
        finding.visit_id,
        visit.starts_at,
        visit.unit_id,
        visit.unit.name,
    )


@pytest.mark.parametrize("sparse", [60, 1])
@pytest.mark.parametrize("query", QUERIES)
def test_one_statement_reads_what_the_kinds_read_for_every_role(
    postgresql,
    searched,
    head,
    scheduler,
    inspector,
    liaison,
    outsider,
    administrator,
    query,
    sparse,
    monkeypatch,
):
    """``sparse`` 1: the findings' pages walked (findings_page_reader past SPARSE matches)."""
    monkeypatch.setattr(selectors, "SPARSE", sparse)
    for user in _users(head, scheduler, inspector, liaison, outsider, administrator):
        everything = selectors.search_everything(user=user, query=query, size=SIZE)
        ids = selectors.finding_visit_ids(user=user)
        for field in ("text", "recommendation"):
            count, rows = selectors.findings_page_reader(field=field, user=user, query=query, visit_ids=ids)
            assert everything.counts[field] == count, (user, query, field)
            shown = min(count, selectors.RESULT_CAP)
            expected = rows(0, min(SIZE, shown)) if shown else []
            assert [_finding_row(f) for f in everything.findings[field]] == [
                _finding_row(f) for f in expected
            ], (
                user,
                query,
                field,
            )
        for (total, rows), reference, draw in (
            (everything.units, selectors.search_units(user=user, query=query), _unit_row),
            (everything.visits, selectors.search_visits(user=user, query=query), _visit_row),
        ):
            page = counted_page(reference, SIZE, 1)
            assert total == page.paginator.count, (user, query)
            assert [draw(row) for row in rows] == [draw(row) for row in page.object_list], (user, query)


def test_the_data_reaches_every_branch(postgresql, searched, head, liaison, outsider):
    """Counts past the cap, totals past the page, the liaison's draft visit found by the visits
    kind and its finding not counted, the predecessors' visits found by the new name."""
    everything = selectors.search_everything(user=head, query="mot cua", size=SIZE)
    assert everything.counts == {"text": 4, "recommendation": 4}
    liaison_sees = selectors.search_everything(user=liaison, query="mot cua", size=SIZE)
    assert searched.pk in [visit.pk for visit in liaison_sees.visits[1]]
    assert searched.pk not in [finding.visit_id for finding in liaison_sees.findings["text"]]
    assert everything.findings["text"][0].visit_id == searched.pk
    assert all(len(rows) == SIZE for rows in everything.findings.values())
    assert selectors.search_everything(user=head, query="tan", size=SIZE).units[0] > SIZE
    merged_visits = selectors.search_everything(user=head, query="binh tan my", size=SIZE).visits
    # Every visit of Bình Tấn and Tân Mỹ (the world's, the merger's 2020 ones, the draft), by the
    # units the new name replaced; their units dissolved on the merger.
    assert merged_visits[0] == 6
    assert {visit.unit.valid_to for visit in merged_visits[1]} == {date(2025, 7, 1)}
    assert selectors.search_everything(user=outsider, query="binh tan", size=SIZE).visits == (0, [])


def test_staff_read_the_findings_of_every_visit_they_see(
    postgresql, searched, head, scheduler, inspector, liaison, outsider, administrator
):
    """search_everything's staff look among the findings' visible visits for the visits kind:
    for them the two rules are one (findings.selectors.finding_visits_visible_to)."""
    for user in _users(head, scheduler, inspector, liaison, outsider, administrator):
        same = set(finding_visits_visible_to(user)) == set(visits_visible_to(user))
        assert same or not is_staff_member(user), user
    assert set(finding_visits_visible_to(liaison)) != set(visits_visible_to(liaison))


def _html(client, user, query) -> str:
    client.force_login(user)
    html = client.get(reverse("search:search"), {"q": query}).content.decode()
    return re.sub(
        r'("inlineStyleNonce": |"X-CSRFToken": |nonce=|name="csrfmiddlewaretoken" value=)"[^"]*"', "", html
    )


@pytest.mark.parametrize("query", ["mot cua", "binh tan my", "binh tan", "ho so", "tan"])
def test_the_page_is_the_page_read_kind_by_kind(
    postgresql, client, searched, head, liaison, outsider, query, monkeypatch
):
    for user in (head, liaison, outsider):
        fast = _html(client, user, query)
        # The view reads kind by kind where the connection is not PostgreSQL's.
        monkeypatch.setattr(views, "connection", SimpleNamespace(vendor="sqlite"))
        assert _html(client, user, query) == fast, (user, query)
        monkeypatch.undo()
        monkeypatch.setattr(selectors, "RESULT_CAP", 3)
        monkeypatch.setattr(views, "RESULT_CAP", 3)
