"""A visit's findings: the list, the team's writing (add, edit, remove, reorder, draft from an
answer), a finding's page, the history, and the leader's submission for review."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from inspections.models import Criterion

from .. import selectors, services
from ..access import get_finding_for_user, get_visit_findings_for_user, visit_abilities
from ..finding_cards import CardUrls, finding_card_html
from ..forms import FindingForm
from ..models import FindingKind
from ..panels import carry_forward_html
from ..selectors.history import finding_history
from ..selectors.history import visit_findings_history as visit_history_entries
from ._common import error_message, posted_version


def _visit_context(request, visit, **extra) -> dict:
    abilities = visit_abilities(request.user, visit)
    # The page shows the head's return of a finding not approved yet: no reviews of the others.
    data = selectors.visit_findings(
        visit=visit, with_candidates=abilities["editing"], reviews_of_approved=False
    )
    carry = selectors.carry_forward(visit=visit) if abilities["may_edit"] else []
    _draw_cards(request, data.all, editing=abilities["editing"])
    return {
        "visit": visit,
        "data": data,
        **abilities,
        "carry_forward": carry,
        # Drawn in Python (findings.panels): a unit's earlier recommendations can be many.
        "carry_forward_html": carry_forward_html(carry) if carry else "",
        "history": visit_history_entries(
            visit=visit, findings=data.all, conclusion=data.conclusion, limit=15
        ),
        **extra,
    }


@require_safe
def visit_findings(request, pk):
    visit = get_visit_findings_for_user(request.user, pk)
    context = _visit_context(request, visit)
    if context["editing"]:
        context["form"] = FindingForm(visit=visit, initial={"kind": FindingKind.LIMITATION})
    return render(request, "findings/visit_findings.html", context)


@require_safe
def carry_forward(request, pk):
    """The earlier recommendations of the visit's unit, as a fragment: the checklist page loads it
    next to criterion 1.8 (hx-get), since the inspections app cannot call findings' selectors."""
    visit = get_visit_findings_for_user(request.user, pk)
    return HttpResponse(carry_forward_html(selectors.carry_forward(visit=visit)))


@require_safe
def visit_findings_history(request, pk):
    visit = get_visit_findings_for_user(request.user, pk)
    data = selectors.visit_findings(visit=visit, reviews_of_approved=False)
    history = visit_history_entries(visit=visit, findings=data.all, conclusion=data.conclusion)
    return render(request, "findings/visit_findings_history.html", {"visit": visit, "history": history})


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


EDITABLE = ("kind", "criterion", "domain", "text", "cause", "cause_note", "severity", "recommendation")


@require_http_methods(["GET", "POST"])
def finding_edit(request, pk):
    finding = get_finding_for_user(request.user, pk, write=True)
    visit = finding.visit
    initial = {name: getattr(finding, name) for name in EDITABLE}
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


def _draw_cards(request, findings, *, editing: bool) -> None:
    """Each finding's card drawn in Python (findings.finding_cards), as ``finding.card``."""
    csrf_token = get_token(request) if editing else ""
    urls = CardUrls()
    for finding in findings:
        finding.card = finding_card_html(finding, editing=editing, csrf_token=csrf_token, urls=urls)


def _card(request, finding) -> dict:
    card = selectors.finding_card(finding=finding)
    _draw_cards(request, [card], editing=True)
    return {"finding": card, "visit": finding.visit, "editing": True}


@require_POST
def finding_delete(request, pk):
    finding = get_finding_for_user(request.user, pk, write=True)
    try:
        services.finding_delete(finding=finding, version=posted_version(request), actor=request.user)
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("The finding was removed."))
    return redirect("findings:visit_findings", finding.visit_id)


@require_POST
def finding_move(request, pk):
    finding = get_finding_for_user(request.user, pk, write=True)
    try:
        services.finding_move(finding=finding, actor=request.user, up=request.POST.get("direction") == "up")
    except ValidationError as exc:
        error_message(request, exc)
    return redirect(reverse("findings:visit_findings", args=[finding.visit_id]) + f"#finding-{finding.pk}")


@require_POST
def finding_from_answer(request, pk, criterion_pk):
    visit = get_visit_findings_for_user(request.user, pk, write=True)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, domain__template_id=visit.template_id)
    try:
        finding, created = services.finding_from_answer(visit=visit, criterion=criterion, actor=request.user)
    except ValidationError as exc:
        error_message(request, exc)
        return redirect("findings:visit_findings", visit.pk)
    if created:
        messages.success(
            request,
            _("A limitation was drafted from criterion %(code)s: complete it.") % {"code": criterion.code},
        )
    else:
        messages.info(request, _("Criterion %(code)s already has a limitation.") % {"code": criterion.code})
    return redirect("findings:finding_edit", finding.pk)


@require_safe
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
            "history": finding_history(finding=finding),
            "can_edit": visit_abilities(request.user, finding.visit)["editing"],
        },
    )


@require_POST
def findings_submit(request, pk):
    visit = get_visit_findings_for_user(request.user, pk, perm="findings.submit_findings")
    try:
        services.findings_submit(visit=visit, actor=request.user, version=posted_version(request))
    except ValidationError as exc:
        error_message(request, exc)
    else:
        messages.success(request, _("The visit was sent to the Department head for review."))
    return redirect("findings:visit_findings", visit.pk)
