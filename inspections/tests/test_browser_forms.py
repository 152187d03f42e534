"""Forms on a phone set to English: dates typed as dd/mm/yyyy, the room left in a text field,
over-long text refused with a message instead of being cut."""

from datetime import date

import pytest
from playwright.sync_api import expect

from inspections.models import InspectionPlan
from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from .factories import ChecklistTemplateFactory
from .test_browser_calendar import login
from .test_browser_schedule import _shoot, _watch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # A phone whose language is English: a native date picker would show mm/dd/yyyy.
    pytest.mark.browser_context_args(locale="en-US", viewport={"width": 375, "height": 812}),
]


def test_scheduler_types_dd_mm_yyyy_dates_and_is_told_when_a_title_is_too_long(live_server, page):
    province = UnitFactory(name="UBND tỉnh Bắc Ninh", kind=UnitKind.PROVINCE)
    department = UnitFactory(name="Sở Nội vụ tỉnh Bắc Ninh", kind=UnitKind.DEPARTMENT, parent=province)
    commune = UnitFactory(name="UBND xã Hòa Long", kind=UnitKind.COMMUNE, parent=province)
    UserFactory(username="chuyenvien", unit=department, roles=[Role.SCHEDULER])
    ChecklistTemplateFactory()
    problems = _watch(page)
    login(page, live_server, "chuyenvien")
    page.goto(live_server.url + "/inspections/plans/new/")

    title = page.locator("#id_title")
    title.fill("K" * 300)
    assert len(title.input_value()) == 300  # not cut by the browser
    counter = page.locator("#id_title + .maxlength-counter")
    expect(counter).to_have_class("form-text maxlength-counter text-danger")
    expect(counter).to_contain_text("45")

    page.locator("#id_decision_date").click()
    page.keyboard.type("13122017")
    expect(page.locator("#id_decision_date")).to_have_value("13/12/2017")
    start = page.locator("#id_period_start")
    start.click()
    page.keyboard.type("01012018")
    page.keyboard.press("ArrowUp")
    expect(start).to_have_value("02/01/2018")
    page.locator("#id_period_end").fill("2018-12-31")  # pasted in ISO form
    expect(page.locator("#id_period_end")).to_have_value("31/12/2018")
    page.locator("#id_decision_number").fill("563/QĐ-SNV")
    page.locator(f"#unit-{commune.pk}").check()
    page.locator("main form [type=submit]").last.click()

    expect(page.locator("#id_title ~ .invalid-feedback, #error_1_id_title").first).to_contain_text("255")
    assert not InspectionPlan.objects.exists()
    expect(page.locator("#id_period_start")).to_have_value("02/01/2018")
    _shoot(page, "plan-form-too-long")

    page.locator("#id_title").fill("Kế hoạch kiểm tra công tác cải cách hành chính năm 2018")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_url("**/inspections/plans/*/")
    plan = InspectionPlan.objects.get()
    assert (plan.decision_date, plan.period_start, plan.period_end) == (
        date(2017, 12, 13),
        date(2018, 1, 2),
        date(2018, 12, 31),
    )
    assert not problems, problems
