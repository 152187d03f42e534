"""The 2025 merger journey in a real browser, on a phone and on a desk: the scheduler merges xã
Bình Tấn and xã Tân Mỹ into xã Bình Tân Mỹ through the guided page (form, preview with the warning,
confirmation), a second click on the same confirmation changes nothing, the new commune's page and
the search show the communes' inspections marked as before the reorganisation, and the new
commune's liaison finds the 5 actions (4 overdue) they still owed."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from findings.models import RemediationAction
from findings.tests.factories import ActionFactory, FindingFactory, conclude
from inspections.models import VisitStatus
from inspections.tests.factories import ChecklistTemplateFactory, PlanFactory, VisitFactory, at
from inspections.tests.test_browser_calendar import login
from inspections.tests.test_browser_schedule import _shoot, _watch
from units.models import Unit, UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 375, "height": 812}, "desk": {"width": 1280, "height": 800}}


def _world():
    province = UnitFactory(name="UBND tỉnh Đồng Tháp", kind=UnitKind.PROVINCE)
    department = UnitFactory(name="Sở Nội vụ tỉnh Đồng Tháp", kind=UnitKind.DEPARTMENT, parent=province)
    district = UnitFactory(name="UBND huyện Thanh Bình", kind=UnitKind.DISTRICT, parent=province)
    binh_tan = UnitFactory(name="UBND xã Bình Tấn", kind=UnitKind.COMMUNE, parent=district)
    tan_my = UnitFactory(name="UBND xã Tân Mỹ", kind=UnitKind.COMMUNE, parent=district)
    UserFactory(username="chuyenvien", unit=department, roles=[Role.SCHEDULER])
    leader = UserFactory(username="truongdoan", unit=department, roles=[Role.INSPECTOR])
    plan = PlanFactory(
        year=2020,
        issuing_unit=department,
        template=ChecklistTemplateFactory(),
        units=[binh_tan, tan_my],
        approved=True,
        period_start=dt.date(2020, 3, 1),
        period_end=dt.date(2020, 11, 30),
        title="Kế hoạch kiểm tra công tác cải cách hành chính năm 2020",
    )
    today = timezone.localdate()
    due = [today - dt.timedelta(days=d) for d in (40, 30, 20, 10)] + [today + dt.timedelta(days=30)]
    for unit, day, count in [(binh_tan, dt.date(2020, 3, 13), 3), (tan_my, dt.date(2020, 3, 13), 2)]:
        visit = VisitFactory(
            plan=plan,
            unit=unit,
            leader=leader,
            starts_at=at(day, 8),
            ends_at=at(day, 11),
            status=VisitStatus.IN_PROGRESS,
        )
        findings = [FindingFactory(visit=visit, created_by=leader, approved=True) for _ in range(count)]
        conclude(visit, leader)
        for finding in findings:
            ActionFactory(finding=finding, due_date=due.pop(0))
    return province


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_the_merger_journey(live_server, page, size):
    _world()
    page.set_viewport_size(SIZES[size])
    problems = _watch(page)
    login(page, live_server, "chuyenvien")

    page.goto(live_server.url + "/units/")
    page.get_by_role("link", name="Sáp nhập, chia tách, đổi tên đơn vị").click()
    page.get_by_label("Sáp nhập: nhiều đơn vị thành một").check()
    page.locator("select[name=predecessors]").select_option(
        label=["UBND xã Bình Tấn (UBND huyện Thanh Bình)", "UBND xã Tân Mỹ (UBND huyện Thanh Bình)"]
    )
    page.locator("input[name=on]").fill("01/07/2025")
    page.locator("input[name=new_name]").fill("UBND xã Bình Tân Mỹ")
    if size == "phone":
        _shoot(page, "merger-form")
        page.set_viewport_size(SIZES[size])
    page.get_by_role("button", name="Xem trước kết quả").click()

    warning = page.locator("#merger-warning")
    expect(warning).to_contain_text("5 nhiệm vụ khắc phục còn nợ (4 quá hạn)")
    confirm = page.get_by_role("button", name="Xác nhận thay đổi")
    box = confirm.bounding_box()
    assert box is not None and box["height"] >= 44
    if size == "phone":
        _shoot(page, "merger-preview")
        page.set_viewport_size(SIZES[size])
    assert not Unit.objects.filter(name="UBND xã Bình Tân Mỹ").exists()
    # What the confirmation sends, kept to send it again after (a double submit, a resend).
    sent = page.locator("form:has(button[name=confirm])").evaluate(
        "f => new URLSearchParams([...new FormData(f).entries(), ['confirm', '']]).toString()"
    )
    confirm.click()

    expect(page.locator("h1")).to_have_text("UBND xã Bình Tân Mỹ")
    inspections = page.locator("#unit-inspections")
    expect(inspections).to_contain_text("trước sắp xếp: UBND xã Bình Tấn")
    expect(inspections).to_contain_text("trước sắp xếp: UBND xã Tân Mỹ")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    if size == "phone":
        _shoot(page, "merger-successor")
        page.set_viewport_size(SIZES[size])

    # The same confirmation sent again: nothing is applied twice, it lands on the new commune.
    again = page.request.post(
        live_server.url + "/findings/units/merger/",
        data=sent,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    ward = Unit.objects.get(name="UBND xã Bình Tân Mỹ")
    assert again.ok and again.url.endswith(ward.get_absolute_url())
    assert "Thay đổi này đã được thực hiện" in again.text()
    assert Unit.objects.filter(name="UBND xã Bình Tân Mỹ").count() == 1
    assert RemediationAction.objects.filter(unit=ward).count() == 5

    page.goto(live_server.url + "/search/?q=binh+tan+my&kind=visits")
    expect(page.get_by_text("trước sắp xếp: UBND xã Bình Tấn")).to_be_visible()

    # The new commune's liaison (the administrator moved the account) finds the work.
    UserFactory(username="binhtanmy", unit=ward, roles=[Role.LIAISON])
    page.goto(live_server.url + "/")
    page.context.clear_cookies()
    login(page, live_server, "binhtanmy")
    page.goto(live_server.url + "/findings/my-unit/")
    expect(page.get_by_text("5 nhiệm vụ cần hoàn thành, 4 nhiệm vụ quá hạn.")).to_be_visible()
    expect(page.get_by_text("trước sắp xếp: UBND xã Bình Tấn")).to_be_visible()
    if size == "phone":
        _shoot(page, "merger-liaison")
    assert not problems, problems


def test_closing_a_unit_with_open_work_warns_then_its_actions_are_reassigned_on_a_phone(live_server, page):
    province = _world()
    binh_tan = Unit.objects.get(name="UBND xã Bình Tấn")
    page.set_viewport_size(SIZES["phone"])
    problems = _watch(page)
    login(page, live_server, "chuyenvien")

    page.goto(live_server.url + binh_tan.get_absolute_url() + "edit/")
    page.locator("input[name=valid_to]").fill("01/07/2025")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#closing-warning")).to_contain_text("Quá hạn")
    expect(page.get_by_role("link", name="Chuyển giao cho đơn vị kế thừa")).to_be_visible()
    _shoot(page, "merger-closing-warning")
    page.set_viewport_size(SIZES["phone"])
    binh_tan.refresh_from_db()
    assert binh_tan.valid_to is None

    # Closed anyway, on purpose: its three actions stay; the scheduler then gives them to the ward.
    page.get_by_label("Vẫn kết thúc đơn vị", exact=False).check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("h1")).to_have_text("UBND xã Bình Tấn")
    # The unit page's panels load after it (htmx): let them finish before this thread writes, as
    # SQLite's shared in-memory test database refuses a read of a table another connection is
    # writing ("database table is locked"), which no user's request meets.
    page.wait_for_load_state("networkidle")
    ward = UnitFactory(name="UBND xã Bình Tân Mỹ", kind=UnitKind.COMMUNE, parent=province)
    page.goto(live_server.url + "/findings/units/closed-actions/")
    cards = page.locator("section.card")
    expect(cards).to_have_count(3)
    _shoot(page, "merger-closed-actions")
    page.set_viewport_size(SIZES["phone"])
    first = cards.first
    first.locator("select").select_option(label="UBND xã Bình Tân Mỹ")
    first.get_by_role("button", name="Giao lại").click()
    expect(page.get_by_text("Nhiệm vụ khắc phục nay do UBND xã Bình Tân Mỹ thực hiện.")).to_be_visible()
    expect(page.locator("section.card")).to_have_count(2)
    assert RemediationAction.objects.filter(unit=ward).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not problems, problems
