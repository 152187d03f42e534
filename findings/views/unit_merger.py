"""Units across the 2025 merger: the guided merger, split or rename (form, preview of what it
leaves behind, confirmation), and the reassignment of actions still owed by a closed unit.

They live here, not in units, because they read and move visits and actions (units may not import
the apps above it); the permission asked is the unit tree's own ("units.change_unit")."""

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.permissions import can
from units.access import require_units_page, units_visible_to
from units.models import Unit

from ..access import get_action_for_user
from ..merger_forms import ActionReassignForm, UnitMergerForm
from ..selectors import actions_visible_to
from ..services.merger import (
    HANDED_OVER_STATES,
    ReorganisationKind,
    action_reassign,
    merged_into,
    unit_merger_check,
    unit_reorganise,
)

# The tokens of the previews not yet confirmed: a second submit of the same preview finds its gone.
SESSION_KEY = "unit_merger_token"
MANAGE = "units.change_unit"


def _initial(request) -> dict:
    initial = {"kind": "merger", "hand_over": True}
    ids = [i for i in request.GET.getlist("predecessors") if i.isdigit()]
    if ids:
        initial["predecessors"] = ids
    if on := request.GET.get("on", "").strip():
        initial["on"] = on
    return initial


def _already_applied(request, units) -> Unit | None:
    """The successor, when every chosen predecessor was already merged (a double submit, a reload)."""
    ids = [i for i in request.POST.getlist("predecessors") if i.isdigit()]
    chosen = list(units.filter(pk__in=ids))
    successors = [merged_into(u) for u in chosen if u.valid_to is not None]
    if chosen and len(successors) == len(chosen) and all(successors):
        return successors[0]
    return None


@require_http_methods(["GET", "POST"])
def unit_merger(request):
    """Merge, split or rename units. GET: the form. POST "preview": what the change leaves behind
    (visits in progress, actions owed, overdue ones) with the offer to hand the actions over.
    POST "confirm": apply it, once; a second submit of the same preview lands on the successor."""
    require_units_page(request.user, "units.add_unit")
    units = units_visible_to(request.user)
    confirming = request.method == "POST" and "confirm" in request.POST
    tokens = request.session.get(SESSION_KEY) or []
    if confirming and request.POST.get("token") not in tokens:
        if successor := _already_applied(request, units):
            messages.info(request, _("This change was already applied; nothing was done twice."))
            return redirect(successor)
        messages.warning(request, _("This preview has expired. Check the change again."))
        confirming = False
    form = UnitMergerForm(request.POST or None, units=units, initial=_initial(request))
    if request.method == "POST" and "back" not in request.POST and form.is_valid():
        args = form.service_args()
        for unit in [*args["predecessors"], args["successor"], *args["other_successors"]]:
            if unit is not None and not can(request.user, MANAGE, unit):
                raise PermissionDenied
        if confirming:
            request.session[SESSION_KEY] = [t for t in tokens if t != request.POST.get("token")]
            try:
                successor, check = unit_reorganise(actor=request.user, **args)
            except ValidationError as exc:
                if exc.code == "already_applied" and (successor := _already_applied(request, units)):
                    messages.info(request, _("This change was already applied; nothing was done twice."))
                    return redirect(successor)
                form.add_error(None, exc)
            else:
                messages.success(request, _summary(args, successor, check))
                return redirect(successor)
        else:
            token = secrets.token_urlsafe(16)
            # A few previews may be open at once (two tabs); each confirms once.
            request.session[SESSION_KEY] = [*tokens[-4:], token]
            check = unit_merger_check(predecessors=args["predecessors"])
            return render(
                request,
                "findings/unit_merger_preview.html",
                {
                    "form": form,
                    "token": token,
                    "check": check,
                    "args": args,
                    "kind_label": ReorganisationKind(args["kind"]).label,
                    "today": timezone.localdate(),
                },
            )
    return render(request, "findings/unit_merger.html", {"form": form})


def _summary(args, successor, check) -> str:
    names = ", ".join(u.name for u in args["predecessors"])
    text = _("%(names)s → %(successor)s from %(date)s.") % {
        "names": names,
        "successor": successor.name,
        "date": f"{args['on']:%d/%m/%Y}",
    }
    if args["hand_over"] and check.actions:
        text += " " + _("%(count)s actions were handed to %(successor)s.") % {
            "count": len(check.actions),
            "successor": successor.name,
        }
    if check.visits:
        text += " " + _("%(count)s visits not finished stay with their unit.") % {"count": len(check.visits)}
    return text


@require_safe
def closed_unit_actions(request):
    """Actions still owed by units that were closed without handing them over, each with a form to
    give it to the unit now responsible (the successor offered first)."""
    require_units_page(request.user, "units.add_unit")
    today = timezone.localdate()
    actions = list(
        actions_visible_to(request.user)
        .filter(state__in=HANDED_OVER_STATES, unit__valid_to__lte=today)
        .select_related("unit", "finding__visit__unit")
        .order_by("unit__name", "due_date", "pk")
    )
    units = units_visible_to(request.user)
    rows = [
        (a, ActionReassignForm(units=units, prefix=f"a{a.pk}", initial={"unit": merged_into(a.unit)}))
        for a in actions
    ]
    return render(request, "findings/closed_unit_actions.html", {"rows": rows, "today": today})


@require_POST
def action_reassign_view(request, pk):
    """Give action ``pk`` of a closed unit to another unit (units.change_unit on both), audited."""
    action = get_action_for_user(request.user, pk)
    if not can(request.user, MANAGE, action.unit):
        raise PermissionDenied
    units = units_visible_to(request.user)
    form = ActionReassignForm(request.POST, units=units, prefix=f"a{action.pk}")
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        if not can(request.user, MANAGE, unit):
            raise PermissionDenied
        try:
            action_reassign(action=action, unit=unit, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The action now belongs to %(unit)s.") % {"unit": unit.name})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("findings:closed_unit_actions")
