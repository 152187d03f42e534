"""The remediation list's rows, drawn in Python.

Through the template engine, 25 rows of five cells (links, badges, dates, labels for the phone's
stacked cards) cost a third of the page, more than a plain 100-row table (issue 17). This writes
the same markup as strings, escaping every value; the rows come from selectors.action_list_rows.
"""

import unicodedata
from datetime import date

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import ActionState
from .selectors import ActionListRow
from .templatetags.findings_tags import badge


def _chars(text: str, length: int) -> str:
    """Truncator(text).chars(length), without building a Truncator (and translating its
    ellipsis) for the many texts short enough: those come back NFC-normalised, as from it."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


def action_rows_html(actions: list[ActionListRow], *, today: date, show_unit: bool = True) -> SafeString:
    """<tr> rows of ``actions``: recommendation (the link), unit, conclusion and plan, due date, state."""
    labels = {
        "unit": escape(_("Unit")),
        "conclusion": escape(_("Conclusion")),
        "due": escape(_("Due")),
        "state": escape(_("State")),
        "before": escape(_("before the reorganisation")),
        "overdue": escape(_("Overdue")),
        "extension": escape(_("Extension asked")),
    }
    # Each state's label translated once for the page, not once per row.
    states = {value: escape(label) for value, label in ActionState.choices}
    # One reverse for the page, each id put in its place (an id is digits: nothing to escape).
    before, after = reverse("findings:action_detail", args=[0]).rsplit("/0/", 1)
    # A page's actions come from a few plans: each title cut and escaped once.
    plans: dict[str, str] = {}
    rows = []
    for action in actions:
        criterion = (
            f'\n    <div class="small text-muted">{escape(action.criterion_code)}</div>'
            if action.criterion_code is not None
            else ""
        )
        unit = ""
        if show_unit:
            moved = (
                f' <span class="badge text-bg-secondary fw-normal">{labels["before"]}</span>'
                if action.visit_unit_id != action.unit_id
                else ""
            )
            unit = (
                f'\n  <td class="small" data-label="{labels["unit"]}">{escape(action.unit_name)}{moved}</td>'
            )
        overdue = (
            f' <span class="badge text-bg-danger">{labels["overdue"]}</span>'
            if action.is_overdue_on(today)
            else ""
        )
        extension = (
            f' <span class="badge text-bg-warning">{labels["extension"]}</span>'
            if action.has_pending_extension
            else ""
        )
        if (plan := plans.get(action.plan_title)) is None:
            plan = plans[action.plan_title] = escape(_chars(action.plan_title, 50))
        reference = action.conclusion_reference
        conclusion = f"{escape(reference)}<br>" if reference else ""
        rows.append(
            "<tr>\n"
            f'  <td class="card-title-cell"><a href="{before}/{int(action.pk)}/{after}" class="text-prewrap">'
            f"{escape(_chars(action.recommendation, 140))}</a>{criterion}</td>{unit}\n"
            f'  <td class="small" data-label="{labels["conclusion"]}">{conclusion}'
            f'<span class="text-muted">{plan}</span></td>\n'
            f'  <td class="text-nowrap" data-label="{labels["due"]}">{action.due_date:%d/%m/%Y}{overdue}</td>\n'
            f'  <td class="card-action" data-label="{labels["state"]}"><span class="badge {badge(action.state)}">'
            f"{states.get(action.state) or escape(action.state)}</span>{extension}</td>\n"
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped
