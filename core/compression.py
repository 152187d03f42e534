"""Compress text pages over the wire: the checklist's HTML is ~185 KB raw, ~16 KB gzipped and
~13 KB with Brotli (quality 5: fast enough per request), which browsers that accept it get.

Django's GZipMiddleware, limited to text responses: documents (DOCX, XLSX, PDF, images) are
already compressed, and evidence downloads must reach the client byte for byte. BREACH does not
apply to the secrets we send: Django masks the CSRF token anew in every response, and session
cookies are never echoed into a page. See docs/decisions/0003-compress-html-in-django.md.
"""

import re

import brotli
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")
ACCEPTS_BROTLI = re.compile(r"\bbr\b")
BROTLI_QUALITY = 5


class TextGZipMiddleware(GZipMiddleware):
    """GZipMiddleware for text responses only; everything else passes untouched."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(TEXT_TYPES):
            return response
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or len(response.content) < 200
            or not ACCEPTS_BROTLI.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        ):
            return super().process_response(request, response)
        # As GZipMiddleware does, with Brotli.
        patch_vary_headers(response, ("Accept-Encoding",))
        compressed = brotli.compress(response.content, quality=BROTLI_QUALITY)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "br"
        return response
