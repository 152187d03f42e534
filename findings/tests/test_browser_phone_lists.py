"""Lists on a phone (375 px) are stacked cards: the main action is visible without scrolling sideways."""

from datetime import date

import pytest
from playwright.sync_api import expect

from findings.models import ActionState
from findings.tests.factories import ActionFactory, FindingFactory
from inspections.models import VisitStatus
from inspections.tests.factories import ChecklistTemplateFactory, PlanFactory, VisitFactory, at
from inspections.tests.test_browser_calendar import login
from inspections.tests.test_browser_schedule import _shoot, _watch
from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in_viewport(locator, width=375, height=812) -> bool:
    box = locator.bounding_box()
    return (
        box is not None
        and box["x"] >= 0
        and box["x"] + box["width"] <= width
        and box["y"] + box["height"] <= height
    )


def test_the_heads_review_queue_and_lists_are_cards_with_the_action_in_view_on_a_phone(live_server, page):
    province = UnitFactory(name="UBND tỉnh Đồng Tháp", kind=UnitKind.PROVINCE)
    department = UnitFactory(name="Sở Nội vụ tỉnh Đồng Tháp", kind=UnitKind.DEPARTMENT, parent=province)
    commune = UnitFactory(
        name="UBND xã Bình Tấn, huyện Thanh Bình (nay là xã Bình Tấn)", kind=UnitKind.COMMUNE, parent=province
    )
    UserFactory(username="lanhdao", unit=department, roles=[Role.HEAD])
    leader = UserFactory(username="truongdoan", unit=department, roles=[Role.INSPECTOR])
    plan = PlanFactory(
        issuing_unit=department,
        template=ChecklistTemplateFactory(),
        units=[commune],
        approved=True,
        title="Kế hoạch kiểm tra công tác cải cách hành chính, kiểm soát thủ tục hành chính năm 2027",
    )
    visit = VisitFactory(
        plan=plan,
        unit=commune,
        leader=leader,
        status=VisitStatus.SUBMITTED,
        starts_at=at(date(2027, 1, 12), 8),
        ends_at=at(date(2027, 1, 12), 11),
    )
    ActionFactory(
        finding=FindingFactory(visit=visit, approved=True, created_by=leader), state=ActionState.OPEN
    )
    page.set_viewport_size({"width": 375, "height": 812})
    problems = _watch(page)
    login(page, live_server, "lanhdao")

    page.goto(live_server.url + "/findings/review/")
    review = page.get_by_role("link", name="Duyệt kết quả")
    expect(review).to_be_visible()
    assert _in_viewport(review)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    _shoot(page, "review-queue-phone")

    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_server.url + "/findings/actions/")
    state = page.locator("table.table-cards td.card-action").first
    expect(state).to_be_visible()
    assert _in_viewport(state)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.goto(live_server.url + "/inspections/visits/")
    unit = page.locator("table.table-cards td.card-title-cell a").first
    expect(unit).to_be_visible()
    assert _in_viewport(unit)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # At desktop width the same lists stay tables with their header row.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/findings/review/")
    expect(page.locator("table.table-cards thead th").first).to_be_visible()
    assert not problems, problems


@pytest.mark.parametrize(
    "viewport", [{"width": 375, "height": 812}, {"width": 1366, "height": 900}], ids=["phone", "desktop"]
)
def test_the_liaisons_action_list_and_the_schedulers_visit_list_fit_a_phone_and_are_tables_at_a_desk(
    live_server, page, viewport
):
    province = UnitFactory(name="UBND tỉnh Đồng Tháp", kind=UnitKind.PROVINCE)
    department = UnitFactory(name="Sở Nội vụ tỉnh Đồng Tháp", kind=UnitKind.DEPARTMENT, parent=province)
    commune = UnitFactory(
        name="UBND xã Bình Tấn, huyện Thanh Bình (nay là xã Bình Tấn)", kind=UnitKind.COMMUNE, parent=province
    )
    UserFactory(username="chuyenvien", unit=department, roles=[Role.SCHEDULER])
    UserFactory(username="daumoi", unit=commune, roles=[Role.LIAISON])
    leader = UserFactory(username="truongdoan", unit=department, roles=[Role.INSPECTOR])
    plan = PlanFactory(
        issuing_unit=department,
        template=ChecklistTemplateFactory(),
        units=[commune],
        approved=True,
        title="Kế hoạch kiểm tra công tác cải cách hành chính, kiểm soát thủ tục hành chính năm 2027",
    )
    visit = VisitFactory(
        plan=plan,
        unit=commune,
        leader=leader,
        status=VisitStatus.CONCLUDED,
        starts_at=at(date(2027, 1, 12), 8),
        ends_at=at(date(2027, 1, 12), 11),
    )
    recommendation = "Niêm yết công khai đầy đủ thủ tục hành chính tại Bộ phận một cửa"
    ActionFactory(
        finding=FindingFactory(visit=visit, approved=True, created_by=leader, recommendation=recommendation),
        state=ActionState.OPEN,
    )
    page.set_viewport_size(viewport)
    phone = viewport["width"] == 375
    problems = _watch(page)

    def fits() -> None:
        width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert width <= inner, f"the page scrolls sideways: {width} > {inner}"

    def shown_as(table) -> None:
        header = table.locator("thead th").first
        if phone:
            expect(header).not_to_be_visible()  # kept for screen readers only
            assert table.locator("tbody tr").first.evaluate("r => getComputedStyle(r).display") == "flex"
        else:
            expect(header).to_be_visible()
            assert table.locator("tbody tr").first.evaluate("r => getComputedStyle(r).display") == "table-row"

    login(page, live_server, "daumoi")
    page.goto(live_server.url + "/findings/actions/")
    table = page.locator("table.table-cards")
    action = table.get_by_role("link", name=recommendation)
    expect(action).to_be_visible()
    expect(table.locator("td.card-action").first).to_be_visible()
    if phone:
        assert _in_viewport(action) and _in_viewport(table.locator("td.card-action").first)
    shown_as(table)
    fits()
    page.context.clear_cookies()

    login(page, live_server, "chuyenvien")
    page.goto(live_server.url + "/inspections/visits/")
    table = page.locator("table.table-cards")
    unit = table.get_by_role("link", name=commune.name)
    expect(unit).to_be_visible()
    if phone:
        assert _in_viewport(unit)
    shown_as(table)
    fits()
    unit.click()
    page.wait_for_url(f"**/inspections/visits/{visit.pk}/")
    assert not problems, problems
