"""The unit form's pickers: every unit of a province (hundreds, thousands for an administrator).

core.selects.FastSelect draws a select in Python rather than through a template per option;
these draw the plain (ungrouped) option lists of the unit form with one escaped f-string per
option, a fifth of format_html's cost, so that a list of 400 units costs about a millisecond.
The markup is Django's: the same attributes, options and selected ones.
"""

from functools import lru_cache
from html import escape

from django import forms
from django.forms import widgets
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString, mark_safe

from core.selects import FastSelect


class UnitSelect(FastSelect):
    """A single choice among units (the parent)."""

    def _options(self, choices, selected: set[str]) -> str:
        parts = []
        for value, label in choices:
            if isinstance(label, (list, tuple)):  # an optgroup: drawn the general way
                parts.append(super()._options([(value, label)], selected))
                continue
            key = escape("" if value is None else str(value))
            mark = " selected" if key in selected else ""
            parts.append(f'<option value="{key}"{mark}>{escape(str(label))}</option>')
        return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped above


class UnitSelectMultiple(UnitSelect, forms.SelectMultiple):
    """Several choices among units (the predecessors): Django's SelectMultiple markup."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        return {**super().build_attrs(base_attrs, extra_attrs), "multiple": True}


# A form field's widget drawn in Python (the unit form's fourteen fields, the reform index's
# appraisal fields): inputs and textareas with the attributes Django's BoundField.as_widget gives
# them (required, aria-invalid on errors, the id), the value escaped; any other widget is drawn
# by Django. Tests hold the markup to Django's (reform_index test_appraisal, the unit form's
# crispy-forms comparison).


def django_escape(value) -> str:
    """django.utils.html.escape's text (``html.escape(str(value))``) without its lazy-argument
    wrapper and SafeString: a page of 135 fields escapes some 2 000 names and values."""
    return escape(str(value))


@lru_cache(maxsize=4096)
def _attr(name: str, text: str | None) -> str:
    # One attribute as django/forms/widgets/attrs.html draws it (``None``: a bare name), kept
    # drawn: the 135 fields of the appraisal page repeat the same class, step, min and max.
    # Keyed by the value's text (Decimal("2") and Decimal("2.00") are equal, not drawn alike).
    if text is None:
        return f" {django_escape(name)}"
    return f' {django_escape(name)}="{django_escape(text)}"'


def _attrs(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html: False left out, True as a bare name.
    return "".join(
        _attr(str(name), None if value is True else str(value))
        for name, value in attrs.items()
        if value is not False
    )


def widget_html(bf: BoundField) -> SafeString:
    widget = bf.field.widget
    if not isinstance(widget, widgets.Textarea | widgets.Input) or isinstance(
        widget, widgets.FileInput | widgets.MultipleHiddenInput
    ):
        return bf.as_widget()
    if bf.field.localize:
        widget.is_localized = True
    attrs = bf.build_widget_attrs({}, widget)
    if bf.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bf.auto_id)
    context = widget.get_context(bf.html_name, bf.value(), attrs)["widget"]
    name, value = django_escape(context["name"]), context["value"]
    if isinstance(widget, widgets.Textarea):
        text = django_escape(value) if value else ""
        html = f'<textarea name="{name}"{_attrs(context["attrs"])}>\n{text}</textarea>'
    else:
        shown = "" if value is None else f' value="{django_escape(value)}"'
        html = (
            f'<input type="{django_escape(context["type"])}" name="{name}"{shown}{_attrs(context["attrs"])}>'
        )
    return mark_safe(html)  # noqa: S308  every value escaped above


class FastField:
    """A BoundField whose ``{{ field }}`` is drawn by widget_html; everything else is the BoundField's."""

    __slots__ = ("bf",)

    def __init__(self, bf: BoundField):
        self.bf = bf

    def __getattr__(self, name):
        return getattr(self.bf, name)

    def __str__(self) -> str:
        return widget_html(self.bf)

    __html__ = __str__
