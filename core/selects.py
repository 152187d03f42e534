"""A <select> drawn in Python: the filter forms' lists (plans, people, states) on every list page.

Django draws a Select through its template renderer: one template for the select, one for each
option and one for each option's attributes, so that a list of 300 people costs some 25 ms to
draw, more than the rows of the page it filters (issue 17: the visit list's fixed cost). This
widget writes the same markup (name, attributes, options, the selected ones), escaping every
value and label, in a fraction of that time; a list shared by several fields (listed_choices)
is escaped and joined once per request, each field marking its own choices in it.
"""

from html import escape as _html_escape

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def escape(value) -> str:
    """django.utils.html.escape's text (``&<>"'`` replaced, the value made a string first,
    a lazy translation included) without its lazy-argument wrapper and SafeString: a list of
    three hundred people and plans escapes some 700 texts a page, and those cost more than
    the replacing. The result is plain text to be joined into markup marked safe as a whole."""
    return _html_escape(str(value))


class FastSelect(forms.Select):
    """forms.Select without the template renderer (single choice, optgroups kept).

    The options of a list shared by several fields (listed_choices: the inspector and the team
    leader, a team's four people lists) are escaped and joined once per request; each field then
    marks its chosen values in that markup."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value) if v is not None}
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        return format_html(
            "<select{}>{}</select>",
            flatatt(final_attrs),
            mark_safe(self._markup(selected)),  # noqa: S308
        )

    def _markup(self, selected: set[str]) -> str:
        choices = self.choices
        if isinstance(choices, _SharedChoices):
            head = _options(choices.head(), selected)
            rows = choices.shared.markup()
            for key in selected:
                plain = f'<option value="{escape(key)}">'
                if key and plain in rows:
                    rows = rows.replace(plain, f'<option value="{escape(key)}" selected>', 1)
            return head + rows
        return _options(choices, selected)


class FastSelectMultiple(FastSelect):
    """forms.SelectMultiple drawn as FastSelect (a team's deputies and members)."""

    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        try:
            getter = data.getlist
        except AttributeError:
            getter = data.get
        return getter(name)

    def value_omitted_from_data(self, data, files, name):
        return False


def _options(choices, selected: set[str]) -> str:
    """The <option> (and <optgroup>) markup of ``choices``, every value and label escaped."""
    parts = []
    for option_value, label in choices:
        if isinstance(label, (list, tuple)):  # an optgroup: (group label, [(value, label), ...])
            parts.append(f'<optgroup label="{escape(option_value)}">{_options(label, selected)}</optgroup>')
            continue
        key = "" if option_value is None else str(option_value)
        mark = " selected" if key in selected else ""
        # A record's id (digits) has nothing to escape.
        value = key if key.isdigit() else escape(key)
        parts.append(f'<option value="{value}"{mark}>{escape(label)}</option>')
    return "".join(parts)


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


def chosen_only(form, *names: str, values: tuple[str, ...] = (), label=None) -> None:
    """Draw the fields ``names`` of ``form`` with their empty choice and the chosen record alone,
    labelled as listed_choices labels a row (``label(*values of the record)``, else the field's
    label_from_instance): for a list whose options are loaded after its page (a list of every
    inspector of the country), so that the page reads no list and still shows what was chosen.
    The chosen record is the one the form's validation read (the field's queryset asked for that
    id: a value outside it is refused and shown as nothing chosen, as the full list showed it).
    The page then loads the full list apart (inspections.filters.lists_response)."""
    for name in names:
        field = form.fields[name]
        field.choices = _ChosenChoices(field, form, name, values, label)


class _ChosenChoices(BaseChoiceIterator):
    def __init__(self, field, form, name: str, values: tuple[str, ...], label):
        self.field, self.form, self.name, self.values, self.label = field, form, name, values, label

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if not self.form.is_bound:
            return
        self.form.errors  # noqa: B018 - validates once (the chosen record read by its id)
        chosen = getattr(self.form, "cleaned_data", {}).get(self.name)
        if chosen is None:
            return
        if self.values:
            yield (chosen.pk, self.label(*(getattr(chosen, name) for name in self.values)))
        else:
            yield (chosen.pk, self.field.label_from_instance(chosen))


class _SharedRows:
    def __init__(self, field, values=(), label=None):
        self.field, self.values, self.label, self.rows, self.html = field, values, label, None, None

    def get(self) -> list:
        if self.rows is None and self.values:
            rows = self.field.queryset.values_list("pk", *self.values)
            self.rows = [(pk, self.label(*columns)) for pk, *columns in rows]
        elif self.rows is None:
            self.rows = [(obj.pk, self.field.label_from_instance(obj)) for obj in self.field.queryset]
        return self.rows

    def markup(self) -> str:
        """The rows' options, none selected, escaped and joined once."""
        if self.html is None:
            self.html = _options(self.get(), set())
        return self.html


class _SharedChoices(BaseChoiceIterator):
    def __init__(self, field, shared: _SharedRows):
        self.field, self.shared = field, shared

    def head(self) -> list:
        """The empty choice, if the field has one."""
        return [] if self.field.empty_label is None else [("", self.field.empty_label)]

    def __iter__(self):
        yield from self.head()
        yield from self.shared.get()
