"""Checks of uploaded files: what they contain, not what they are called, and what they unpack to.

``upload_check`` accepts a file by its content: images (JPEG, PNG, WebP) are opened with Pillow,
turned upright (EXIF orientation), scaled down to 2000 px on the longer side and re-encoded (which
also drops their metadata); PDFs must start like a PDF; DOCX and XLSX must be zip packages whose
``[Content_Types].xml`` declares a Word document or an Excel workbook. Anything else (an
executable renamed "photo.jpg") is refused with a message naming the file. The size limit is
``settings.UPLOAD_MAX_BYTES``.

``archive_check`` is the one check of archive-based uploads (.docx, .xlsx, zip): before anything
reads a member, every member is inflated in small chunks and counted, never whole, and the
archive is refused past ``settings.UPLOAD_MAX_UNPACKED_BYTES`` (a 1 MB "zip bomb" can unpack to
gigabytes). ``archive_read`` reads one member with a cap.
"""

import io
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

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

# What an archive may unpack to, in all (settings.UPLOAD_MAX_UNPACKED_BYTES overrides it): a real
# 10 MB workbook unpacks to some tens of megabytes.
ARCHIVE_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
ARCHIVE_MAX_MEMBERS = 10_000
# [Content_Types].xml lists a few dozen parts: a few kilobytes.
CONTENT_TYPES_MAX_BYTES = 256 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    name: str


# --- Archives ------------------------------------------------------------------------------------


def _too_large(limit: int) -> ValidationError:
    return ValidationError(
        _("The compressed file unpacks to more than %(limit)s, so it is refused (a “zip bomb” guard).")
        % {"limit": filesizeformat(limit)},
        code="archive_too_large",
    )


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> int:
    """Inflate ``member`` in chunks, keeping nothing; return its size, or -1 past ``budget``."""
    size = 0
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > budget:
                return -1
    return size


def archive_check(content: bytes, *, max_unpacked: int | None = None) -> zipfile.ZipFile:
    """Open ``content`` as a zip archive once it is known to unpack to at most ``max_unpacked`` bytes.

    Every member is inflated in 64 KB chunks and counted, so neither a member declaring a huge
    size nor one whose header lies about its size costs more than a chunk of memory. Returns the
    open ZipFile (close it); raises ``zipfile.BadZipFile`` for something that is not a readable
    zip (say what the caller expected) and ValidationError (code "archive_too_large", a message
    for the user) for too many members or too many bytes once unpacked.
    """
    limit = max_unpacked or getattr(settings, "UPLOAD_MAX_UNPACKED_BYTES", ARCHIVE_MAX_UNPACKED_BYTES)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise zipfile.BadZipFile(str(exc)) from None
    try:
        members = archive.infolist()
        if len(members) > ARCHIVE_MAX_MEMBERS or sum(m.file_size for m in members) > limit:
            raise _too_large(limit)
        left = limit
        for member in members:
            size = _inflate(archive, member, left)
            if size < 0:
                raise _too_large(limit)
            left -= size
    except ValidationError:
        archive.close()
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        ValueError,
        NotImplementedError,
        EOFError,
        RuntimeError,
    ) as exc:
        # A bad CRC (a header that lied about the size), encryption, an unknown compression.
        archive.close()
        raise zipfile.BadZipFile(str(exc)) from None
    return archive


def archive_read(archive: zipfile.ZipFile, name: str, *, limit: int) -> bytes:
    """Member ``name`` of ``archive``, read in chunks; ValidationError past ``limit`` bytes.

    Raises KeyError when there is no such member.
    """
    out = bytearray()
    with archive.open(name) as stream:
        while chunk := stream.read(min(_CHUNK, limit + 1 - len(out))):
            out += chunk
            if len(out) > limit:
                raise _too_large(limit)
    return bytes(out)


def ooxml_kind(content: bytes) -> str | None:
    """DOCX or XLSX when ``content`` is an Office package declaring a document or a workbook.

    None for anything else; ValidationError for an archive refused by ``archive_check``.
    """
    try:
        with archive_check(content) as package:
            types = archive_read(package, "[Content_Types].xml", limit=CONTENT_TYPES_MAX_BYTES)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, zlib.error):
        return None
    for content_type, main_part in OOXML_MAIN_PARTS.items():
        if main_part in types:
            return content_type
    return None


# --- Any upload ----------------------------------------------------------------------------------


def _refuse(name: str, message: str) -> ValidationError:
    return ValidationError(_("%(name)s: %(problem)s") % {"name": name, "problem": message}, code="invalid")


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


def upload_check(*, upload: UploadedFile) -> CheckedFile:
    """Read ``upload`` and return what would be stored, or raise ValidationError saying why not.

    Nothing is written. Images come back upright, at most 2000 px wide or high, re-encoded.
    Messages start with the file's name, so a form with several files says which one failed.
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
    if mime in {"application/zip", DOCX, XLSX}:
        try:
            ooxml = ooxml_kind(content)
        except ValidationError as exc:
            raise _refuse(name, exc.messages[0]) from None
        if ooxml:
            return CheckedFile(content, ooxml, name)
    raise _refuse(
        name,
        _(
            "this kind of file is not accepted. Attach photos (JPEG, PNG, WebP), PDF, Word (DOCX) or Excel (XLSX) files."
        ),
    )
