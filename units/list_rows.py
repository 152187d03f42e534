"""The unit list's rows (templates/units/unit_list.html), drawn in Python.

A search of a province's units ("binh tan") lists a few rows on a small province and dozens on a
large one; through the template each row cost some twenty variable look-ups and filters (the
unit's URL, whether it is in force, its kind's label, its parent), so the page grew with what it
found (issue 17). These write the template's markup with every value escaped, the dates and
labels as its filters made them (units/tests/test_unit_list_rows.py: the markup is the
template's).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .models import UnitKind

# What the list reads of each unit and of its parent (select_related("parent")).
LIST_COLUMNS = ("id", "name", "kind", "code", "valid_from", "valid_to", "path", "parent_id", "parent__name")


def unit_rows(units) -> SafeString:
    """The table rows of ``units``: the name (a link to the unit; a dissolved unit is marked with
    its end date), the kind, the parent's name and the code."""
    today = timezone.localdate()
    kinds = {value: conditional_escape(label) for value, label in UnitKind.choices}
    url = reverse("units:detail", args=[987654321])
    dissolved = conditional_escape(gettext("dissolved"))
    rows = []
    for unit in units:
        current = (unit.valid_from is None or unit.valid_from <= today) and (
            unit.valid_to is None or unit.valid_to > today
        )
        if current:
            former_row, badge = "", ""
        else:
            ended = date_format(unit.valid_to, "SHORT_DATE_FORMAT") if unit.valid_to else ""
            former_row = ' class="unit-former"'
            badge = f' <span class="badge text-bg-secondary">{dissolved} {conditional_escape(ended)}</span>'
        kind = kinds.get(unit.kind)
        if kind is None:
            kind = conditional_escape(unit.kind)
        parent = conditional_escape(str(unit.parent)) if unit.parent_id is not None else ""
        rows.append(
            f"<tr{former_row}>"
            f'<td><a href="{url.replace("987654321", str(unit.pk))}">{conditional_escape(unit.name)}</a>{badge}</td>'
            f"<td>{kind}</td>"
            f'<td class="d-none d-md-table-cell">{parent}</td>'
            f'<td class="d-none d-md-table-cell">{conditional_escape(str(unit.code))}</td>'
            "</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value above is escaped)
