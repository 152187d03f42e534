"""A <select> drawn in Python: the filter forms' lists (plans, people, states) on every list page.

Django draws a Select through its template renderer: one template for the select, one for each
option and one for each option's attributes, so that a list of 300 people costs some 25 ms to
draw, more than the rows of the page it filters (issue 17: the visit list's fixed cost). This
widget writes the same markup (name, attributes, options, the selected one) with format_html,
escaping every value and label, in a fraction of that time.
"""

from django import forms
from django.forms.utils import flatatt
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
