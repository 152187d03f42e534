"""Compress text pages over the wire: the checklist's HTML is ~185 KB raw and ~20 KB gzipped.

Django's GZipMiddleware, limited to text responses: documents (DOCX, XLSX, PDF, images) are
already compressed, and evidence downloads must reach the client byte for byte. BREACH does not
apply to the secrets we send: Django masks the CSRF token anew in every response, and session
cookies are never echoed into a page. See docs/decisions/0003-compress-html-in-django.md.
"""

from django.middleware.gzip import GZipMiddleware

TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    """GZipMiddleware for text responses only; everything else passes untouched."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(TEXT_TYPES):
            return response
        return super().process_response(request, response)
