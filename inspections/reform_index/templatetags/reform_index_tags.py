"""Formatting of the ranking's numbers (no queries)."""

from django import template

from ..appraisal_html import appraisal_blocks_html, appraisal_rows_html
from ..card_html import card_rows_html
from ..evidence_html import evidence_html

register = template.Library()


@register.filter
def comma(value) -> str:
    """ "93.40" -> "93,40": the ranking's numbers are stored as two-decimal strings (its snapshot);
    a large ranking has thousands of cells, too many for ``floatformat``'s locale lookups."""
    if value in (None, ""):
        return "–"
    return str(value).replace(".", ",")


@register.filter
def evidence(row):
    """A criterion's evidence list (evidence_html): files, cited document, explanation."""
    return evidence_html(row)


@register.simple_tag
def appraisal_rows(rows, editable):
    """The appraisal page's criteria (appraisal_html): self-score, evidence, inspection facts, fields."""
    return appraisal_rows_html(rows, bool(editable))


@register.simple_tag
def appraisal_blocks(blocks, editable):
    """The appraisal page's domains, each with its heading and criteria (appraisal_html)."""
    return appraisal_blocks_html(blocks, bool(editable))


@register.simple_tag
def card_rows(rows, show_appraisal):
    """The scorecard page's criteria (card_html): self-score, the appraisal when shown, evidence."""
    return card_rows_html(rows, bool(show_appraisal))
