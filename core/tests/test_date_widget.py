"""One date widget for every date field of the app's forms: dd/mm/yyyy on any phone language."""

import importlib
import inspect
from datetime import date
from pathlib import Path

import django_filters
import pytest
from django import forms
from django.conf import settings

from core.widgets import DateInput

FORM_MODULES = [
    "inspections.forms",
    "inspections.filters",
    "findings.forms",
    "findings.filters",
    "units.forms",
    "units.filters",
    "reports.forms",
    "reports.dashboards.forms",
    "reports.search.forms",
]


def _date_fields():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _n, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != name:
                continue
            if issubclass(cls, forms.BaseForm):
                for field_name, field in cls.base_fields.items():
                    if isinstance(field, forms.DateField):
                        yield f"{name}.{cls.__name__}.{field_name}", field.widget
            elif issubclass(cls, django_filters.FilterSet):
                for field_name, flt in cls.base_filters.items():
                    if isinstance(flt, django_filters.DateFilter):
                        yield f"{name}.{cls.__name__}.{field_name}", flt.field.widget


def test_every_date_field_of_the_apps_forms_uses_the_one_date_widget():
    found = dict(_date_fields())
    assert len(found) >= 8
    wrong = [name for name, widget in found.items() if not isinstance(widget, DateInput)]
    assert not wrong


def test_no_template_asks_the_browser_for_its_own_date_picker():
    templates = Path(settings.BASE_DIR) / "templates"
    offenders = [str(p) for p in templates.rglob("*.html") if 'type="date"' in p.read_text()]
    assert not offenders


def test_the_widget_shows_and_reads_dd_mm_yyyy_with_the_numeric_keyboard(settings):
    class F(forms.Form):
        day = forms.DateField(widget=DateInput())

    html = str(F(initial={"day": date(2018, 10, 1)})["day"])
    assert 'value="01/10/2018"' in html
    assert 'type="text"' in html and 'inputmode="numeric"' in html and "date-dmy" in html
    assert 'pattern="\\d{1,2}/\\d{1,2}/\\d{4}"' in html
    form = F({"day": "01/10/2018"})
    assert form.is_valid() and form.cleaned_data["day"] == date(2018, 10, 1)
    assert not F({"day": "10/32/2018"}).is_valid()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dd_mm_yyyy_is_read_the_same_in_both_languages(language):
    from django.utils import translation

    class F(forms.Form):
        day = forms.DateField(widget=DateInput())

    with translation.override(language):
        form = F({"day": "02/09/2018"})
        assert form.is_valid()
        assert form.cleaned_data["day"] == date(2018, 9, 2)
        assert 'value="02/09/2018"' in str(F(initial={"day": date(2018, 9, 2)})["day"])
