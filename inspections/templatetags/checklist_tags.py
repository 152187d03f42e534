"""Number formatting for the checklist pages, in the active language (no queries).

In Vietnamese: counts “2.264”, scores “1,5” and rates “93,4 %” (config/formats/vi).
"""

from django import template

from ..checklist import html as checklist_html
from ..checklist import page_html
from ..checklist.formats import as_decimal, format_count, format_input, format_percent, format_score
from ..checklist.offline import take_offline_html
from ..checklist.selectors import figure_rates as _figure_rates

register = template.Library()


@register.filter
def count(value) -> str:
    """A whole number with thousands grouped: 2264 -> “2.264”."""
    return format_count(value)


@register.filter
def score(value) -> str:
    """A score without trailing zeros: 1.50 -> “1,5”, 2.00 -> “2”."""
    return format_score(value)


@register.filter
def percent(value) -> str:
    """A percentage with one decimal and a non-breaking space: 93.38 -> “93,4 %”."""
    return format_percent(value)


@register.filter
def rate(numerator, denominator) -> str:
    """``numerator`` as a share of ``denominator``: 2114|rate:2264 -> “93,4 %” ("" when undefined)."""
    top, bottom = as_decimal(numerator), as_decimal(denominator)
    if top is None or not bottom:
        return ""
    return format_percent(top * 100 / bottom)


@register.filter
def input_number(value) -> str:
    """A number for an input's value attribute, as a person types it here: “1,5”, “2264”."""
    return format_input(value)


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or None: figures of an answer by their key."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def figure_rates(answer, criterion) -> list:
    """The rates the answer's figures give (on time / received...)."""
    return _figure_rates(criterion, answer.figures or {})


# The rows of the checklist (see inspections/checklist/html.py for why they are built in Python).


@register.simple_tag
def answer_row(row, labels, can_answer, kind="team"):
    """One criterion of the team's checklist or (``kind`` "self") of the unit's self-assessment."""
    return checklist_html.row_html(row, labels, can_answer=can_answer, kind=kind)


@register.simple_tag
def checklist_sections(sections, labels, can_answer, kind="team"):
    """Every domain of the checklist page with its totals (team) and its criteria."""
    return page_html.sections_html(sections, labels, can_answer=can_answer, kind=kind)


@register.simple_tag
def domain_totals(domain_id, totals, labels, oob=False):
    """A domain's points, percentage and progress."""
    return page_html.domain_totals_html(domain_id, totals, labels, oob=oob)


@register.simple_tag
def checklist_progress(totals, labels, oob=False):
    """The whole checklist's progress and points."""
    return page_html.progress_html(totals, labels, oob=oob)


@register.simple_tag
def checklist_missing(items, oob=False):
    """How many applicable criteria are still unanswered, with a link to each by its code."""
    return page_html.missing_html(items, oob=oob)


@register.simple_tag
def checklist_missing_change(change):
    """An autosave's change to the list of unanswered criteria (see page_html.missing_change_html)."""
    return page_html.missing_change_html(**change)


@register.simple_tag
def answer_status(row, labels, state="idle", form=None, theirs=None, kind="team"):
    """A row's autosave state (saved, refused input, conflict)."""
    return checklist_html.status_html(row, labels, state=state, form=form, theirs=theirs, kind=kind)


@register.simple_tag
def answer_evidence(row, labels, can_answer, errors=()):
    """A row's evidence files."""
    return checklist_html.evidence_html(row, labels, can_answer=can_answer, errors=errors)


@register.simple_tag
def checklist_banners():
    """The banners of what waits on the device and of a lost connection."""
    return page_html.banners_html()


@register.simple_tag
def checklist_take_offline():
    """“Take this visit with me”: the checklist kept on the device for offline work."""
    return take_offline_html()


@register.simple_tag
def checklist_next_unanswered():
    """“Next unanswered criterion”, in the sticky bar."""
    return page_html.next_unanswered_html()
