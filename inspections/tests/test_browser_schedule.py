"""A scheduler schedules a visit in a real browser: the form, a conflict it points out, the fix.

Chromium also reports what the test client cannot see: scripts or styles refused by the Content
Security Policy, missing static files, JavaScript errors. Screenshots go to test-results/browser/.
"""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from inspections.models import TeamRole, Visit, VisitStatus
from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from .factories import ChecklistTemplateFactory, PlanFactory, VisitFactory, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem"
SHOTS = Path("test-results/browser")
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


def _watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.add_init_script(CSP_LISTENER)
    page.on(
        "console",
        lambda m: (
            m.type == "error" and "favicon" not in m.location.get("url", "") and problems.append(m.text)
        ),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def _shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in {
        "375x812": {"width": 375, "height": 812},
        "1280x800": {"width": 1280, "height": 800},
    }.items():
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"{name}-{label}.png", full_page=True)


def test_scheduler_schedules_a_visit_and_fixes_the_conflict_the_form_points_out(live_server, page):
    province = UnitFactory(name="UBND tỉnh Đồng Tháp", kind=UnitKind.PROVINCE)
    department = UnitFactory(name="Sở Nội vụ tỉnh Đồng Tháp", kind=UnitKind.DEPARTMENT, parent=province)
    binh_tan = UnitFactory(name="UBND xã Bình Tấn", kind=UnitKind.COMMUNE, parent=province)
    tan_my = UnitFactory(name="UBND xã Tân Mỹ", kind=UnitKind.COMMUNE, parent=province)
    UserFactory(
        username="chuyenvien",
        last_name="Lê",
        first_name="Thị Bích Trâm",
        unit=department,
        roles=[Role.SCHEDULER],
    )
    busy = UserFactory(
        username="truongdoan",
        last_name="Đỗ",
        first_name="Thị Thanh Trang",
        unit=department,
        roles=[Role.INSPECTOR],
    )
    free = UserFactory(
        username="kiemtra", last_name="Phạm", first_name="Văn Kiểm", unit=department, roles=[Role.INSPECTOR]
    )
    plan = PlanFactory(
        issuing_unit=department, template=ChecklistTemplateFactory(), units=[binh_tan, tan_my], approved=True
    )
    VisitFactory(
        plan=plan,
        unit=binh_tan,
        leader=busy,
        status=VisitStatus.SCHEDULED,
        starts_at=at(date(2027, 1, 12), 7, 30),
        ends_at=at(date(2027, 1, 12), 11),
    )
    problems = _watch(page)

    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill("chuyenvien")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + plan.get_absolute_url())
    page.locator(f"a[href='/inspections/plans/{plan.pk}/visits/new/?unit={tan_my.pk}']").click()

    expect(page.locator("#id_unit")).to_have_value(str(tan_my.pk))
    page.locator("#id_day").fill("2027-01-12")
    page.locator("#id_start_time").fill("08:00")
    page.locator("#id_end_time").fill("11:30")
    page.locator("#id_place").fill("Hội trường UBND xã Tân Mỹ")
    page.locator("#id_leader").select_option(str(busy.pk))
    page.locator("#id_members").select_option([str(free.pk)])
    page.locator("main form [type=submit]").click()

    # The leader is already at xã Bình Tấn that morning: the message sits under the leader field.
    error = page.locator("#id_leader ~ .invalid-feedback, #error_1_id_leader")
    expect(error.first).to_contain_text("UBND xã Bình Tấn")
    assert Visit.objects.filter(unit=tan_my).count() == 0
    _shoot(page, "visit-form-conflict")

    page.locator("#id_leader").select_option(str(free.pk))
    page.locator("#id_members").select_option([])
    page.locator("main form [type=submit]").click()
    page.wait_for_url(f"{live_server.url}/inspections/visits/*/")

    visit = Visit.objects.get(unit=tan_my)
    assert visit.status == VisitStatus.SCHEDULED
    assert visit.starts_at == at(date(2027, 1, 12), 8)
    assert visit.team.get().user == free and visit.team.get().role == TeamRole.LEADER
    expect(page.get_by_role("heading", level=1)).to_contain_text("UBND xã Tân Mỹ")
    _shoot(page, "visit-detail")

    page.goto(live_server.url + "/inspections/visits/calendar/?year=2027&month=1")
    expect(page.locator("main")).to_contain_text("UBND xã Tân Mỹ")
    _shoot(page, "visit-calendar")
    assert problems == []
