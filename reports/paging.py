"""A page of rows and the number of all of them, read in one query.

Paginator counts with a query of its own (``SELECT COUNT(*)`` of the whole list), then reads the
page: both run the list's filters over every candidate row (a search folds every row's text, the
follow-up list checks every action's visibility). Here the page's query carries the count as a
window (``COUNT(*) OVER ()``, computed over every matching row before the LIMIT): one pass, the
same count and page as Paginator's. Used by the search and the remediation follow-up.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "search_total"


def counted_page(queryset: QuerySet, size: int, number) -> Page:
    """Page ``number`` (a query-string value; invalid or out of range gives the first or last
    page, as Paginator.get_page) of ``queryset`` by ``size``, its paginator's count set."""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    rows = _rows(queryset, size, number)
    if rows:
        total = getattr(rows[0], TOTAL)
    else:
        # An empty page: nothing matched, or a page past the last (a stale link): count, then
        # read the last page (two more queries, only then).
        total = queryset.count() if number > 1 else 0
        if total:
            number = -(-total // size)
            rows = _rows(queryset, size, number)
        else:
            number = 1
    paginator = Paginator(queryset, size)
    paginator.count = total  # a cached_property: Paginator does not count again
    page = paginator.page(number)
    page.object_list = rows
    return page


def _rows(queryset: QuerySet, size: int, number: int) -> list:
    start = (number - 1) * size
    return list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[start : start + size])
