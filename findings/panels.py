"""The earlier recommendations panel (the visit's findings page, and the checklist's fragment
next to criterion 1.8) and the change history panel of the findings, action and finding pages,
drawn in Python.

A unit inspected every year has a dozen earlier recommendations or more; drawn through a template
(findings/tests/carry_forward_reference.html, the one the pages used) they cost half of the
findings page's drawing (issue 17). ``carry_forward_html`` writes that template's markup,
escaping every value; test_carry_forward_and_history holds the two equal. The history panel
lists up to 15 lines on a findings page and 200 on the full history; ``history_html`` writes the
markup of the include they were drawn with (findings/tests/history_reference.html), held to it
by the same tests.
"""

import html

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from .models import ActionState, ExtensionDecision, UpdateKind
from .selectors import EarlierRecommendation
from .templatetags.findings_tags import badge


def _escape(value) -> str:
    return html.escape(str(value))


def _action_html(item: EarlierRecommendation, url: str, today, state_labels: dict) -> str:
    if item.action_id is None:
        return f'<span class="badge text-bg-light border">{_escape(_("No action (not concluded)"))}</span>'
    overdue = (
        f' <span class="badge text-bg-danger">{_escape(_("Overdue"))}</span>'
        if item.action_is_overdue_on(today)
        else ""
    )
    state = _escape(state_labels.get(item.action_state, item.action_state))
    due = item.action_due_date.strftime("%d/%m/%Y") if item.action_due_date else ""
    return (
        f'<a href="{url}"><span class="badge {badge(item.action_state)}">{state}</span></a>'
        f' <span class="text-muted">{_escape(_("due"))} {due}</span>{overdue}\n    '
    )


def carry_forward_html(items: list[EarlierRecommendation]) -> SafeString:
    """The reference template's markup of ``items`` (selectors.carry_forward)."""
    today = timezone.localdate()
    sentinel = 987654321
    before, after = reverse("findings:action_detail", args=[sentinel]).split(str(sentinel))
    state_labels = dict(ActionState.choices)
    first_unit = items[0].unit_id if items else None
    rows = []
    for item in items:
        head = date_format(timezone.localtime(item.starts_at), "d/m/Y")
        if item.reference:
            head += f" · {_escape(item.reference)}"
        if item.unit_id != first_unit:
            head += f" · {_escape(item.unit_name)}"
        url = f"{before}{int(item.action_id)}{after}" if item.action_id is not None else ""
        rows.append(
            '\n  <li class="list-group-item px-0">\n'
            f'    <div class="text-muted">{head}</div>\n'
            f'    <div class="text-prewrap">{_escape(item.recommendation)}</div>\n'
            f"    {_action_html(item, url, today, state_labels)}\n  </li>\n  "
        )
    empty = (
        ""
        if items
        else f'<p class="small text-muted">{_escape(_("No earlier recommendation for this unit."))}</p>'
    )
    intro = _(
        "What earlier inspections asked this unit to remedy, and where it stands: check it on site (criterion 1.8)."
    )
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'\n<h2 class="h5">{_escape(_("Earlier recommendations"))}</h2>\n'
        f'<p class="small text-muted">{_escape(intro)}</p>\n'
        f"{empty}\n"
        f'<ul class="list-group list-group-flush small">\n  {"".join(rows)}\n</ul>\n'
    )


def history_html(history: list) -> SafeString:
    """The reference include's markup of ``history`` (selectors.history entries): the audit
    panel of the findings, action and finding pages, up to 200 lines."""
    parts = [
        '\n<section class="history-panel" aria-labelledby="history-title">\n'
        f'  <h2 class="h5" id="history-title">{_escape(_("Change history"))}</h2>\n  '
    ]
    if history:
        system = _escape(_("the system"))
        parts.append('\n  <ol class="list-unstyled small history-list">\n    ')
        for entry in history:
            at = date_format(timezone.localtime(entry.at), "H:i d/m/Y")
            actor = _escape(entry.actor) if entry.actor else system
            changes = ""
            if entry.changes:
                lines = []
                for change in entry.changes:
                    old = (
                        f'<del class="text-muted">{_escape(Truncator(change.old).chars(200))}</del> → '
                        if entry.action == 1
                        else ""
                    )
                    lines.append(
                        f'\n        <li><span class="text-muted">{_escape(capfirst(change.label))}:</span>\n'
                        f"          {old}<span>{_escape(Truncator(change.new).chars(200))}</span></li>\n        "
                    )
                changes = f'\n      <ul class="mb-0 ps-3">\n        {"".join(lines)}\n      </ul>\n      '
            parts.append(
                '\n    <li class="mb-2 pb-2 border-bottom">\n'
                f'      <span class="text-muted">{at}</span> ·\n'
                f"      <strong>{actor}</strong>\n"
                f'      {_escape(entry.action_label)} <span class="text-muted">{_escape(entry.model_label)}</span>'
                f" “{_escape(Truncator(entry.object_label).chars(80))}”\n"
                f"      {changes}\n    </li>\n    "
            )
        parts.append("\n  </ol>\n  ")
    else:
        parts.append(f'\n  <p class="text-muted small">{_escape(_("No changes recorded yet."))}</p>\n  ')
    parts.append("\n</section>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def record_html(updates: list) -> SafeString:
    """The reference template's markup of an action's record (``updates`` with their actors and
    attachments, as selectors.action_detail loads them)."""
    if not updates:
        items = f'<li class="text-muted small">{_escape(_("Nothing reported yet."))}</li>'
        return mark_safe(f'<ol class="list-unstyled">\n      {items}\n    </ol>')  # noqa: S308 - escaped
    kinds, decisions = dict(UpdateKind.choices), dict(ExtensionDecision.choices)
    sentinel = 987654321
    before, after = reverse("findings:attachment_download", args=[sentinel]).split(str(sentinel))
    rows = []
    for update in updates:
        due = (
            f" · {_escape(_('new due date'))} {update.requested_due_date.strftime('%d/%m/%Y')}"
            if update.requested_due_date
            else ""
        )
        decision = (
            f' <span class="badge {badge(update.decision)}">'
            f"{_escape(decisions.get(update.decision, update.decision))}</span>"
            if update.decision
            else ""
        )
        pending = (
            f' <span class="badge text-bg-warning">{_escape(_("Waiting for a decision"))}</span>'
            if update.is_pending_request
            else ""
        )
        text = f'<div class="text-prewrap">{_escape(update.text)}</div>' if update.text else ""
        attachments = list(update.attachments.all())
        files = (
            '\n        <ul class="list-unstyled small mb-0">\n          '
            + "".join(
                f'<li><a href="{before}{int(a.pk)}{after}">{_escape(a.original_name)}</a>'
                f' <span class="text-muted">({_escape(filesizeformat(a.size))})</span></li>'
                for a in attachments
            )
            + "\n        </ul>\n        "
            if attachments
            else ""
        )
        rows.append(
            f'\n      <li class="border-start border-3 ps-2 mb-3" id="update-{int(update.pk)}">\n'
            f'        <div class="small text-muted">{date_format(timezone.localtime(update.at), "H:i d/m/Y")} · '
            f"<strong>{_escape(update.actor)}</strong> · {_escape(kinds.get(update.kind, update.kind))}\n"
            f"          {due}\n          {decision}\n          {pending}</div>\n"
            f"        {text}\n        {files}\n      </li>\n      "
        )
    return mark_safe(f'<ol class="list-unstyled">\n      {"".join(rows)}\n    </ol>')  # noqa: S308 - escaped
