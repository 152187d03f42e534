"""The liaison's page: the remediation of their own unit and the units below it."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import selectors
from ..access import require_perm
from ..services.merger import merged_into


@require_safe
def my_unit(request):
    require_perm(request.user, "findings.view_my_unit")
    return render(
        request,
        "findings/my_unit.html",
        {
            "mine": selectors.my_unit(user=request.user),
            "today": timezone.localdate(),
            "home_unit": request.user.unit,
            # A liaison of a unit closed in a merger: where its work went.
            "merged_into": merged_into(request.user.unit) if request.user.unit_id else None,
        },
    )
