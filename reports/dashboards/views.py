"""The department head's dashboard, its drill-down lists, and the CSV / XLSX downloads of lists.

The downloads of the other apps' lists reuse those apps' selectors and FilterSets, so a download
holds exactly the rows the list shows (all pages) for the same query string.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.forms import parse_id
from findings.filters import ActionFilter as FindingsActionFilter
from findings.selectors import action_list
from inspections.filters import VisitFilter
from inspections.selectors import plans_visible_to, visit_list
from reports.access import get_dashboard_scope_for_user, require_dashboard
from reports.exports import export_format, export_response
from reports.paging import counted_page
from units.filters import UnitFilter
from units.models import Unit
from units.selectors import unit_list

from . import charts, columns, selectors
from .action_table import action_rows_html, action_table_page
from .forms import ActionFilter, DashboardFilterForm
from .ranking_table import ranking_rows_html


def _filters(request) -> tuple[DashboardFilterForm, selectors.Scope]:
    user = request.user
    try:
        # The unit asked for is read with the units the filter offers (one query); the form
        # then checks it is one of them.
        unit_id = parse_id(request.GET["unit"], model=Unit)
    except (KeyError, ValidationError):
        unit_id = None
    form = DashboardFilterForm(
        request.GET,
        plans=selectors.dashboard_plans(user=user),
        units=selectors.dashboard_units(user=user, unit_id=unit_id),
    )
    form.is_valid()
    form.limit_widget()
    values = form.values
    scope = get_dashboard_scope_for_user(
        user,
        unit=values["unit"],
        year=values["year"],
        plan_id=values["plan"],
        latest_year=not form.year_chosen,
    )
    return form, scope


def _unit_link(request, year: int | None) -> str:
    """The query string of this page narrowed to a unit, ending in "unit=" (each row's id follows):
    what ``{% querystring unit=… page=None year=year %}`` gives, built once rather than per row."""
    params = request.GET.copy()
    for key in ("unit", "page", "year"):
        params.pop(key, None)
    if year is not None:
        params["year"] = year
    return "?" + (params.urlencode() + "&" if params else "") + "unit="


@require_safe
def head_dashboard(request):
    require_dashboard(request.user)
    form, scope = _filters(request)
    board = selectors.head_dashboard(scope=scope)
    form.show_year(scope.year)
    edges = board.ranking.top + board.ranking.bottom
    context = {
        "form": form,
        "board": board,
        "year": scope.year,
        "unit": form.values["unit"],
        "unit_link": (unit_link := _unit_link(request, scope.year)),
        "actions_unit_link": reverse("dashboards:actions") + unit_link,
        "charts": {
            "domains": charts.domain_chart(board.domains),
            "ranking": charts.ranking_chart(edges),
            "remediation": charts.remediation_chart(board.remediation.shown),
            "trend": charts.trend_chart(board.trend),
        },
    }
    return render(request, "dashboards/head_dashboard.html", context)


@require_safe
def unit_ranking(request):
    require_dashboard(request.user)
    form, scope = _filters(request)
    scores, as_of = selectors.ranked_units(scope=scope)
    form.show_year(scope.year)
    if fmt := export_format(request):
        return export_response(
            request, scores, columns.RANKING, "xep-hang-don-vi", fmt=fmt, sheet=_("Ranking of units")
        )
    # The page and the count of all in one query (reports.paging), the rows drawn in Python.
    page = counted_page(scores, 50, request.GET.get("page"))
    rows = ranking_rows_html(page.object_list, start=page.start_index(), query=request.GET)
    return render(
        request, "dashboards/unit_ranking.html", {"form": form, "page": page, "rows": rows, "as_of": as_of}
    )


@require_safe
def action_list_view(request):
    actions = columns.with_lateness(selectors.followup_actions(user=request.user))
    filterset = ActionFilter(request.GET, queryset=actions)
    if fmt := export_format(request):
        return export_response(
            request,
            filterset.qs,
            columns.ACTIONS,
            "hanh-dong-khac-phuc",
            fmt=fmt,
            sheet=_("Remediation actions"),
        )
    # The page's rows with their finding, visit and unit, and the count of all, in one query.
    page = action_table_page(filterset.qs, 50, request.GET.get("page"))
    return render(
        request,
        "dashboards/action_list.html",
        {"filter": filterset, "page": page, "rows": action_rows_html(page.object_list)},
    )


# Downloads of the other apps' lists (same selector, same FilterSet, same query string)


@require_safe
def export_units(request):
    filterset = UnitFilter(request.GET, queryset=unit_list(user=request.user))
    return export_response(request, filterset.qs, columns.UNITS, "don-vi", sheet=_("Units"))


@require_safe
def export_visits(request):
    filterset = VisitFilter(request.GET, queryset=visit_list(user=request.user), request=request)
    return export_response(
        request, filterset.qs, columns.VISITS, "cuoc-kiem-tra", sheet=_("Inspection visits")
    )


@require_safe
def export_plans(request):
    plans = plans_visible_to(request.user).order_by("-year", "-period_start", "-id")
    return export_response(request, plans, columns.PLANS, "ke-hoach-kiem-tra", sheet=_("Inspection plans"))


@require_safe
def export_actions(request):
    queryset = columns.with_lateness(action_list(user=request.user))
    filterset = FindingsActionFilter(request.GET or None, queryset=queryset, request=request)
    return export_response(
        request, filterset.qs, columns.ACTIONS, "hanh-dong-khac-phuc", sheet=_("Remediation actions")
    )
