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


class Drawn:
    """A field already drawn: ``str()`` the widget, ``block()`` the widget with its label (the
    interface appraisal_html reads of a FastField)."""

    __slots__ = ("widget", "_block")

    def __init__(self, widget: str, block: str = ""):
        self.widget, self._block = widget, block

    def __str__(self) -> str:
        return self.widget

    __html__ = __str__

    def block(self) -> SafeString:
        return mark_safe(self._block)  # noqa: S308  drawn escaped


def appraisal_fields(rows, *, editable: bool) -> None:
    """Hang on each score row (``row.bound``) the appraisal's fields of an unbound form, drawn
    straight from the row: what ``AppraisalForm(rows=rows).bind_rows()`` and its FastFields draw
    on a plain GET, without building the form's 135 fields and bound fields (a posted form,
    with what was typed and its errors, still goes through the form). The markup is Django's
    (forms.AppraisalForm: the hidden version, the score's NumberInput with SCORE_ATTRS and the
    criterion's maximum, the reason's Textarea); a test holds the two equal, byte for byte."""
    from django import forms
    from django.utils.translation import gettext as _

    from .forms import REASON_ATTRS, SCORE_ATTRS  # the form's own attributes

    labels = {"appraised": escape(_("Appraised score")), "reason": escape(_("Reason"))}
    score_attrs = "".join(f' {escape(k)}="{escape(v)}"' for k, v in SCORE_ATTRS.items())
    # The Textarea's defaults (cols, rows) updated by the form's attributes, in Django's order.
    reason_attrs = "".join(
        f' {escape(k)}="{escape(v)}"' for k, v in forms.Textarea(REASON_ATTRS).attrs.items()
    )
    for row in rows:
        pk = int(row.pk)
        version = Drawn(
            f'<input type="hidden" name="version_{pk}" value="{int(row.version)}" id="id_version_{pk}">'
        )
        if not editable:
            row.bound = {"version": version}
            continue
        score = row.appraised_score
        shown = "" if score is None else f' value="{escape(score)}"'
        maximum = escape(row.criterion.max_score)
        widget = (
            f'<input type="number" name="appraised_{pk}"{shown}{score_attrs} max="{maximum}" min="0"'
            f' id="id_appraised_{pk}">'
        )
        appraised = Drawn(widget, _block(f"id_appraised_{pk}", labels["appraised"], widget))
        reason = row.appraisal_reason
        widget = (
            f'<textarea name="reason_{pk}"{reason_attrs} id="id_reason_{pk}">\n'
            f"{escape(reason) if reason else ''}</textarea>"
        )
        row.bound = {
            "version": version,
            "appraised": appraised,
            "reason": Drawn(widget, _block(f"id_reason_{pk}", labels["reason"], widget)),
        }


def _block(field_id: str, label: str, widget: str) -> str:
    # As FastField.block with no error.
    return (
        f'<div class="mb-2">\n  <label class="form-label small mb-1" for="{field_id}">'
        f"{label}</label>\n  {widget}\n  \n</div>"
    )
