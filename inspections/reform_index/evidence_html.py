"""A criterion's evidence list (its files, cited document, explanation), drawn in Python.

The scorecard and appraisal pages show it for each of some 45 criteria; as an included template
(templates/reform_index/_evidence.html, kept as the reference of this markup) each cost an
include, a loop and three translations. The same markup here, every value escaped.
"""

from html import escape as _html_escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _


def escape(value) -> str:
    """django.utils.html.escape's text (``html.escape(str(value))``) without its lazy-argument
    wrapper and SafeString: called for every value of the page's criteria."""
    return _html_escape(str(value))


_PLACEHOLDER = "987654321"


def evidence_html(row) -> SafeString:
    """``row`` is a CriterionScore with its document selected and its files read (selectors.card_blocks's
    ``evidence_files``; otherwise ``row.files``, prefetched)."""
    files = getattr(row, "evidence_files", None)
    if files is None:
        files = row.files.all()
    document = row.document
    if not (files or document or row.explanation):
        return mark_safe(f'<span class="small text-muted">{escape(_("No evidence"))}</span>')  # noqa: S308  escaped
    items = []
    if files:
        url = escape(reverse("reform_index:evidence_download", args=[_PLACEHOLDER])).split(_PLACEHOLDER)
        items += [
            f'<li><a href="{url[0]}{int(f.pk)}{url[1]}">{escape(f.original_name)}</a></li>' for f in files
        ]
    if document:
        subject = Truncator(document.subject).chars(90)
        items.append(
            f"<li>{escape(_('Issued document'))}: {escape(document.reference)} · {escape(subject)}</li>"
        )
    if row.explanation:
        items.append(f'<li class="text-muted">{escape(_("Explanation"))}: {escape(row.explanation)}</li>')
    return mark_safe('<ul class="list-unstyled small mb-0">\n' + "\n".join(items) + "\n</ul>")  # noqa: S308
