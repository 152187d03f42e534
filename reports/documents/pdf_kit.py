"""HTML to PDF with WeasyPrint, for the documents' print templates (templates/reports/documents/).

The templates carry their own print CSS (A4, the decree's margins and sizes, page numbers in the
top margin from page 2); WeasyPrint is not a browser, so the site's CSP does not apply to it.
Fonts come from the system (Times New Roman or its metric twins Liberation Serif / Tinos), never
from the network: the URL fetcher refuses every URL.
"""

import logging
from functools import cache

from django.template.loader import render_to_string

from .style import CSS_FONT_STACK, ND30, DocumentStyle

# WeasyPrint logs every layout step at INFO; in a worker's log that is noise, warnings stay.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _no_fetch(url: str, *args, **kwargs):
    # Everything a document shows is inline (charts as data: URIs); nothing is fetched.
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"Documents fetch nothing from outside: {url}")


@cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(template_name: str, context: dict, *, style: DocumentStyle = ND30) -> bytes:
    """Render ``template_name`` with ``context`` (plus ``style`` and the font stack) to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, {**context, "style": style, "font_stack": CSS_FONT_STACK})
    document = HTML(string=html, url_fetcher=_no_fetch, base_url=".")
    return document.write_pdf(font_config=_font_config())
