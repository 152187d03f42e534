"""A unit's name is one line (it goes into e-mail subjects and document headings)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from units.models import Unit

from .test_unit_views import _unit_data


def test_a_name_with_a_line_break_is_refused_in_vietnamese_and_nothing_saved(client, scheduler, province):
    client.force_login(scheduler)
    before = Unit.objects.count()

    response = client.post(
        reverse("units:create"), _unit_data(parent=province.pk, code="29998", name="UBND xã\r\nTân Thành")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Tên chỉ được viết trên một dòng: hãy bỏ các dấu xuống dòng."
    ]
    assert Unit.objects.count() == before


def test_the_model_refuses_a_name_with_a_line_break_whoever_validates_it(province):
    unit = Unit(name="Xã Bình Tấn\nhuyện Thanh Bình", kind=province.kind)

    with pytest.raises(ValidationError) as refused:
        unit.clean_fields(exclude={"parent", "path", "depth", "search_text"})

    assert "name" in refused.value.message_dict
