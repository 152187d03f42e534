"""Form fields of the action page drawn in Python, in crispy-forms' bootstrap5 markup.

The action page shows up to six fields (progress and done: a text and files each; an extension:
a date and a reason; the team's verification and reopening: a comment each). Through
``as_crispy_field`` each costs a dozen template includes, about a third of the page's drawing
(issue 17). ``crispy_field_html`` writes the same markup for the kinds of fields these forms
have (text areas, text and date inputs, file inputs), escaping every value, and hands any other
field (the head's decision radios) to crispy-forms itself. test_action_page holds the markup to
crispy-forms' (fresh forms and forms with errors).
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.forms import widgets
from django.forms.boundfield import BoundField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from units.widgets import widget_html


def _errors(bf: BoundField) -> str:
    # bootstrap5/layout/field_errors_block.html
    if not bf.errors:
        return ""
    lines = "".join(
        f'<p id="error_{n}_{escape(bf.auto_id)}"><strong>{escape(error)}</strong></p>'
        for n, error in enumerate(bf.errors, start=1)
    )
    return f'<div id="{escape(getattr(bf.errors, "field_id", "") or "")}_error" class="invalid-feedback">{lines}</div>'


def _help(bf: BoundField) -> str:
    # bootstrap5/layout/help_text.html: the help text is the form's own (not escaped there either)
    if not bf.help_text:
        return ""
    field_id = f'id="{escape(bf.auto_id)}_helptext" ' if bf.auto_id else ""
    return f'<div {field_id}class="form-text">{bf.help_text}</div>'


def _label(bf: BoundField) -> str:
    if not bf.label:
        return ""
    required = bf.field.required
    target = f' for="{escape(bf.id_for_label)}"' if bf.id_for_label else ""
    return (
        f'<label{target} class="form-label{" requiredField" if required else ""}">{escape(bf.label)}'
        f"{'<span class="asteriskField">*</span>' if required else ''}</label>"
    )


def _file_inputs(bf: BoundField) -> str | None:
    """bootstrap5/layout/field_file.html without a current file (None when there is one)."""
    parts = []
    for sub in bf.subwidgets:
        data = sub.data
        if data.get("is_initial"):
            return None
        attrs = data["attrs"]
        classes = "form-control" + (f" {attrs['class']}" if attrs.get("class") else "")
        classes += " is-invalid" if bf.errors else ""
        rest = "".join(
            f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
            for name, value in attrs.items()
            if value is not False and name != "class"
        )
        disabled = " disabled" if bf.field.disabled else ""
        parts.append(
            f"<div{' class="is-invalid"' if bf.errors else ''}>"
            f'<input type="{escape(data["type"])}" name="{escape(data["name"])}" class="{escape(classes)}"{disabled}{rest}>'
            f"{_errors(bf)}{_help(bf)}</div>"
        )
    return "".join(parts)


def crispy_field_html(bf: BoundField) -> SafeString:
    """``{{ bf|as_crispy_field }}``'s markup (bootstrap5/field.html, no helper, labels and errors
    shown), for hidden fields, text areas, text-like inputs and file inputs; crispy-forms draws
    any other field."""
    widget = bf.field.widget
    if bf.is_hidden:
        return bf.as_widget()
    if getattr(bf.form, "helper", None) is not None or isinstance(
        widget,
        widgets.CheckboxInput | widgets.ChoiceWidget | widgets.MultiWidget | widgets.MultipleHiddenInput,
    ):
        return as_crispy_field(bf)
    if isinstance(widget, widgets.FileInput):
        inner = _file_inputs(bf)
        if inner is None:
            return as_crispy_field(bf)
    elif isinstance(widget, widgets.Textarea | widgets.Input):
        # {% crispy_field field 'class' 'form-control' %}: the widget's class, its own name
        # (lower case) unless a class holds it, form-control and, on an error, is-invalid.
        name = type(widget).__name__.lower()
        classes = widget.attrs.get("class", "")
        classes = f"{classes} {name}" if classes and name not in classes else classes or name
        present = classes.split()
        for extra in ("form-control", "is-invalid") if bf.errors else ("form-control",):
            if extra not in present:
                classes += f" {extra}"
                present.append(extra)
        widget.attrs["class"] = classes
        inner = f"{widget_html(bf)}{_errors(bf)}{_help(bf)}"
    else:
        return as_crispy_field(bf)
    css = bf.css_classes()
    return mark_safe(  # noqa: S308 - every value above is escaped (the help text is the form's own)
        f'<div id="div_{escape(bf.auto_id)}" class="mb-3{f" {escape(css)}" if css else ""}">{_label(bf)}{inner}</div>'
    )
