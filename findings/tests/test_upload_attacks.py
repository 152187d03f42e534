"""Upload attacks, tried through both doors a user uploads by: an inspector's evidence on the
checklist and a liaison's progress report on a remediation action. Every attack file is refused
with a Vietnamese message naming the file, and nothing is stored (no row, no file).

The one check behind both doors is core.uploads.upload_check (content, not name; images
re-encoded; archives read with a cap, never unpacked whole)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from findings.models import RemediationUpdate, UpdateAttachment
from inspections.models import AnswerEvidence
from inspections.tests.answer_factories import criteria_of, start

pytestmark = pytest.mark.django_db

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>fetch('/admin/')</script></body></html>"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 600
PE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 600


def _bomb(inner_name: str, *, office: str | None = None, size: int = 200 * 1024 * 1024) -> bytes:
    """An archive that unpacks to ``size`` bytes of zeros from about 200 KB; ``office`` makes it
    declare a Word document or an Excel workbook, as a real .docx/.xlsx does."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        if office == "docx":
            archive.writestr(
                "[Content_Types].xml",
                '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
                'wordprocessingml.document.main+xml"/></Types>',
            )
        elif office == "xlsx":
            archive.writestr(
                "[Content_Types].xml",
                '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
                'spreadsheetml.sheet.main+xml"/></Types>',
            )
        with archive.open(inner_name, "w", force_zip64=True) as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def _pixel_flood() -> bytes:
    """A PNG of 20 000 x 20 000 pixels (400 megapixels) in a few hundred KB: a decompression bomb."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG", optimize=True)
    return out.getvalue()


ATTACKS = {
    "renamed-linux-executable": ("anh-hien-truong.jpg", lambda: ELF),
    "renamed-windows-executable": ("bien-ban.pdf", lambda: PE),
    "svg-with-script": ("so-do.svg", lambda: SVG),
    "svg-renamed-png": ("so-do.png", lambda: SVG),
    "html-page": ("bao-cao.html", lambda: HTML),
    "html-renamed-pdf": ("bao-cao.pdf", lambda: HTML),
    "zip-bomb": ("tai-lieu.zip", lambda: _bomb("zeros.bin")),
    "docx-bomb": ("bien-ban.docx", lambda: _bomb("word/document.xml", office="docx")),
    "xlsx-bomb": ("so-lieu.xlsx", lambda: _bomb("xl/worksheets/sheet1.xml", office="xlsx")),
    "image-pixel-flood": ("anh.png", _pixel_flood),
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def started(visit):
    return start(visit)


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_attack_file_is_refused_as_evidence_and_nothing_is_stored(
    client, inspector, started, _media, attack
):
    name, make = ATTACKS[attack]
    client.force_login(inspector)

    response = client.post(
        reverse("inspections:evidence_upload", args=[started.pk, criteria_of(started)[0].pk]),
        {"files": [SimpleUploadedFile(name, make())]},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert f"{name}: " in response.content.decode()
    assert not AnswerEvidence.objects.exists()
    assert _stored(_media) == []


@pytest.mark.parametrize(
    "attack", ["renamed-windows-executable", "svg-with-script", "html-page", "docx-bomb"]
)
def test_an_attack_file_is_refused_in_a_progress_report_and_nothing_is_stored(
    client, liaison, action, _media, attack
):
    name, make = ATTACKS[attack]
    client.force_login(liaison)

    response = client.post(
        reverse("findings:action_progress", args=[action.pk]),
        {
            "progress-version": action.version,
            "progress-text": "Đã khắc phục.",
            "progress-files": [SimpleUploadedFile(name, make())],
        },
    )

    assert response.status_code == 200
    assert any(name in error for error in response.context["progress_form"].errors["files"])
    assert not RemediationUpdate.objects.exists()
    assert not UpdateAttachment.objects.exists()
    assert _stored(_media) == []


def test_a_30_mb_file_is_refused_with_the_limit_in_vietnamese(client, inspector, started, _media, settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    client.force_login(inspector)
    big = b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024)

    response = client.post(
        reverse("inspections:evidence_upload", args=[started.pk, criteria_of(started)[0].pk]),
        {"files": [SimpleUploadedFile("ho-so-scan.pdf", big)]},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert "ho-so-scan.pdf: " in response.content.decode() and "vượt giới hạn" in response.content.decode()
    assert not AnswerEvidence.objects.exists()
    assert _stored(_media) == []
