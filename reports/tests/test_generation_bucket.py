"""Reports produced into an S3-compatible bucket (moto stands in for it): a bucket has no local
path, so the worker stores each attempt as its own object and points the row to it under the
lease; a late holder leaves nothing behind."""

import boto3
import pytest
from django.urls import reverse
from moto import mock_aws

from reports import services
from reports.models import Report, ReportFormat, ReportKind, ReportState
from reports.services import generation

BUCKET = "kiemtra-reports-test"


@pytest.fixture
def bucket(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "private": {
                "BACKEND": "core.private_s3.PrivateS3Storage",
                "OPTIONS": {"bucket_name": BUCKET, "region_name": "us-east-1", "querystring_expire": 60},
            },
        }
        settings.PRIVATE_FILES_ACCEL_PREFIX = ""
        yield client


def objects(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def queued(user, visit) -> Report:
    return Report.objects.create(
        requested_by=user, kind=ReportKind.CONCLUSION, format=ReportFormat.DOCX, visit=visit
    )


def test_a_report_is_stored_in_the_bucket_and_handed_out_after_the_access_check(
    bucket, binh_tan_visit, head, client
):
    report = queued(head, binh_tan_visit)

    services.report_generate(report_id=report.pk)

    report.refresh_from_db()
    assert report.state == ReportState.DONE
    assert objects(bucket) == [report.file.name]
    body = bucket.get_object(Bucket=BUCKET, Key=report.file.name)["Body"].read()
    assert body[:2] == b"PK" and len(body) == report.size
    client.force_login(head)
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 302
    assert BUCKET in response["Location"] and "Signature" in response["Location"]


def test_a_holder_that_lost_its_lease_leaves_no_object_and_does_not_finish(bucket, binh_tan_visit, head):
    report = queued(head, binh_tan_visit)
    Report.objects.filter(pk=report.pk).update(state=ReportState.RUNNING, attempts=2)

    stored = generation._store(report, 1, b"PK late copy", "thong-bao.docx")

    assert stored is False
    assert objects(bucket) == []
    report.refresh_from_db()
    assert report.state == ReportState.RUNNING and not report.file
