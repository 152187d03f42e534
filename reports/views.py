"""Report pages: request (POST), the report's page and its polled status, the scope panel, the
list, and the download. Access -> form -> service -> redirect / render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from core.downloads import private_file_response
from core.security_events import record_export

from . import selectors, services
from .access import get_report_for_user, get_scope_for_user
from .forms import ReportRequestForm, ScopeForm
from .models import ReportState

PAGE_SIZE = 25


def _panel_context(request, scope: dict, *, form=None, limit: int = 6) -> dict:
    key, obj = next((k, v) for k, v in scope.items() if v is not None)
    reports = selectors.scope_reports(user=request.user, limit=limit, **scope)
    return {
        "scope_key": key,
        "scope_object": obj,
        "scope_query": urlencode({key: obj.pk}),
        "offers": selectors.report_offers(**scope),
        "reports": reports,
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
    return render(request, "reports/report_detail.html", _status_context(report))


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
        reports = selectors.reports_visible_to(request.user).select_related(
            "visit__unit", "plan", "unit", "requested_by"
        )
        context["page"] = Paginator(reports.order_by("-requested_at", "-id"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return render(request, "reports/report_list.html", context)


@require_GET
def report_download(request, pk):
    report = get_report_for_user(request.user, pk)
    if report.state != ReportState.DONE or not report.file:
        raise Http404
    record_export(request, name=f"report-{report.pk}-{report.kind}", fmt=report.format)
    return private_file_response(report.file, filename=report.filename, content_type=report.content_type)
