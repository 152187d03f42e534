"""The reform index's form fields drawn in Python: the appraisal page has three fields per
criterion, some 45 criteria, and each widget through Django's template renderer cost about
0.8 ms (most of the page). units.widgets.FastField draws the widget as Django does; ``block``
adds the label and messages as templates/reform_index/_field.html draws them. Errors, label and
value are the BoundField's: a refused form shows what was typed and its messages next to the field.
"""

from html import escape as _html_escape

from django.utils.safestring import SafeString, mark_safe

from units.widgets import FastField as _FastField
from units.widgets import widget_html


def escape(value) -> str:
    """django.utils.html.escape's text (``html.escape(str(value))``) without its lazy-argument
    wrapper and SafeString: called for every value of the page's criteria."""
    return _html_escape(str(value))


__all__ = ["FastField", "widget_html"]


class FastField(_FastField):
    __slots__ = ()

    def block(self) -> SafeString:
        """The field with its label and messages, as templates/reform_index/_field.html draws it."""
        bf = self.bf
        errors = "".join(f'<div class="invalid-feedback d-block">{escape(e)}</div>' for e in bf.errors)
        return mark_safe(  # noqa: S308  every value escaped
            f'<div class="mb-2">\n  <label class="form-label small mb-1" for="{escape(bf.id_for_label)}">'
            f"{escape(bf.label)}</label>\n  {widget_html(bf)}\n  {errors}\n</div>"
        )
