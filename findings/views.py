"""Pages of findings, review, conclusion and remediation: access -> form -> service -> redirect / render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.downloads import private_file_response
from inspections.models import Criterion, VisitStatus
from units.roles import Role, has_role

from . import selectors, services
from .access import (
    get_action_for_user,
    get_attachment_for_user,
    get_finding_for_user,
    get_visit_findings_for_user,
)
from .filters import ActionFilter
from .forms import (
    ConcludeForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    FindingForm,
    FinishReviewForm,
    ReopenForm,
    ReviewForm,
    UpdateForm,
    VerifyForm,
    VersionForm,
)
from .models import ActionState, FindingKind, RemediationUpdate, UpdateKind

PAGE_SIZE = 25


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _version(request) -> int | None:
    form = VersionForm(request.POST)
    return form.cleaned_data.get("version") if form.is_valid() else None


# The visit's findings


def _visit_context(request, visit, **extra) -> dict:
    user = request.user
    editing = visit.status == VisitStatus.IN_PROGRESS and user.has_perm("findings.edit_findings", visit)
    data = selectors.visit_findings(visit=visit, with_candidates=editing)
    return {
        "visit": visit,
        "data": data,
        "editing": editing,
        "can_submit": visit.status == VisitStatus.IN_PROGRESS
        and user.has_perm("findings.submit_findings", visit),
        "can_review": visit.status == VisitStatus.SUBMITTED
        and user.has_perm("findings.review_findings", visit),
        "can_conclude": visit.status == VisitStatus.REVIEWED
        and user.has_perm("findings.conclude_visit", visit),
        "carry_forward": selectors.carry_forward(visit=visit)
        if user.has_perm("findings.edit_findings", visit)
        else [],
        "history": selectors.visit_history(
            visit=visit, findings=data.all, conclusion=data.conclusion, limit=15
        ),
        **extra,
    }


def visit_findings(request, pk):
    visit = get_visit_findings_for_user(request.user, pk)
    context = _visit_context(request, visit)
    if context["editing"]:
        context["form"] = FindingForm(visit=visit, initial={"kind": FindingKind.LIMITATION})
    return render(request, "findings/visit_findings.html", context)


def carry_forward(request, pk):
    """The earlier recommendations of the visit's unit, as a fragment: the checklist page loads it
    next to criterion 1.8 (hx-get), since the inspections app cannot call findings' selectors."""
    visit = get_visit_findings_for_user(request.user, pk)
    items = selectors.carry_forward(visit=visit)
    return render(request, "findings/_carry_forward.html", {"items": items})


def visit_history(request, pk):
    visit = get_visit_findings_for_user(request.user, pk)
    data = selectors.visit_findings(visit=visit)
    history = selectors.visit_history(visit=visit, findings=data.all, conclusion=data.conclusion)
    return render(request, "findings/visit_history.html", {"visit": visit, "history": history})


@require_http_methods(["GET", "POST"])
def finding_create(request, pk):
    visit = get_visit_findings_for_user(request.user, pk, write=True)
    form = FindingForm(
        request.POST or None, visit=visit, initial={"kind": request.GET.get("kind", FindingKind.LIMITATION)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_create(visit=visit, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The finding was added."))
            return redirect(reverse("findings:visit_findings", args=[visit.pk]) + f"#finding-{finding.pk}")
    return render(request, "findings/finding_form.html", {"visit": visit, "form": form})


@require_http_methods(["GET", "POST"])
def finding_edit(request, pk):
    finding = get_finding_for_user(request.user, pk, write=True)
    visit = finding.visit
    initial = {
        name: getattr(finding, name)
        for name in (
            "kind",
            "criterion",
            "domain",
            "text",
            "cause",
            "cause_note",
            "severity",
            "recommendation",
        )
    }
    form = FindingForm(request.POST or None, visit=visit, initial={**initial, "version": finding.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_update(
                finding=finding,
                version=form.cleaned_data["version"],
                actor=request.user,
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if request.htmx:
                return render(request, "findings/visit_findings.html#finding-card", _card(request, finding))
            messages.success(request, _("The finding was saved."))
            return redirect(reverse("findings:visit_findings", args=[visit.pk]) + f"#finding-{finding.pk}")
    template = "findings/visit_findings.html#finding-form" if request.htmx else "findings/finding_form.html"
    return render(request, template, {"visit": visit, "form": form, "finding": finding})


def _card(request, finding) -> dict:
    return {"finding": selectors.finding_card(finding=finding), "visit": finding.visit, "editing": True}


@require_POST
def finding_delete(request, pk):
    finding = get_finding_for_user(request.user, pk, write=True)
    try:
        services.finding_delete(finding=finding, version=_version(request), actor=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The finding was removed."))
    return redirect("findings:visit_findings", finding.visit_id)


@require_POST
def finding_move(request, pk):
    finding = get_finding_for_user(request.user, pk, write=True)
    try:
        services.finding_move(finding=finding, actor=request.user, up=request.POST.get("direction") == "up")
    except ValidationError as exc:
        _error(request, exc)
    return redirect(reverse("findings:visit_findings", args=[finding.visit_id]) + f"#finding-{finding.pk}")


@require_POST
def finding_from_answer(request, pk, criterion_pk):
    visit = get_visit_findings_for_user(request.user, pk, write=True)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, domain__template_id=visit.template_id)
    try:
        finding, created = services.finding_from_answer(visit=visit, criterion=criterion, actor=request.user)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("findings:visit_findings", visit.pk)
    if created:
        messages.success(
            request,
            _("A limitation was drafted from criterion %(code)s: complete it.") % {"code": criterion.code},
        )
    else:
        messages.info(request, _("Criterion %(code)s already has a limitation.") % {"code": criterion.code})
    return redirect("findings:finding_edit", finding.pk)


def finding_detail(request, pk):
    finding = get_finding_for_user(request.user, pk)
    reviews = list(finding.reviews.select_related("actor").order_by("at", "id"))
    return render(
        request,
        "findings/finding_detail.html",
        {
            "finding": finding,
            "visit": finding.visit,
            "reviews": reviews,
            "action": getattr(finding, "action", None),
            "history": selectors.finding_history(finding=finding),
            "can_edit": finding.visit.status == VisitStatus.IN_PROGRESS
            and request.user.has_perm("findings.edit_findings", finding.visit),
        },
    )


@require_POST
def findings_submit(request, pk):
    visit = get_visit_findings_for_user(request.user, pk)
    if not request.user.has_perm("findings.submit_findings", visit):
        raise PermissionDenied
    try:
        services.findings_submit(visit=visit, actor=request.user, version=_version(request))
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The visit was sent to the Department head for review."))
    return redirect("findings:visit_findings", visit.pk)


# The review


def review_queue(request):
    if not has_role(request.user, Role.HEAD):
        raise PermissionDenied
    return render(
        request, "findings/review_queue.html", {"visits": selectors.review_queue(user=request.user)}
    )


def _review_context(visit, data, forms=None) -> dict:
    forms = forms or {}
    for finding in data.all:
        finding.form = forms.get(finding.pk) or ReviewForm(
            initial={
                "version": finding.version,
                "decision": "",
                "text": finding.text,
                "recommendation": finding.recommendation,
            },
            prefix=f"f{finding.pk}",
        )
    return {
        "visit": visit,
        "data": data,
        "reviewing": visit.status == VisitStatus.SUBMITTED,
        "finish_form": FinishReviewForm(initial={"version": visit.version}),
    }


def visit_review(request, pk):
    visit = get_visit_findings_for_user(request.user, pk)
    if not request.user.has_perm("findings.review_findings", visit):
        raise PermissionDenied
    data = selectors.visit_findings(visit=visit)
    return render(request, "findings/visit_review.html", _review_context(visit, data))


@require_POST
def finding_review(request, pk):
    finding = get_finding_for_user(request.user, pk)
    visit = finding.visit
    if not request.user.has_perm("findings.review_findings", visit):
        raise PermissionDenied
    form = ReviewForm(request.POST, prefix=f"f{finding.pk}")
    saved = False
    if form.is_valid():
        try:
            services.finding_review(
                finding=finding,
                version=form.cleaned_data["version"],
                actor=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                text=form.cleaned_data["text"],
                recommendation=form.cleaned_data["recommendation"],
            )
            saved = True
        except ValidationError as exc:
            form.add_service_errors(exc)
    if saved and not request.htmx:
        return redirect(reverse("findings:visit_review", args=[visit.pk]) + f"#finding-{finding.pk}")
    context = _review_context(
        visit, selectors.visit_findings(visit=visit), {} if saved else {finding.pk: form}
    )
    if not request.htmx:
        return render(request, "findings/visit_review.html", context)
    # The decided finding's card, and the counts of the "finish" section swapped out of band.
    context.update(finding=next(f for f in context["data"].all if f.pk == finding.pk), oob=True)
    card = render_to_string("findings/visit_review.html#review-card", context, request)
    finish = render_to_string("findings/visit_review.html#finish-section", context, request)
    return HttpResponse(card + finish)


@require_POST
def review_finish(request, pk):
    visit = get_visit_findings_for_user(request.user, pk)
    if not request.user.has_perm("findings.review_findings", visit):
        raise PermissionDenied
    form = FinishReviewForm(request.POST)
    form.is_valid()
    try:
        visit = services.review_finish(
            visit=visit,
            actor=request.user,
            version=form.cleaned_data.get("version"),
            comment=form.cleaned_data.get("comment", ""),
        )
    except ValidationError as exc:
        _error(request, exc)
        return redirect("findings:visit_review", visit.pk)
    if visit.status == VisitStatus.REVIEWED:
        messages.success(request, _("The review is approved: the team leader may now conclude the visit."))
    else:
        messages.success(request, _("The visit went back to the team with the returned findings."))
    return redirect("findings:review_queue")


# The conclusion


@require_http_methods(["GET", "POST"])
def visit_conclude(request, pk):
    visit = get_visit_findings_for_user(request.user, pk)
    if not request.user.has_perm("findings.conclude_visit", visit):
        raise PermissionDenied
    if visit.status != VisitStatus.REVIEWED:
        messages.error(
            request,
            _("Only a reviewed visit is concluded; this visit is %(status)s.")
            % {"status": visit.get_status_display()},
        )
        return redirect("findings:visit_findings", visit.pk)
    data = selectors.visit_findings(visit=visit)
    today = timezone.localdate()
    initial = {
        "version": visit.version,
        "date": today,
        "symbol": services.default_symbol(visit.plan.issuing_unit),
        **selectors.signature_defaults(user=request.user),
        "due_date": services.default_due_date(today),
    }
    form = ConcludeForm(request.POST or None, initial=initial, recommendations=data.recommendations)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            conclusion = services.visit_conclude(
                visit=visit,
                actor=request.user,
                version=cleaned["version"],
                date=cleaned["date"],
                symbol=cleaned["symbol"],
                authority_line=cleaned["authority_line"],
                signer_title=cleaned["signer_title"],
                signer_name=cleaned["signer_name"],
                due_date=cleaned["due_date"],
                due_dates=form.due_dates(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("The visit is concluded: notice %(reference)s.") % {"reference": conclusion.reference},
            )
            return redirect("findings:visit_findings", visit.pk)
    return render(request, "findings/visit_conclude.html", {"visit": visit, "data": data, "form": form})


# Remediation


def action_list(request):
    filterset = ActionFilter(
        request.GET or None, queryset=selectors.action_list(user=request.user), request=request
    )
    page = Paginator(filterset.qs.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.action_rows(ids=list(page.object_list))
    return render(
        request,
        "findings/action_list.html",
        {"filter": filterset, "page": page, "today": timezone.localdate()},
    )


def _action_context(request, action, **forms) -> dict:
    user = request.user
    detail = selectors.action_detail(action=action)
    version = {"version": action.version}
    can_report = user.has_perm("findings.report_remediation", action)
    context = {
        "action": action,
        "finding": action.finding,
        "visit": action.finding.visit,
        **detail,
        "history": selectors.action_history(action=action, updates=detail["updates"]),
        "can_report": can_report and action.is_open,
        "can_request_extension": can_report and action.is_open and detail["pending_extension"] is None,
        "can_decide": detail["pending_extension"] is not None
        and user.has_perm("findings.decide_extension", action),
        "can_verify": action.state == ActionState.REPORTED_DONE
        and user.has_perm("findings.verify_remediation", action),
        "progress_form": UpdateForm(initial=version, prefix="progress"),
        "done_form": UpdateForm(initial=version, prefix="done"),
        "extension_form": ExtensionRequestForm(initial=version, prefix="extension"),
        "decision_form": ExtensionDecisionForm(),
        "verify_form": VerifyForm(initial=version, prefix="verify"),
        "reopen_form": ReopenForm(initial=version, prefix="reopen"),
    }
    context.update(forms)
    return context


def action_detail(request, pk):
    action = get_action_for_user(request.user, pk)
    return render(request, "findings/action_detail.html", _action_context(request, action))


def _action_post(request, pk, *, perm, form_class, form_key, prefix, service, success, **service_kwargs):
    """The common shape of every remediation POST: access, permission, form, service, redirect."""
    action = get_action_for_user(request.user, pk)
    if not request.user.has_perm(perm, action):
        raise PermissionDenied
    form = form_class(request.POST, request.FILES, prefix=prefix)
    if form.is_valid():
        try:
            service(action=action, actor=request.user, form=form, **service_kwargs)
        except ValidationError as exc:
            if getattr(exc, "code", None) in {"state", "stale"}:
                _error(request, exc)
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
        perm="findings.report_remediation",
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
        perm="findings.report_remediation",
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
        perm="findings.report_remediation",
        form_class=ExtensionRequestForm,
        form_key="extension_form",
        prefix="extension",
        service=_extension,
        success=_("Your request for more time was sent to the Department head."),
    )


@require_POST
def action_extension_decide(request, pk, update_pk):
    action = get_action_for_user(request.user, pk)
    if not request.user.has_perm("findings.decide_extension", action):
        raise PermissionDenied
    extension = get_object_or_404(
        RemediationUpdate, pk=update_pk, action=action, kind=UpdateKind.EXTENSION_REQUEST
    )
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
        perm="findings.verify_remediation",
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
        perm="findings.verify_remediation",
        form_class=ReopenForm,
        form_key="reopen_form",
        prefix="reopen",
        service=_reopen,
        success=_("The action was reopened; the unit was told what is missing."),
    )


def attachment_download(request, pk):
    attachment = get_attachment_for_user(request.user, pk)
    return private_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


def my_unit(request):
    if not has_role(request.user, Role.LIAISON):
        raise PermissionDenied
    return render(
        request,
        "findings/my_unit.html",
        {
            "mine": selectors.my_unit(user=request.user),
            "today": timezone.localdate(),
            "home_unit": request.user.unit,
        },
    )
