"""A <select> drawn in Python: the filter forms' lists (plans, people, states) on every list page.

Django draws a Select through its template renderer: one template for the select, one for each
option and one for each option's attributes, so that a list of 300 people costs some 25 ms to
draw, more than the rows of the page it filters (issue 17: the visit list's fixed cost). This
widget writes the same markup (name, attributes, options, the selected one) with format_html,
escaping every value and label, in a fraction of that time.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """forms.Select without the template renderer (single choice, optgroups kept)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value) if v is not None}
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html(
            "<select{}>{}</select>", flatatt(final_attrs), self._options(self.choices, selected)
        )

    def _options(self, choices, selected: set[str]) -> str:
        parts = []
        for option_value, label in choices:
            if isinstance(label, (list, tuple)):  # an optgroup: (group label, [(value, label), ...])
                parts.append(
                    format_html(
                        '<optgroup label="{}">{}</optgroup>', option_value, self._options(label, selected)
                    )
                )
                continue
            key = "" if option_value is None else str(option_value)
            if key in selected:
                parts.append(format_html('<option value="{}" selected>{}</option>', key, label))
            else:
                parts.append(format_html('<option value="{}">{}</option>', key, label))
        return mark_safe("".join(parts))  # noqa: S308 - every part is format_html's escaped output


# Model choice lists read with one plain query when first drawn, shared between fields.
#
# ModelChoiceField reads its options with queryset.iterator(), which on PostgreSQL opens a
# server-side cursor (DECLARE, FETCH, CLOSE: three round trips) for a list of a hundred plans,
# and reads them again for every field drawing the same list (the inspector and the team leader).
# Validating a chosen value still asks the field's queryset for that one row.


def listed_choices(*fields, values: tuple[str, ...] = (), label=None) -> None:
    """Draw ``fields`` (model choice fields over the same rows) from one plain query. With
    ``values`` and ``label``, the rows are read as tuples of those columns and labelled by
    ``label(*columns)``, without making a model object for each (a list of hundreds of people)."""
    shared = _SharedRows(fields[0], values, label)
    for field in fields:
        field.choices = _SharedChoices(field, shared)


class _SharedRows:
    def __init__(self, field, values=(), label=None):
        self.field, self.values, self.label, self.rows = field, values, label, None

    def get(self) -> list:
        if self.rows is None and self.values:
            rows = self.field.queryset.values_list("pk", *self.values)
            self.rows = [(pk, self.label(*columns)) for pk, *columns in rows]
        elif self.rows is None:
            self.rows = [(obj.pk, self.field.label_from_instance(obj)) for obj in self.field.queryset]
        return self.rows


class _SharedChoices(BaseChoiceIterator):
    def __init__(self, field, shared: _SharedRows):
        self.field, self.shared = field, shared

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.shared.get()
