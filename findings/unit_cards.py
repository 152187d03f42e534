"""The liaison's page (my unit's remediation): one card per concluded visit, drawn in Python.

Through the template engine, the cards of a few visits with their limitations and actions (texts,
badges, dates, links, translated labels) cost more than the rest of the page, more than the plain
100-row table (issue 17). This writes the same markup as strings, every value escaped; the visits
come from selectors.my_unit (with their unit, plan, conclusion and limitations with their action).
"""

from datetime import date

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from .models import ActionState
from .templatetags.findings_tags import badge


def _dmy(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def unit_cards_html(visits, *, today: date, home_unit) -> SafeString:
    """A ``<section class="card">`` per visit, each with a blank line before and after it (as the
    page's loop left them): the unit and day, the notice, the plan, the limitations with their
    recommendation and action (state, due date, overdue)."""
    labels = {
        "notice": escape(_("Notice")),
        "report_back": escape(_("report back by")),
        "all": escape(_("All findings")),
        "recommendation": escape(_("Recommendation:")),
        "due": escape(_("due")),
        "overdue": escape(_("Overdue")),
    }
    before = _("before the reorganisation: %(name)s")
    states = {value: escape(label) for value, label in ActionState.choices}
    # One reverse for the page, each id put in its place (an id is digits: nothing to escape).
    findings_url = reverse("findings:visit_findings", args=[987654321])
    cards = []
    for visit in visits:
        unit = visit.unit
        name = escape(unit.name)
        moved = (
            f' <span class="badge text-bg-secondary fw-normal">{before % {"name": name}}</span>'
            if home_unit and unit.valid_to and visit.unit_id != home_unit.pk
            else ""
        )
        notice = ""
        if conclusion := _conclusion(visit):
            notice = (
                f"<span>{labels['notice']} <strong>{escape(conclusion.reference)}</strong> · "
                f"{_dmy(conclusion.date)} · {labels['report_back']} {_dmy(conclusion.due_date)}</span>"
            )
        items = []
        for finding in visit.findings.all():
            if not finding.is_limitation:
                continue
            recommendation = (
                f'<div><strong>{labels["recommendation"]}</strong> <span class="text-prewrap">'
                f"{escape(finding.recommendation)}</span></div>"
                if finding.recommendation
                else ""
            )
            action_html = ""
            if action := _action(finding):
                overdue = (
                    f' <span class="badge text-bg-danger">{labels["overdue"]}</span>'
                    if action.is_overdue_on(today)
                    else ""
                )
                action_html = (
                    f'<div><a class="btn btn-sm btn-outline-secondary py-0" href="{escape(action.get_absolute_url())}">'
                    f'<span class="badge {badge(action.state)}">{states.get(action.state) or escape(action.state)}'
                    f"</span> {labels['due']} {_dmy(action.due_date)}</a>{overdue}</div>"
                )
            items.append(
                f'\n      <li class="mb-2"><span class="text-prewrap">{escape(finding.text)}</span>\n'
                f"        {recommendation}\n"
                f"        {action_html}\n"
                "      </li>\n      "
            )
        cards.append(
            '\n<section class="card mb-4">\n'
            '  <div class="card-header d-flex flex-wrap gap-2 align-items-center">\n'
            f'    <h2 class="h5 mb-0 me-auto">{name} · {localtime(visit.starts_at).strftime("%d/%m/%Y")}{moved}</h2>\n'
            f"    {notice}\n"
            f'    <a class="btn btn-outline-primary btn-sm" href="{findings_url.replace("987654321", str(int(visit.pk)))}">{labels["all"]}</a>\n'
            "  </div>\n"
            '  <div class="card-body">\n'
            f'    <p class="small text-muted mb-2">{escape(visit.plan.title)}</p>\n'
            '    <ol class="mb-0">\n'
            f"      {''.join(items)}\n"
            "    </ol>\n"
            "  </div>\n"
            "</section>\n"
        )
    return mark_safe("".join(cards))  # noqa: S308 - every value above is escaped


def _conclusion(visit):
    try:
        return visit.conclusion
    except visit._meta.model.conclusion.RelatedObjectDoesNotExist:
        return None


def _action(finding):
    try:
        return finding.action
    except finding._meta.model.action.RelatedObjectDoesNotExist:
        return None
