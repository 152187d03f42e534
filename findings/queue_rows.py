"""The review queue's rows, drawn in Python.

The queue shows up to 25 visits, eight cells each (labels for the phone's stacked cards, a
pluralised count of limitations, badges): through the template engine those rows cost more than
the rest of the page and grew with the queue (issue 17). This writes the same markup as
templates/findings/review_queue.html did, escaping every value.
"""

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inspections.templatetags.inspections_tags import local_day

from .selectors import QueueRow


def _badge(count: int, style: str) -> str:
    return f'<span class="badge {style}">{count}</span>' if count else "0"


def review_queue_rows_html(visits: list[QueueRow]) -> SafeString:
    """<tr> rows of ``visits`` (selectors.review_queue_rows): unit, date, plan, leader,
    findings (and limitations), to decide, returned, the review link."""
    labels = {
        "date": escape(_("Date")),
        "plan": escape(_("Plan")),
        "leader": escape(_("Leader")),
        "findings": escape(_("Findings")),
        "decide": escape(_("To decide")),
        "returned": escape(_("Returned")),
        "review": escape(_("Review")),
    }
    # One reverse for the page, each id put in its place (an id is digits: nothing to escape).
    before, after = reverse("findings:visit_review", args=[0]).rsplit("/0/", 1)
    rows = []
    for visit in visits:
        limitations = escape(
            ngettext("%(counter)s limitation", "%(counter)s limitations", visit.limitation_count)
            % {"counter": visit.limitation_count}
        )
        rows.append(
            "  <tr>\n"
            f'    <td class="card-title-cell">{escape(visit.unit_name)}</td>\n'
            f'    <td data-label="{labels["date"]}">{local_day(visit.starts_at)}</td>\n'
            f'    <td class="small" data-label="{labels["plan"]}">{escape(visit.plan_title)}</td>\n'
            f'    <td class="small" data-label="{labels["leader"]}">{escape(visit.leader) if visit.leader else "—"}</td>\n'
            f'    <td class="text-end" data-label="{labels["findings"]}">{int(visit.finding_count)} '
            f'<span class="text-muted small">({limitations})</span></td>\n'
            f'    <td class="text-end" data-label="{labels["decide"]}">'
            f"{_badge(int(visit.pending_count), 'text-bg-info')}</td>\n"
            f'    <td class="text-end" data-label="{labels["returned"]}">'
            f"{_badge(int(visit.returned_count), 'text-bg-warning')}</td>\n"
            f'    <td class="card-action"><a class="btn btn-primary btn-sm" href="{before}/{int(visit.pk)}/{after}">'
            f"{labels['review']}</a></td>\n"
            "  </tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped
