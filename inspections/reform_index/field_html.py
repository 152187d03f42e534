"""A form field's widget drawn in Python: the appraisal page has three fields per criterion, some
45 criteria, and each widget through Django's template renderer cost about 0.8 ms (most of the
page). ``FastField`` wraps a BoundField and renders inputs and textareas with the attributes
Django's own rendering gives them (``as_widget``: required, aria-invalid on errors, the id), the
value escaped; any other widget falls back to Django's rendering. Errors, label and value are
the BoundField's: a refused form shows what was typed and its messages next to the field.
"""

from django.forms import widgets
from django.forms.boundfield import BoundField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html: False left out, True as a bare name.
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
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
    name, value = escape(context["name"]), context["value"]
    if isinstance(widget, widgets.Textarea):
        text = escape(value) if value else ""
        html = f'<textarea name="{name}"{_attrs(context["attrs"])}>\n{text}</textarea>'
    else:
        shown = "" if value is None else f' value="{escape(value)}"'
        html = f'<input type="{escape(context["type"])}" name="{name}"{shown}{_attrs(context["attrs"])}>'
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

    def block(self) -> SafeString:
        """The field with its label and messages, as templates/reform_index/_field.html draws it."""
        bf = self.bf
        errors = "".join(f'<div class="invalid-feedback d-block">{escape(e)}</div>' for e in bf.errors)
        return mark_safe(  # noqa: S308  every value escaped
            f'<div class="mb-2">\n  <label class="form-label small mb-1" for="{escape(bf.id_for_label)}">'
            f"{escape(bf.label)}</label>\n  {widget_html(bf)}\n  {errors}\n</div>"
        )
