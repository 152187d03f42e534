"""The rows of the full unit ranking (templates/dashboards/unit_ranking.html), drawn in Python.

The page shows 50 units; through the template engine each row cost a ``{% querystring %}`` (the
page's query string copied, changed and encoded again), a reversed URL, three number filters and
a dozen variable look-ups, more than the rest of the page. This writes the template's markup with
the query string encoded once, the names escaped and the numbers through the same filters
(floatformat, localised as the template localised them).
"""

from django.http import QueryDict
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_UNIT = "987654321"


def unit_links(query: QueryDict) -> str:
    """``{% url 'dashboards:head' %}{% querystring unit=… page=None %}`` with ``{}`` where the
    unit's id goes: this page's query string, its unit replaced (in place) or added (last), its
    page left out, escaped as the template escaped it."""
    params = query.copy()
    params.pop("page", None)
    params.setlist("unit", [_UNIT])
    return escape(reverse("dashboards:head") + "?" + params.urlencode()).replace(f"unit={_UNIT}", "unit={}")


def ranking_rows_html(rows, *, start: int, query: QueryDict) -> SafeString:
    """The ``<tr>`` of each ranked unit (unit_scores' dicts) as the template drew them: its
    position from ``start`` (the page's start index), its name linking to the dashboard of that
    unit, its score in percent (one decimal, "–" without one), its points and finished visits."""
    link = unit_links(query)
    drawn = []
    for n, row in enumerate(rows):
        percent = floatformat(row["percent"], 1) or "–"
        drawn.append(
            "\n    <tr>\n"
            f'      <td class="text-end">{start + n}</td>\n'
            f'      <td><a href="{link.format(row["visit__unit_id"])}">{escape(row["visit__unit__name"])}</a></td>\n'
            f'      <td class="text-end">{escape(percent)}</td>\n'
            f'      <td class="text-end">{escape(floatformat(row["total"], "-2"))} / '
            f"{escape(floatformat(row['maximum'], '-2'))}</td>\n"
            f'      <td class="text-end">{row["visits"]}</td>\n'
            "    </tr>\n  "
        )
    # Every value above is escaped, a reversed URL or a number.
    return mark_safe("".join(drawn))  # noqa: S308
