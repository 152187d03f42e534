"""The dashboard's drill-down lists: the remediation follow-up and the full unit ranking."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from findings.models import ActionState
from findings.selectors import actions_visible_to
from inspections.models import TeamMember, TeamRole
from units.tests.factories import UnitFactory

from . import factories

pytestmark = pytest.mark.django_db

ACTIONS = reverse("dashboards:actions")
RANKING = reverse("dashboards:ranking")


def _actions(client, user, **params):
    client.force_login(user)
    response = client.get(ACTIONS, params)
    assert response.status_code == 200
    return response.context["page"]


def _codes(page):
    return sorted(action.code for action in page)


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    assert client.get(ACTIONS).status_code == 302
    assert client.get(RANKING).status_code == 302


def test_post_is_not_allowed(client, head):
    client.force_login(head)
    assert client.post(ACTIONS).status_code == 405
    assert client.post(RANKING).status_code == 405


@pytest.mark.parametrize(
    ("lateness", "codes"),
    [("overdue", ["1.1", "2.1"]), ("overdue_30", ["1.1"]), ("overdue_90", []), ("overdue_more", ["2.1"])],
)
def test_actions_filter_by_overdue_age_band(client, head, world, lateness, codes):
    assert _codes(_actions(client, head, lateness=lateness)) == codes


def test_actions_due_soon_are_the_open_ones_due_within_30_days(client, head, world, leader):
    finding = factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader)
    factories.action(finding=finding, due=world.today + timedelta(days=12))
    done = factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader)
    factories.action(finding=done, due=world.today + timedelta(days=5), state=ActionState.VERIFIED)
    assert [a.finding_id for a in _actions(client, head, lateness="due_soon")] == [finding.pk]


def test_actions_filter_by_year_state_and_unit_subtree(client, head, world, district, other_commune):
    assert _codes(_actions(client, head, year=2025)) == ["1.1"]
    assert _codes(_actions(client, head, state=ActionState.IN_PROGRESS)) == ["2.1"]
    assert len(_actions(client, head, unit=district.pk)) == 3
    assert len(_actions(client, head, unit=other_commune.pk)) == 0


def test_actions_search_ignores_diacritics(client, head, world):
    page = _actions(client, head, q="NIEM YET mot cua")
    assert _codes(page) == ["2.1"]


def test_head_of_another_province_sees_only_theirs(client, outsider, world):
    page = _actions(client, outsider)
    assert [a.unit_id for a in page] == [world.foreign_2026.unit_id]


def test_liaison_sees_only_their_units_actions(client, liaison, world, commune):
    page = _actions(client, liaison)
    assert {a.unit_id for a in page} == {commune.pk}
    assert len(page) == 3


def test_action_list_runs_a_fixed_number_of_queries(
    client, head, world, leader, django_assert_max_num_queries
):
    for n in range(5):
        finding = factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader)
        factories.action(finding=finding, due=world.today - timedelta(days=n + 1))
    client.force_login(head)
    # Session, user, roles, home unit, the page's rows with the count of all (one query): the
    # scope's units are a subquery of the page's query, not a list read first.
    with django_assert_max_num_queries(5):
        response = client.get(ACTIONS, {"lateness": "overdue"})
    assert len(response.context["page"]) == 7


@pytest.mark.parametrize("params", [{}, {"lateness": "overdue"}, {"state": ActionState.OPEN}, {"q": "xa"}])
def test_follow_up_page_rows_and_count_in_one_query_match_the_plain_reading(
    client, head, world, leader, params
):
    """action_table_page reads the page's rows and the count of all in one query (the page's ids
    with COUNT(*) OVER () joined to the shown columns): the same actions, in the same order, and
    the same count as the follow-up's query read plainly, page by page; a page past the end is
    the last, a word the first."""
    from reports.dashboards import columns, selectors
    from reports.dashboards.action_table import action_table_page
    from reports.dashboards.forms import ActionFilter

    for n in range(5):
        finding = factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader)
        factories.action(finding=finding, due=world.today - timedelta(days=n + 1))
    actions = ActionFilter(params, queryset=columns.with_lateness(selectors.followup_actions(user=head))).qs
    expected = list(actions.values_list("pk", "due_date", "state", "unit__name", "visit__plan__title"))
    assert expected
    seen = []
    for number in (1, 2, 3, 4, 5):
        page = action_table_page(actions, 2, number)
        assert page.paginator.count == len(expected)
        if number <= page.paginator.num_pages:
            seen += [(r.pk, r.due_date, r.state, r.unit_name, r.plan_title) for r in page.object_list]
    assert seen == expected
    last = -(-len(expected) // 2)
    assert action_table_page(actions, 2, 99).number == last
    assert action_table_page(actions, 2, "abc").number == 1
    empty = action_table_page(actions.none(), 2, 3)
    assert (empty.number, empty.paginator.count, list(empty.object_list)) == (1, 0, [])


def test_follow_up_lists_only_the_units_of_the_heads_own_province(client, head, world):
    """A head on the team of another province's visit sees its action (visibility), but the
    follow-up is of their own province's units (the dashboards' scope)."""
    TeamMember.objects.create(visit=world.foreign_2026, user=head, role=TeamRole.MEMBER)
    client.force_login(head)
    assert actions_visible_to(head).filter(visit=world.foreign_2026).exists()
    page = _actions(client, head)
    assert len(page) and world.foreign_2026.unit_id not in {a.unit_id for a in page}


def test_ranking_is_for_heads(client, liaison, scheduler, world):
    for user in (liaison, scheduler):
        client.force_login(user)
        assert client.get(RANKING).status_code == 403


def test_ranking_lists_every_unit_best_first_with_pages(
    client, head, world, commune, django_assert_max_num_queries
):
    for n in range(60):
        unit = UnitFactory(parent=commune.parent, name=f"Xã Thử {n:02d}")
        factories.visit(plan=world.plan_2026, unit=unit, day=world.today, scores={"1": (n % 8, 10)})
    client.force_login(head)
    with django_assert_max_num_queries(12):
        first = client.get(RANKING, {"year": 2026})
    page = first.context["page"]
    assert page.paginator.count == 62
    assert page[0]["visit__unit__name"] == "Xã Bình Tấn"
    assert [row["percent"] for row in page] == sorted((row["percent"] for row in page), reverse=True)
    second = client.get(RANKING, {"year": 2026, "page": 2})
    assert len(second.context["page"]) == 12


def test_action_rows_show_unit_recommendation_code_dates_and_overdue_badge(client, head, world):
    client.force_login(head)
    response = client.get(ACTIONS, {"lateness": "overdue"})
    html = response.content.decode()
    page = response.context["page"]
    assert len(page) == 2
    for action in page:
        assert f'href="{action.get_absolute_url()}"' in html
        assert f"({action.code})" in html
        assert action.due_date.strftime("%d/%m/%Y") in html
        assert action.plan_title in html
    assert html.count('<span class="badge text-bg-danger">') == 2
    # The dates as the template's date filter wrote them (action_table writes dd/mm/yyyy itself).
    for action in page:
        started = timezone.localtime(action.visit_starts_at)
        assert f"<td>{date_format(action.due_date, 'SHORT_DATE_FORMAT')}" in html
        assert f'<td class="d-none d-lg-table-cell">{date_format(started, "SHORT_DATE_FORMAT")} · ' in html
    empty = client.get(ACTIONS, {"lateness": "overdue_90"}).content.decode()
    assert '<td colspan="5" class="text-muted">' in empty


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Xây dựng   và\nvận hành ISO 9001",
        " ".join(f"từ{n}" for n in range(24)),
        " ".join(f"từ{n}" for n in range(25)),
        "Một\t\thai  " * 20,
    ],
)
def test_follow_up_rows_cut_texts_as_django_truncates_them(text):
    """action_table._words is Truncator.words(24, " …") with a short cut for short texts."""
    from django.utils.text import Truncator

    from reports.dashboards.action_table import _words

    assert _words(text, 24) == Truncator(text).words(24, truncate=" …")
