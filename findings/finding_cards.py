"""The finding cards of a visit's findings page, drawn in Python.

A visit's notice lists up to thirty findings; each card through the template (badges, choice
labels, four URLs, the team's buttons) cost about 0.13 ms, as much as the rest of the page for a
long notice (issue 17). ``finding_card_html`` writes the markup the template wrote
(findings/tests/finding_card_reference.html, the page's former partial), escaping every value;
test_visit_findings holds the two equal. The same card answers an htmx edit.
"""

import html
from collections.abc import Callable
from functools import lru_cache

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import ActionState, Finding, ReviewDecision, ReviewState
from .templatetags.findings_tags import badge


def escape(value) -> str:
    """django.utils.html.escape's text, without its lazy-string wrapper."""
    return html.escape(str(value))


@lru_cache(maxsize=8)
def _labels(language: str) -> dict:
    """The escaped words and choice labels of a card in ``language``."""
    field = Finding._meta.get_field
    return {
        "review_state": {v: escape(label) for v, label in field("review_state").flatchoices},
        "severity": {v: escape(label) for v, label in field("severity").flatchoices},
        "cause": {v: escape(label) for v, label in field("cause").flatchoices},
        "action_state": {v: escape(label) for v, label in ActionState.choices},
        "Severity": escape(_("Severity")),
        "Cause": escape(_("Cause")),
        "details": escape(_("Details and history")),
        "Cause:": escape(_("Cause:")),
        "Recommendation:": escape(_("Recommendation:")),
        "Remediation:": escape(_("Remediation:")),
        "due": escape(_("due")),
        "Edit": escape(_("Edit")),
        "Move up": escape(_("Move up")),
        "Move down": escape(_("Move down")),
        "Remove": escape(_("Remove")),
    }


def _shown(labels: dict, name: str, value) -> str:
    shown = labels[name].get(value)
    return escape(value) if shown is None else shown


def _url_of(name: str) -> Callable[[int], str]:
    sentinel = 987654321
    before, after = reverse(name, args=[sentinel]).split(str(sentinel))
    return lambda pk: f"{before}{int(pk)}{after}"


class CardUrls:
    """The URLs a card links to, each from one reverse() per page."""

    def __init__(self):
        self.detail = _url_of("findings:finding_detail")
        self.edit = _url_of("findings:finding_edit")
        self.move = _url_of("findings:finding_move")
        self.delete = _url_of("findings:finding_delete")
        self.action = _url_of("findings:action_detail")


def _returned(finding: Finding) -> str:
    """The head's return while the finding is not approved (its last review, when a return)."""
    if finding.review_state == ReviewState.APPROVED:
        return ""
    last = finding.last_review
    if last is None or last.decision != ReviewDecision.RETURNED:
        return ""
    who = _("Returned by %(name)s:") % {"name": escape(last.actor)}
    return f'\n    <div class="alert alert-warning py-1 px-2 mb-1 small">{who} {escape(last.comment)}</div>\n    '


def _action(labels: dict, finding: Finding, urls: CardUrls) -> str:
    try:
        action = finding.action
    except AttributeError:  # no action (RelatedObjectDoesNotExist)
        return ""
    if action is None:
        return ""
    due = action.due_date.strftime("%d/%m/%Y") if action.due_date else ""
    return (
        f'<p class="mb-1 small">{labels["Remediation:"]} <a href="{urls.action(action.pk)}">'
        f'<span class="badge {badge(action.state)}">{_shown(labels, "action_state", action.state)}</span></a>'
        f" · {labels['due']} {due}</p>"
    )


def _buttons(labels: dict, finding: Finding, urls: CardUrls, csrf: str) -> str:
    pk = int(finding.pk)
    edit, move = urls.edit(pk), urls.move(pk)
    remove = (
        f'\n      <form method="post" action="{urls.delete(pk)}" class="ms-auto">{csrf}'
        f'<input type="hidden" name="version" value="{escape(finding.version)}">'
        f'<button class="btn btn-outline-danger btn-sm" type="submit">{labels["Remove"]}</button></form>\n      '
        if finding.review_state != ReviewState.APPROVED
        else ""
    )
    return (
        '\n    <div class="d-flex flex-wrap gap-1 mt-1">\n'
        f'      <a class="btn btn-outline-primary btn-sm" href="{edit}" hx-get="{edit}" hx-target="#finding-{pk}"'
        f' hx-swap="outerHTML">{labels["Edit"]}</a>\n'
        f'      <form method="post" action="{move}">{csrf}<input type="hidden" name="direction" value="up">'
        f'<button class="btn btn-outline-secondary btn-sm" type="submit" aria-label="{labels["Move up"]}">↑</button></form>\n'
        f'      <form method="post" action="{move}">{csrf}<input type="hidden" name="direction" value="down">'
        f'<button class="btn btn-outline-secondary btn-sm" type="submit" aria-label="{labels["Move down"]}">↓</button></form>\n'
        f"      {remove}\n    </div>\n    "
    )


def finding_card_html(
    finding: Finding, *, editing: bool, csrf_token: str = "", urls: CardUrls | None = None
) -> SafeString:
    """``finding``'s card (its reviews and action loaded as visit_findings loads them); with
    ``editing``, the team's buttons (``csrf_token`` for their forms)."""
    labels = _labels(get_language())
    urls = urls or CardUrls()
    pk = int(finding.pk)
    place = finding.place_label
    badges = (
        (f'<span class="badge text-bg-light border">{escape(place)}</span>' if place else "")
        + "\n      "
        + f'<span class="badge {badge(finding.review_state)}">{_shown(labels, "review_state", finding.review_state)}</span>'
        + "\n      "
        + (
            f'<span class="badge {badge(finding.severity)}">{labels["Severity"]}: '
            f"{_shown(labels, 'severity', finding.severity)}</span>"
            if finding.severity
            else ""
        )
        + "\n      "
        + (
            f'<span class="badge text-bg-light border">{labels["Cause"]}: {_shown(labels, "cause", finding.cause)}</span>'
            if finding.cause
            else ""
        )
    )
    cause_note = (
        f'<p class="mb-1 small text-muted text-prewrap">{labels["Cause:"]} {escape(finding.cause_note)}</p>'
        if finding.cause_note
        else ""
    )
    recommendation = (
        f'<p class="mb-1 text-prewrap"><strong>{labels["Recommendation:"]}</strong> {escape(finding.recommendation)}</p>'
        if finding.recommendation
        else ""
    )
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    buttons = _buttons(labels, finding, urls, csrf) if editing else ""
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'\n<article class="card mb-2 finding-card" id="finding-{pk}">\n'
        '  <div class="card-body py-2">\n'
        '    <div class="d-flex flex-wrap gap-1 align-items-center mb-1 small">\n'
        f"      {badges}\n"
        f'      <a class="ms-auto text-muted" href="{urls.detail(pk)}">{labels["details"]}</a>\n'
        "    </div>\n"
        f'    <p class="mb-1 text-prewrap">{escape(finding.text)}</p>\n'
        f"    {cause_note}\n"
        f"    {recommendation}\n"
        f"    {_returned(finding)}\n"
        f"    {_action(labels, finding, urls)}\n"
        f"    {buttons}\n"
        "  </div>\n"
        "</article>\n"
    )
