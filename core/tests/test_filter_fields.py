"""The list filters' fields keep their own classes beside Bootstrap's: a date field without
"date-dmy" got forms.js's character counter ("Còn 10 ký tự" under dd/mm/yyyy), and the remediation
list's unit, a text field, was drawn with a select's arrow."""

import re

import pytest
from django.test import RequestFactory

from findings.filters import ActionFilter
from findings.models import RemediationAction
from inspections.filters import CalendarFilter, VisitFilter
from inspections.models import Visit
from units.tests.factories import UserFactory


def _input(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


@pytest.fixture
def request_of_someone(db):
    request = RequestFactory().get("/")
    request.user = UserFactory()
    return request


def test_the_visit_lists_date_fields_are_date_fields(request_of_someone):
    for filterset_class in (VisitFilter, CalendarFilter):
        form = filterset_class({}, queryset=Visit.objects.none(), request=request_of_someone).form
        for name in ("date_from", "date_to"):
            if name in form.fields:
                field = _input(str(form[name]), name)
                assert 'class="form-control date-dmy"' in field, field


def test_the_remediation_lists_date_and_unit_fields(request_of_someone):
    form = ActionFilter({}, queryset=RemediationAction.objects.none(), request=request_of_someone).form

    assert 'class="form-control date-dmy"' in _input(str(form["due_before"]), "due_before")
    unit = _input(str(form["unit"]), "unit")
    assert 'class="form-control"' in unit and "form-select" not in unit
    assert 'placeholder="ví dụ: binh tan"' in unit
