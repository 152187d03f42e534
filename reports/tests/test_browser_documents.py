"""A department head gets the conclusion notice of xã Bình Tấn in a real browser.

The panel is loaded into the visit page by htmx, the request answers in place, a report still
being produced shows its progress and turns into a download link by itself (polling), and the
downloaded files open. Chromium also reports what the test client cannot: scripts refused by the
Content Security Policy, JavaScript errors. Screenshots go to test-results/browser/.
"""

import io
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from reports.models import Report, ReportFormat, ReportKind, ReportState
from reports.services import report_generate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media"),
    pytest.mark.browser_context_args(accept_downloads=True),
]

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
            m.type == "error"
            and not m.location.get("url", "").endswith("/favicon.ico")  # the layout declares no icon yet
            and problems.append(f"console: {m.text} ({m.location.get('url')})")
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"exception: {exc}"))
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and problems.append(f"HTTP {r.status}: {r.url}")
        ),
    )
    return problems


def _log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(base_url + "/")


def test_head_requests_and_downloads_the_conclusion_notice(page: Page, live_server, binh_tan_visit, head):
    problems = _watch(page)
    _log_in(page, live_server.url, head.username)
    page.goto(f"{live_server.url}/inspections/visits/{binh_tan_visit.pk}/")

    panel = page.locator(".report-panel")
    expect(panel).to_be_visible()
    panel.locator("button[value=docx]").click()
    download_link = panel.locator("a[href$='/download/']").first
    expect(download_link).to_be_visible()
    with page.expect_download() as info:
        download_link.click()
    content = Path(info.value.path()).read_bytes()
    doc = Document(io.BytesIO(content))
    assert "THÔNG BÁO" in [p.text for p in doc.paragraphs]
    assert info.value.suggested_filename == "thong-bao-ket-luan_12-tb-snv_xa-binh-tan.docx"

    panel.locator("button[value=pdf]").click()
    expect(panel.locator("a[href$='/download/']")).to_have_count(2)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "reports-visit-panel.png", full_page=True)
    assert problems == []


def test_a_report_in_production_shows_progress_then_its_download(
    page: Page, live_server, binh_tan_visit, head
):
    problems = _watch(page)
    report = Report.objects.create(
        kind=ReportKind.CONCLUSION, format=ReportFormat.PDF, visit=binh_tan_visit, requested_by=head
    )
    Report.objects.filter(pk=report.pk).update(state=ReportState.RUNNING, progress=30)
    _log_in(page, live_server.url, head.username)
    page.goto(f"{live_server.url}/reports/{report.pk}/")

    status = page.locator("#report-status")
    expect(status.locator("progress")).to_have_attribute("value", "30")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "reports-detail-running.png", full_page=True)

    # The worker finishes it (the page polls every 2 s and shows the download by itself).
    Report.objects.filter(pk=report.pk).update(state=ReportState.QUEUED)
    report_generate(report_id=report.pk)
    expect(status.locator("a[href$='/download/']")).to_be_visible(timeout=10_000)
    expect(status.locator("progress")).to_have_count(0)
    page.screenshot(path=SHOTS / "reports-detail-done.png", full_page=True)
    with page.expect_download() as info:
        status.locator("a[href$='/download/']").click()
    assert Path(info.value.path()).read_bytes()[:4] == b"%PDF"
    assert problems == []
