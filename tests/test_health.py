"""/healthz and /readyz: what a load balancer asks a web node, anonymously and cheaply."""

import json

import pytest
from django.db import OperationalError, connections
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


def test_healthz_answers_anonymously_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ok_when_database_broker_and_storage_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert body["checks"] == {"database": "ok", "broker": "ok", "storage": "ok"}


def test_readyz_is_503_and_names_the_database_when_it_is_unreachable(client, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "ensure_connection", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "fail"
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == "fail: OperationalError"
    assert "connection refused" not in response.content.decode()


def test_readyz_is_503_and_names_the_broker_when_redis_does_not_answer(client, settings):
    # Nothing listens on port 1 of the loopback: the connection is refused at once.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_is_503_when_media_root_cannot_be_made(client, settings, tmp_path):
    (tmp_path / "a-file").write_text("")
    settings.MEDIA_ROOT = tmp_path / "a-file" / "media"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]


def test_readyz_is_503_when_the_bucket_cannot_be_reached(client, settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "core.private_s3.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": "kiemtra",
                "endpoint_url": "http://127.0.0.1:1",
                "region_name": "us-east-1",
            },
        },
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]


def test_readyz_on_a_fresh_install_makes_media_root_as_the_first_upload_would(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "fresh" / "media"

    assert client.get("/readyz").status_code == 200
    assert settings.MEDIA_ROOT.is_dir()


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_over_plain_http_are_not_redirected_to_https(settings, path):
    settings.SECURE_SSL_REDIRECT = True

    assert Client().get(path).status_code == 200
    assert Client().get("/accounts/login/").status_code == 301


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_refuse_writes(client, path):
    assert client.post(path).status_code == 405


def test_behind_nginx_the_lockout_counts_the_client_address_not_the_proxys(client, settings):
    from axes.models import AccessAttempt

    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_REAL_IP", "REMOTE_ADDR")

    client.post(
        "/accounts/login/",
        {"username": "someone", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="203.0.113.7",
    )

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]
