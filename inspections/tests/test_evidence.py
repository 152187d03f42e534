"""Evidence files: checked by content, scaled down, digested, stored privately, streamed only to
the people who may see the visit."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import Workbook
from PIL import Image

from inspections.models import AnswerEvidence, VisitStatus
from units.roles import Role
from units.tests.factories import UserFactory

from .answer_factories import criteria_of, start


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def started(visit):
    return start(visit)


@pytest.fixture
def criterion(started):
    return criteria_of(started)[0]


def jpeg(width, height, *, orientation=None) -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    document = Document()
    document.add_paragraph("Biên bản kiểm tra thực tế Bộ phận Một cửa")
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    out = io.BytesIO()
    book = Workbook()
    book.active.append(["Tiếp nhận", "Đúng hạn", "Trễ hạn"])
    book.active.append([2264, 2114, 150])
    book.save(out)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(client, visit, criterion, *files):
    return client.post(
        reverse("inspections:evidence_upload", args=[visit.pk, criterion.pk]),
        {"files": [SimpleUploadedFile(name, content) for name, content in files]},
        headers={"HX-Request": "true"},
    )


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_large_photo_is_scaled_to_2000_pixels_and_digested(client, inspector, started, criterion, _media):
    client.force_login(inspector)

    response = upload(client, started, criterion, ("IMG_0412.JPG", jpeg(4000, 3000)))

    assert response.status_code == 200
    evidence = AnswerEvidence.objects.get()
    content = evidence.file.read()
    assert Image.open(io.BytesIO(content)).size == (2000, 1500)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert (evidence.content_type, evidence.original_name, evidence.size) == (
        "image/jpeg",
        "IMG_0412.JPG",
        len(content),
    )
    assert evidence.answer.visit == started and evidence.uploaded_by == inspector
    assert str(evidence.file.path).startswith(str(_media / "evidence"))
    assert "IMG_0412.JPG" in response.content.decode()


def test_a_photo_taken_sideways_is_turned_upright(client, inspector, started, criterion):
    client.force_login(inspector)

    upload(client, started, criterion, ("anh.jpg", jpeg(300, 200, orientation=6)))

    image = Image.open(AnswerEvidence.objects.get().file)
    assert image.size == (200, 300)
    assert image.getexif().get(0x0112) in (None, 1)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("bao-cao.pdf", PDF, "application/pdf"),
        ("bien-ban.docx", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("so-lieu.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_pdf_word_and_excel_documents_are_accepted(
    client, inspector, started, criterion, name, content, content_type
):
    client.force_login(inspector)

    assert upload(client, started, criterion, (name, content)).status_code == 200

    assert AnswerEvidence.objects.get().content_type == content_type


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anh-chup.jpg", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 600),
        ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 600),
        ("tai-lieu.docx", b"PK\x03\x04" + b"\x00" * 100),
        ("not-office.docx", None),
        ("ghi-chu.pdf", b"just some text pretending to be a PDF"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_stored(
    client, inspector, started, criterion, _media, name, content
):
    if content is None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "not a Word document")
        content = out.getvalue()
    client.force_login(inspector)

    response = upload(client, started, criterion, (name, content))

    assert response.status_code == 422
    assert f"{name}: " in response.content.decode()
    assert "không được chấp nhận" in response.content.decode()
    assert not AnswerEvidence.objects.exists()
    assert stored_files(_media) == []


def test_an_oversized_file_is_refused_with_the_limit_in_the_message(
    client, inspector, started, criterion, settings, _media
):
    settings.UPLOAD_MAX_BYTES = 40
    client.force_login(inspector)

    response = upload(client, started, criterion, ("bao-cao.pdf", PDF))

    assert response.status_code == 422
    assert (
        f"bao-cao.pdf: tệp có dung lượng {len(PDF)}\xa0byte, vượt giới hạn 40\xa0byte."
        in response.content.decode()
    )
    assert not AnswerEvidence.objects.exists()
    assert stored_files(_media) == []


def test_good_files_are_kept_when_another_in_the_same_upload_is_refused(
    client, inspector, started, criterion
):
    client.force_login(inspector)

    response = upload(client, started, criterion, ("bao-cao.pdf", PDF), ("virus.jpg", b"MZ" + b"\x00" * 600))

    assert response.status_code == 422
    assert list(AnswerEvidence.objects.values_list("original_name", flat=True)) == ["bao-cao.pdf"]


def test_the_same_file_twice_is_attached_once(client, inspector, started, criterion):
    client.force_login(inspector)

    upload(client, started, criterion, ("bao-cao.pdf", PDF))
    upload(client, started, criterion, ("bao-cao (1).pdf", PDF))

    assert AnswerEvidence.objects.count() == 1


def test_attaching_evidence_does_not_change_the_answers_version(client, inspector, started, criterion):
    client.force_login(inspector)

    upload(client, started, criterion, ("bao-cao.pdf", PDF))

    assert AnswerEvidence.objects.get().answer.version == 0


@pytest.mark.parametrize("role", ["liaison", "head"])
def test_only_the_team_attaches_evidence(client, request, role, started, criterion):
    client.force_login(request.getfixturevalue(role))

    assert upload(client, started, criterion, ("bao-cao.pdf", PDF)).status_code == 403
    assert not AnswerEvidence.objects.exists()


def test_no_evidence_is_attached_after_submission(client, leader, started, criterion):
    started.status = VisitStatus.SUBMITTED
    started.save(update_fields=["status"])
    client.force_login(leader)

    assert upload(client, started, criterion, ("bao-cao.pdf", PDF)).status_code == 403


def test_uploading_is_post_only(client, inspector, started, criterion):
    client.force_login(inspector)

    assert (
        client.get(reverse("inspections:evidence_upload", args=[started.pk, criterion.pk])).status_code == 405
    )


# Download


@pytest.fixture
def evidence(client, inspector, started, criterion):
    client.force_login(inspector)
    upload(client, started, criterion, ("bao-cao.pdf", PDF))
    client.logout()
    return AnswerEvidence.objects.get()


def download_url(evidence):
    return reverse("inspections:evidence_download", args=[evidence.answer.visit_id, evidence.pk])


@pytest.mark.parametrize("role", ["inspector", "leader", "head", "scheduler"])
def test_people_who_see_the_visit_download_its_evidence(client, request, role, evidence):
    client.force_login(request.getfixturevalue(role))

    response = client.get(download_url(evidence))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "bao-cao.pdf" in response["Content-Disposition"]


def test_the_units_liaison_cannot_download_evidence_of_a_checklist_they_may_not_see(
    client, liaison, evidence
):
    client.force_login(liaison)

    assert client.get(reverse("inspections:checklist", args=[evidence.answer.visit_id])).status_code == 403
    assert client.get(download_url(evidence)).status_code == 403


def test_anonymous_visitor_is_sent_to_login_from_evidence(client, evidence):
    assert client.get(download_url(evidence))["Location"].startswith("/accounts/login/")


def test_outsiders_and_other_inspectors_cannot_find_evidence(client, outsider, department, evidence):
    for user in (outsider, UserFactory(unit=department, roles=[Role.INSPECTOR])):
        client.force_login(user)
        assert client.get(download_url(evidence)).status_code == 404


def test_evidence_of_another_visit_is_not_found_through_this_one(
    client, inspector, evidence, approved_plan, other_commune, leader
):
    from .factories import VisitFactory

    other = VisitFactory(plan=approved_plan, unit=other_commune, leader=leader, members=[inspector])
    client.force_login(inspector)

    url = reverse("inspections:evidence_download", args=[other.pk, evidence.pk])
    assert client.get(url).status_code == 404


def test_evidence_has_no_public_url(evidence):
    with pytest.raises(ValueError):
        evidence.file.url  # noqa: B018


def test_the_team_removes_a_file(
    client, inspector, started, evidence, _media, django_capture_on_commit_callbacks
):
    client.force_login(inspector)
    path = evidence.file.path

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("inspections:evidence_remove", args=[started.pk, evidence.pk]),
            headers={"HX-Request": "true"},
        )

    assert response.status_code == 200
    assert not AnswerEvidence.objects.exists()
    assert path not in [str(p) for p in stored_files(_media)]
