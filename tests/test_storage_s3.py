"""Private files on an S3-compatible bucket (moto stands in for it): stored there, never public,
handed out only after the access check; and the move of existing files from disk to the bucket."""

import hashlib

import boto3
import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.urls import reverse
from moto import mock_aws

from inspections.models import AnswerEvidence
from inspections.tests.answer_factories import criteria_of, start
from inspections.tests.conftest import approved_plan, plan, template, visit  # noqa: F401
from inspections.tests.test_evidence import PDF, upload

BUCKET = "kiemtra-test"


def s3_storage(**options):
    return {
        "BACKEND": "core.private_s3.PrivateS3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "region_name": "us-east-1", "querystring_expire": 60, **options},
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.PRIVATE_FILES_ACCEL_PREFIX = ""
    return settings.MEDIA_ROOT


@pytest.fixture
def s3(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


@pytest.fixture
def on_bucket(settings, s3):
    settings.STORAGES = {**settings.STORAGES, "private": s3_storage()}
    return s3


@pytest.fixture
def started(visit):  # noqa: F811
    return start(visit)


@pytest.fixture
def evidence(client, inspector, started):
    client.force_login(inspector)
    assert upload(client, started, criteria_of(started)[0], ("biên bản.pdf", PDF)).status_code == 200
    client.logout()
    return AnswerEvidence.objects.get()


def download_url(evidence):
    return reverse("inspections:evidence_download", args=[evidence.answer.visit_id, evidence.pk])


def keys(s3) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_uploaded_evidence_goes_to_the_bucket_privately_and_not_to_the_disk(on_bucket, evidence, _media):
    assert keys(on_bucket) == [evidence.file.name]
    body = on_bucket.get_object(Bucket=BUCKET, Key=evidence.file.name)["Body"].read()
    assert body == PDF
    assert not [p for p in _media.rglob("*") if p.is_file()]
    grants = on_bucket.get_object_acl(Bucket=BUCKET, Key=evidence.file.name)["Grants"]
    assert all(
        "AllUsers" not in str(g["Grantee"]) and "AuthenticatedUsers" not in str(g["Grantee"]) for g in grants
    )


def test_a_member_is_redirected_to_a_signed_url_that_expires_in_a_minute(client, leader, on_bucket, evidence):
    client.force_login(leader)

    response = client.get(download_url(evidence))

    assert response.status_code == 302
    location = response["Location"]
    assert f"/{BUCKET}/{evidence.file.name}?" in location or f"{BUCKET}.s3" in location
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=60" in location
    assert "response-content-disposition=inline" in location  # a PDF opens in the browser
    assert response["Cache-Control"] == "no-store"


def test_outsiders_get_no_signed_url(client, outsider, on_bucket, evidence):
    client.force_login(outsider)

    response = client.get(download_url(evidence))

    assert response.status_code == 404
    assert "Location" not in response


def test_behind_nginx_the_bucket_is_proxied_through_an_internal_location(
    client, settings, leader, on_bucket, evidence
):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private/"
    client.force_login(leader)

    response = client.get(download_url(evidence))

    assert response.status_code == 200
    target = response["X-Accel-Redirect"]
    assert target.startswith("/_private/s3/https/")
    assert f"/{evidence.file.name}?" in target and "X-Amz-Signature=" in target
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b""


def test_behind_nginx_a_local_file_is_sent_by_nginx_not_by_the_worker(client, settings, leader, evidence):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private/"
    client.force_login(leader)

    response = client.get(download_url(evidence))

    assert response["X-Accel-Redirect"] == f"/_private/files/{evidence.file.name}"
    assert response.content == b""
    assert "bi%C3%AAn%20b%E1%BA%A3n.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_readyz_checks_the_bucket(client, db, on_bucket):
    assert client.get("/readyz").json()["checks"]["storage"] == "ok"
    on_bucket.delete_bucket(Bucket=BUCKET)
    assert client.get("/readyz").json()["failed"] == ["storage"]


# Moving existing files


@pytest.fixture
def evidence_on_disk(settings, evidence, s3):
    """Evidence saved on the local disk, then the deployment switched to the bucket."""
    settings.STORAGES = {**settings.STORAGES, "private": s3_storage()}
    return evidence


def test_media_to_bucket_copies_every_file_with_its_hash_and_the_download_still_works(
    client, leader, s3, evidence_on_disk, capsys
):
    call_command("media_to_bucket")

    name = evidence_on_disk.file.name
    head = s3.head_object(Bucket=BUCKET, Key=name)
    assert head["Metadata"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert s3.get_object(Bucket=BUCKET, Key=name)["Body"].read() == PDF
    assert "copied: 1" in capsys.readouterr().out
    client.force_login(leader)
    assert client.get(download_url(evidence_on_disk)).status_code == 302


def test_media_to_bucket_run_twice_copies_nothing_the_second_time(s3, evidence_on_disk, capsys):
    call_command("media_to_bucket")
    first = s3.head_object(Bucket=BUCKET, Key=evidence_on_disk.file.name)["LastModified"]
    capsys.readouterr()

    call_command("media_to_bucket")

    assert "copied: 0, already there: 1" in capsys.readouterr().out
    assert s3.head_object(Bucket=BUCKET, Key=evidence_on_disk.file.name)["LastModified"] == first


def test_media_to_bucket_replaces_a_half_copied_object(s3, evidence_on_disk, capsys):
    # An earlier run stopped midway: a truncated object without the hash.
    s3.put_object(Bucket=BUCKET, Key=evidence_on_disk.file.name, Body=PDF[:10])

    call_command("media_to_bucket")

    assert s3.get_object(Bucket=BUCKET, Key=evidence_on_disk.file.name)["Body"].read() == PDF
    assert "copied: 1" in capsys.readouterr().out


def test_media_to_bucket_reports_a_file_missing_on_disk(s3, evidence_on_disk, _media, capsys):
    (_media / evidence_on_disk.file.name).unlink()

    call_command("media_to_bucket")

    out = capsys.readouterr()
    assert "missing on disk: 1" in out.out and evidence_on_disk.file.name in out.err
    assert keys(s3) == []


def test_media_to_bucket_refuses_without_a_bucket(db):
    with pytest.raises(CommandError, match="AWS_STORAGE_BUCKET_NAME"):
        call_command("media_to_bucket")


def test_the_private_backend_follows_the_setting(settings, s3):
    assert type(storages["private"]).__name__ == "PrivateFileSystemStorage"
    settings.STORAGES = {**settings.STORAGES, "private": s3_storage()}
    assert type(storages["private"]).__name__ == "PrivateS3Storage"
