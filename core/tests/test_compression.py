"""Pages travel compressed (3G), files travel as they are."""

import pytest
from django.core.files.base import ContentFile
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory

from core.compression import TextGZipMiddleware


def test_a_page_is_sent_gzipped_to_a_browser_that_accepts_it(client, scheduler):
    client.force_login(scheduler)
    response = client.get("/", headers={"accept-encoding": "gzip, deflate"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]


def test_a_page_is_sent_with_brotli_to_a_browser_that_accepts_it(client, scheduler):
    import brotli

    client.force_login(scheduler)
    response = client.get("/", headers={"accept-encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response["Vary"]
    assert "<html" in brotli.decompress(response.content).decode()


def test_a_page_is_sent_plain_to_a_client_that_does_not_accept_gzip(client, scheduler):
    client.force_login(scheduler)
    response = client.get("/")
    assert not response.has_header("Content-Encoding")
    assert "<html" in response.content.decode()


@pytest.mark.parametrize("content_type", ["application/pdf", "image/jpeg", "application/zip"])
def test_a_document_or_photo_passes_untouched(content_type):
    body = b"x" * 5000
    request = RequestFactory().get("/", headers={"accept-encoding": "gzip"})
    middleware = TextGZipMiddleware(lambda r: HttpResponse(body, content_type=content_type))
    response = middleware(request)
    assert not response.has_header("Content-Encoding")
    assert response.content == body


def test_a_streamed_file_download_keeps_its_bytes():
    body = b"%PDF-1.7 " + b"y" * 5000
    request = RequestFactory().get("/", headers={"accept-encoding": "gzip"})
    middleware = TextGZipMiddleware(
        lambda r: FileResponse(ContentFile(body, name="a.pdf"), content_type="application/pdf")
    )
    response = middleware(request)
    assert not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content) == body
