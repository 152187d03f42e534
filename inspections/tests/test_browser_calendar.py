"""The calendar on a phone: October 2018 opens in one step from the month picker."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from .factories import ChecklistTemplateFactory, PlanFactory, VisitFactory, at
from .test_browser_schedule import PASSWORD, _shoot, _watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page: Page, live_server, username: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(live_server.url + "/")


def test_scheduler_opens_october_2018_in_one_step_on_a_phone(live_server, page):
    province = UnitFactory(name="UBND tỉnh Bắc Ninh", kind=UnitKind.PROVINCE)
    department = UnitFactory(name="Sở Nội vụ tỉnh Bắc Ninh", kind=UnitKind.DEPARTMENT, parent=province)
    commune = UnitFactory(name="UBND xã Hòa Long", kind=UnitKind.COMMUNE, parent=province)
    UserFactory(username="chuyenvien", unit=department, roles=[Role.SCHEDULER])
    leader = UserFactory(username="truongdoan", unit=department, roles=[Role.INSPECTOR])
    plan = PlanFactory(
        issuing_unit=department,
        template=ChecklistTemplateFactory(),
        units=[commune],
        approved=True,
        year=2018,
        period_start=date(2018, 1, 1),
        period_end=date(2018, 12, 31),
    )
    VisitFactory(
        plan=plan,
        unit=commune,
        leader=leader,
        status="scheduled",
        starts_at=at(date(2018, 10, 8), 7, 30),
        ends_at=at(date(2018, 10, 8), 11),
    )
    page.set_viewport_size({"width": 375, "height": 812})
    problems = _watch(page)
    login(page, live_server, "chuyenvien")
    page.goto(live_server.url + "/inspections/visits/calendar/")

    page.locator("#calendar-month").select_option("10")
    page.locator("#calendar-year").select_option("2018")
    page.locator("#calendar-filter [type=submit]").click()

    page.wait_for_url("**/visits/calendar/?month=10&year=2018**")
    expect(page.locator("h1")).to_contain_text("10/2018")
    visit = page.locator("#calendar-list").get_by_text("UBND xã Hòa Long")
    expect(visit).to_be_visible()
    box = visit.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 375
    assert not problems, problems
    _shoot(page, "calendar-october-2018")
