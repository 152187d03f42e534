"""The home page: each role lands on what it does first."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from findings.selectors import review_queue_count
from inspections.reform_index.selectors import liaison_tasks
from inspections.selectors import plans_waiting_for_approval
from units.roles import Role, has_role, is_admin

from .panels import scheduler_rows
from .selectors import home_remediation, liaison_home, my_visits_panel, scheduler_home


@require_safe
def home(request):
    user = request.user
    context = {
        "is_scheduler": has_role(user, Role.SCHEDULER),
        "is_inspector": has_role(user, Role.INSPECTOR),
        "is_head": has_role(user, Role.HEAD),
        "is_liaison": has_role(user, Role.LIAISON),
        "is_admin": is_admin(user),
        "home_unit": user.unit,
    }
    if context["is_inspector"]:
        # The panel shows each section's first five (templates/inspections/_my_visits_panel.html).
        context["my_visits"] = my_visits_panel(user=user, limit=5)
    if context["is_scheduler"]:
        board = context["scheduler_home"] = scheduler_home(user=user)
        board["rows"] = scheduler_rows(board)
    if context["is_liaison"]:
        context["liaison_home"] = liaison_home(user=user)
        context["index_tasks"] = liaison_tasks(user=user)
    if context["is_head"]:
        context["review_count"] = review_queue_count(user=user)
        context["approval_count"] = plans_waiting_for_approval(user).count()
    if context["is_liaison"] or context["is_inspector"]:
        # A liaison's counts come with their panels (liaison_home's "summary") when it could
        # read them from the units it had read.
        summary = context.get("liaison_home", {}).get("summary")
        context["remediation"] = summary or home_remediation(user=user, liaison=context["is_liaison"])
    return render(request, "home.html", context)
