"""The full unit ranking's rows drawn in Python (reports.dashboards.ranking_table) are the markup
the template's loop drew, for any query string and any numbers."""

from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from reports.dashboards.ranking_table import ranking_rows_html

# The loop of templates/dashboards/unit_ranking.html before the rows were drawn in Python.
TEMPLATE_LOOP = """{% load i18n %}
  {% for row in page %}
    <tr>
      <td class="text-end">{{ page.start_index|add:forloop.counter0 }}</td>
      <td><a href="{% url 'dashboards:head' %}{% querystring unit=row.visit__unit_id page=None %}">{{ row.visit__unit__name }}</a></td>
      <td class="text-end">{{ row.percent|floatformat:1|default:"–" }}</td>
      <td class="text-end">{{ row.total|floatformat:"-2" }} / {{ row.maximum|floatformat:"-2" }}</td>
      <td class="text-end">{{ row.visits }}</td>
    </tr>
  {% empty %}
    <tr><td colspan="5" class="text-muted">{% translate "No finished visit yet for these filters." %}</td></tr>
  {% endfor %}"""

ROWS = [
    {
        "visit__unit_id": 7,
        "visit__unit__name": "Xã Bình Tấn",
        "percent": Decimal("83.3333"),
        "total": Decimal("10.50"),
        "maximum": Decimal("12"),
        "visits": 2,
    },
    {
        "visit__unit_id": 12,
        "visit__unit__name": 'Phường <b>"A" & B</b>',
        "percent": None,
        "total": Decimal("0"),
        "maximum": Decimal("0.25"),
        "visits": 0,
    },
    {
        "visit__unit_id": 3,
        "visit__unit__name": "Xã Tân Mỹ",
        "percent": 40.0,
        "total": Decimal("4"),
        "maximum": Decimal("10"),
        "visits": 1,
    },
] * 20


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "query",
    ["", "year=2026", "year=2026&plan=4&page=2", "unit=5&year=&branch=2", "q=a%26b&unit=1&unit=2", "page=x"],
)
def test_the_rows_are_the_markup_the_template_drew(query, language):
    request = RequestFactory().get(reverse("dashboards:ranking") + ("?" + query if query else ""))
    page = Paginator(ROWS, 50).get_page(2 if "page=2" in query else 1)
    with translation.override(language):
        reference = Template(TEMPLATE_LOOP).render(RequestContext(request, {"page": page}))
        ours = "\n  " + ranking_rows_html(page.object_list, start=page.start_index(), query=request.GET)
    assert ours == reference
    assert "<b>" not in ours and "&lt;b&gt;" in ours


@pytest.mark.django_db
def test_the_ranking_page_draws_its_rows_and_counts_them_with_the_page(client, head, world, department):
    client.force_login(head)
    response = client.get(reverse("dashboards:ranking"), {"year": 2026})
    html = response.content.decode()
    page = response.context["page"]
    assert page.paginator.count == len(page) == 2
    for n, row in enumerate(page, start=1):
        assert f'<td class="text-end">{n}</td>' in html
        assert f'?year=2026&amp;unit={row["visit__unit_id"]}">{row["visit__unit__name"]}</a>' in html
    # No finished visit in the department's own subtree: the table says so.
    empty = client.get(reverse("dashboards:ranking"), {"year": 2026, "unit": department.pk})
    assert len(empty.context["page"]) == 0
    with translation.override("vi"):
        assert gettext("No finished visit yet for these filters.") in empty.content.decode()
