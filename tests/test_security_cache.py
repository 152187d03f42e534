"""Signed-in pages and downloads are never stored by the browser or a proxy; static files are."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_a_signed_in_page_is_private_and_not_stored(client, head):
    client.force_login(head)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_a_download_is_private_and_not_stored(client, head):
    client.force_login(head)
    response = client.get(reverse("dashboards:export_units"), {"format": "xlsx"})
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)
    assert "max-age=3600" not in response["Cache-Control"]


def test_a_view_that_chooses_its_own_cache_control_keeps_it(client, inspector):
    client.force_login(inspector)
    response = client.get(reverse("session_keepalive"))  # never_cache: its own header
    assert "max-age=0" in response["Cache-Control"]


def test_static_files_keep_their_cache_for_signed_in_users(client, head, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client.force_login(head)
    response = client.get("/static/js/session.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
