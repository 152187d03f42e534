"""The Department head's review of a visit's findings, and the leader's conclusion notice."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from inspections.models import VisitStatus
from reports.paging import counted_page

from .. import selectors, services
from ..access import get_finding_for_user, get_visit_findings_for_user, require_perm
from ..forms import ConcludeForm, FinishReviewForm, ReviewForm
from ..queue_rows import review_queue_rows_html
from ..review_cards import review_card_html, review_url
from ..services.notifications import conclusion_notice_waiting
from ._common import PAGE_SIZE, error_message

REVIEW = "findings.review_findings"


@require_safe
def review_queue(request):
    require_perm(request.user, "findings.view_review_queue")
    # The page with its columns, counts and leader, and the total, from one query (reports.paging).
    visits = counted_page(selectors.review_queue(user=request.user), PAGE_SIZE, request.GET.get("page"))
    visits.object_list = selectors.review_queue_rows(visits.object_list)
    rows = review_queue_rows_html(visits.object_list)
    return render(request, "findings/review_queue.html", {"visits": visits, "rows": rows})


def _review_context(request, visit, data, forms=None) -> dict:
    """The page's context; ``forms`` holds the posted form of a refused decision by finding id.
    Each finding's card and form are drawn in Python (review_cards: 30 forms through the widget
    templates cost four times the rest of the page)."""
    forms = forms or {}
    reviewing = visit.status == VisitStatus.SUBMITTED
    csrf_token = get_token(request)
    url = review_url()
    for finding in data.all:
        finding.card = review_card_html(
            finding, forms.get(finding.pk), reviewing=reviewing, csrf_token=csrf_token, url=url
        )
    return {
        "visit": visit,
        "data": data,
        "reviewing": reviewing,
        "finish_form": FinishReviewForm(initial={"version": visit.version}),
    }


@require_safe
def visit_review(request, pk):
    visit = get_visit_findings_for_user(request.user, pk, perm=REVIEW)
    # The review comes before the conclusion: the page reads none.
    data = selectors.visit_findings(visit=visit, with_conclusion=False)
    return render(request, "findings/visit_review.html", _review_context(request, visit, data))


@require_POST
def finding_review(request, pk):
    finding = get_finding_for_user(request.user, pk, perm=REVIEW)
    visit = finding.visit
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
        request,
        visit,
        selectors.visit_findings(visit=visit, with_conclusion=False),
        {} if saved else {finding.pk: form},
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
    visit = get_visit_findings_for_user(request.user, pk, perm=REVIEW)
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
        error_message(request, exc)
        return redirect("findings:visit_review", visit.pk)
    if visit.status == VisitStatus.REVIEWED:
        messages.success(request, _("The review is approved: the team leader may now conclude the visit."))
    else:
        messages.success(request, _("The visit went back to the team with the returned findings."))
    return redirect("findings:review_queue")


@require_http_methods(["GET", "POST"])
def visit_conclude(request, pk):
    """The notice form; whether the visit may be concluded now is the service's to say."""
    visit = get_visit_findings_for_user(request.user, pk, perm="findings.conclude_visit")
    # The notice form lists the recommendations; it shows no review.
    data = selectors.visit_findings(visit=visit, reviews_of_approved=False)
    today = timezone.localdate()
    initial = {
        "version": visit.version,
        "date": today,
        "symbol": selectors.default_symbol(visit.plan.issuing_unit),
        # The issuing body's signer when configured: letterhead, symbol and signer from one body.
        **(
            selectors.issuer_signature(visit.plan.issuing_unit)
            or selectors.signature_defaults(user=request.user)
        ),
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
            text = _("The visit is concluded: notice %(reference)s.") % {"reference": conclusion.reference}
            if conclusion_notice_waiting(conclusion_id=conclusion.pk):
                text += " " + _("The e-mail to the unit will be sent as soon as the mail service answers.")
            messages.success(request, text)
            return redirect("findings:visit_findings", visit.pk)
    return render(request, "findings/visit_conclude.html", {"visit": visit, "data": data, "form": form})
