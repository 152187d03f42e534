"""A page of rows and the number of all of them, read in one query.

Paginator counts with a query of its own (``SELECT COUNT(*)`` of the whole list), then reads the
page: both run the list's filters over every candidate row (a search folds every row's text, the
follow-up list checks every action's visibility). Here the page's query carries the count as a
window (``COUNT(*) OVER ()``, computed over every matching row before the LIMIT): one pass, the
same count and page as Paginator's. Used by the search and the remediation follow-up.

A search of findings shows "more than 200" past 200 matches (capped_page): counting every match
of a common word would fold each of them.
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
        # Model instances carry the count as an attribute, a values() queryset's dicts as a key.
        total = rows[0][TOTAL] if isinstance(rows[0], dict) else getattr(rows[0], TOTAL)
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
    # COUNT(*): over the groups of an aggregate values() query too (the live ranking), where
    # COUNT(pk) names a column that is not grouped.
    start = (number - 1) * size
    return list(queryset.annotate(**{TOTAL: Window(Count("*"))})[start : start + size])


def capped_page(count: int, rows, size: int, number, *, cap: int) -> Page:
    """Page ``number`` of a list whose count was taken up to ``cap + 1`` (``count``): the pages
    reach the ``cap``-th row, ``page.capped`` says there are more than ``cap`` ("hơn 200 kết
    quả"). ``rows(start, stop)`` reads the page's rows (only the page's query: the count came
    first). Invalid or out-of-range numbers give the first or last page, as Paginator.get_page."""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    shown = min(count, cap)
    paginator = Paginator(range(shown), size)
    paginator.count = shown  # a cached_property: Paginator does not count again
    number = min(number, paginator.num_pages)
    page = paginator.page(number)
    start = (number - 1) * size
    page.object_list = rows(start, min(start + size, shown)) if shown else []
    page.capped = count > cap
    return page
