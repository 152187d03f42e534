"""The liaison's page: the remediation of their own unit and the units below it."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.pagination import paginate

from .. import selectors
from ..access import require_perm
from ..services.merger import merged_into
from ..unit_cards import unit_cards_html

# Concluded visits per page, each with its findings.
VISITS_PER_PAGE = 10


@require_safe
def my_unit(request):
    require_perm(request.user, "findings.view_my_unit")
    mine = selectors.my_unit(user=request.user)
    mine.visits = paginate(request, mine.visits, VISITS_PER_PAGE, count=mine.visit_count)
    today = timezone.localdate()
    return render(
        request,
        "findings/my_unit.html",
        {
            "mine": mine,
            "today": today,
            "home_unit": request.user.unit,
            "cards": unit_cards_html(mine.visits, today=today, home_unit=request.user.unit),
            # A liaison of a unit closed in a merger: where its work went (asked of closed units only).
            "merged_into": merged_into(request.user.unit)
            if request.user.unit_id and request.user.unit.valid_to
            else None,
        },
    )
