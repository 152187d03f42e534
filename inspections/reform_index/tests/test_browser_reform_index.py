"""The reform index in a real Chromium on the demo data (Đồng Tháp, this year's round).

The liaison of xã Bình Tân Mỹ scores on a 375 px phone with evidence; the appraiser works at a desk
with the last inspection's results beside each self-score; and the whole journey of the issue:
scored with evidence, two criteria adjusted with reasons, the unit responds, the head approves,
and the published ranking document lists every unit in scope. Screenshots go to
test-results/browser/.
"""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from playwright.sync_api import Page, expect

from findings.tests.factories import PDF
from inspections.reform_index.models import CardStatus, CriterionScore, IndexRound, RoundStatus, Scorecard

SHOTS = Path("test-results/browser")
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport=PHONE),
]


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=io.StringIO())
    return Scorecard.objects.select_related("round").get(unit__code="DT-BTM")


def log_in(page: Page, base_url: str, username: str, next_url: str = "/") -> None:
    page.goto(f"{base_url}{reverse('login')}?next={next_url}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(settings.DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(f"{base_url}{next_url}")


def log_out(page: Page) -> None:
    page.context.clear_cookies()


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"reform-index-{name}.png", full_page=True)


def assert_touch_sized(page: Page, selector: str) -> None:
    """Every visible control matched is at least 44 px high."""
    for control in page.locator(selector).all():
        if control.is_visible():
            box = control.bounding_box()
            assert box["height"] >= 44, f"{selector} is {box['height']} px high"


def score_domain(page: Page, *, upload: bool) -> None:
    """Fill every empty score of the domain on the page; explain where evidence is required."""
    for i, fieldset in enumerate(page.locator("fieldset.ri-criterion").all()):
        score = fieldset.locator("input.score-input")
        if not score.input_value():
            score.fill("1")
        if upload and i == 0:
            fieldset.locator("input[type=file]").set_input_files(
                {"name": "ke-hoach-cchc.pdf", "mimeType": "application/pdf", "buffer": PDF}
            )
        explanation = fieldset.locator("textarea")
        if fieldset.locator(".badge.text-bg-warning").count() and not explanation.input_value() and i > 0:
            explanation.fill("Không phát sinh văn bản trong năm.")


def test_the_liaison_scores_on_a_phone(live_server, page: Page, demo: Scorecard):
    log_in(page, live_server.url, "binhtanmy")
    task = page.locator("#home-reform-index")
    expect(task).to_contain_text("Tự chấm điểm Chỉ số CCHC")
    task.get_by_role("link", name="Mở phiếu chấm điểm").click()
    expect(page.locator("h1")).to_contain_text("Chỉ số CCHC")
    page.locator("#score-domains a").first.click()
    assert_touch_sized(page, ".ri-page .btn, .ri-page input.score-input, .ri-page select")
    shoot(page, "liaison-score-375x812")
    score_domain(page, upload=True)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu")
    expect(page.locator("fieldset.ri-criterion").first).to_contain_text("ke-hoach-cchc.pdf")
    first_domain = CriterionScore.objects.filter(scorecard=demo, criterion__domain__code="1")
    assert not first_domain.filter(self_score__isnull=True).exists()
    # No page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_appraiser_works_at_a_desk_with_the_last_inspection_beside(
    live_server, page: Page, demo: Scorecard
):
    card = Scorecard.objects.filter(round=demo.round, status=CardStatus.SUBMITTED).first()
    page.set_viewport_size(DESKTOP)
    url = reverse("reform_index:card_appraise", args=[card.pk])
    log_in(page, live_server.url, "kiemtra", url)
    expect(page.locator("fieldset.ri-criterion").first).to_be_visible()
    first = page.locator("fieldset.ri-criterion").first
    self_score = first.locator(".self-score").inner_text()
    first.locator("input.score-input").fill("0")
    page.locator("#save-appraisal").click()
    expect(first.locator(".invalid-feedback")).to_contain_text("lý do")
    first = page.locator("fieldset.ri-criterion").first
    first.locator("textarea").fill("Tài liệu kiểm chứng chưa đầy đủ.")
    page.locator("#save-appraisal").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu kết quả thẩm định")
    shoot(page, "appraisal-1280x800")
    assert self_score != "0"
    assert CriterionScore.objects.filter(scorecard=card, appraised_score=0).count() == 1


def test_the_journey_from_self_scoring_to_the_published_ranking(live_server, page: Page, demo: Scorecard):
    # 1. The liaison scores the commune on the phone, domain by domain, with evidence.
    log_in(page, live_server.url, "binhtanmy", demo.get_absolute_url())
    page.locator("#score-domains a").first.click()
    for n in range(20):
        score_domain(page, upload=n == 0)
        page.get_by_role("button", name="Lưu và sang lĩnh vực tiếp theo").click()
        expect(page.locator(".alert-success")).to_be_visible()
        if not CriterionScore.objects.filter(scorecard=demo, self_score__isnull=True).exists():
            break
    page.goto(live_server.url + demo.get_absolute_url())
    page.get_by_role("button", name="Gửi kết quả tự chấm điểm").click()
    expect(page.locator("#card-status")).to_contain_text("Đã gửi")
    log_out(page)

    # 2. The appraiser adjusts two criteria with reasons, the last inspection's results beside them.
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, "kiemtra", reverse("reform_index:card_appraise", args=[demo.pk]))
    expect(page.locator("#last-visit")).to_contain_text("13/03/2020")
    adjusted = {
        "1.4": "Kế hoạch ban hành chậm; Đoàn kiểm tra năm 2020 đã nêu hạn chế này.",
        "3.3": "Thiếu báo cáo quý.",
    }
    for code, reason in adjusted.items():
        row = page.locator(f"#criterion-{code.replace('.', '\\.')}")
        expect(row.locator(".last-score")).to_be_visible()
        expect(row.locator(".open-limitations li")).not_to_have_count(0)
        row.locator("input.score-input").fill("0.25")
        row.locator("textarea").fill(reason)
    page.locator("#save-appraisal").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.locator("#send-appraisal").click()
    log_out(page)

    # 3. The unit sees the differences and responds once.
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "binhtanmy", demo.get_absolute_url())
    expect(page.locator(".ri-adjusted")).to_have_count(2)
    assert_touch_sized(page, ".ri-page .btn, .ri-page textarea")
    shoot(page, "liaison-card-375x812")
    page.locator("#id_response").fill(
        "Đơn vị thống nhất với kết quả thẩm định tiêu chí 3.3; tiêu chí 1.4 đề nghị xem xét lại."
    )
    page.get_by_role("button", name="Gửi phản hồi").click()
    expect(page.locator("#unit-response")).to_contain_text("tiêu chí 1.4")
    expect(page.locator("#respond")).to_have_count(0)
    log_out(page)

    # The rest of the province is through already (the demo's other units, approved here).
    Scorecard.objects.filter(round=demo.round).exclude(pk=demo.pk).update(status=CardStatus.APPROVED)

    # 4. The head approves the final scores and publishes the ranking.
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, "lanhdao", demo.get_absolute_url())
    page.locator("#approve").click()
    expect(page.locator("#card-status")).to_contain_text("Đã phê duyệt")
    page.goto(live_server.url + demo.round.get_absolute_url())
    shoot(page, "round-1280x800")
    publish = page.locator("#publish")
    if not publish.locator("#id_signer_name").input_value():
        publish.locator("#id_signer_name").fill("Nguyễn Văn Lãnh")
    if not publish.locator("#id_signer_title").input_value():
        publish.locator("#id_signer_title").fill("GIÁM ĐỐC")
    publish.get_by_role("button", name="Công bố kết quả xếp hạng").click()
    index_round = IndexRound.objects.get(pk=demo.round_id)
    assert index_round.status == RoundStatus.PUBLISHED
    log_out(page)

    # 5. Every unit sees the published ranking; the issued document lists every unit in scope.
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "binhtanmy", reverse("reform_index:ranking", args=[index_round.pk]))
    expect(page.locator("h1")).to_contain_text("xếp hạng")
    expect(page.locator("tr.ri-own")).to_contain_text("Bình Tân Mỹ")
    page.wait_for_timeout(1500)  # the charts' entry animation
    shoot(page, "ranking-375x812")
    doc = index_round.issued_document
    text = "\n".join(
        c.text for t in Document(io.BytesIO(doc.docx.read())).tables for r in t.rows for c in r.cells
    )
    for name in Scorecard.objects.filter(round=index_round).values_list("unit__name", flat=True):
        assert name in text
    expect(page.get_by_role("link", name="DOCX")).to_have_attribute("href", re.compile(r"ranking\.docx$"))
