"""The head's review page in a browser: the cards and decision forms drawn in Python
(findings/review_cards.py) still post with htmx, keep what was typed next to the message, and
update the counts of the "finish" section."""

from datetime import date

import pytest
from playwright.sync_api import expect

from findings.models import ReviewState
from findings.tests.factories import FindingFactory
from inspections.models import VisitStatus
from inspections.tests.factories import ChecklistTemplateFactory, PlanFactory, VisitFactory, at
from inspections.tests.test_browser_calendar import login
from inspections.tests.test_browser_schedule import _watch
from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_head_returns_a_finding_with_htmx_and_a_refusal_keeps_the_typed_text(live_server, page):
    province = UnitFactory(name="UBND tỉnh Đồng Tháp", kind=UnitKind.PROVINCE)
    department = UnitFactory(name="Sở Nội vụ tỉnh Đồng Tháp", kind=UnitKind.DEPARTMENT, parent=province)
    commune = UnitFactory(name="UBND xã Bình Tấn", kind=UnitKind.COMMUNE, parent=province)
    UserFactory(username="lanhdao", unit=department, roles=[Role.HEAD])
    leader = UserFactory(username="truongdoan", unit=department, roles=[Role.INSPECTOR])
    plan = PlanFactory(
        issuing_unit=department, template=ChecklistTemplateFactory(), units=[commune], approved=True
    )
    visit = VisitFactory(
        plan=plan,
        unit=commune,
        leader=leader,
        status=VisitStatus.SUBMITTED,
        starts_at=at(date(2027, 1, 12), 8),
        ends_at=at(date(2027, 1, 12), 11),
    )
    finding, other = FindingFactory.create_batch(
        2, visit=visit, created_by=leader, review_state=ReviewState.SUBMITTED
    )
    page.set_viewport_size({"width": 375, "height": 812})
    problems = _watch(page)
    login(page, live_server, "lanhdao")
    page.goto(f"{live_server.url}/findings/visits/{visit.pk}/review/")

    card = page.locator(f"#finding-{finding.pk}")
    # Returning without a comment: refused in place, the reworded text kept, the message by the field.
    card.get_by_label("Trả lại đoàn kiểm tra").check()
    card.locator("summary").click()
    card.get_by_label("Nội dung kết luận").fill("Lời văn mới của lãnh đạo")
    card.get_by_role("button", name="Lưu quyết định").click()
    card = page.locator(f"#finding-{finding.pk}")
    expect(card.locator(f"#id_f{finding.pk}-comment_error")).to_be_visible()
    expect(card.get_by_label("Nội dung kết luận")).to_have_value("Lời văn mới của lãnh đạo")
    expect(card.get_by_label("Trả lại đoàn kiểm tra")).to_be_checked()
    assert page.url.endswith(f"/findings/visits/{visit.pk}/review/")  # htmx: no page load

    card.get_by_label("Ý kiến gửi đoàn kiểm tra").fill("Ghi rõ số hồ sơ trễ hạn.")
    card.get_by_role("button", name="Lưu quyết định").click()
    card = page.locator(f"#finding-{finding.pk}")
    expect(card.locator(".badge", has_text="Trả lại")).to_be_visible()
    expect(card.get_by_text("Ghi rõ số hồ sơ trễ hạn.")).to_be_visible()
    # The "finish" section's counts came along out of band.
    expect(page.locator("#finish-review")).to_contain_text("trả lại: 1")
    expect(page.locator(f"#finding-{other.pk} textarea").first).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finding.refresh_from_db()
    assert finding.review_state == ReviewState.RETURNED
    assert not problems, problems
