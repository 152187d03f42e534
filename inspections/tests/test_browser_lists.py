"""The lists' pagination on a phone (issue 17): "Trang 1/2", a next link at least 44 px that keeps
the filter, and the calendar's "+N more" link to the day's visits."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from .factories import ChecklistTemplateFactory, PlanFactory, VisitFactory, at
from .test_browser_calendar import login
from .test_browser_schedule import _shoot, _watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_visit_list_goes_page_by_page_on_a_phone_keeping_its_filter(live_server, page):
    province = UnitFactory(name="UBND tỉnh Đồng Tháp", kind=UnitKind.PROVINCE)
    department = UnitFactory(name="Sở Nội vụ tỉnh Đồng Tháp", kind=UnitKind.DEPARTMENT, parent=province)
    UserFactory(username="chuyenvien", unit=department, roles=[Role.SCHEDULER])
    leader = UserFactory(username="truongdoan", unit=department, roles=[Role.INSPECTOR])
    communes = [
        UnitFactory(name=f"UBND xã Tân Phú {n}", kind=UnitKind.COMMUNE, parent=province) for n in range(56)
    ]
    plan = PlanFactory(
        issuing_unit=department, template=ChecklistTemplateFactory(), units=communes, approved=True, year=2027
    )
    for n, commune in enumerate(communes):
        day = date(2027, 1, 4) + timedelta(days=n // 8)
        VisitFactory(
            plan=plan,
            unit=commune,
            leader=leader,
            status="scheduled",
            starts_at=at(day, 7),
            ends_at=at(day, 11),
        )
    page.set_viewport_size({"width": 375, "height": 812})
    problems = _watch(page)
    login(page, live_server, "chuyenvien")

    page.goto(live_server.url + "/inspections/visits/?status=scheduled")
    expect(page.get_by_text("Trang 1/2")).to_be_visible()
    following = page.locator(".list-pagination a[rel=next]")
    box = following.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    _shoot(page, "visit-list-pages")
    following.click()

    expect(page.get_by_text("Trang 2/2")).to_be_visible()
    assert "status=scheduled" in page.url and "page=2" in page.url
    expect(page.locator("tbody tr")).to_have_count(6)

    # The calendar shows three visits a day and links the others to the day's list.
    page.goto(live_server.url + "/inspections/visits/calendar/?year=2027&month=1&view=list")
    more = page.locator("#calendar-list .calendar-more").first
    expect(more).to_have_text("+5 cuộc kiểm tra khác")
    _shoot(page, "calendar-more")
    more.click()
    expect(page.locator("tbody tr")).to_have_count(8)
    assert problems == []
