"""The head's dashboard on a phone, read from the roll-ups: the time the figures are as of shows
under the filters, the charts draw, nothing is refused. Screenshot in test-results/browser/."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from reports.dashboards.rollups import dashboards_refresh

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(viewport={"width": 375, "height": 812}),
]

PASSWORD = "mat-khau-thu-nghiem"
SHOTS = Path("test-results/browser")


def test_head_sees_the_time_of_the_figures_on_a_phone(page: Page, live_server, head, world):
    dashboards_refresh()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill(head.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/dashboards/?year=2026")
    expect(page.locator("#figures-as-of")).to_contain_text("Số liệu tính đến")
    expect(page.locator("#chart-ranking")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-phone.png"), full_page=True)
    assert errors == []
