"""In a real browser: the session warning a minute before the end, "Tiếp tục làm việc", and the
end of the session, which opens the login page and leaves the device's storage alone."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from units.roles import Role
from units.tests.factories import UserFactory

from .test_browser_login import commune, log_in, watch  # noqa: F401  (commune: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_page_warns_before_the_session_ends_and_keeps_the_devices_data(
    live_server,
    page,
    settings,
    commune,  # noqa: F811  the fixture imported above
):
    settings.SESSION_IDLE_MINUTES = 3
    UserFactory(username="binhtan", unit=commune, roles=[Role.LIAISON])
    problems = watch(page)
    page.clock.install()
    with time_machine.travel(timezone.now(), tick=True) as server:
        log_in(page, live_server.url, "binhtan")
        # An inspector's unsent answers live in the browser's storage.
        page.evaluate("localStorage.setItem('kiemtra-unsent', 'answer 1.1')")
        warning = page.get_by_role("alertdialog")
        expect(warning).to_be_hidden()

        server.shift(timedelta(minutes=2, seconds=5))
        page.clock.fast_forward("02:05")
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("Phiên làm việc sẽ hết hạn sau 1 phút nữa do không hoạt động.")

        page.get_by_role("button", name="Tiếp tục làm việc").click()
        expect(warning).to_be_hidden()

        server.shift(timedelta(minutes=2, seconds=30))  # still within 3 minutes of "continue"
        page.clock.fast_forward("02:30")
        expect(warning).to_be_visible()
        server.shift(timedelta(minutes=1))
        page.clock.fast_forward("01:05")
        page.wait_for_url(re.compile(r"/accounts/login/\?next=%2F$"))

    assert page.evaluate("localStorage.getItem('kiemtra-unsent')") == "answer 1.1"
    assert "Phiên làm việc đã kết thúc do không hoạt động trong 3 phút" in page.content()
    assert problems == []
