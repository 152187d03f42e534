"""The rows of a ranking table (templates/reform_index/ranking.html), drawn in Python.

A province's ranking lists some 360 units on the bench's large data set, each with a cell per
domain: through the template engine (a loop per row, the ``comma`` filter per cell, a
blocktranslate per change) the rows were half of the page. This writes the same markup with
escape() on every value, the one translated text formatted per row, as round_html.py does for
the round's scorecards. Works on the computed ranking and on an issued snapshot alike (dicts).
"""

from html import escape as html_escape

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _comma(value) -> str:
    """As the ``comma`` filter (reform_index_tags): "93.40" -> "93,40", nothing -> "–"; escaped
    by the standard library's escape (Django's lazy-aware one was a third of the rows' cost)."""
    if value in (None, ""):
        return "–"
    return html_escape(str(value).replace(".", ","))


def ranking_rows_html(rows: list[dict], own_unit) -> SafeString:
    """One ``<tr>`` per ranked unit: rank, unit, points per domain, total / maximum, percent, change."""
    was = _("was %(rank)s")
    # Cells as drawn, by value: a ranking repeats a few points values over hundreds of rows.
    cells: dict[str, str] = {}

    def cell(value) -> str:
        drawn = cells.get(value)
        if drawn is None:
            drawn = cells[value] = f'<td class="text-end">{_comma(value)}</td>'
        return drawn

    out = []
    for row in rows:
        change = row.get("change")
        if change:
            last_rank = row.get("last_rank")
            change_cell = _comma(change) + (f" ({escape(was % {'rank': last_rank})})" if last_rank else "")
        else:
            change_cell = "–"
        out.append(
            "".join(
                (
                    '<tr class="ri-own">' if row["unit_id"] == own_unit else "<tr>",
                    f"\n          <td>{html_escape(str(row['rank']))}</td><td>{html_escape(row['unit_name'])}</td>\n          ",
                    "".join([cell(v) for v in row["domains"]]),
                    f'\n          <td class="text-end">{_comma(row["total"])} / {_comma(row["max_total"])}</td>',
                    f'<td class="text-end">{_comma(row["percent"])}</td>\n          ',
                    f'<td class="text-end">{change_cell}</td>\n        </tr>',
                )
            )
        )
    return mark_safe("\n".join(out))  # noqa: S308  every value escaped above
