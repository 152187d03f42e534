"""The scheduler's and the head's daily work in a real browser, on a phone (375x812) and at a
desk (1366x900): a plan sent for approval and approved or returned, the calendar's month picker
and filter, bulk scheduling around weekends and busy days."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from inspections.models import InspectionPlan, PlanStatus, TeamRole, Visit, VisitStatus
from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

from .factories import ChecklistTemplateFactory, PlanFactory, VisitFactory, at
from .test_browser_calendar import login
from .test_browser_schedule import _watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}
viewports = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def _no_sideways_scroll(page: Page) -> None:
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the page scrolls sideways: {width} > {inner}"


def _department():
    province = UnitFactory(name="UBND tỉnh Đồng Tháp", kind=UnitKind.PROVINCE)
    department = UnitFactory(name="Sở Nội vụ tỉnh Đồng Tháp", kind=UnitKind.DEPARTMENT, parent=province)
    return province, department


def _logout(page: Page) -> None:
    # Leave the page first: its scripts (the session keep-alive, the sync of queued changes) could
    # otherwise fetch after the cookies are cleared and set a new CSRF cookie under the next login form.
    page.goto("about:blank")
    page.context.clear_cookies()


@viewports
def test_scheduler_sends_a_plan_for_approval_and_the_head_approves_it_from_her_home_page(
    live_server, page, viewport
):
    province, department = _department()
    commune = UnitFactory(name="UBND xã Bình Tấn", kind=UnitKind.COMMUNE, parent=province)
    UserFactory(username="chuyenvien", unit=department, roles=[Role.SCHEDULER])
    UserFactory(username="lanhdao", unit=department, roles=[Role.HEAD])
    plan = PlanFactory(
        issuing_unit=department,
        template=ChecklistTemplateFactory(),
        units=[commune],
        year=2018,
        title="Kế hoạch kiểm tra công tác cải cách hành chính năm 2018",
        decision_number="",
        decision_date=None,
        period_start=date(2018, 10, 1),
        period_end=date(2018, 12, 31),
    )
    page.set_viewport_size(viewport)
    problems = _watch(page)

    login(page, live_server, "chuyenvien")
    page.goto(live_server.url + plan.get_absolute_url())
    page.get_by_role("button", name="Trình phê duyệt").click()
    expect(page.locator("main")).to_contain_text("Đã trình lãnh đạo phê duyệt kế hoạch.")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    _no_sideways_scroll(page)
    _logout(page)

    login(page, live_server, "lanhdao")
    waiting = page.locator("#home-plans-waiting")
    expect(waiting).to_have_text("1 kế hoạch chờ bạn phê duyệt")
    waiting.click()
    page.wait_for_url("**/inspections/plans/?waiting=1")
    page.get_by_role("link", name=plan.title).click()
    page.wait_for_url(f"**/inspections/plans/{plan.pk}/")

    decision = page.locator("#plan-decision")
    decision.get_by_label("Số quyết định").fill("563/QĐ-SNV")
    day = decision.locator("#id_decision_date")
    day.click()
    page.keyboard.type("28092018")  # the widget types the slashes
    expect(day).to_have_value("28/09/2018")
    _no_sideways_scroll(page)
    decision.get_by_role("button", name="Phê duyệt kế hoạch").click()

    expect(page.locator("h1 + .badge")).to_have_text("Đã phê duyệt")
    expect(page.locator("main")).to_contain_text("563/QĐ-SNV")
    expect(page.locator("#plan-decision")).to_have_count(0)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert (plan.decision_number, plan.decision_date) == ("563/QĐ-SNV", date(2018, 9, 28))
    page.goto(live_server.url + "/")
    expect(page.locator("#home-plans-waiting")).to_have_text("0 kế hoạch chờ bạn phê duyệt")
    assert not problems, problems


@viewports
def test_head_returns_a_plan_with_a_reason_the_scheduler_then_reads(live_server, page, viewport):
    province, department = _department()
    commune = UnitFactory(name="UBND xã Bình Tấn", kind=UnitKind.COMMUNE, parent=province)
    UserFactory(username="chuyenvien", unit=department, roles=[Role.SCHEDULER])
    UserFactory(username="lanhdao", unit=department, roles=[Role.HEAD])
    plan = PlanFactory(
        issuing_unit=department,
        template=ChecklistTemplateFactory(),
        units=[commune],
        status=PlanStatus.SUBMITTED,
        submitted_at=timezone.now(),
        decision_number="",
        decision_date=None,
    )
    reason = "Bổ sung UBND xã Tân Mỹ vào danh sách đơn vị được kiểm tra."
    page.set_viewport_size(viewport)
    problems = _watch(page)

    login(page, live_server, "lanhdao")
    page.goto(live_server.url + plan.get_absolute_url())
    decision = page.locator("#plan-decision")
    decision.get_by_label("Lý do").fill(reason)
    decision.get_by_role("button", name="Trả lại người lập").click()
    expect(page.locator("#plan-returned")).to_contain_text(reason)
    assert InspectionPlan.objects.get(pk=plan.pk).status == PlanStatus.RETURNED
    _logout(page)

    login(page, live_server, "chuyenvien")
    page.goto(live_server.url + plan.get_absolute_url())
    returned = page.locator("#plan-returned")
    expect(returned).to_contain_text("Trả lại để chỉnh sửa")
    expect(returned).to_contain_text(reason)
    expect(page.get_by_role("button", name="Trình phê duyệt")).to_be_visible()
    _no_sideways_scroll(page)
    assert not problems, problems


@viewports
def test_calendar_month_picker_opens_october_2018_in_one_step_and_the_inspector_filter_narrows_it(
    live_server, page, viewport
):
    province, department = _department()
    binh_tan = UnitFactory(name="UBND xã Bình Tấn", kind=UnitKind.COMMUNE, parent=province)
    tan_my = UnitFactory(name="UBND xã Tân Mỹ", kind=UnitKind.COMMUNE, parent=province)
    UserFactory(username="chuyenvien", unit=department, roles=[Role.SCHEDULER])
    trang = UserFactory(
        username="trang", last_name="Đỗ", first_name="Thị Trang", unit=department, roles=[Role.INSPECTOR]
    )
    kiem = UserFactory(
        username="kiem", last_name="Phạm", first_name="Văn Kiểm", unit=department, roles=[Role.INSPECTOR]
    )
    plan = PlanFactory(
        issuing_unit=department,
        template=ChecklistTemplateFactory(),
        approved=True,
        year=2018,
        period_start=date(2018, 1, 1),
        period_end=date(2018, 12, 31),
    )
    for unit, leader, day in [(binh_tan, trang, 8), (tan_my, kiem, 10)]:
        VisitFactory(
            plan=plan,
            unit=unit,
            leader=leader,
            status=VisitStatus.SCHEDULED,
            starts_at=at(date(2018, 10, day), 7, 30),
            ends_at=at(date(2018, 10, day), 11),
        )
    page.set_viewport_size(viewport)
    problems = _watch(page)
    login(page, live_server, "chuyenvien")
    page.goto(live_server.url + "/inspections/visits/calendar/")

    # One step: month and year picked, one press of "Xem".
    page.locator("#calendar-month").select_option("10")
    page.locator("#calendar-year").select_option("2018")
    page.locator("#calendar-filter").get_by_role("button", name="Xem").click()
    page.wait_for_url("**/visits/calendar/?month=10&year=2018**")
    expect(page.locator("h1")).to_contain_text("10/2018")
    # A phone reads the month as a list of days, a desk as the month grid.
    shown = page.locator("#calendar-list" if viewport is PHONE else ".calendar-grid")
    expect(shown).to_be_visible()
    expect(shown.locator("a.calendar-visit")).to_have_count(2)
    expect(shown).to_contain_text("UBND xã Bình Tấn")
    expect(shown).to_contain_text("UBND xã Tân Mỹ")
    _no_sideways_scroll(page)

    page.locator("#id_inspector").select_option(str(kiem.pk))
    page.locator("#calendar-filter").get_by_role("button", name="Xem").click()
    page.wait_for_url(f"**inspector={kiem.pk}**")
    expect(page.locator("h1")).to_contain_text("10/2018")
    expect(shown.locator("a.calendar-visit")).to_have_count(1)
    expect(shown).to_contain_text("UBND xã Tân Mỹ")
    expect(shown).not_to_contain_text("UBND xã Bình Tấn")
    expect(page.locator("#id_inspector")).to_have_value(str(kiem.pk))
    _no_sideways_scroll(page)
    assert not problems, problems


@viewports
def test_scheduler_schedules_six_units_two_a_day_around_weekends_and_busy_days(live_server, page, viewport):
    province, department = _department()
    communes = [
        UnitFactory(name=f"UBND xã Thử Nghiệm {n}", kind=UnitKind.COMMUNE, parent=province)
        for n in range(1, 7)
    ]
    UserFactory(username="chuyenvien", unit=department, roles=[Role.SCHEDULER])
    leader = UserFactory(
        username="truongdoan", last_name="Đỗ", first_name="Thị Trang", unit=department, roles=[Role.INSPECTOR]
    )
    template = ChecklistTemplateFactory()
    plan = PlanFactory(
        issuing_unit=department,
        template=template,
        units=communes,
        approved=True,
        year=2018,
        period_start=date(2018, 10, 1),
        period_end=date(2018, 12, 31),
    )
    other = PlanFactory(
        issuing_unit=department,
        template=template,
        approved=True,
        year=2018,
        period_start=date(2018, 1, 1),
        period_end=date(2018, 12, 31),
    )
    # The team is already out on Tuesday 2, Wednesday 3 and Thursday 4 October 2018.
    for day in (2, 3, 4):
        VisitFactory(
            plan=other,
            unit=UnitFactory(name=f"UBND xã Khác {day}", kind=UnitKind.COMMUNE, parent=province),
            leader=leader,
            status=VisitStatus.SCHEDULED,
            starts_at=at(date(2018, 10, day), 8),
            ends_at=at(date(2018, 10, day), 11),
        )
    page.set_viewport_size(viewport)
    problems = _watch(page)
    login(page, live_server, "chuyenvien")
    page.goto(live_server.url + plan.get_absolute_url())
    page.get_by_role("link", name="Lên lịch hàng loạt").click()
    page.wait_for_url(f"**/inspections/plans/{plan.pk}/schedule/")

    expect(page.locator("#id_date_from")).to_have_value("01/10/2018")
    page.locator("#id_per_day").fill("2")
    page.locator("#id_leader").select_option(str(leader.pk))
    page.get_by_role("button", name="Đề xuất lịch").click()

    rows = page.locator("table.bulk-proposal tbody tr")
    expect(rows).to_have_count(6)
    days = [rows.nth(i).locator("input[name$='-day']").input_value() for i in range(6)]
    # Monday 1, then Friday 5 (2-4 busy), then Monday 8 (the weekend left out).
    assert days == ["01/10/2018", "01/10/2018", "05/10/2018", "05/10/2018", "08/10/2018", "08/10/2018"]
    skipped = page.locator("details", has_text="ngày được bỏ qua")
    skipped.locator("summary").click()
    for left_out in ("02/10/2018", "03/10/2018", "04/10/2018", "06/10/2018", "07/10/2018"):
        expect(skipped).to_contain_text(left_out)
    _no_sideways_scroll(page)

    last = rows.nth(5).locator("input[name$='-day']")
    last.fill("09/10/2018")
    page.get_by_role("button", name="Tạo các cuộc kiểm tra").click()
    page.wait_for_url(f"**/inspections/plans/{plan.pk}/")
    expect(page.locator("main")).to_contain_text("Đã tạo 6 cuộc kiểm tra.")

    visits = Visit.objects.filter(plan=plan).order_by("starts_at")
    assert [(v.unit.name, v.starts_at) for v in visits] == [
        (communes[0].name, at(date(2018, 10, 1), 7, 30)),
        (communes[1].name, at(date(2018, 10, 1), 13, 30)),
        (communes[2].name, at(date(2018, 10, 5), 7, 30)),
        (communes[3].name, at(date(2018, 10, 5), 13, 30)),
        (communes[4].name, at(date(2018, 10, 8), 7, 30)),
        (communes[5].name, at(date(2018, 10, 9), 13, 30)),
    ]
    assert all(v.team.get().user == leader and v.team.get().role == TeamRole.LEADER for v in visits)
    assert not problems, problems
