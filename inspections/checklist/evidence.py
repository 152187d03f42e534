"""Evidence files of answers (tài liệu kiểm chứng): photos from the phone's camera and documents.

A file is accepted by what it contains, never by its name: images (JPEG, PNG, WebP) are opened
with Pillow, turned upright (EXIF orientation), scaled down to 2000 px on the longer side and
re-encoded (which also drops their metadata); PDFs must start like a PDF; DOCX and XLSX must be
zip packages whose [Content_Types].xml declares a Word document or an Excel workbook. Anything
else (an executable renamed "photo.jpg") is refused with a message and nothing is stored. The
size limit is settings.UPLOAD_MAX_BYTES. The stored file's SHA-256 is kept; uploading the same
file twice to one answer (a retried upload on a weak connection) returns the first copy.
Files live in private storage under MEDIA_ROOT/evidence/ and are only streamed by a view that
checks the visit's access.
"""

import hashlib
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..models import Answer, AnswerEvidence, Criterion, Visit, VisitStatus

MAX_IMAGE_SIDE = 2000
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The part each OOXML package must declare in [Content_Types].xml.
OOXML_MAIN_PARTS = {
    DOCX: b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
SUFFIXES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    PDF: ".pdf",
    DOCX: ".docx",
    XLSX: ".xlsx",
}
# Pillow refuses images above twice this many pixels; between once and twice it only warns,
# and we refuse those too (a 100-megapixel "photo" is a decompression bomb, not evidence).
Image.MAX_IMAGE_PIXELS = 90_000_000


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    name: str


def _refuse(name: str, message: str) -> ValidationError:
    return ValidationError(_("%(name)s: %(problem)s") % {"name": name, "problem": message}, code="invalid")


def _ooxml_kind(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            types = package.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    for content_type, main_part in OOXML_MAIN_PARTS.items():
        if main_part in types:
            return content_type
    return None


def _image(content: bytes, content_type: str, name: str) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            if content_type == "image/jpeg":
                # Decode big camera JPEGs at a reduced scale right away: faster, far less memory.
                image.draft("RGB", (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            image = ImageOps.exif_transpose(image)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(name, _("the image has too many pixels.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(name, _("the image is damaged or not really an image.")) from None
    image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    fmt = IMAGE_FORMATS[content_type]
    if fmt == "JPEG" and image.mode not in {"RGB", "L"}:
        image = image.convert("RGB")
    elif fmt == "WEBP" and image.mode not in {"RGB", "RGBA", "L"}:
        image = image.convert("RGBA")
    out = io.BytesIO()
    options = {"quality": 85, "optimize": True} if fmt in {"JPEG", "WEBP"} else {"optimize": True}
    image.save(out, fmt, **options)
    return out.getvalue()


def evidence_check(*, upload: UploadedFile) -> CheckedFile:
    """Read ``upload`` and return what would be stored, or raise ValidationError saying why not.

    Nothing is written. Images come back upright, at most 2000 px wide or high, re-encoded.
    """
    name = PurePath(upload.name or "file").name[:200]
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise _refuse(
            name,
            _("the file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _refuse(name, _("the file is larger than %(limit)s.") % {"limit": filesizeformat(limit)})
    if not content:
        raise _refuse(name, _("the file is empty."))
    kind = filetype.guess(content)
    mime = kind.mime if kind else ""
    if mime in IMAGE_FORMATS:
        return CheckedFile(_image(content, mime, name), mime, name)
    if mime == PDF and content.startswith(b"%PDF-"):
        return CheckedFile(content, PDF, name)
    if mime in {"application/zip", DOCX, XLSX} and (ooxml := _ooxml_kind(content)):
        return CheckedFile(content, ooxml, name)
    raise _refuse(
        name,
        _(
            "this kind of file is not accepted. Attach photos (JPEG, PNG, WebP), PDF, Word (DOCX) or Excel (XLSX) files."
        ),
    )


def _answer_for(visit: Visit, criterion: Criterion) -> Answer:
    Answer.objects.bulk_create([Answer(visit=visit, criterion=criterion)], ignore_conflicts=True)
    return Answer.objects.get(visit=visit, criterion=criterion)


def evidence_add(*, visit: Visit, criterion: Criterion, actor, upload: UploadedFile) -> AnswerEvidence:
    """Check ``upload`` (see evidence_check) and attach it to the visit's answer to ``criterion``.

    Only while the visit is in progress. Returns the existing row when the same content is
    already attached to that answer. Raises ValidationError with a message naming the file.
    """
    if visit.status != VisitStatus.IN_PROGRESS:
        raise ValidationError(_("This visit is not in progress: its evidence can no longer be changed."))
    checked = evidence_check(upload=upload)
    digest = hashlib.sha256(checked.content).hexdigest()
    with transaction.atomic():
        answer = _answer_for(visit, criterion)
        if existing := answer.evidence.filter(sha256=digest).first():
            return existing
        evidence = AnswerEvidence(
            answer=answer,
            original_name=checked.name,
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=digest,
            uploaded_by=actor,
        )
        evidence.file.save(
            f"upload{SUFFIXES[checked.content_type]}", ContentFile(checked.content), save=False
        )
        try:
            with transaction.atomic():
                evidence.save()
        except IntegrityError:
            # Two uploads of the same file raced; the other one won.
            evidence.file.delete(save=False)
            return answer.evidence.get(sha256=digest)
        except BaseException:
            evidence.file.delete(save=False)
            raise
    # Should a caller's transaction roll back, the file stays on disk unlinked: harmless, as no
    # row points to it and private storage serves nothing by itself.
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: AnswerEvidence) -> None:
    """Detach ``evidence`` from its answer and delete the file once the transaction commits.

    Only while the visit is in progress.
    """
    if evidence.answer.visit.status != VisitStatus.IN_PROGRESS:
        raise ValidationError(_("This visit is not in progress: its evidence can no longer be changed."))
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))
