"""Sessions end after 30 idle minutes and 12 hours in all; the page warns a minute before."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from core.models import SecurityEvent, SecurityEventKind

pytestmark = pytest.mark.django_db
HOME = "/"


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def _signed_in(client, user, clock):
    client.force_login(user)
    assert client.get(HOME).status_code == 200
    return client


def _is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_default_limits_are_30_idle_minutes_and_12_hours():
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_MAX_HOURS == 12
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_a_session_idle_for_31_minutes_ends_with_a_vietnamese_message(client, inspector, clock):
    _signed_in(client, inspector, clock)
    clock.shift(timedelta(minutes=31))

    response = client.get(HOME)

    assert _is_login_redirect(response)
    page = client.get(response["Location"]).content.decode()
    assert "Phiên làm việc đã kết thúc do không hoạt động trong 30 phút" in page
    assert "_auth_user_id" not in client.session
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SESSION_EXPIRED)
    assert (event.actor_username, event.detail) == ("inspector", {"reason": "idle"})


def test_activity_within_the_idle_limit_keeps_the_session(client, inspector, clock):
    _signed_in(client, inspector, clock)
    for _ in range(3):
        clock.shift(timedelta(minutes=25))
        assert client.get(HOME).status_code == 200


def test_no_session_lasts_longer_than_12_hours_even_when_busy(client, inspector, clock):
    _signed_in(client, inspector, clock)
    for _ in range(24):
        clock.shift(timedelta(minutes=29))
        assert client.get(HOME).status_code == 200
    clock.shift(timedelta(minutes=25))  # 11 h 36 min + 25 min: past 12 hours, never idle

    response = client.get(HOME)

    assert _is_login_redirect(response)
    assert SecurityEvent.objects.get(kind=SecurityEventKind.SESSION_EXPIRED).detail == {"reason": "max_age"}


def test_the_limits_come_from_the_settings(client, inspector, clock, settings):
    settings.SESSION_IDLE_MINUTES = 5
    _signed_in(client, inspector, clock)
    clock.shift(timedelta(minutes=6))
    assert _is_login_redirect(client.get(HOME))


def test_asking_the_time_left_is_not_activity(client, inspector, clock):
    _signed_in(client, inspector, clock)
    clock.shift(timedelta(minutes=20))

    response = client.get(reverse("session_keepalive"))

    assert response.json() == {"seconds_left": 10 * 60, "idle_seconds": 30 * 60}
    assert "no-store" in response["Cache-Control"]
    clock.shift(timedelta(minutes=11))
    assert _is_login_redirect(client.get(HOME))


def test_continue_working_restarts_the_idle_clock(client, inspector, clock):
    _signed_in(client, inspector, clock)
    clock.shift(timedelta(minutes=29))

    response = client.post(reverse("session_keepalive"))

    assert response.json()["seconds_left"] == 30 * 60
    clock.shift(timedelta(minutes=29))
    assert client.get(HOME).status_code == 200


def test_the_checklist_queue_sees_an_expired_session_as_a_redirect_and_keeps_its_answers(
    client, inspector, clock
):
    # checklist.js reads a redirect ("opaqueredirect") as "logged out" and keeps the item queued.
    _signed_in(client, inspector, clock)
    clock.shift(timedelta(minutes=31))
    response = client.post(reverse("session_keepalive"), headers={"HX-Request": "true"})
    assert _is_login_redirect(response)
    assert "Clear-Site-Data" not in response


def test_signed_in_pages_load_the_warning_script_with_the_csp_nonce(client, inspector, clock):
    _signed_in(client, inspector, clock)

    response = client.get(HOME)

    html = response.content.decode()
    assert "Tiếp tục làm việc" in html
    assert "Phiên làm việc sẽ hết hạn sau 1 phút nữa do không hoạt động." in html
    assert 'data-idle-seconds="1800"' in html and 'data-warning-seconds="60"' in html
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert re.search(rf'<script src="[^"]*js/session\.js" nonce="{re.escape(nonce)}"', html)


def test_the_login_page_has_no_warning_script(client):
    assert "session.js" not in client.get(reverse("login")).content.decode()


def test_the_warning_script_never_clears_what_the_device_keeps():
    script = open(finders.find("js/session.js"), encoding="utf-8").read()
    for forbidden in ("localStorage", "sessionStorage", "indexedDB", "caches.delete", "clear("):
        assert forbidden not in script.replace("never touches localStorage, sessionStorage or IndexedDB", "")
    assert "/accounts/session/" not in script  # the address comes from the page


def test_logging_out_leaves_the_devices_storage_alone(client, inspector):
    client.force_login(inspector)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "Clear-Site-Data" not in response
