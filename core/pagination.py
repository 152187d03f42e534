"""One way to cut a list into pages: Django's Paginator, forgiving of what a URL can carry.

``paginate(request, rows, per_page)`` reads the page number from the query string (``page`` or
another parameter, for a page with two lists): a number past the end shows the last page, a word
("page=abc") or nothing the first, never an error. The page it returns carries the links of the
shared include (``templates/includes/pagination.html``: "Trang 2/15", previous and next), which
keep every other parameter of the query string, so the filters travel with the pages.

The total is the paginator's ``count``: one ``COUNT(*)`` of the filtered query (an aggregate, not
the length of a loaded list); pass ``count`` when the caller has it already.
"""

from django.core.paginator import Page, Paginator


class _KnownCountPaginator(Paginator):
    """A paginator told its total (from an aggregate the page already ran)."""

    def __init__(self, object_list, per_page, *, known_count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = known_count

    @property
    def count(self) -> int:
        return self._known_count


def paginate(request, rows, per_page: int, *, param: str = "page", count: int | None = None) -> Page:
    """The page of ``rows`` the request asks for, with ``param``, ``previous_url`` and ``next_url``."""
    if count is None:
        paginator = Paginator(rows, per_page)
    else:
        paginator = _KnownCountPaginator(rows, per_page, known_count=count)
    page = paginator.get_page(request.GET.get(param))
    page.param = param
    page.previous_url = _url(request, param, page.previous_page_number()) if page.has_previous() else ""
    page.next_url = _url(request, param, page.next_page_number()) if page.has_next() else ""
    return page


def _url(request, param: str, number: int) -> str:
    query = request.GET.copy()
    if number == 1:
        query.pop(param, None)
    else:
        query[param] = str(number)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else request.path
