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


# A form field drawn as crispy-forms' ``{{ field|as_crispy_field }}`` draws it (bootstrap5/field.html,
# no helper, labels and errors shown), in Python: through the template pack each field costs a
# dozen template includes (the visit form's team lists: four of them on every visit form). For
# hidden fields, text inputs, text areas and selects (Django's or core.selects' FastSelect, whose
# options are drawn in Python already); crispy-forms draws any other field. Tests hold the markup
# to crispy-forms' (inspections/tests/test_visit_form_html.py).


def _crispy_errors(bf: BoundField) -> str:
    # bootstrap5/layout/field_errors_block.html
    if not bf.errors:
        return ""
    lines = "".join(
        f'<p id="error_{n}_{django_escape(bf.auto_id)}"><strong>{django_escape(error)}</strong></p>'
        for n, error in enumerate(bf.errors, start=1)
    )
    field_id = django_escape(getattr(bf.errors, "field_id", "") or "")
    return f'<div id="{field_id}_error" class="invalid-feedback">{lines}</div>'


def _crispy_help(bf: BoundField) -> str:
    # bootstrap5/layout/help_text.html: the help text is the form's own (not escaped there either)
    if not bf.help_text:
        return ""
    field_id = f'id="{django_escape(bf.auto_id)}_helptext" ' if bf.auto_id else ""
    return f'<div {field_id}class="form-text">{bf.help_text}</div>'


def _crispy_label(bf: BoundField) -> str:
    if not bf.label:
        return ""
    required = bf.field.required
    target = f' for="{django_escape(bf.id_for_label)}"' if bf.id_for_label else ""
    star = '<span class="asteriskField">*</span>' if required else ""
    return (
        f'<label{target} class="form-label{" requiredField" if required else ""}">'
        f"{django_escape(bf.label)}{star}</label>"
    )


def _crispy_classes(bf: BoundField, extra: str) -> None:
    # {% crispy_field field 'class' extra %}: the widget's class, its own name (lower case)
    # unless a class holds it already, then each class of ``extra`` (and is-invalid on an error).
    widget = bf.field.widget
    name = type(widget).__name__.lower()
    classes = widget.attrs.get("class", "")
    classes = (f"{classes} {name}" if name not in classes else classes) if classes else name
    present = classes.split()
    for cls in [*extra.split(), *(["is-invalid"] if bf.errors else [])]:
        if cls not in present:
            classes += f" {cls}"
            present.append(cls)
    widget.attrs["class"] = classes


def crispy_field_html(bf: BoundField) -> SafeString:
    """``{{ bf|as_crispy_field }}``'s markup for hidden fields, text-like inputs, text areas and
    selects; crispy-forms itself draws any other field (and any field of a form with a helper)."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    widget = bf.field.widget
    if bf.is_hidden:
        return bf.as_widget()
    if getattr(bf.form, "helper", None) is not None:
        return as_crispy_field(bf)
    if isinstance(widget, widgets.Select) and not isinstance(
        widget, widgets.RadioSelect | widgets.CheckboxSelectMultiple | widgets.NullBooleanSelect
    ):
        _crispy_classes(bf, "form-select")
        inner = f"{bf.as_widget()}{_crispy_errors(bf)}{_crispy_help(bf)}"
    elif isinstance(widget, widgets.Textarea | widgets.Input) and not isinstance(
        widget, widgets.CheckboxInput | widgets.FileInput | widgets.MultipleHiddenInput
    ):
        _crispy_classes(bf, "form-control")
        inner = f"{widget_html(bf)}{_crispy_errors(bf)}{_crispy_help(bf)}"
    else:
        return as_crispy_field(bf)
    css = bf.css_classes()
    return mark_safe(  # noqa: S308 - every value above is escaped (the help text is the form's own)
        f'<div id="div_{django_escape(bf.auto_id)}" class="mb-3{f" {django_escape(css)}" if css else ""}">'
        f"{_crispy_label(bf)}{inner}</div>"
    )


class CrispyFields:
    """``{{ form.crispy.name }}`` in a template: the field drawn by crispy_field_html."""

    __slots__ = ("form",)

    def __init__(self, form):
        self.form = form

    def __getitem__(self, name: str) -> SafeString:
        return crispy_field_html(self.form[name])
