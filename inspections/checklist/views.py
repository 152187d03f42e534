"""The checklist of a visit, filled on site: the page, the autosave of one answer (htmx), evidence,
the unit's self-assessment, submitting for review and reopening.

An autosave answers with fragments of the page's own templates: 200 with the row's new status
(and out-of-band totals), 409 with the conflict (the other person's value, two choices), 422 with
what is wrong with the input. Every answer response carries ``X-Answer-Saved`` when something
was stored: static/js/checklist/ drops a queued offline change only after such an answer.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.downloads import private_file_response

from ..access import (
    can,
    get_checklist_visit_for_user,
    get_self_assessment_visit_for_user,
)
from ..models import Answer, Visit
from . import answers as answer_services
from . import evidence as evidence_services
from . import selectors
from .forms import AnswerForm, EvidenceForm, ReopenForm, SelfAssessmentForm
from .html import row_labels, status_html
from .names import N, script_config
from .page_html import domain_totals_html, missing_change_html, progress_html

ROW = "inspections/_answer_row.html"
# The ES modules main.js imports (static/js/checklist/), preloaded by the page all at once.
CHECKLIST_MODULES = [
    *(
        f"js/checklist/{name}.js"
        for name in (
            "names",
            "forms",
            "hooks",
            "queue",
            "journal",
            "typing",
            "offline",
            "photos",
            "thumbs",
            "lazy",
        )
    ),
    "vendor/idb-keyval/index.js",
]
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}


def _fragment(template: str, context: dict, status: int = 200) -> HttpResponse:
    """A fragment for htmx. Rendered without the request: the site-wide context processors (the
    menu's roles, messages...) would cost the autosave a query and more for nothing it shows."""
    return HttpResponse(render_to_string(template, context), status=status)


def _submit_url(visit: Visit) -> str:
    """Where the leader submits: the findings app's submission when it is installed (it submits
    the visit through answers.visit_submit, and also hands the findings to the
    Department head and tells them), this app's own otherwise. A URL name, not an import: the
    findings app sits above this one."""
    try:
        return reverse("findings:findings_submit", args=[visit.pk])
    except NoReverseMatch:
        return reverse("inspections:visit_submit", args=[visit.pk])


def _carry_forward_url(visit: Visit) -> str:
    """The earlier recommendations of the unit (criterion 1.8 asks the team to check them on
    site), served by the findings app as a fragment the page loads; none without that app."""
    try:
        return reverse("findings:carry_forward", args=[visit.pk])
    except NoReverseMatch:
        return ""


def _page_context(request, visit: Visit, checklist) -> dict:
    user = request.user
    return {
        "visit": visit,
        "checklist": checklist,
        "totals": checklist.totals,
        "labels": row_labels(),
        "can_answer": can(user, "inspections.change_answers", visit),
        "can_submit": can(user, "inspections.submit_visit", visit),
        "can_reopen": can(user, "inspections.reopen_visit", visit),
        "submit_url": _submit_url(visit),
        "carry_forward_url": _carry_forward_url(visit),
        "script_config": script_config(kind="team", queue_key=f"checklist:{visit.pk}:{user.pk}"),
        "checklist_modules": CHECKLIST_MODULES,
    }


@never_cache
@require_GET
def checklist(request, pk):
    visit = get_checklist_visit_for_user(request.user, pk)
    data = selectors.checklist_for_visit(visit=visit)
    if data.scores_missing:
        # First opening: the domains nobody answered yet get their roll-up rows (zero points).
        data.use_scores(answer_services.visit_scores_refresh(visit=visit))
    return render(request, "inspections/checklist_page.html", _page_context(request, visit, data))


@never_cache
@require_GET
def answer_row(request, pk, criterion_pk):
    """One criterion's row as stored now (the “keep theirs” choice of a conflict)."""
    visit = get_checklist_visit_for_user(request.user, pk)
    criterion = selectors.checklist_criterion(visit=visit, pk=criterion_pk)
    row = selectors.checklist_row(visit=visit, criterion=criterion)
    can_answer = can(request.user, "inspections.change_answers", visit)
    context = {"row": row, "can_answer": can_answer, "labels": row_labels()}
    return _fragment(f"{ROW}#row", context)


def _sent_version(request) -> int:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else 0


@require_POST
def answer_save(request, pk, criterion_pk):
    """One statement authorises the save, locks the visit and reads the answer's old values
    (answers.answering_lock), one writes (PostgreSQL); the response is built after the commit."""
    form = visit = criterion = None
    try:
        try:
            with transaction.atomic():
                lock = answer_services.answering_lock(
                    user=request.user, visit_pk=pk, criterion_pk=criterion_pk
                )
                visit = lock.visit
                criterion = selectors.checklist_criterion(visit=visit, pk=criterion_pk)
                form = AnswerForm(request.POST, criterion=criterion)
                saved = (
                    answer_services.answer_save_locked(
                        lock=lock,
                        criterion=criterion,
                        actor=request.user,
                        base_version=form.cleaned_data["version"],
                        token=form.cleaned_data["token"],
                        change=form.change(),
                    )
                    if form.is_valid()
                    else None
                )
        except IntegrityError:
            # Rolled back: another delivery of this change recorded it first, or its id was used.
            saved = answer_services.answer_applied_before(
                visit=visit, criterion=criterion, token=form.cleaned_data["token"]
            )
            if saved is None:
                raise
    except answer_services.AnswerConflict as conflict:
        theirs = selectors.checklist_row(visit=visit, criterion=criterion, answer=conflict.current)
        return _refused(request, visit, criterion, form, "conflict", 409, theirs=theirs)
    except ValidationError as exc:
        if form is None:
            # The visit is no longer in progress (its team's access is checked first).
            raise PermissionDenied from exc
        form.add_service_errors(exc)
        return _refused(request, visit, criterion, form, "invalid", 422)
    if saved is None:
        return _refused(request, visit, criterion, form, "invalid", 422)
    return _saved_response(visit, criterion, saved)


def _refused(request, visit, criterion, form, state: str, status: int, **extra) -> HttpResponse:
    """The row's status, at the version the client sent: nothing was saved."""
    row = selectors.checklist_row(
        visit=visit, criterion=criterion, answer=Answer(version=_sent_version(request))
    )
    context = {"form": form, "labels": row_labels(), "row": row, "state": state, **extra}
    return _fragment(f"{ROW}#status", context, status=status)


def _saved_response(visit, criterion, saved) -> HttpResponse:
    totals = sum((selectors.Totals.of(score) for score in saved.scores), selectors.Totals())
    applies = criterion.applies_to_kind(visit.unit.kind)
    labels = row_labels()
    row = selectors.checklist_row(visit=visit, criterion=criterion, answer=saved.answer)
    # What the template's #saved fragment renders, built by the same functions without the
    # template engine (the autosave runs at every change made on site).
    response = HttpResponse(
        status_html(row, labels, state="saved")
        + domain_totals_html(criterion.domain_id, selectors.Totals.of(saved.domain_score), labels, oob=True)
        + progress_html(totals, labels, oob=True)
        + missing_change_html(
            criterion,
            remaining=totals.missing,
            was_missing=applies and saved.before_result == "",
            is_missing=applies and saved.before_result is not None and not saved.answer.result,
        )
    )
    # The version this change stored (a repeat: when it was first applied): the device's later
    # changes of this answer, made on top of it, start from there.
    response[N.saved_header] = str(saved.stored_version or saved.answer.version)
    return response


def _evidence_response(request, visit, criterion, errors=(), status=200):
    row = selectors.checklist_row(visit=visit, criterion=criterion, answer=Answer())
    row.evidence = selectors.answer_evidence(visit=visit, criterion=criterion)
    context = {
        "row": row,
        "can_answer": can(request.user, "inspections.change_answers", visit),
        "labels": row_labels(),
        "errors": errors,
    }
    return _fragment(f"{ROW}#evidence", context, status=status)


@require_POST
def evidence_upload(request, pk, criterion_pk):
    visit = get_checklist_visit_for_user(request.user, pk, write=True)
    criterion = selectors.checklist_criterion(visit=visit, pk=criterion_pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _evidence_response(
            request, visit, criterion, [e for es in form.errors.values() for e in es], 422
        )
    errors = []
    files = form.cleaned_data["files"]
    # The phone's id of a single queued upload (static/js/checklist/photos.js): stored once.
    token = form.cleaned_data["token"] if len(files) == 1 else None
    for upload in files:
        try:
            evidence_services.evidence_add(
                visit=visit, criterion=criterion, actor=request.user, upload=upload, token=token
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
    return _evidence_response(request, visit, criterion, errors, 422 if errors else 200)


@require_POST
def evidence_remove(request, pk, evidence_pk):
    visit = get_checklist_visit_for_user(request.user, pk, write=True)
    evidence = selectors.evidence_of_visit(visit=visit, pk=evidence_pk)
    criterion = selectors.checklist_criterion(visit=visit, pk=evidence.answer.criterion_id)
    try:
        evidence_services.evidence_remove(evidence=evidence)
    except ValidationError as exc:
        return _evidence_response(request, visit, criterion, exc.messages, 422)
    return _evidence_response(request, visit, criterion)


@require_GET
def evidence_download(request, pk, evidence_pk):
    """Hand an evidence file to someone who may read the visit's answers (there is no public URL):
    the evidence is part of the checklist, so whoever may not see the checklist may not see it."""
    visit = get_checklist_visit_for_user(request.user, pk)
    evidence = selectors.evidence_of_visit(visit=visit, pk=evidence_pk)
    return private_file_response(
        evidence.file,
        content_type=evidence.content_type,
        as_attachment=evidence.content_type not in INLINE_TYPES,
        filename=evidence.original_name,
    )


@require_POST
def visit_submit(request, pk):
    visit = get_checklist_visit_for_user(request.user, pk, perm="inspections.submit_visit")
    try:
        answer_services.visit_submit(visit=visit, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("inspections:checklist", args=[visit.pk]) + "#submit")
    messages.success(request, _("The checklist was submitted for review; its answers are now locked."))
    return redirect(visit)


@require_http_methods(["GET", "POST"])
def visit_reopen(request, pk):
    visit = get_checklist_visit_for_user(request.user, pk, perm="inspections.reopen_visit")
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            answer_services.visit_reopen(visit=visit, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, _("The answers are open again; the reason is kept in the visit's history.")
            )
            return redirect("inspections:checklist", visit.pk)
    return render(request, "inspections/checklist_reopen.html", {"visit": visit, "form": form})


# The unit's self-assessment


@never_cache
@require_GET
def self_assessment(request, pk):
    visit = get_self_assessment_visit_for_user(request.user, pk)
    data = selectors.checklist_for_visit(visit=visit)
    return render(
        request,
        "inspections/checklist_self.html",
        {
            "visit": visit,
            "checklist": data,
            "labels": row_labels(),
            "can_assess": can(request.user, "inspections.self_assess_visit", visit),
            "script_config": script_config(kind="self", queue_key=f"self:{visit.pk}:{request.user.pk}"),
        },
    )


@require_POST
def self_answer_save(request, pk, criterion_pk):
    visit = get_self_assessment_visit_for_user(request.user, pk, write=True)
    criterion = selectors.checklist_criterion(visit=visit, pk=criterion_pk)
    form = SelfAssessmentForm(request.POST, criterion=criterion)
    context = {"form": form, "labels": row_labels(), "kind": "self"}

    def refused() -> HttpResponse:
        row = selectors.checklist_row(visit=visit, criterion=criterion, answer=Answer())
        return _fragment(f"{ROW}#status", {**context, "row": row, "state": "invalid"}, status=422)

    if not form.is_valid():
        return refused()
    try:
        answer = answer_services.answer_self_assess(
            visit=visit,
            criterion=criterion,
            actor=request.user,
            self_score=form.cleaned_data["self_score"],
            self_note=form.cleaned_data["self_note"],
        )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return refused()
    row = selectors.checklist_row(visit=visit, criterion=criterion, answer=answer)
    response = _fragment(f"{ROW}#saved", {**context, "row": row})
    response[N.saved_header] = "self"
    return response
