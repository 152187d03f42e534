"""The rows of the documents list and of a scope's documents panel (templates/reports/_report_row.html),
drawn in Python.

Through the template engine each row was an include with its own context, four reversed URLs,
a translated label or two and a date filter: on the documents list's page of 25 more than the
rest of the page, and the reason the page cost more on the bench's large data set (25 rows)
than on the small one (5). This writes the template's markup with every text escaped, the URLs
from reversed patterns and the labels read once per table. The polled status row
(reports.views.report_status) still renders the template; tests keep the two equal.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import PENDING_STATES, Report, ReportFormat, ReportKind, ReportState

# What a row reads of a report and of whoever requested it (select_related + only).
ROW_FIELDS = (
    "id",
    "kind",
    "format",
    "state",
    "progress",
    "error",
    "requested_at",
    "attempts",
    "heartbeat_at",
    "requested_by__username",
    "requested_by__first_name",
    "requested_by__last_name",
)

_PK = 987654321


def for_rows(reports):
    """``reports`` (a queryset) reading only what a row shows, with whoever requested each."""
    return reports.select_related("requested_by").only(*ROW_FIELDS)


def csrf_input(token: str) -> str:
    """``{% csrf_token %}``'s markup for ``token`` (nothing without one, as the tag)."""
    if not token:
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def report_rows_html(reports: list[Report], *, csrf_token: str = "") -> list[SafeString]:
    """The markup of each report's row, as reports/_report_row.html draws it: its kind (a link to
    its page), format, date and requester, then its download button, its error with "Try again",
    "waiting to be processed again" or its state and progress (a pending row polls its status)."""
    urls = {
        name: reverse(f"reports:{name}", args=[_PK]).replace(str(_PK), "{}")
        for name in ("detail", "download", "retry", "status")
    }
    kinds = {value: escape(label) for value, label in ReportKind.choices}
    formats = {value: escape(label) for value, label in ReportFormat.choices}
    states = {value: escape(label) for value, label in ReportState.choices}
    download, failed, again = escape(_("Download")), escape(_("Failed:")), escape(_("Try again"))
    waiting, progress_label = escape(_("Waiting to be processed again…")), escape(_("Progress"))
    token = csrf_input(csrf_token)
    tz = timezone.get_current_timezone()
    rows = []
    for report in reports:
        pk = report.pk
        poll = (
            f' hx-get="{urls["status"].format(pk)}?as=row" hx-trigger="every 2s" hx-swap="outerHTML"'
            if report.state in PENDING_STATES
            else ""
        )
        requested_at = date_format(timezone.localtime(report.requested_at, tz), "SHORT_DATETIME_FORMAT")
        if report.state == ReportState.DONE:
            end = (
                f'  <a class="btn btn-sm btn-success" href="{urls["download"].format(pk)}" download>'
                f"{download} {escape(report.format.upper())}</a>\n  "
            )
        elif report.state == ReportState.FAILED:
            retry = urls["retry"].format(pk)
            end = (
                f'  <span class="small text-danger" role="status">{failed} {escape(report.error)}</span>\n'
                f'  <form method="post" action="{retry}" hx-post="{retry}" hx-target="closest li"'
                f' hx-swap="outerHTML">{token}<button class="btn btn-sm btn-outline-primary" type="submit">'
                f"{again}</button></form>\n  "
            )
        elif report.is_waiting_again:
            end = f'  <span class="small text-muted" role="status">{waiting}</span>\n  '
        else:
            state = states.get(report.state, escape(report.state))
            end = (
                f'  <span class="small text-muted" role="status">{state} {report.progress}%</span>\n'
                f'  <progress class="w-25" value="{report.progress}" max="100" aria-label="{progress_label}">'
                f"{report.progress}%</progress>\n  "
            )
        rows.append(
            f'<li class="list-group-item px-0 d-flex flex-wrap align-items-center gap-2" id="report-{pk}"{poll}>\n'
            f'  <span class="me-auto">\n'
            f'    <a href="{urls["detail"].format(pk)}">{kinds.get(report.kind, escape(report.kind))}</a>'
            f" · {formats.get(report.format, escape(report.format))}\n"
            f'    <small class="text-muted d-block">{escape(requested_at)} · {escape(str(report.requested_by))}'
            f"</small>\n  </span>\n  \n{end}\n</li>\n"
        )
    # Every value above is escaped, a reversed URL or a number.
    return [mark_safe(row) for row in rows]  # noqa: S308
