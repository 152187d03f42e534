"""Upload checks: archives are never unpacked whole, whatever their headers say."""

import io
import struct
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.uploads import DOCX, archive_check, upload_check

WORD_TYPES = (
    b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="'
    b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
UNPACKED = 120 * 1024 * 1024  # past the 100 MB an archive may unpack to


def _zip(members: dict[str, bytes | int]) -> bytes:
    """A deflated zip; an int member is that many zero bytes, written in chunks."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in members.items():
            if isinstance(content, int):
                with archive.open(name, "w", force_zip64=True) as member:
                    for _ in range(content // (1024 * 1024)):
                        member.write(bytes(1024 * 1024))
            else:
                archive.writestr(name, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def docx_bomb() -> bytes:
    """About 120 KB on the wire: its [Content_Types].xml is 120 MB of zeros once inflated."""
    return _zip({"[Content_Types].xml": UNPACKED, "word/document.xml": b"<w:document/>"})


def _with_lying_sizes(content: bytes, declared: int) -> bytes:
    """``content`` whose headers claim every member unpacks to ``declared`` bytes."""
    data = bytearray(content)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start != -1:
            struct.pack_into("<I", data, start + offset, declared)
            start = data.find(signature, start + 4)
    return bytes(data)


def test_a_real_word_document_is_accepted():
    upload = SimpleUploadedFile(
        "bao-cao.docx", _zip({"[Content_Types].xml": WORD_TYPES, "word/document.xml": b"x"})
    )
    assert upload_check(upload=upload).content_type == DOCX


def test_a_docx_zip_bomb_is_refused_in_vietnamese_without_unpacking_it(docx_bomb):
    assert len(docx_bomb) < 1024 * 1024
    upload = SimpleUploadedFile("bao-cao.docx", docx_bomb)
    tracemalloc.start()
    try:
        with translation.override("vi"), pytest.raises(ValidationError) as refused:
            upload_check(upload=upload)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.messages == [
        "bao-cao.docx: Tệp nén giải nén ra hơn 100,0\xa0MB nên bị từ chối (phòng “bom nén”)."
    ]
    # Reading [Content_Types].xml whole, as before, took the 120 MB (and the server 1.4 GB more
    # for a 1 MB bomb); a chunk at a time stays within a few megabytes.
    assert peak < 8 * 1024 * 1024


def test_an_archive_whose_headers_understate_its_size_is_refused_not_inflated():
    honest = _zip({"[Content_Types].xml": WORD_TYPES, "word/media/big.bin": 50 * 1024 * 1024})
    lying = _with_lying_sizes(honest, declared=1000)
    tracemalloc.start()
    try:
        with pytest.raises(zipfile.BadZipFile):
            archive_check(lying)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024
    upload = SimpleUploadedFile("bang.docx", lying)
    with translation.override("vi"), pytest.raises(ValidationError, match="không được chấp nhận"):
        upload_check(upload=upload)


def test_an_archive_within_the_limit_opens_with_its_members():
    workbook = _zip(
        {"[Content_Types].xml": b"spreadsheetml.sheet.main+xml", "xl/workbook.xml": 2 * 1024 * 1024}
    )
    with archive_check(workbook) as archive:
        assert set(archive.namelist()) == {"[Content_Types].xml", "xl/workbook.xml"}
    with pytest.raises(ValidationError) as refused:
        archive_check(workbook, max_unpacked=1024 * 1024)
    assert refused.value.code == "archive_too_large"
