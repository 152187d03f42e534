"""The checklist kept on the device: the service worker at the site's root and the button that
keeps a visit (their behaviour offline is in test_browser_offline.py)."""

import pytest
from django.urls import reverse

from .answer_factories import start

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_at_the_root_to_anyone_and_never_from_a_stale_cache(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    # Nothing loaded from elsewhere; the static prefix and the cache's name filled in.
    assert "importScripts" not in script and "http" not in script
    assert 'const STATIC = "/static/";' in script
    assert 'const CACHE = "kiemtra-offline-v1";' in script


def test_the_service_worker_refuses_a_post(client):
    assert client.post("/sw.js").status_code == 405


def test_a_team_member_on_a_visit_in_progress_can_take_it_offline(client, inspector, visit):
    started = start(visit)
    client.force_login(inspector)

    html = client.get(reverse("inspections:checklist", args=[started.pk])).content.decode()

    assert "Mang theo để làm ngoại tuyến" in html
    assert 'data-take-offline="/sw.js"' in html


def test_a_reader_who_cannot_answer_gets_no_offline_button(client, visit, leader):
    client.force_login(leader)  # the visit is not started: nobody answers yet

    response = client.get(reverse("inspections:checklist", args=[visit.pk]))

    assert response.status_code == 200
    assert "checklist-config" in response.content.decode()
    assert "Mang theo để làm ngoại tuyến" not in response.content.decode()
