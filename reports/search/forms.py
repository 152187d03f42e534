from django import forms
from django.utils.translation import gettext_lazy as _

from core.selects import FastSelect
from findings.widgets import FastTextInput

from .selectors import KINDS


class SearchForm(forms.Form):
    """The search box. Its two fields are drawn in Python (FastTextInput, FastSelect: the same
    markup as Django's template widgets, test_search_rows holds them equal), on every search."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False, widget=FastTextInput)
    kind = forms.ChoiceField(
        label=_("In"),
        required=False,
        choices=[("", _("Everything")), *[(kind.key, kind.label) for kind in KINDS]],
        widget=FastSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update(
            {"class": "form-control", "placeholder": _("e.g. ho so tre han"), "autofocus": True}
        )
        self.fields["kind"].widget.attrs["class"] = "form-select"
