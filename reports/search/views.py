"""One search box across units, visits, findings and recommendations (see selectors)."""

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
        kinds = [KINDS_BY_KEY[kind]] if kind else KINDS
        # The findings' pages are read together once every group's page is known.
        pages = FindingPages()
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
        pages.load()
        for group in groups:
            group["html"] = results_html(group["kind"].key, group["page"].object_list)
    return render(
        request, "search/search.html", {"form": form, "groups": groups, "query": query, "kind": kind}
    )


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
