"""The rows of a round's scorecard table (templates/reform_index/round_detail.html), drawn in Python.

A province's round lists every department and commune in scope, some 360 on the bench's large
data set. Through the template engine each row cost about 0.5 ms (its translated labels, two
choice displays and a reversed URL), most of the page. This writes the same markup with
escape() (every value), each label translated and escaped once, the URLs from one reversed
pattern, as inspections/visit_table.py does for the visit list.
"""

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from units.models import UnitKind

from .models import CardStatus
from .selectors import RoundCard

_PLACEHOLDER = "987654321"


def round_rows_html(cards: list[RoundCard]) -> SafeString:
    """One ``<tr>`` per scorecard: unit, kind, status, adjusted criteria, the link to the card.

    Everything but the unit's name and the card's id is the same on every row: escaped once.
    """
    url = escape(reverse("reform_index:card_detail", args=[_PLACEHOLDER])).split(_PLACEHOLDER)
    kinds = {value: escape(str(label)) for value, label in UnitKind.choices}
    statuses = {value: escape(str(label)) for value, label in CardStatus.choices}
    cell = '</td><td data-label="{}">'.format
    before_name = '<tr><td class="card-title-cell">'
    before_kind = cell(escape(_("Kind")))
    before_status = cell(escape(_("Status")))
    before_adjusted = cell(escape(_("Adjusted criteria")))
    before_pk = f'</td><td class="card-action"><a class="btn btn-outline-primary btn-sm" href="{url[0]}'
    after_pk = f'{url[1]}">{escape(_("Open the scorecard"))}</a></td></tr>'
    rows = (
        "".join(
            (
                before_name,
                escape(card.unit_name),
                before_kind,
                kinds.get(card.unit_kind) or escape(card.unit_kind),
                before_status,
                statuses.get(card.status) or escape(card.status),
                before_adjusted,
                str(int(card.adjusted)),
                before_pk,
                str(int(card.pk)),
                after_pk,
            )
        )
        for card in cards
    )
    return mark_safe("\n".join(rows))  # noqa: S308  every value escaped above or here
