"""The unit tree and the unit forms at a province's size (issue 17): the tree shows a window of
rows and the forms draw their unit lists in Python, showing the same things with as many queries
for a province of 5 units as for one of 60."""

import re

import pytest
from django import forms
from django.template import engines
from django.template.loader import render_to_string
from django.test.html import parse_html
from django.urls import reverse

from units.access import units_visible_to
from units.forms import UnitForm
from units.models import UnitKind
from units.selectors import TREE_PAGE_SIZE
from units.tests.factories import UnitFactory
from units.widgets import UnitSelect, UnitSelectMultiple

pytestmark = pytest.mark.django_db


def _communes(district, count, prefix):
    return [UnitFactory(name=f"Xã {prefix} {i:02d}", parent=district) for i in range(count)]


def _tree_names(html: str) -> list[str]:
    tree = html[html.index('<ul class="tree-list">') :]
    return re.findall(r'<li class="depth-\d[^"]*">\s*<a href="[^"]+">([^<]+)</a>', tree)


# --- the tree ------------------------------------------------------------------------------------


def test_the_tree_shows_every_unit_once_in_tree_order_across_its_pages(client, head, district):
    communes = _communes(district, TREE_PAGE_SIZE + 5, "Cây")
    client.force_login(head)

    first = client.get(reverse("units:tree")).content.decode()
    second = client.get(reverse("units:tree"), {"page": 2}).content.decode()

    # Province, department, district and the communes: 3 + 55 rows, 50 on the first page.
    names = _tree_names(first) + _tree_names(second)
    assert len(_tree_names(first)) == TREE_PAGE_SIZE
    assert names[:3] == ["UBND tỉnh Đồng Tháp", "Sở Nội vụ tỉnh Đồng Tháp", "Huyện Thanh Bình"]
    assert sorted(names[3:]) == sorted(c.name for c in communes)
    assert len(names) == len(set(names))
    assert "58 đơn vị" in first
    assert "Trang 1/2" in first and "?page=2" in first
    # The second page starts inside the district: it says where, with links up the tree.
    assert "Tiếp theo, thuộc:" in second and "Tiếp theo, thuộc:" not in first
    context = second[second.index("Tiếp theo, thuộc:") : second.index('<ul class="tree-list">')]
    assert district.get_absolute_url() in context and district.parent.get_absolute_url() in context


def test_the_tree_pages_keep_the_filters(client, head, district):
    _communes(district, TREE_PAGE_SIZE + 5, "Bình")
    client.force_login(head)
    response = client.get(reverse("units:tree"), {"q": "binh", "kind": UnitKind.COMMUNE})
    html = response.content.decode()
    assert response.context["page"].paginator.count == TREE_PAGE_SIZE + 5
    assert "?q=binh&amp;kind=commune&amp;page=2" in html
    assert "Huyện Thanh Bình" not in _tree_names(html)


@pytest.mark.parametrize("extra", [0, 2 * TREE_PAGE_SIZE])
def test_the_tree_runs_the_same_queries_at_any_size(client, head, district, extra, django_assert_num_queries):
    _communes(district, 5 + extra, "Đếm")
    client.force_login(head)
    client.get(reverse("units:tree"))  # warm the session
    with django_assert_num_queries(5):  # session, user with their unit, roles, count, rows
        client.get(reverse("units:tree"))
    with django_assert_num_queries(6 if extra else 5):  # a later page: the units above its first row
        client.get(reverse("units:tree"), {"page": 3})


@pytest.mark.parametrize("extra", [0, 60])
def test_the_unit_list_search_reads_its_page_and_count_in_one_query_at_any_size(
    client, head, district, extra, django_assert_num_queries
):
    _communes(district, 55, "Bình Tân")
    _communes(district, extra, "Khác")
    client.force_login(head)
    url = reverse("units:list")
    client.get(url)  # warm the session
    with django_assert_num_queries(4):  # session, user with their unit, roles, the page with its count
        response = client.get(url, {"q": "binh tan"})
    assert response.context["page"].paginator.count == 55 and len(response.context["page"]) == 50
    last = client.get(url, {"q": "binh tan", "page": 9})  # past the end: the last page
    assert last.context["page"].number == 2 and len(last.context["page"]) == 5
    nothing = client.get(url, {"q": "khong co"})
    assert nothing.context["page"].paginator.count == 0 and len(nothing.context["page"]) == 0


def test_a_liaisons_later_page_names_only_the_units_they_may_open(client, liaison, commune, district):
    offices = [UnitFactory(name=f"Tổ {i:02d}", kind=UnitKind.OFFICE, parent=commune) for i in range(55)]
    client.force_login(liaison)
    html = client.get(reverse("units:tree"), {"page": 2}).content.decode()
    context = html[html.index("Tiếp theo, thuộc:") : html.index('<ul class="tree-list">')]
    assert commune.get_absolute_url() in context
    assert "Huyện Thanh Bình" not in context and district.get_absolute_url() not in html
    rows = _tree_names(html)  # the commune and 55 offices: 6 rows on the second page
    assert len(rows) == 6 and set(rows) <= {o.name for o in offices}


def test_the_tree_still_marks_dissolved_units(client, head, district):
    district.valid_to = "2025-07-01"
    district.save(update_fields=["valid_to"])
    client.force_login(head)
    html = client.get(reverse("units:tree"), {"status": "all"}).content.decode()
    assert "Huyện Thanh Bình" in _tree_names(html)
    assert re.search(r"đã giải thể\s+01/07/2025", html)
    assert "Huyện Thanh Bình" not in _tree_names(client.get(reverse("units:tree")).content.decode())


def test_an_outsiders_tree_never_lists_our_units_on_any_page(client, outsider, district):
    _communes(district, TREE_PAGE_SIZE + 5, "Cây")
    client.force_login(outsider)
    for number in (1, 2):
        response = client.get(reverse("units:tree"), {"page": number})
        assert response.status_code == 200
        assert "Xã Cây" not in response.content.decode()
        assert "Huyện Thanh Bình" not in response.content.decode()


# --- the forms' unit lists -----------------------------------------------------------------------


CHOICES = [("", "---------"), (1, "UBND tỉnh Đồng Tháp"), (7, 'Xã "Bình" <Tấn> & Mỹ')]


@pytest.mark.parametrize("value", [None, "", 7, "7"])
def test_the_parent_list_is_djangos_select_markup(value):
    attrs = {"id": "id_parent", "class": "form-select", "required": True}
    ours = UnitSelect(choices=CHOICES).render("parent", value, attrs)
    django = forms.Select(choices=CHOICES).render("parent", value, attrs)
    assert _normalised(ours) == _normalised(django)


@pytest.mark.parametrize("value", [None, [], [7], ["1", "7"]])
def test_the_predecessor_list_is_djangos_select_multiple_markup(value):
    attrs = {"id": "id_predecessors", "class": "form-select", "size": 6}
    ours = UnitSelectMultiple(choices=CHOICES[1:]).render("predecessors", value, attrs)
    django = forms.SelectMultiple(choices=CHOICES[1:]).render("predecessors", value, attrs)
    assert _normalised(ours) == _normalised(django)


def _options(html: str, name: str) -> int:
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.DOTALL)
    return select.group(1).count("<option")


def _normalised(html: str):
    # As assertHTMLEqual compares: attributes in any order, the same escaped text.
    return parse_html(html)


@pytest.mark.parametrize("extra", [0, 60])
def test_the_unit_forms_run_the_same_queries_at_any_size(
    client, scheduler, district, commune, extra, django_assert_num_queries
):
    _communes(district, 5 + extra, "Đếm")
    client.force_login(scheduler)
    create, edit = reverse("units:create"), reverse("units:edit", args=[commune.pk])
    client.get(create)
    with django_assert_num_queries(5):  # session, user with their unit, roles, parents, predecessors
        html = client.get(create).content.decode()
    # Province, department, district, commune and the new communes; the parent list starts "---".
    assert _options(html, "parent") == 1 + 4 + 5 + extra
    assert _options(html, "predecessors") == 4 + 5 + extra
    with django_assert_num_queries(7):  # and the unit, and whether the parent is visible
        html = client.get(edit).content.decode()
    assert f'<option value="{district.pk}" selected>Huyện Thanh Bình</option>' in html


def test_a_refused_form_keeps_the_chosen_parent_and_predecessors(client, scheduler, district, province):
    old = _communes(district, 3, "Cũ")
    client.force_login(scheduler)
    response = client.post(
        reverse("units:create"),
        {"name": "", "kind": UnitKind.COMMUNE, "parent": district.pk, "predecessors": [old[0].pk, old[2].pk]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{district.pk}" selected>Huyện Thanh Bình</option>' in html
    assert f'<option value="{old[0].pk}" selected>Xã Cũ 00</option>' in html
    assert f'<option value="{old[1].pk}">Xã Cũ 01</option>' in html
    assert f'<option value="{old[2].pk}" selected>Xã Cũ 02</option>' in html
    # The message sits next to the name field, and the lists are still the form's own.
    assert 'id="error_1_id_name"' in html
    assert re.search(r'<select[^>]* name="predecessors"[^>]* multiple', html)


# --- the form's markup ---------------------------------------------------------------------------


def _form_markup(html: str):
    form = re.search(r'<form\s+method="post"\s*>.*?</form>', html, re.DOTALL).group(0)
    return parse_html(re.sub(r'<input type="hidden" name="csrfmiddlewaretoken"[^>]*>', "", form))


def _both_ways(make_form, request):
    ours = render_to_string("units/unit_form.html", {"form": make_form()}, request)
    crispy = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
    return _form_markup(ours), _form_markup(crispy.render({"form": make_form()}, request))


@pytest.mark.parametrize("state", ["new", "refused", "closing refused"])
def test_the_unit_form_is_drawn_as_crispy_forms_draws_it(rf, scheduler, district, commune, state):
    request = rf.get("/")
    request.user = scheduler
    data = {
        "name": "",
        "kind": UnitKind.COMMUNE,
        "parent": district.pk,
        "email": "x",
        "valid_from": "32/13/2020",
    }

    def make_form():
        if state == "new":
            return UnitForm(units=units_visible_to(scheduler))
        form = UnitForm(data, instance=commune, units=units_visible_to(scheduler))
        form.is_valid()
        if state == "closing refused":  # as UnitForm._post_clean leaves it
            form.add_error("valid_to", "Còn việc dở dang")
            form.closing_refused = True
            form.fields["close_anyway"].widget = forms.CheckboxInput()
        return form

    ours, theirs = _both_ways(make_form, request)
    assert ours == theirs
    if state != "new":
        assert 'id="error_1_id_name"' in str(ours) and 'id="error_1_id_email"' in str(ours)
    if state == "closing refused":
        assert 'type="checkbox"' in str(ours) and 'id="error_1_id_valid_to"' in str(ours)


# --- the units below a unit ----------------------------------------------------------------------


def test_a_units_page_lists_the_units_below_it_by_pages(client, scheduler, district):
    from units.selectors import CHILDREN_PAGE_SIZE

    # In tree order (by path), as the tree lists them.
    communes = sorted(_communes(district, CHILDREN_PAGE_SIZE + 5, "Dưới"), key=lambda unit: unit.path)
    client.force_login(scheduler)
    url = district.get_absolute_url()

    first = client.get(url).content.decode()
    second = client.get(url, {"children": 2}).content.decode()

    def names(html):
        below = html[html.index("Đơn vị trực thuộc") :]
        return re.findall(r'<li class="list-group-item px-0"><a href="[^"]+">(Xã Dưới \d+)</a>', below)

    assert names(first) == [c.name for c in communes[:CHILDREN_PAGE_SIZE]]
    assert names(second) == [c.name for c in communes[CHILDREN_PAGE_SIZE:]]
    assert "Tổng cộng 30 đơn vị trực thuộc" in first and "Trang 1/2" in first and "?children=2" in first
    assert "Trang 2/2" in second
    # A page past the end shows the last; a word, the first.
    assert names(client.get(url, {"children": 9}).content.decode()) == names(second)
    assert names(client.get(url, {"children": "abc"}).content.decode()) == names(first)


@pytest.mark.parametrize("extra", [0, 60])
def test_a_units_page_runs_the_same_queries_whatever_the_units_below(
    client, scheduler, district, extra, django_assert_num_queries
):
    _communes(district, 5 + extra, "Đếm")
    client.force_login(scheduler)
    url = district.get_absolute_url()
    client.get(url)
    # The same for 5 units below as for 65: the units below are counted and one page is read.
    with django_assert_num_queries(9):
        client.get(url)
