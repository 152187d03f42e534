"""The unit list's rows drawn in Python (units/list_rows.py) are the markup the template drew,
and the list reads only the columns they draw."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template import engines
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from units.models import UnitKind
from units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

# The rows as templates/units/unit_list.html drew them before.
TEMPLATE_ROWS = (
    "{% load i18n %}{% for unit in page %}"
    '<tr{% if not unit.is_current %} class="unit-former"{% endif %}>'
    '<td><a href="{{ unit.get_absolute_url }}">{{ unit.name }}</a>{% if not unit.is_current %} '
    '<span class="badge text-bg-secondary">{% translate "dissolved" %} '
    '{{ unit.valid_to|date:"SHORT_DATE_FORMAT" }}</span>{% endif %}</td>'
    "<td>{{ unit.get_kind_display }}</td>"
    '<td class="d-none d-md-table-cell">{{ unit.parent|default:"" }}</td>'
    '<td class="d-none d-md-table-cell">{{ unit.code }}</td>'
    "</tr>{% endfor %}"
)


def test_the_unit_list_rows_are_the_templates_markup(client, administrator, province, district):
    today = timezone.localdate()
    parent = UnitFactory(name='Huyện <Cũ> & "Mới"', kind=UnitKind.DISTRICT, parent=province)
    UnitFactory(name="Xã <b>Bình</b> & Tấn", parent=parent, code="X<1>&")
    UnitFactory(name="Xã Bình Tấn giải thể", parent=parent, valid_to=today - timedelta(days=3))
    UnitFactory(name="Phường Bình Tấn sắp lập", parent=district, valid_from=today + timedelta(days=9))
    UnitFactory(name="Văn phòng Bình Tấn", kind=UnitKind.OFFICE, parent=None)
    client.force_login(administrator)

    for query in ({"q": "binh tan", "status": "all"}, {"status": "all"}, {"status": "former"}):
        response = client.get(reverse("units:list"), query)
        page = response.context["page"]
        theirs = engines["django"].from_string(TEMPLATE_ROWS).render({"page": page})
        ours = response.context["rows"]
        assert parse_html(ours) == parse_html(theirs), query
        assert ours in response.content.decode()
    html = client.get(reverse("units:list"), {"q": "binh tan", "status": "all"}).content.decode()
    # Every name, the parent and the code escaped; the dissolved units marked with their end date.
    assert "Xã &lt;b&gt;Bình&lt;/b&gt; &amp; Tấn" in html and "X&lt;1&gt;&amp;" in html
    assert "Huyện &lt;Cũ&gt; &amp; &quot;Mới&quot;" in html
    assert html.count('class="unit-former"') == 2
    assert f"đã giải thể {(today - timedelta(days=3)).strftime('%d/%m/%Y')}" in html
    assert "<td>Phòng, đơn vị trực thuộc</td>" in html  # the kind's label, in Vietnamese


def test_a_search_without_match_says_so_and_the_rows_read_only_their_columns(client, scheduler, commune):
    client.force_login(scheduler)
    empty = client.get(reverse("units:list"), {"q": "khong co dau"})
    assert "Không có đơn vị phù hợp." in empty.content.decode() and empty.context["rows"] == ""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("units:list"), {"q": commune.name})
    assert commune.name in response.content.decode()
    page_query = next(q["sql"] for q in queries.captured_queries if "search_total" in q["sql"])
    assert "search_text" not in page_query.split(" FROM ")[0]
    assert "head_name" not in page_query
