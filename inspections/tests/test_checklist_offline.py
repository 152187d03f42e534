"""The checklist kept on the device: the service worker at the site's root and the button that
keeps a visit (their behaviour offline is in test_browser_offline.py)."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from inspections.models import AnswerEvidence

from .answer_factories import criteria_of, start

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
    # The help says, in Vietnamese, what the button does.
    assert "phiếu kiểm tra sẽ mở và điền được trên thiết bị này khi không có kết nối" in html


def test_a_reader_who_cannot_answer_gets_no_offline_button(client, visit, leader):
    client.force_login(leader)  # the visit is not started: nobody answers yet

    response = client.get(reverse("inspections:checklist", args=[visit.pk]))

    assert response.status_code == 200
    assert "checklist-config" in response.content.decode()
    assert "Mang theo để làm ngoại tuyến" not in response.content.decode()


def _jpeg(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return out.getvalue()


def test_an_upload_resent_with_its_id_is_stored_once_even_if_its_bytes_differ(
    client, inspector, visit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    started = start(visit)
    criterion = criteria_of(started)[0]
    client.force_login(inspector)
    url = reverse("inspections:evidence_upload", args=[started.pk, criterion.pk])
    token = str(uuid.uuid4())

    def send(color):
        upload = SimpleUploadedFile("anh.jpg", _jpeg(color), content_type="image/jpeg")
        return client.post(url, {"files": upload, "token": token}, headers={"HX-Request": "true"})

    first, again = send((200, 0, 0)), send((0, 200, 0))

    assert (first.status_code, again.status_code) == (200, 200)
    stored = AnswerEvidence.objects.filter(answer__visit=started)
    assert stored.count() == 1
    assert str(stored.get().client_token) == token
    assert "anh.jpg" in again.content.decode()
    assert len(list((tmp_path / "evidence").rglob("*.jpg"))) == 1


def test_an_upload_id_cannot_attach_a_file_to_another_answer(client, inspector, visit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    started = start(visit)
    one, two = criteria_of(started)[:2]
    client.force_login(inspector)
    token = str(uuid.uuid4())
    for criterion in (one, two):
        upload = SimpleUploadedFile("anh.jpg", _jpeg((9, 9, 9)), content_type="image/jpeg")
        response = client.post(
            reverse("inspections:evidence_upload", args=[started.pk, criterion.pk]),
            {"files": upload, "token": token},
            headers={"HX-Request": "true"},
        )

    assert response.status_code == 422
    assert AnswerEvidence.objects.filter(answer__criterion=two).count() == 0
