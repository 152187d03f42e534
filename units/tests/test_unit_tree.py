"""The unit tree keeps itself right: a unit that moves carries its subtree, however it is saved."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from units.access import units_visible_to
from units.models import Unit, UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def other_scheduler(other_province):
    other_dept = UnitFactory(
        name="Sở Nội vụ tỉnh Thái Nguyên", kind=UnitKind.DEPARTMENT, parent=other_province
    )
    return UserFactory(username="other-scheduler", unit=other_dept, roles=[Role.SCHEDULER])


def _admin_form(unit: Unit, **changes) -> dict:
    data = {
        name: getattr(unit, name) or ""
        for name in (
            "name",
            "short_name",
            "kind",
            "code",
            "address",
            "email",
            "phone",
            "head_name",
            "head_title",
        )
    }
    data.update(parent=unit.parent_id or "", valid_from="", valid_to="", _save="Lưu")
    data.update(changes)
    return data


def test_a_district_moved_in_the_django_admin_takes_its_communes_to_the_new_province(
    client, superuser, scheduler, other_scheduler, province, district, commune, other_commune, other_province
):
    hamlet = UnitFactory(name="Tổ dân phố 1", kind=UnitKind.OFFICE, parent=commune)
    client.force_login(superuser)
    url = reverse("admin:units_unit_change", args=[district.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, _admin_form(district, parent=other_province.pk))

    assert response.status_code == 302, response.context["adminform"].form.errors
    for unit, depth in ((district, 1), (commune, 2), (other_commune, 2), (hamlet, 3)):
        unit.refresh_from_db()
        assert unit.path.startswith(other_province.path), unit
        assert unit.depth == depth
    assert hamlet.path == f"{other_province.path}{district.pk}/{commune.pk}/{hamlet.pk}/"
    # Who sees the communes follows the move: the old province's scheduler no longer does...
    client.force_login(scheduler)
    assert client.get(commune.get_absolute_url()).status_code == 404
    assert not units_visible_to(scheduler).filter(pk__in=[commune.pk, other_commune.pk]).exists()
    # ...and the new province's does.
    client.force_login(other_scheduler)
    assert client.get(commune.get_absolute_url()).status_code == 200
    assert set(units_visible_to(other_scheduler).filter(kind=UnitKind.COMMUNE)) == {commune, other_commune}
    assert province.path == f"/{province.pk}/"  # the old province itself is untouched


def test_the_django_admin_refuses_to_put_a_unit_under_its_own_commune(
    client, superuser, province, district, commune
):
    client.force_login(superuser)
    url = reverse("admin:units_unit_change", args=[district.pk])

    response = client.post(url, _admin_form(district, parent=commune.pk))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"]
    district.refresh_from_db()
    assert (district.parent_id, district.path) == (province.pk, f"{province.path}{district.pk}/")
    assert Unit.objects.get(pk=commune.pk).path == f"{district.path}{commune.pk}/"


def test_a_stale_parent_object_cannot_leave_a_wrong_path(province, district, commune, other_province):
    stale_commune = Unit.objects.get(pk=commune.pk)  # holds the district with its old path
    district.parent = other_province
    district.save()

    stale_commune.name = "Xã Bình Tấn mới"
    stale_commune.save(update_fields=["name"])

    stale_commune.refresh_from_db()
    assert stale_commune.path == f"{other_province.path}{district.pk}/{commune.pk}/"


def test_saving_a_unit_below_itself_is_refused_by_the_model(district, commune):
    district.parent = commune
    with pytest.raises(ValidationError):
        district.save()
