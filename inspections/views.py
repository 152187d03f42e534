"""Pages of checklists, plans and visits: access -> form -> service -> redirect / render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.jobs import Job
from core.pagination import paginate, paginate_ids
from core.text import fold
from units.models import UnitKind

from . import my_visit_reads, plan_reads, selectors, services, visit_reads, visit_table
from .access import (
    can,
    get_amendment_for_user,
    get_plan_for_user,
    get_template_for_user,
    get_visit_for_user,
    require_inspections_page,
)
from .filters import CalendarFilter, VisitFilter, lists_response
from .forms import (
    BulkScheduleForm,
    CancelForm,
    NewVersionForm,
    PlanDecisionForm,
    PlanForm,
    RescheduleForm,
    ReturnForm,
    TemplateImportForm,
    VersionForm,
    VisitForm,
)
from .models import ChecklistTemplate, Visit, VisitStatus

# Rows per page of the lists: the same on every data set, so that a page costs the same whatever
# the number of rows behind it (the bench's growth check).
PAGE_SIZE = 25
VISIT_PAGE_SIZE = 50
PLAN_PAGE_SIZE = 30

# Checklist templates


@require_safe
def template_list(request):
    require_inspections_page(request.user, "inspections.view_checklisttemplate")
    return render(
        request,
        "inspections/template_list.html",
        {
            "templates": paginate(request, selectors.template_list(user=request.user), PAGE_SIZE),
            "can_import": can(request.user, "inspections.import_checklist"),
        },
    )


@require_safe
def template_preview(request, pk):
    template = get_template_for_user(request.user, pk)
    kind = request.GET.get("kind", "")
    kind = kind if kind in UnitKind.values else ""
    return render(
        request,
        "inspections/template_preview.html",
        {
            "template": template,
            "domains": selectors.template_domains(template=template, unit_kind=kind),
            "kind": kind,
            "kinds": UnitKind.choices,
            "can_publish": can(request.user, "inspections.publish_checklisttemplate", template),
            "can_copy": can(request.user, "inspections.copy_checklisttemplate", template),
            "new_version_form": NewVersionForm(),
        },
    )


@require_safe
def template_download(request, pk, fmt):
    template = get_template_for_user(request.user, pk)
    name = f"{template.code}-v{template.version}"
    if fmt == "yaml":
        response = HttpResponse(
            services.checklist_export_yaml(template=template), content_type="application/yaml; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            services.checklist_export_xlsx(template=template),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
def template_import(request):
    require_inspections_page(request.user, "inspections.import_checklist")
    form = TemplateImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.template_import_start(
            content=upload.read(),
            filename=upload.name,
            publish=form.cleaned_data["publish"],
            user=request.user,
        )
        return redirect("inspections:template_import_job", pk=job.pk)
    return render(request, "inspections/template_import.html", {"form": form, "errors": []})


@require_safe
def template_import_job(request, pk):
    """The result page of a checklist import: its progress, then the new version or the problems."""
    require_inspections_page(request.user, "inspections.import_checklist")
    job = get_object_or_404(Job, pk=pk, user=request.user, kind=services.template_import_jobs.JOB_KIND)
    template = None
    if job.state == "done":
        template = ChecklistTemplate.objects.filter(pk=job.result.get("template_id")).first()
    return render(request, "inspections/template_import_job.html", {"job": job, "template": template})


@require_POST
def template_publish(request, pk):
    template = get_template_for_user(request.user, pk, perm="inspections.publish_checklisttemplate")
    try:
        services.template_publish(template=template)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Version %(version)s is published and frozen.") % {"version": template.version}
        )
    return redirect(template)


@require_POST
def template_new_version(request, pk):
    template = get_template_for_user(request.user, pk, write=True)
    form = NewVersionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["version"])
        copy = services.template_new_version(
            template=template, created_by=request.user, version=form.cleaned_data["version"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(template)
    messages.success(
        request,
        _("Draft version %(version)s was created; edit it in the administration.")
        % {"version": copy.version},
    )
    return redirect(copy)


# Plans


@require_safe
def plan_list(request):
    require_inspections_page(request.user, "inspections.view_inspectionplan")
    waiting = request.GET.get("waiting") == "1"
    plans = selectors.plan_list(user=request.user, waiting=waiting)
    page = paginate(request, plans, PLAN_PAGE_SIZE)
    return render(
        request,
        "inspections/plan_list.html",
        {"page": page, "waiting": waiting, "can_add": can(request.user, "inspections.add_inspectionplan")},
    )


@require_safe
def plan_detail(request, pk):
    plan = get_plan_for_user(request.user, pk)
    context = selectors.plan_detail(plan=plan, user=request.user)
    user = request.user
    # Both lists' totals come from the progress's aggregates (selectors.plan_progress).
    progress = context["progress"]
    # The page of visits in one query (plan_reads), which of them open decided on its rows.
    context["visits"] = plan_reads.plan_visit_page(
        request, plan=plan, user=user, per_page=PAGE_SIZE, total=progress.listed_visits
    )
    selectors.mark_viewable(context["visits"], user)
    context["unscheduled_units"] = paginate(
        request,
        context["unscheduled_units"],
        PAGE_SIZE,
        param="units_page",
        count=progress.units_without_visit,
    )
    can_approve = can(user, "inspections.approve_inspectionplan", plan)
    pending = context["pending_amendment"]
    can_decide_amendment = pending is not None and can(user, "inspections.approve_planamendment", pending)
    context.update(
        plan=plan,
        can_edit=can(user, "inspections.change_inspectionplan", plan),
        can_submit=can(user, "inspections.submit_inspectionplan", plan),
        can_approve=can_approve,
        can_decide_amendment=can_decide_amendment,
        can_close=can(user, "inspections.close_inspectionplan", plan),
        decision_form=PlanDecisionForm(
            initial={"decision_number": plan.decision_number, "decision_date": plan.decision_date}
        )
        if can_approve
        else PlanDecisionForm()
        if can_decide_amendment
        else None,
        return_form=ReturnForm() if can_approve or can_decide_amendment else None,
    )
    return render(request, "inspections/plan_detail.html", context)


def _plan_form(request, plan=None):
    return PlanForm(
        request.POST or None,
        instance=plan,
        initial=None if plan else selectors.plan_initial(user=request.user),
        units=selectors.plan_unit_choices(user=request.user, plan=plan),
        templates=selectors.published_templates(),
        issuing_units=selectors.issuing_unit_choices(user=request.user),
    )


@require_http_methods(["GET", "POST"])
def plan_create(request):
    require_inspections_page(request.user, "inspections.add_inspectionplan")
    form = _plan_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(created_by=request.user, **form.plan_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Plan “%(title)s” was created as a draft.") % {"title": plan.title})
            return redirect(plan)
    return render(request, "inspections/plan_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = get_plan_for_user(request.user, pk, write=True)
    form = _plan_form(request, plan)
    had_amendment = plan.amendments.filter(status="submitted").exists()
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, actor=request.user, **form.plan_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if not had_amendment and plan.amendments.filter(status="submitted").exists():
                messages.success(
                    request, _("The plan was saved; its amendment was sent to the head for approval.")
                )
            else:
                messages.success(request, _("The plan was saved."))
            return redirect(plan)
    return render(request, "inspections/plan_form.html", {"form": form, "plan": plan})


@require_POST
def plan_submit(request, pk):
    plan = get_plan_for_user(request.user, pk, perm="inspections.submit_inspectionplan")
    try:
        services.plan_submit(plan=plan, submitted_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan was sent to the head for approval."))
    return redirect(plan)


def _decide(request, plan, form, service, success: str):
    """Run a head's decision from the plan page; errors come back as messages on the plan page."""
    try:
        if not form.is_valid():
            raise ValidationError([m for ms in form.errors.values() for m in ms])
        service(**form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(plan)


@require_POST
def plan_approve(request, pk):
    plan = get_plan_for_user(request.user, pk, perm="inspections.approve_inspectionplan")
    return _decide(
        request,
        plan,
        PlanDecisionForm(request.POST),
        lambda **data: services.plan_approve(plan=plan, approved_by=request.user, **data),
        _("The plan is approved; its visits are scheduled and the units notified."),
    )


@require_POST
def plan_return(request, pk):
    plan = get_plan_for_user(request.user, pk, perm="inspections.approve_inspectionplan")
    return _decide(
        request,
        plan,
        ReturnForm(request.POST),
        lambda **data: services.plan_return(plan=plan, returned_by=request.user, **data),
        _("The plan was returned to the scheduler."),
    )


@require_POST
def amendment_approve(request, pk, number):
    amendment = get_amendment_for_user(request.user, pk, number, perm="inspections.approve_planamendment")
    return _decide(
        request,
        amendment.plan,
        PlanDecisionForm(request.POST),
        lambda **data: services.plan_amendment_approve(amendment=amendment, approved_by=request.user, **data),
        _("The amendment is approved; the plan now has its new units and period."),
    )


@require_POST
def amendment_return(request, pk, number):
    amendment = get_amendment_for_user(request.user, pk, number, perm="inspections.approve_planamendment")
    return _decide(
        request,
        amendment.plan,
        ReturnForm(request.POST),
        lambda **data: services.plan_amendment_return(amendment=amendment, returned_by=request.user, **data),
        _("The amendment was returned; the plan stays as approved."),
    )


@require_POST
def plan_close(request, pk):
    plan = get_plan_for_user(request.user, pk, perm="inspections.close_inspectionplan")
    try:
        services.plan_close(plan=plan, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan is closed."))
    return redirect(plan)


@require_http_methods(["GET", "POST"])
def plan_bulk_schedule(request, pk):
    """Propose dates for the plan's units (weekends, holidays and the team's busy days left out),
    let the scheduler edit the proposal, then create every visit or none."""
    plan = get_plan_for_user(request.user, pk, write=True)
    units = selectors.plan_units_without_visit(plan=plan)
    form = BulkScheduleForm(
        request.POST or None,
        plan=plan,
        units=units,
        candidates=selectors.team_candidates(plan=plan),
        # From the plan's period, not today: a plan is often scheduled before or after its year.
        initial={"units": list(units), "date_from": plan.period_start, "date_to": plan.period_end},
    )
    slots, skipped = None, {}
    if request.method == "POST" and form.is_valid():
        try:
            if form.has_rows() and "save" in request.POST:
                slots = services.visit_bulk_check(
                    plan=plan, rows=form.edited_rows(), team=form.team(), other_teams=form.teams()[1:]
                )
            else:
                proposal = services.visit_bulk_proposal(
                    plan=plan, team=form.team(), other_teams=form.teams()[1:], **form.proposal_args()
                )
                slots, skipped = proposal.slots, proposal.skipped
            if "save" in request.POST:
                visits = services.visit_bulk_create(
                    plan=plan,
                    slots=slots,
                    team=form.team(),
                    other_teams=form.teams()[1:],
                    created_by=request.user,
                    place=form.cleaned_data["place"],
                )
                messages.success(request, _("%(count)s visits were created.") % {"count": len(visits)})
                return redirect(plan)
        except ValidationError as exc:
            form.add_service_errors(exc)
    return render(
        request,
        "inspections/plan_bulk.html",
        {"plan": plan, "form": form, "slots": slots, "skipped": sorted(skipped.items())},
    )


# Visits


@require_safe
def visit_list(request):
    if "lists" in request.GET:
        # The filter lists of this page or the calendar, loaded after it (VisitFilter.lists_loader).
        return lists_response(request)
    # A unit search keeps a few units' visits: the visibility rule is tested on their rows.
    narrowed = bool(fold(request.GET.get("q", "")).split())
    visits = selectors.visit_list(user=request.user, narrowed=narrowed)
    # The plans and people lists hold the chosen ones; the rest loads after the page.
    filterset = VisitFilter(request.GET, queryset=visits, request=request, lists_later=True)
    # The page's 50 rows with their unit, plan and leader and the total, in one query: the ids
    # sorted and counted (core.pagination.paginate_ids), joined to the columns drawn.
    page = paginate_ids(request, filterset.qs, VISIT_PAGE_SIZE, rows=visit_reads.visit_page_rows)
    return render(request, "inspections/visit_list.html", {"filter": filterset, "page": page})


@require_safe
def visit_calendar(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise ValueError
    except ValueError:
        raise Http404 from None
    # The filters narrow every visit; the calendar holds the month's rows to the visibility rule.
    # Its plans and people lists load after the page (VisitFilter.lists_loader).
    filterset = CalendarFilter(request.GET, queryset=Visit.objects.all(), request=request, lists_later=True)
    context = selectors.visit_calendar(user=request.user, year=year, month=month, visits=filterset.qs)
    # The filters travel with the month links (previous, next, the picker).
    kept = request.GET.copy()
    for name in ("year", "month", "view"):
        kept.pop(name, None)
    # The grid and the phone's list drawn in Python, each visit's pieces once (visit_table).
    rows, days = visit_table.calendar(context["weeks"], context["days"], kept_query=kept.urlencode())
    context.update(
        calendar_rows=rows,
        calendar_list=days,
        filter=filterset,
        kept_query=kept.urlencode(),
        as_list=request.GET.get("view") == "list",
        months=range(1, 13),
        years=range(min(year, today.year) - 10, max(year, today.year) + 3),
    )
    return render(request, "inspections/visit_calendar.html", context)


@require_safe
def my_visits(request):
    """Each section's first rows; ``?section=upcoming`` lists one section in full, by pages.
    Either is one query (my_visit_reads): the rows, their sections' totals and leaders."""
    section = request.GET.get("section", "")
    if section not in selectors.MY_SECTIONS:
        return render(
            request,
            "inspections/my_visits.html",
            {"mine": selectors.my_visits(user=request.user, limit=PAGE_SIZE)},
        )
    page = my_visit_reads.section_page(request, user=request.user, section=section, per_page=PAGE_SIZE)
    return render(
        request,
        "inspections/my_visits.html",
        {"section": section, "page": page, "open_checklist": section == "in_progress"},
    )


@require_safe
def visit_detail(request, pk):
    visit = get_visit_for_user(request.user, pk)
    user = request.user
    return render(
        request,
        "inspections/visit_detail.html",
        {
            "visit": visit,
            "events": selectors.visit_history(visit=visit),
            "my_role": visit.team_role_of(user),
            "can_edit": can(user, "inspections.change_visit", visit),
            "can_cancel": can(user, "inspections.cancel_visit", visit),
            "can_start": can(user, "inspections.start_visit", visit),
            "can_view_plan": can(user, "inspections.view_inspectionplan", visit.plan),
        },
    )


@require_http_methods(["GET", "POST"])
def visit_create(request, pk):
    plan = get_plan_for_user(request.user, pk, write=True)
    form = VisitForm(
        request.POST or None,
        plan=plan,
        candidates=selectors.team_candidates(plan=plan),
        initial={"unit": request.GET.get("unit")},
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            visit = services.visit_create(
                plan=plan,
                unit=form.cleaned_data["unit"],
                starts_at=starts_at,
                ends_at=ends_at,
                place=form.cleaned_data["place"],
                notes=form.cleaned_data["notes"],
                team=form.team(),
                created_by=request.user,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The visit to %(unit)s was saved.") % {"unit": visit.unit})
            return redirect(visit)
    return render(request, "inspections/visit_form.html", {"form": form, "plan": plan})


@require_http_methods(["GET", "POST"])
def visit_edit(request, pk):
    visit = get_visit_for_user(request.user, pk, write=True)
    form = VisitForm(
        request.POST or None,
        plan=visit.plan,
        candidates=selectors.team_candidates(plan=visit.plan),
        visit=visit,
    )
    if request.method == "POST" and form.is_valid():
        times = form.times() if "day" in form.fields else (None, None)
        try:
            services.visit_update(
                visit=visit,
                version=form.cleaned_data["version"] or visit.version,
                actor=request.user,
                unit=form.cleaned_data.get("unit"),
                starts_at=times[0],
                ends_at=times[1],
                place=form.cleaned_data["place"],
                notes=form.cleaned_data["notes"],
                team=form.team(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The visit was saved."))
            return redirect(visit)
    return render(request, "inspections/visit_form.html", {"form": form, "plan": visit.plan, "visit": visit})


@require_http_methods(["GET", "POST"])
def visit_reschedule(request, pk):
    visit = get_visit_for_user(request.user, pk, write=True)
    form = RescheduleForm(request.POST or None, visit=visit)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            services.visit_reschedule(
                visit=visit,
                version=form.cleaned_data["version"],
                actor=request.user,
                starts_at=starts_at,
                ends_at=ends_at,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The visit was moved; the unit and the team are notified."))
            return redirect(visit)
    return render(request, "inspections/visit_reschedule.html", {"form": form, "visit": visit})


@require_http_methods(["GET", "POST"])
def visit_cancel(request, pk):
    visit = get_visit_for_user(request.user, pk, perm="inspections.cancel_visit")
    form = CancelForm(request.POST or None, initial={"version": visit.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_cancel(
                visit=visit,
                version=form.cleaned_data["version"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The visit was cancelled."))
            return redirect(visit)
    return render(request, "inspections/visit_cancel.html", {"form": form, "visit": visit})


@require_POST
def visit_start(request, pk):
    visit = get_visit_for_user(request.user, pk, perm="inspections.start_visit")
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("The form was incomplete; reload the page."))
        services.visit_transition(
            visit=visit,
            status=VisitStatus.IN_PROGRESS,
            actor=request.user,
            version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The visit is in progress: its checklist is open to the team."))
    return redirect(visit)
