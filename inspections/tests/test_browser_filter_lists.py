"""The visit list's plans and people lists load after the page (issue 17, filters.lists_response):
in a browser they fill in by themselves, nothing chosen until someone chooses, and a choice
filters the list and stays shown."""

from datetime import date

import pytest
from playwright.sync_api import expect

from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from .factories import ChecklistTemplateFactory, PlanFactory, VisitFactory, at
from .test_browser_calendar import login
from .test_browser_schedule import _shoot, _watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_visit_lists_people_fill_in_after_the_page_and_a_choice_filters_it(live_server, page):
    province = UnitFactory(name="UBND tỉnh Đồng Tháp", kind=UnitKind.PROVINCE)
    department = UnitFactory(name="Sở Nội vụ tỉnh Đồng Tháp", kind=UnitKind.DEPARTMENT, parent=province)
    UserFactory(username="chuyenvien", unit=department, roles=[Role.SCHEDULER])
    people = [
        UserFactory(
            username=f"kiemtra{n}",
            last_name="Phạm",
            first_name=f"Văn {name}",
            unit=department,
            roles=[Role.INSPECTOR],
        )
        for n, name in enumerate(["An", "Bình", "Chi"])
    ]
    plan = PlanFactory(issuing_unit=department, template=ChecklistTemplateFactory(), approved=True, year=2027)
    for n, person in enumerate(people):
        VisitFactory(
            plan=plan,
            unit=UnitFactory(name=f"UBND xã Tân Phú {n}", kind=UnitKind.COMMUNE, parent=province),
            leader=person,
            starts_at=at(date(2027, 1, 4 + n), 7),
            ends_at=at(date(2027, 1, 4 + n), 11),
        )
    page.set_viewport_size({"width": 375, "height": 812})
    problems = _watch(page)
    login(page, live_server, "chuyenvien")

    page.goto(live_server.url + "/inspections/visits/")
    inspector = page.locator("#id_inspector")
    expect(inspector.locator("option")).to_have_count(4)  # "Tất cả" and the three people
    expect(page.locator("#id_plan option")).to_have_count(2)
    # Nothing chosen once the lists are in (the first option, not the last one loaded).
    expect(inspector).to_have_value("")
    expect(page.locator("#id_plan")).to_have_value("")
    expect(page.locator("tbody tr")).to_have_count(3)

    inspector.select_option(label="Phạm Văn Bình")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(f"**inspector={people[1].pk}**")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("UBND xã Tân Phú 1")
    expect(inspector.locator("option")).to_have_count(4)
    expect(inspector).to_have_value(str(people[1].pk))
    box = inspector.bounding_box()
    assert box["height"] >= 44
    _shoot(page, "visit-list-people-loaded")
    assert problems == []
