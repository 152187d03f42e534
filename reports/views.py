"""Report pages: request (POST), the report's page and its polled status, the scope panel, the
list, and the download. Access -> form -> service -> redirect / render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.downloads import private_file_response
from core.permissions import can, require
from core.security_events import record_export

from . import selectors, services
from .access import get_issued_for_user, get_report_for_user, get_scope_for_user
from .documents.loaders.common import default_signer
from .documents.loaders.followup import issuer_for_unit
from .forms import CorrectionForm, IssueForm, ReportRequestForm, ScopeForm
from .models import CONTENT_TYPES, ReportFormat, ReportState
from .paging import counted_page
from .report_rows import for_rows, report_rows_html
from .services.issuing import REPORT_ISSUE, notice_correct, report_issue

PAGE_SIZE = 25


def _rows(request, reports) -> list:
    """The rows of ``reports`` drawn in Python (reports.report_rows), with the CSRF token of the
    "Try again" forms when a row has one."""
    failed = any(report.state == ReportState.FAILED for report in reports)
    return report_rows_html(reports, csrf_token=get_token(request) if failed else "")


def _panel_context(request, scope: dict, *, form=None, limit: int = 6) -> dict:
    key, obj = next((k, v) for k, v in scope.items() if v is not None)
    reports = selectors.scope_reports(user=request.user, limit=limit, **scope)
    issued, any_issued = selectors.scope_issued(**scope)
    return {
        "scope_key": key,
        "scope_object": obj,
        "scope_query": urlencode({key: obj.pk}),
        "offers": selectors.report_offers(**scope, issued=any_issued),
        "issued": issued,
        "reports": reports,
        "report_rows": _rows(request, reports),
        "form": form,
    }


@require_GET
def report_panel(request):
    """The documents panel of a visit, plan or unit page (loaded by htmx into the page)."""
    form = ScopeForm(request.GET)
    if not form.has_one_scope():
        raise Http404
    scope = get_scope_for_user(request.user, **form.scope_ids())
    return render(request, "reports/_report_panel.html", _panel_context(request, scope))


@require_POST
def report_request(request):
    form = ReportRequestForm(request.POST)
    scope_form = ScopeForm(request.POST)
    if not scope_form.has_one_scope():
        raise Http404
    scope = get_scope_for_user(request.user, **scope_form.scope_ids())
    if form.is_valid() and scope["visit"] is not None and selectors.issued_for_scope(visit=scope["visit"]):
        # An issued notice is never rebuilt: its issued files are the notice.
        form.add_error(None, _("The notice was issued: download the issued files."))
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_request(
                user=request.user,
                kind=data["kind"],
                format=data["format"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                **scope,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.htmx:
                return render(request, "reports/_report_panel.html", _panel_context(request, scope))
            return redirect(report)
    if request.htmx:
        return render(request, "reports/_report_panel.html", _panel_context(request, scope, form=form))
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{reverse('reports:list')}?{urlencode({k: v.pk for k, v in scope.items() if v})}")


def _status_context(report) -> dict:
    # Whether the queue refused the task so far (the outbox keeps it and sends it later).
    waiting = report.state == ReportState.QUEUED and services.report_queue_waiting(report=report)
    return {"report": report, "queue_waiting": waiting}


@require_GET
def report_detail(request, pk):
    report = get_report_for_user(request.user, pk)
    context = {
        **_status_context(report),
        "issued": report.issued_documents.first(),
        "can_issue": report.kind in REPORT_ISSUE
        and report.state == ReportState.DONE
        and can(request.user, "reports.issue_report", report),
    }
    return render(request, "reports/report_detail.html", context)


@require_http_methods(["GET", "POST"])
def report_issue_view(request, pk):
    """A head issues a produced report: the next number, the date and the signature, frozen."""
    report = get_report_for_user(request.user, pk)
    if report.kind not in REPORT_ISSUE:
        # Only the follow-up and summary reports are issued this way (a notice is issued when
        # its visit is concluded): for any other report there is no such page.
        raise Http404
    require(request.user, "reports.issue_report", report)
    issued = report.issued_documents.first()
    if issued is not None:
        return redirect(issued)
    issuing_unit = report.plan.issuing_unit if report.plan_id else issuer_for_unit(report.unit)
    signer = default_signer(issuing_unit, report.plan)
    initial = {
        "date": timezone.localdate(),
        "authority_line": signer.authority_line,
        "signer_title": signer.title,
        "signer_name": signer.name,
    }
    form = IssueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            doc = report_issue(report=report, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Report %(reference)s issued.") % {"reference": doc.reference})
            return redirect(doc)
    return render(request, "reports/report_issue.html", {"report": report, "form": form})


@require_GET
def report_status(request, pk):
    """The polled fragment: the report's row (``?as=row``) or its page's status card."""
    report = get_report_for_user(request.user, pk)
    if request.GET.get("as") == "row":
        return render(request, "reports/_report_row.html", {"report": report})
    return render(request, "reports/_report_status.html", _status_context(report))


@require_POST
def report_retry(request, pk):
    """ "Try again" on a failed report: the same document requested anew by this user, who must
    be allowed to request documents of its scope."""
    report = get_report_for_user(request.user, pk)
    get_scope_for_user(request.user, visit=report.visit_id, plan=report.plan_id, unit=report.unit_id)
    again = services.report_retry(user=request.user, report=report)
    if request.htmx:
        return render(request, "reports/_report_row.html", {"report": again})
    return redirect(again)


@require_GET
def report_list(request):
    """The reports the user may see, or those of one scope with its request buttons."""
    form = ScopeForm(request.GET)
    context = {}
    if form.has_one_scope():
        scope = get_scope_for_user(request.user, **form.scope_ids())
        context.update(_panel_context(request, scope, limit=50))
        context["panel"] = True
    else:
        # Only the columns a row shows (reports.report_rows).
        reports = for_rows(selectors.reports_visible_to(request.user))
        # The page and the count of every visible report in one query (reports.paging).
        page = counted_page(reports.order_by("-requested_at", "-id"), PAGE_SIZE, request.GET.get("page"))
        context["page"] = page
        context["rows"] = _rows(request, page.object_list)
    return render(request, "reports/report_list.html", context)


@require_GET
def report_download(request, pk):
    report = get_report_for_user(request.user, pk)
    if report.state != ReportState.DONE or not report.file:
        raise Http404
    record_export(request, name=f"report-{report.pk}-{report.kind}", fmt=report.format)
    return private_file_response(report.file, filename=report.filename, content_type=report.content_type)


@require_GET
def issued_detail(request, pk):
    """An issued document: its number, date, signer, files and hashes, and what happened since."""
    doc = get_issued_for_user(request.user, pk)
    return render(
        request, "reports/issued_detail.html", {"doc": doc, "history": selectors.issued_history(doc)}
    )


@require_GET
def issued_download(request, pk, fmt):
    """The bytes issued, exactly: never rebuilt."""
    doc = get_issued_for_user(request.user, pk)
    if fmt not in (ReportFormat.DOCX, ReportFormat.PDF):
        raise Http404
    field = doc.docx if fmt == ReportFormat.DOCX else doc.pdf
    if not field:
        raise Http404
    name = field.name.rsplit("/", 1)[-1]
    return private_file_response(field, filename=name, content_type=CONTENT_TYPES[fmt])


@require_http_methods(["GET", "POST"])
def issued_correct(request, pk):
    """The team leader issues a Thông báo đính chính of an issued notice (a new number)."""
    doc = get_issued_for_user(request.user, pk, perm="findings.conclude_visit")
    initial = {
        "date": timezone.localdate(),
        "authority_line": doc.authority_line,
        "signer_title": doc.signer_title,
        "signer_name": doc.signer_name,
    }
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            correction = notice_correct(
                issued=doc,
                actor=request.user,
                date=data["date"],
                corrections=form.correction_lines(),
                signer_name=data["signer_name"],
                signer_title=data["signer_title"],
                authority_line=data["authority_line"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request, _("Correction %(reference)s issued.") % {"reference": correction.reference}
            )
            return redirect(correction)
    return render(request, "reports/issued_correct.html", {"doc": doc, "form": form})
