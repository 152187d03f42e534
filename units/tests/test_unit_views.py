"""The unit pages, per role: outsiders get 404, read-only roles 403, schedulers change things."""

import pytest
from django.urls import reverse

from core.permissions import can
from units.models import Unit, UnitKind
from units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _unit_data(**overrides):
    data = {
        "name": "UBND xã Tân Thạnh",
        "short_name": "Xã Tân Thạnh",
        "kind": UnitKind.COMMUNE,
        "parent": "",
        "code": "",
        "address": "",
        "email": "",
        "phone": "",
        "head_name": "",
        "head_title": "",
        "valid_from": "",
        "valid_to": "",
    }
    data.update(overrides)
    return data


# --- list and search ---------------------------------------------------------------------------


def test_scheduler_sees_units_of_their_province_only(client, scheduler, commune, foreign_commune):
    client.force_login(scheduler)
    response = client.get(reverse("units:list"))
    assert response.status_code == 200
    names = [u.name for u in response.context["page"]]
    assert "Xã Bình Tấn" in names
    assert "Xã Vô Tranh" not in names


def test_search_ignores_diacritics_and_case(client, scheduler, commune, other_commune):
    client.force_login(scheduler)
    response = client.get(reverse("units:list"), {"q": "BINH tan"})
    names = [u.name for u in response.context["page"]]
    assert names == ["Xã Bình Tấn"]


def test_search_finds_d_with_stroke(client, administrator):
    UnitFactory(name="Sở Tài chính tỉnh Đắk Lắk", kind=UnitKind.DEPARTMENT)
    client.force_login(administrator)
    response = client.get(reverse("units:list"), {"q": "dak lak"})
    assert [u.name for u in response.context["page"]] == ["Sở Tài chính tỉnh Đắk Lắk"]


def test_dissolved_units_are_hidden_by_default_and_listed_on_request(client, scheduler, province):
    UnitFactory(name="UBND huyện Cũ", kind=UnitKind.DISTRICT, parent=province, valid_to="2025-07-01")
    client.force_login(scheduler)
    current = client.get(reverse("units:list"))
    assert "UBND huyện Cũ" not in current.content.decode()
    former = client.get(reverse("units:list"), {"status": "former"})
    assert "UBND huyện Cũ" in former.content.decode()


def test_liaison_sees_only_their_unit_and_units_below(client, liaison, commune, other_commune):
    office = UnitFactory(name="Văn phòng UBND xã Bình Tấn", kind=UnitKind.OFFICE, parent=commune)
    client.force_login(liaison)
    response = client.get(reverse("units:list"))
    names = {u.name for u in response.context["page"]}
    assert names == {commune.name, office.name}


def test_unit_list_query_count_does_not_grow_with_units(
    client, scheduler, district, django_assert_max_num_queries
):
    client.force_login(scheduler)
    for i in range(3):
        UnitFactory(name=f"Xã A{i}", parent=district)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("units:list"))
    for i in range(40):
        UnitFactory(name=f"Xã B{i}", parent=district)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("units:list"))
    assert response.context["page"].paginator.count == 46  # 43 communes, the district, department, province


def test_unit_tree_query_count_does_not_grow_with_units(
    client, scheduler, district, django_assert_max_num_queries
):
    client.force_login(scheduler)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("units:tree"))
    for i in range(30):
        UnitFactory(name=f"Xã C{i}", parent=district)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("units:tree"))
    assert "Xã C29" in response.content.decode()


def test_unit_tree_indents_children_under_parents(client, scheduler, commune):
    client.force_login(scheduler)
    html = client.get(reverse("units:tree")).content.decode()
    assert html.index("Huyện Thanh Bình") < html.index("Xã Bình Tấn")
    assert 'class="depth-2' in html


# --- detail --------------------------------------------------------------------------------------


def test_outsider_gets_404_on_unit_detail(client, outsider, commune):
    client.force_login(outsider)
    assert client.get(reverse("units:detail", args=[commune.pk])).status_code == 404


def test_liaison_gets_404_on_a_neighbouring_unit(client, liaison, other_commune):
    client.force_login(liaison)
    assert client.get(reverse("units:detail", args=[other_commune.pk])).status_code == 404


def test_detail_shows_merger_history(client, scheduler, commune, other_commune, province):
    merged = UnitFactory(name="UBND xã Tân Bình Mới", parent=province, valid_from="2025-07-01")
    merged.predecessors.set([commune, other_commune])
    client.force_login(scheduler)
    html = client.get(reverse("units:detail", args=[merged.pk])).content.decode()
    assert "Xã Bình Tấn" in html and "Xã Tân Mỹ" in html
    old = client.get(reverse("units:detail", args=[commune.pk])).content.decode()
    assert "UBND xã Tân Bình Mới" in old


def test_bad_id_is_404(client, scheduler):
    client.force_login(scheduler)
    assert client.get("/units/999999/").status_code == 404


# --- create ------------------------------------------------------------------------------------


def test_scheduler_creates_a_unit_under_a_visible_parent(client, scheduler, province):
    client.force_login(scheduler)
    response = client.post(reverse("units:create"), _unit_data(parent=province.pk, code="29999"))
    unit = Unit.objects.get(code="29999")
    assert response.status_code == 302 and response["Location"] == unit.get_absolute_url()
    assert unit.parent == province
    assert unit.path.startswith(province.path)
    assert unit.search_text == "ubnd xa tan thanh xa tan thanh 29999"


@pytest.mark.parametrize("role", ["inspector", "head", "liaison"])
def test_read_only_roles_cannot_create_units(client, request, role, province):
    user = request.getfixturevalue(role)
    client.force_login(user)
    before = Unit.objects.count()
    assert client.get(reverse("units:create")).status_code == 403
    assert client.post(reverse("units:create"), _unit_data(parent=province.pk)).status_code == 403
    assert Unit.objects.count() == before


def test_scheduler_cannot_place_a_unit_under_another_province(client, scheduler, other_province):
    client.force_login(scheduler)
    before = Unit.objects.count()
    response = client.post(reverse("units:create"), _unit_data(parent=other_province.pk))
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert Unit.objects.count() == before


def test_invalid_unit_keeps_input_and_shows_errors_in_vietnamese(client, scheduler, province):
    client.force_login(scheduler)
    before = Unit.objects.count()
    response = client.post(
        reverse("units:create"),
        _unit_data(name="", address="Ấp 3, xã Bình Tấn", valid_from="01/07/2025", valid_to="01/01/2025"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trường này là bắt buộc." in html
    assert "Ấp 3, xã Bình Tấn" in html  # the rest of the input is kept
    assert Unit.objects.count() == before


def test_duplicate_official_code_is_refused_with_a_message(client, scheduler, province, commune):
    commune.code = "28801"
    commune.save(update_fields=["code"])
    client.force_login(scheduler)
    response = client.post(reverse("units:create"), _unit_data(parent=province.pk, code="28801"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Unit.objects.filter(code="28801").count() == 1


def test_dissolved_units_are_not_offered_as_parents(client, scheduler, district, province):
    district.valid_to = "2025-07-01"
    district.save(update_fields=["valid_to"])
    client.force_login(scheduler)
    form = client.get(reverse("units:create")).context["form"]
    assert district not in form.fields["parent"].queryset
    assert province in form.fields["parent"].queryset


# --- edit ----------------------------------------------------------------------------------------


def test_scheduler_moves_a_unit_and_its_subtree_follows(client, scheduler, province, district, commune):
    office = UnitFactory(name="Văn phòng xã", kind=UnitKind.OFFICE, parent=commune)
    client.force_login(scheduler)
    response = client.post(
        reverse("units:edit", args=[commune.pk]),
        _unit_data(name=commune.name, kind=UnitKind.COMMUNE, parent=province.pk),
    )
    assert response.status_code == 302
    commune.refresh_from_db()
    office.refresh_from_db()
    assert commune.path == f"{province.path}{commune.pk}/"
    assert office.path == f"{commune.path}{office.pk}/"
    assert office.depth == 2


def test_a_unit_cannot_be_put_under_its_own_child(client, scheduler, district, commune):
    client.force_login(scheduler)
    response = client.post(
        reverse("units:edit", args=[district.pk]),
        _unit_data(name=district.name, kind=UnitKind.DISTRICT, parent=commune.pk),
    )
    assert response.status_code == 200
    district.refresh_from_db()
    assert district.parent_id != commune.pk


@pytest.mark.parametrize("role", ["inspector", "head", "liaison"])
def test_read_only_roles_get_403_on_edit(client, request, role, commune):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("units:edit", args=[commune.pk]), _unit_data(name="Đổi tên"))
    assert response.status_code == 403
    commune.refresh_from_db()
    assert commune.name == "Xã Bình Tấn"


def test_outsider_gets_404_on_edit(client, outsider, commune):
    client.force_login(outsider)
    assert client.post(reverse("units:edit", args=[commune.pk]), _unit_data()).status_code == 404


def test_edit_refuses_wrong_method(client, scheduler, commune):
    client.force_login(scheduler)
    assert client.delete(reverse("units:edit", args=[commune.pk])).status_code == 405


def test_a_commune_under_a_dissolved_district_can_still_be_edited(client, scheduler, district, commune):
    district.valid_to = "2025-07-01"
    district.save(update_fields=["valid_to"])
    client.force_login(scheduler)
    response = client.post(
        reverse("units:edit", args=[commune.pk]),
        _unit_data(name=commune.name, kind=UnitKind.COMMUNE, parent=district.pk, phone="0277 3 123 456"),
    )
    assert response.status_code == 302
    commune.refresh_from_db()
    assert commune.phone == "0277 3 123 456"


def test_a_scheduler_must_place_a_new_unit_under_a_parent(client, scheduler):
    client.force_login(scheduler)
    before = Unit.objects.count()
    response = client.post(reverse("units:create"), _unit_data())
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert Unit.objects.count() == before


def test_an_administrator_creates_a_province(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("units:create"), _unit_data(name="UBND tỉnh Cà Mau", kind=UnitKind.PROVINCE)
    )
    assert response.status_code == 302
    assert Unit.objects.get(name="UBND tỉnh Cà Mau").parent is None


def test_liaison_unit_page_does_not_link_to_the_district_they_cannot_open(client, liaison, commune, district):
    client.force_login(liaison)
    html = client.get(reverse("units:detail", args=[commune.pk])).content.decode()
    assert district.get_absolute_url() not in html
    assert district.name in html  # still named, as plain text


# --- methods and the rules behind the pages ----------------------------------------------------


@pytest.mark.parametrize("url_name", ["units:list", "units:tree", "units:detail"])
def test_read_only_unit_pages_answer_post_with_405(client, scheduler, commune, url_name):
    client.force_login(scheduler)
    url = reverse(url_name, args=[commune.pk] if url_name == "units:detail" else [])
    before = list(Unit.objects.values_list("pk", "name", "path"))

    response = client.post(url, _unit_data(name="Không được tạo"))

    assert response.status_code == 405
    assert sorted(response["Allow"].split(", ")) == ["GET", "HEAD"]
    assert list(Unit.objects.values_list("pk", "name", "path")) == before


def test_who_may_create_a_unit_without_parent_is_the_rule_units_add_top_level_unit(
    client, scheduler, administrator
):
    # The view used to ask is_admin() itself; now it asks the rule, as every other page does.
    assert not can(scheduler, "units.add_top_level_unit")
    assert can(administrator, "units.add_top_level_unit")
    province = _unit_data(name="UBND tỉnh Cà Mau", kind=UnitKind.PROVINCE)

    client.force_login(scheduler)
    assert client.get(reverse("units:create")).context["form"].fields["parent"].required
    assert client.post(reverse("units:create"), province).status_code == 200

    client.force_login(administrator)
    assert not client.get(reverse("units:create")).context["form"].fields["parent"].required
    assert client.post(reverse("units:create"), province).status_code == 302
    assert list(Unit.objects.filter(name="UBND tỉnh Cà Mau").values_list("parent", flat=True)) == [None]
