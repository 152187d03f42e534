"""Inputs drawn in Python: the remediation list's filter fields (unit, due date, overdue).

Like core.selects.FastSelect for the selects: Django draws an input through its template
renderer (the input's template and the attributes' template), which costs more on a filter form
drawn on every request of a list than the list's own rows. These write the same markup (type,
name, value, then the attributes in order) from the widget's own context, escaping every value.
"""

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.widgets import DateInput


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: ``name="value"``, a bare name for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class FastInputMixin:
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
        )


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastDateInput(FastInputMixin, DateInput):
    """core.widgets.DateInput (dd/mm/yyyy) drawn in Python."""


class FastCheckboxInput(FastInputMixin, forms.CheckboxInput):
    pass
