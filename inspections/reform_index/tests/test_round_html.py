"""The round's scorecard rows drawn in Python are the markup the template drew, value for value."""

import re
from decimal import Decimal

from django.db.models import Count, F, Q
from django.template import Context, Template
from django.urls import reverse

from units.models import UnitKind
from units.tests.factories import UnitFactory

from ..models import CardStatus, CriterionScore, Scorecard
from ..round_html import round_rows_html
from ..selectors import round_cards
from .factories import open_round

# The loop of templates/reform_index/round_detail.html before the rows were drawn in Python.
TEMPLATE_ROWS = """{% load i18n %}{% for card in cards %}
      <tr>
        <td class="card-title-cell">{{ card.unit.name }}</td>
        <td data-label="{% translate 'Kind' %}">{{ card.unit.get_kind_display }}</td>
        <td data-label="{% translate 'Status' %}">{{ card.get_status_display }}</td>
        <td data-label="{% translate 'Adjusted criteria' %}">{{ card.adjusted }}</td>
        <td class="card-action"><a class="btn btn-outline-primary btn-sm" href="{{ card.get_absolute_url }}">{% translate "Open the scorecard" %}</a></td>
      </tr>
      {% endfor %}"""


def _cells(html: str) -> list[str]:
    return [
        " ".join(line.split())
        for line in html.replace("<tr>", "\n<tr>")
        .replace("<td", "\n<td")
        .replace("</tr>", "\n</tr>")
        .splitlines()
        if line.strip()
    ]


def test_the_rows_are_the_templates_rows(administrator, province, department, commune, index_tpl):
    odd = UnitFactory(name='Xã <Tân> & "Mỹ"', kind=UnitKind.COMMUNE, parent=province)
    index_round = open_round(
        actor=administrator, province=province, units=[department, commune, odd], template=index_tpl
    )
    card = Scorecard.objects.get(round=index_round, unit=commune)
    Scorecard.objects.filter(pk=card.pk).update(status=CardStatus.APPRAISED)
    scores = list(CriterionScore.objects.filter(scorecard=card).order_by("id"))
    CriterionScore.objects.filter(pk__in=[s.pk for s in scores]).update(self_score=Decimal(1))
    CriterionScore.objects.filter(pk__in=[s.pk for s in scores[:2]]).update(appraised_score=Decimal("0.5"))
    CriterionScore.objects.filter(pk=scores[2].pk).update(appraised_score=Decimal(1))  # kept: not adjusted

    cards = round_cards(index_round=index_round)
    assert [c.adjusted for c in cards if c.pk == card.pk] == [2]
    ours = str(round_rows_html(cards))
    # The template's rows, from the scorecards as the page loaded them before (the same count).
    before = (
        Scorecard.objects.filter(round=index_round)
        .select_related("unit")
        .annotate(
            adjusted=Count(
                "scores",
                filter=Q(scores__appraised_score__isnull=False)
                & ~Q(scores__appraised_score=F("scores__self_score")),
            )
        )
        .order_by("unit__kind", "unit__name")
    )
    theirs = Template(TEMPLATE_ROWS).render(Context({"cards": before}))
    assert _cells(ours) == _cells(theirs)
    assert "Xã &lt;Tân&gt; &amp; &quot;Mỹ&quot;" in ours
    assert reverse("reform_index:card_detail", args=[card.pk]) in ours


def test_the_round_page_lists_its_cards_by_pages_with_the_totals_of_every_status(
    client, head, administrator, province, department, commune, index_tpl, monkeypatch
):
    """A province's round lists its cards 25 to a page: the totals by status count every card,
    the pages hold each card once, and publishing waits for every card, not only the page's."""
    from .. import views

    monkeypatch.setattr(views, "ROUND_PAGE_SIZE", 2)
    communes = [UnitFactory(name=f"Xã thử {i}", kind=UnitKind.COMMUNE, parent=province) for i in range(3)]
    index_round = open_round(
        actor=administrator, province=province, units=[department, commune, *communes], template=index_tpl
    )
    Scorecard.objects.filter(round=index_round).update(status=CardStatus.APPROVED)
    Scorecard.objects.filter(round=index_round, unit=communes[2]).update(status=CardStatus.SUBMITTED)
    client.force_login(head)
    url = index_round.get_absolute_url()
    seen = []
    for number in ("1", "2", "3", "9", "abc"):
        page = client.get(url, {"page": number}).content.decode()
        assert "Tổng cộng 5 phiếu chấm điểm · Đã gửi, đang thẩm định: 1 · Đã phê duyệt: 4" in page
        seen.append(re.findall(r'class="card-title-cell">([^<]+)<', page))
    assert sorted(sum(seen[:3], [])) == sorted([department.name, commune.name, *(c.name for c in communes)])
    assert seen[3] == seen[2] and seen[4] == seen[0]  # past the end: the last; a word: the first
    assert "Mọi phiếu chấm điểm phải được phê duyệt trước khi công bố xếp hạng." in page
    Scorecard.objects.filter(round=index_round).update(status=CardStatus.APPROVED)
    page = client.get(url).content.decode()
    assert 'action="{}"'.format(reverse("reform_index:round_publish", args=[index_round.pk])) in page
