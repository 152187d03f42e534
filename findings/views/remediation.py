"""Remediation: the list of actions, an action's page, and what is posted on it (progress,
done, extension request and decision, verification, reopening); the updates' attachments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.downloads import private_file_response
from core.pagination import paginate_ids

from .. import selectors, services
from ..access import (
    action_abilities,
    get_action_for_user,
    get_attachment_for_user,
    get_extension_request_for_user,
)
from ..action_rows import action_rows_html
from ..filters import ActionFilter
from ..forms import ExtensionDecisionForm, ExtensionRequestForm, ReopenForm, UpdateForm, VerifyForm
from ..selectors.history import action_history
from ._common import PAGE_SIZE, error_message

REPORT = "findings.report_remediation"
VERIFY = "findings.verify_remediation"


@require_safe
def action_list(request):
    actions = selectors.action_list(user=request.user)
    filterset = ActionFilter(request.GET or None, queryset=actions, request=request)
    # The plan filter's options and the rows' plan titles: one probe per plan (few), not a count
    # of every visible action.
    plans = selectors.action_list_plans(user=request.user)
    filterset.show_plans([(pk, f"{title} ({year})") for pk, title, year in plans])
    titles = {pk: title for pk, title, _year in plans}
    # The page's rows and the list's total in one query (core.pagination.paginate_ids).
    page = paginate_ids(
        request,
        filterset.qs,
        PAGE_SIZE,
        rows=lambda page: selectors.action_list_rows(page, plan_titles=titles),
    )
    rows = action_rows_html(page.object_list, today=timezone.localdate())
    return render(request, "findings/action_list.html", {"filter": filterset, "page": page, "rows": rows})


def _action_context(request, action, **forms) -> dict:
    """The action page's context: only the forms the user's abilities show are built (each form
    copies its fields; a liaison's page shows three of the six)."""
    detail = selectors.action_detail(action=action)
    version = {"version": action.version}
    abilities = action_abilities(request.user, action, pending_extension=detail["pending_extension"])
    context = {
        "action": action,
        "finding": action.finding,
        "visit": action.finding.visit,
        **detail,
        "history": action_history(action=action, updates=detail["updates"]),
        **abilities,
    }
    if abilities["can_report"]:
        context["progress_form"] = UpdateForm(initial=version, prefix="progress")
        context["done_form"] = UpdateForm(initial=version, prefix="done")
    if abilities["can_request_extension"]:
        context["extension_form"] = ExtensionRequestForm(initial=version, prefix="extension")
    if abilities["can_decide"]:
        context["decision_form"] = ExtensionDecisionForm()
    if abilities["can_verify"]:
        context["verify_form"] = VerifyForm(initial=version, prefix="verify")
        context["reopen_form"] = ReopenForm(initial=version, prefix="reopen")
    context.update(forms)
    return context


@require_safe
def action_detail(request, pk):
    action = get_action_for_user(request.user, pk)
    return render(request, "findings/action_detail.html", _action_context(request, action))


def _action_post(request, pk, *, perm, form_class, form_key, prefix, service, success):
    """The common shape of every remediation POST: access with permission, form, service, redirect."""
    action = get_action_for_user(request.user, pk, perm=perm)
    form = form_class(request.POST, request.FILES, prefix=prefix)
    if form.is_valid():
        try:
            service(action=action, actor=request.user, form=form)
        except ValidationError as exc:
            if getattr(exc, "code", None) in {"state", "stale"}:
                error_message(request, exc)
                return redirect(action)
            form.add_service_errors(exc)
        else:
            messages.success(request, success)
            return redirect(action)
    return render(
        request, "findings/action_detail.html", _action_context(request, action, **{form_key: form})
    )


def _progress(*, action, actor, form):
    data = form.cleaned_data
    services.action_post_progress(
        action=action, actor=actor, text=data["text"], files=data["files"], version=data["version"]
    )


def _done(*, action, actor, form):
    data = form.cleaned_data
    services.action_report_done(
        action=action, actor=actor, text=data["text"], files=data["files"], version=data["version"]
    )


def _extension(*, action, actor, form):
    data = form.cleaned_data
    services.action_request_extension(
        action=action,
        actor=actor,
        reason=data["reason"],
        requested_due_date=data["requested_due_date"],
        version=data["version"],
    )


def _verify(*, action, actor, form):
    services.action_verify(
        action=action, actor=actor, comment=form.cleaned_data["comment"], version=form.cleaned_data["version"]
    )


def _reopen(*, action, actor, form):
    services.action_reopen(
        action=action, actor=actor, comment=form.cleaned_data["comment"], version=form.cleaned_data["version"]
    )


@require_POST
def action_progress(request, pk):
    return _action_post(
        request,
        pk,
        perm=REPORT,
        form_class=UpdateForm,
        form_key="progress_form",
        prefix="progress",
        service=_progress,
        success=_("Your progress report was posted."),
    )


@require_POST
def action_done(request, pk):
    return _action_post(
        request,
        pk,
        perm=REPORT,
        form_class=UpdateForm,
        form_key="done_form",
        prefix="done",
        service=_done,
        success=_("The action is reported done; the inspection team will verify it."),
    )


@require_POST
def action_extension(request, pk):
    return _action_post(
        request,
        pk,
        perm=REPORT,
        form_class=ExtensionRequestForm,
        form_key="extension_form",
        prefix="extension",
        service=_extension,
        success=_("Your request for more time was sent to the Department head."),
    )


@require_POST
def action_extension_decide(request, pk, update_pk):
    action, extension = get_extension_request_for_user(request.user, pk, update_pk)
    form = ExtensionDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.action_decide_extension(
                action=action,
                request=extension,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect(action)
    return render(
        request, "findings/action_detail.html", _action_context(request, action, decision_form=form)
    )


@require_POST
def action_verify(request, pk):
    return _action_post(
        request,
        pk,
        perm=VERIFY,
        form_class=VerifyForm,
        form_key="verify_form",
        prefix="verify",
        service=_verify,
        success=_("The action is verified."),
    )


@require_POST
def action_reopen(request, pk):
    return _action_post(
        request,
        pk,
        perm=VERIFY,
        form_class=ReopenForm,
        form_key="reopen_form",
        prefix="reopen",
        service=_reopen,
        success=_("The action was reopened; the unit was told what is missing."),
    )


@require_safe
def attachment_download(request, pk):
    attachment = get_attachment_for_user(request.user, pk)
    return private_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )
