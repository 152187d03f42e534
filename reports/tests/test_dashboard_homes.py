"""Each role's home page: the card of what the role does (its links and buttons) and the
scheduler's and the unit liaison's panels, read from the page itself."""

from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from findings.models import ActionState
from inspections.models import TeamMember, TeamRole, VisitStatus
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from . import factories

pytestmark = pytest.mark.django_db


def _soon(days: int):
    day = timezone.localdate() + timedelta(days=days)
    return day


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


class _Section(HTMLParser):
    """The links ((href, text) pairs) and the text inside the element whose ``attr`` is ``value``."""

    def __init__(self, attr: str, value: str):
        super().__init__()
        self.attr, self.value = attr, value
        self.tag, self.depth, self.found = None, 0, False
        self.links: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth == 0 and attrs.get(self.attr) == self.value:
            self.tag, self.depth, self.found = tag, 1, True
        elif self.depth and tag == self.tag:
            self.depth += 1
        if self.depth and tag == "a":
            self._href, self._label = attrs.get("href"), []

    def handle_endtag(self, tag):
        if self.depth and tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._label).split())))
            self._href = None
        if self.depth and tag == self.tag:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self._href is not None:
                self._label.append(data)


def _section(response, value: str, attr: str = "id") -> _Section:
    parser = _Section(attr, value)
    parser.feed(response.content.decode())
    assert parser.found, f"the page has no element with {attr}={value!r}"
    return parser


def _hrefs(response, value: str, attr: str = "id") -> set[str]:
    return {href for href, _text in _section(response, value, attr).links}


def _scheduler_panel(response) -> _Section:
    return _section(response, "scheduler-home-title", "aria-labelledby")


def _liaison_panel(response) -> _Section:
    return _section(response, "liaison-home-title", "aria-labelledby")


# Scheduler


def test_scheduler_sees_the_coming_weeks_visits_of_their_province_only(
    client, scheduler, world, commune, leader, foreign_commune
):
    plan = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=_soon(3).year
    )
    coming = factories.visit(
        plan=plan, unit=commune, day=_soon(3), status=VisitStatus.SCHEDULED, leader=leader
    )
    factories.visit(
        plan=plan, unit=UnitFactory(parent=commune.parent), day=_soon(40), status=VisitStatus.SCHEDULED
    )
    factories.visit(
        plan=world.foreign_plan,
        unit=UnitFactory(parent=foreign_commune.parent),
        day=_soon(2),
        status=VisitStatus.SCHEDULED,
    )
    response = _home(client, scheduler)
    assert [v.pk for v in response.context["scheduler_home"]["upcoming"]] == [coming.pk]
    panel = _scheduler_panel(response)
    visit_links = [(href, text) for href, text in panel.links if href.startswith("/inspections/visits/")]
    assert visit_links == [(coming.get_absolute_url(), commune.name)]


def test_scheduler_sees_units_of_approved_plans_that_have_no_visit_yet(
    client, scheduler, world, commune, district
):
    waiting = UnitFactory(name="Xã Chờ Lịch", parent=district)
    world.plan_2026.units.add(waiting)
    draft = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=2026, status="draft"
    )
    draft.units.add(UnitFactory(name="Xã Kế Hoạch Nháp", parent=district))
    response = _home(client, scheduler)
    board = response.context["scheduler_home"]
    assert [(row.inspectionplan_id, row.unit.name) for row in board["waiting"]] == [
        (world.plan_2026.pk, "Xã Chờ Lịch")
    ]
    panel = _scheduler_panel(response)
    schedule = reverse("inspections:visit_create", args=[world.plan_2026.pk]) + f"?unit={waiting.pk}"
    assert (schedule, "Xã Chờ Lịch") in panel.links
    assert "Xã Kế Hoạch Nháp" not in "".join(panel.text)


def test_a_cancelled_visit_leaves_its_unit_waiting(client, scheduler, world, other_commune):
    world.tan_my_2026.status = VisitStatus.CANCELLED
    world.tan_my_2026.save(update_fields=["status"])
    board = _home(client, scheduler).context["scheduler_home"]
    assert [row.unit_id for row in board["waiting"]] == [other_commune.pk]


def test_inspectors_load_counts_visits_per_month(
    client, scheduler, world, commune, leader, inspector, time_machine
):
    time_machine.move_to("2026-11-22 09:00 +07:00")
    plan = factories.plan(department=world.plan_2026.issuing_unit, template=world.template, year=2026)
    for day in ("2026-11-24", "2026-11-26", "2026-12-03"):
        visit = factories.visit(
            plan=plan,
            unit=UnitFactory(parent=commune.parent),
            day=datetime.fromisoformat(day).date(),
            status=VisitStatus.SCHEDULED,
            leader=leader,
        )
        TeamMember.objects.create(visit=visit, user=inspector, role=TeamRole.MEMBER)
    load = _home(client, scheduler).context["scheduler_home"]["load"]
    assert [m.month for m in load.months] == [11, 12, 1]
    assert sorted(load.rows) == sorted([(str(leader), [2, 1, 0]), (str(inspector), [2, 1, 0])])


def test_home_page_of_a_scheduler_runs_a_fixed_number_of_queries(
    client, scheduler, world, commune, leader, django_assert_max_num_queries
):
    plan = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=_soon(1).year
    )
    for n in range(4):
        factories.visit(
            plan=plan,
            unit=UnitFactory(parent=commune.parent),
            day=_soon(n + 1),
            status=VisitStatus.SCHEDULED,
            leader=leader,
        )
        plan.units.add(UnitFactory(parent=commune.parent))
    client.force_login(scheduler)
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))


# Liaison


def test_liaison_sees_their_units_overdue_and_soon_due_actions(client, liaison, world, leader):
    soon = factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader)
    factories.action(finding=soon, due=_soon(10))
    later = factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader)
    factories.action(finding=later, due=_soon(90))
    done = factories.limitation(visit=world.binh_tan_2025, code="1.2", creator=leader)
    factories.action(finding=done, due=_soon(-30), state=ActionState.VERIFIED)
    response = _home(client, liaison)
    board = response.context["liaison_home"]
    assert [a.finding.criterion.code for a in board["overdue"]] == ["2.1", "1.1"]
    assert [a.finding_id for a in board["due_soon"]] == [soon.pk]
    action_links = [href for href in _hrefs(response, "liaison-home-title", "aria-labelledby")]
    shown = {a.get_absolute_url() for a in board["overdue"] + board["due_soon"]}
    assert len(shown) == 3 and shown <= set(action_links)
    assert later.action.get_absolute_url() not in action_links
    assert done.action.get_absolute_url() not in action_links


def test_liaison_does_not_see_other_units_actions(client, world, other_commune, leader):
    other_liaison = UserFactory(username="tanmy", unit=other_commune, roles=[Role.LIAISON])
    board = _home(client, other_liaison).context["liaison_home"]
    assert board["overdue"] == [] and board["due_soon"] == []
    assert board["last_conclusion"] is None


def test_liaison_sees_the_next_visit_and_the_last_conclusion(client, liaison, world, commune, leader):
    plan = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=_soon(5).year
    )
    coming = factories.visit(
        plan=plan, unit=commune, day=_soon(5), status=VisitStatus.SCHEDULED, leader=leader
    )
    response = _home(client, liaison)
    board = response.context["liaison_home"]
    assert board["next_visit"].pk == coming.pk
    assert board["last_conclusion"].visit_id == world.binh_tan_2026.pk
    links = _hrefs(response, "liaison-home-title", "aria-labelledby")
    assert coming.get_absolute_url() in links
    assert world.binh_tan_2026.conclusion.get_absolute_url() in links


def test_a_draft_visit_is_not_announced_to_the_liaison(client, liaison, world, commune):
    plan = factories.plan(
        department=world.plan_2026.issuing_unit, template=world.template, year=_soon(5).year
    )
    factories.visit(plan=plan, unit=commune, day=_soon(5), status=VisitStatus.DRAFT)
    assert _home(client, liaison).context["liaison_home"]["next_visit"] is None


def test_home_page_of_a_liaison_runs_a_fixed_number_of_queries(
    client, liaison, world, leader, django_assert_max_num_queries
):
    for _n in range(4):
        finding = factories.limitation(visit=world.binh_tan_2026, code="1.2", creator=leader)
        factories.action(finding=finding, due=_soon(3))
    client.force_login(liaison)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    assert len(response.context["liaison_home"]["due_soon"]) == 4


def test_head_home_card_links_to_the_dashboard_the_review_queue_and_overdue_remediation(client, head, world):
    response = _home(client, head)
    links = _hrefs(response, "home-head")
    assert {
        reverse("dashboards:head"),
        reverse("findings:review_queue"),
        reverse("findings:action_list") + "?overdue=on",
        reverse("inspections:plan_list") + "?waiting=1",  # the plans waiting for her approval
        reverse("units:tree"),
    } <= links
    # The head's own card, not the menu: the other roles' cards are not on the page.
    assert "home-scheduler" not in response.content.decode()


def test_scheduler_home_card_links_to_units_plans_and_the_calendar(client, scheduler, world):
    links = _hrefs(_home(client, scheduler), "home-scheduler")
    assert {
        reverse("units:list"),
        reverse("units:create"),
        reverse("inspections:plan_list"),
        reverse("inspections:visit_calendar"),
    } <= links


def test_inspector_home_card_links_to_their_visits(client, inspector, world):
    links = _hrefs(_home(client, inspector), "home-inspector")
    assert {reverse("inspections:my_visits"), reverse("inspections:visit_calendar")} <= links


def test_liaison_home_card_links_to_their_units_remediation(client, liaison, world, commune):
    response = _home(client, liaison)
    card = _section(response, "home-liaison")
    assert commune.get_absolute_url() in {href for href, _text in card.links}
    (label,) = [text for href, text in card.links if href == reverse("findings:my_unit")]
    assert label.startswith(f"{response.context['remediation'].open} ")


def test_administrator_home_card_links_to_the_administration(client, administrator):
    links = _hrefs(_home(client, administrator), "home-admin")
    assert {reverse("admin:index"), reverse("inspections:template_list")} <= links


def test_the_home_page_refuses_a_post(client, head):
    client.force_login(head)
    assert client.post(reverse("home")).status_code == 405
