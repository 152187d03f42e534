"""One search box across units, visits, findings and recommendations (see selectors)."""

from django.core.paginator import Paginator
from django.db import connection
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reports.paging import capped_page, counted_page
from units.access import get_unit_for_user

from .forms import SearchForm
from .rows import results_html
from .selectors import (
    KINDS,
    KINDS_BY_KEY,
    RESULT_CAP,
    FindingPages,
    is_searchable,
    search_everything,
    search_results,
    unit_inspections,
    with_successors,
)

# Results per group when searching everything, and per page within one kind.
PREVIEW = 5
PAGE_SIZE = 25


@require_safe
def search(request):
    form = SearchForm(request.GET or None)
    groups, query, kind = [], "", ""
    if form.is_valid() and is_searchable(form.cleaned_data["q"]):
        query, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
        if not kind and connection.vendor == "postgresql":
            groups = _everything(request.user, query)
        else:
            # The findings' pages are read together once every group's page is known.
            pages = FindingPages()
            groups = _groups(request, query, kind, [KINDS_BY_KEY[kind]] if kind else KINDS, pages)
            pages.load()
        for group in groups:
            group["html"] = results_html(group["kind"].key, group["page"].object_list)
    return render(
        request, "search/search.html", {"form": form, "groups": groups, "query": query, "kind": kind}
    )


def _groups(request, query: str, kind: str, kinds, pages: FindingPages) -> list[dict]:
    """Each kind's page, read kind by kind (one kind asked, or SQLite)."""
    groups = []
    for each, results in search_results(user=request.user, query=query, kinds=kinds, pages=pages):
        size = PAGE_SIZE if kind else PREVIEW
        number = request.GET.get("page") if kind else 1
        if each.of_findings:
            count, rows = results
            page = capped_page(count, rows, size, number, cap=RESULT_CAP)
        else:
            page = counted_page(results, size, number)
            if each.key == "visits":
                with_successors(page.object_list)
        groups.append({"kind": each, "page": page})
    return groups


def _everything(user, query: str) -> list[dict]:
    """Each kind's first page when searching everything on PostgreSQL, and its count: one
    statement (search_everything)."""
    everything = search_everything(user=user, query=query, size=PREVIEW)
    groups = []
    for each in KINDS:
        if each.of_findings:
            rows = everything.findings[each.field]
            count = everything.counts[each.field]
            page = capped_page(count, lambda start, stop, rows=rows: rows, PREVIEW, 1, cap=RESULT_CAP)
        else:
            total, rows = everything.units if each.key == "units" else everything.visits
            if each.key == "visits":
                with_successors(rows)
            # counted_page's first page of a list of ``total`` rows.
            paginator = Paginator(range(total), PREVIEW)
            page = paginator.page(1)
            page.object_list = rows
        groups.append({"kind": each, "page": page})
    return groups


# Inspections shown on a unit's page (the newest; the visit list has the rest).
UNIT_INSPECTIONS = 50


@require_safe
def unit_visits(request, pk):
    """The inspections of unit ``pk`` and of the units it replaced: the fragment htmx loads into
    the unit's page, or a page of its own without JavaScript. 404 for a unit the user may not see."""
    unit = get_unit_for_user(request.user, pk)
    visits = list(unit_inspections(user=request.user, unit=unit)[:UNIT_INSPECTIONS])
    template = (
        "search/_unit_inspections.html"
        if request.headers.get("HX-Request")
        else "search/unit_inspections.html"
    )
    return render(request, template, {"unit": unit, "visits": visits})
