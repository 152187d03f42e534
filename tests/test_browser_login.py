"""A liaison and a scheduler log in through the real login page in a real browser.

The browser reports what the test client cannot: scripts and styles refused by the Content
Security Policy, missing static files, JavaScript errors. Screenshots at phone and desktop size
go to test-results/browser/ for a person to look at.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem"
SCREENS = {"375x812": {"width": 375, "height": 812}, "1280x800": {"width": 1280, "height": 800}}
SHOTS = Path("test-results/browser")

# Chromium logs CSP violations as console errors, but this also catches the ones it does not
# (report-only, blocked eval): each violation event is logged as a console error.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


# The browser asks for /favicon.ico on its own, at a moment of its choosing, and base.html
# declares no icon yet: that 404 is a known gap of the layout, not something a page did.
IGNORED_URLS = ("/favicon.ico",)


def watch(page: Page) -> list[str]:
    """Collect console errors, uncaught exceptions and failed requests of ``page``."""
    problems: list[str] = []

    def on_console(msg):
        url = msg.location.get("url", "")
        if msg.type == "error" and not url.endswith(IGNORED_URLS):
            problems.append(f"console: {msg.text} ({url})")

    page.add_init_script(CSP_LISTENER)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"exception: {exc}"))
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith(IGNORED_URLS)
            and problems.append(f"HTTP {r.status}: {r.url}")
        ),
    )
    return problems


def shoot(page: Page, name: str) -> None:
    """Screenshots of the current page at phone and desktop size."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in SCREENS.items():
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"{name}-{label}.png", full_page=True)


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    # The login form's own submit button, whatever its translated label (the footer has a form too).
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(base_url + "/")


@pytest.fixture
def commune(db):
    province = UnitFactory(name="UBND tỉnh Đồng Tháp", kind=UnitKind.PROVINCE, code="DT")
    district = UnitFactory(name="UBND huyện Thanh Bình", kind=UnitKind.DISTRICT, parent=province)
    return UnitFactory(
        name="UBND xã Bình Tấn", short_name="Xã Bình Tấn", kind=UnitKind.COMMUNE, parent=district
    )


@pytest.fixture
def office(commune):
    province = commune.parent.parent
    department = UnitFactory(
        name="Sở Nội vụ tỉnh Đồng Tháp", short_name="SNV", kind=UnitKind.DEPARTMENT, parent=province
    )
    return UnitFactory(
        name="Phòng Cải cách hành chính và Xây dựng chính quyền", kind=UnitKind.OFFICE, parent=department
    )


def test_liaison_logs_in_and_lands_on_home_page_without_console_errors(live_server, page, commune):
    UserFactory(
        username="binhtan",
        last_name="Võ",
        first_name="Thị Kim Thủy",
        position="Công chức Văn phòng - Thống kê xã Bình Tấn",
        unit=commune,
        roles=[Role.LIAISON],
    )
    problems = watch(page)

    log_in(page, live_server.url, "binhtan")

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Võ Thị Kim Thủy")
    expect(page.locator("main")).to_contain_text("UBND xã Bình Tấn")
    shoot(page, "liaison-home")
    page.goto(live_server.url + commune.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("UBND xã Bình Tấn")
    shoot(page, "liaison-unit")
    assert problems == []


def test_scheduler_logs_in_and_opens_unit_list_without_console_errors(live_server, page, office, commune):
    UserFactory(
        username="chuyenvien",
        last_name="Lê",
        first_name="Thị Bích Trâm",
        position="Chuyên viên Phòng CCHC và XDCQ",
        unit=office,
        roles=[Role.SCHEDULER],
    )
    problems = watch(page)

    page.goto(live_server.url + "/accounts/login/")
    shoot(page, "login")
    log_in(page, live_server.url, "chuyenvien")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Lê Thị Bích Trâm")
    shoot(page, "scheduler-home")
    page.goto(live_server.url + "/units/")
    expect(page.locator("main")).to_contain_text("UBND xã Bình Tấn")
    shoot(page, "scheduler-unit-list")
    assert problems == []
