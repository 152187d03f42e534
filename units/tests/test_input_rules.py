"""Input rules on the unit pages and the unit import: phone and code checked with a message a
clerk understands; the kind column takes the labels the pages show, with or without diacritics."""

import pytest
from django.urls import reverse

from units.models import Unit, UnitKind

from .test_import import HEADER, confirm, csv_upload, upload
from .test_unit_views import _unit_data

pytestmark = pytest.mark.django_db


def test_scheduler_gets_a_vietnamese_message_for_a_wrong_phone_and_code(client, scheduler, district, commune):
    client.force_login(scheduler)

    response = client.post(
        reverse("units:edit", args=[commune.pk]),
        _unit_data(name=commune.name, kind=UnitKind.COMMUNE, parent=district.pk, phone="12 34", code="BT 01"),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "0912 345 678" in errors["phone"][0]
    assert "không dấu" in errors["code"][0]
    commune.refresh_from_db()
    assert (commune.phone, commune.code) == ("", "")


def test_over_long_text_is_refused_with_a_message_not_cut(client, scheduler, district, commune):
    client.force_login(scheduler)

    response = client.post(
        reverse("units:edit", args=[commune.pk]),
        _unit_data(name="X" * 300, kind=UnitKind.COMMUNE, parent=district.pk),
    )

    assert response.status_code == 200
    assert "tối đa 255 kí tự (hiện có 300)" in response.context["form"].errors["name"][0]
    commune.refresh_from_db()
    assert commune.name == "Xã Bình Tấn"


@pytest.mark.parametrize(
    "label",
    ["Sở, ban, ngành", "sở, ban, ngành", "so, ban, nganh", "SO, BAN, NGANH", "Department (sở, ban, ngành)"],
)
def test_the_import_accepts_the_kind_labels_the_pages_show(client, scheduler, province, label):
    province.code = "DT"
    province.save(update_fields=["code"])
    client.force_login(scheduler)
    cell = f'"{label}"'

    response = upload(client, csv_upload(HEADER, f"DT-STC,Sở Tài chính tỉnh Đồng Tháp,STC,{cell},DT,,,,"))
    assert response.status_code == 200, response.content.decode()[:2000]
    confirm(client, response)

    assert Unit.objects.get(code="DT-STC").kind == UnitKind.DEPARTMENT


def test_the_import_accepts_the_commune_label_with_its_brackets(client, scheduler, province):
    province.code = "DT"
    province.save(update_fields=["code"])
    client.force_login(scheduler)

    response = upload(client, csv_upload(HEADER, 'DT-XA,UBND xã Mới,,"Cấp xã (xã, phường, đặc khu)",DT,,,,'))
    confirm(client, response)

    assert Unit.objects.get(code="DT-XA").kind == UnitKind.COMMUNE
