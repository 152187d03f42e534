from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.selects import listed_choices
from core.widgets import DateInput

from .models import Unit
from .widgets import FastField, UnitSelect, UnitSelectMultiple


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Log in"), css_class="w-100"))


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "name",
            "short_name",
            "kind",
            "parent",
            "code",
            "address",
            "email",
            "phone",
            "head_name",
            "head_title",
            "valid_from",
            "valid_to",
            "predecessors",
        ]
        # The parent and predecessor lists hold every unit of a province (hundreds): drawn in
        # Python from one plain query each, not through Django's template per option (issue 17).
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "kind": UnitSelect(),
            "parent": UnitSelect(),
            "predecessors": UnitSelectMultiple(),
        }

    close_anyway = forms.BooleanField(
        label=_("Close it anyway: its visits in progress and the actions it owes stay with it"),
        required=False,
    )

    def __init__(self, *args, units, top_level_allowed: bool = False, **kwargs):
        """``units``: the units the user may see; the parent picker offers the current ones.

        ``top_level_allowed``: only administrators create provinces (a unit with no parent);
        anyone else would create a unit outside the province they can see.
        """
        super().__init__(*args, **kwargs)
        parents = units.current()
        if self.instance.parent_id:
            # Keep the present parent even when it was dissolved (a commune of a former district),
            # so editing other fields of a historic unit still works.
            parents = parents | units.filter(pk=self.instance.parent_id)
        if self.instance.pk:
            # A unit cannot be placed under itself or one of its own descendants.
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents.only("id", "name", "path", "depth")
        self.fields["parent"].required = not top_level_allowed
        self.fields["predecessors"].queryset = units.exclude(pk=self.instance.pk).only("id", "name", "path")
        self.fields["predecessors"].widget.attrs["size"] = 6
        for name in ("parent", "predecessors"):
            listed_choices(self.fields[name], values=("name",), label=str)
        # Offered only once closing the unit was refused for its open work (see Unit.clean).
        self.closing_refused = False
        self.fields["close_anyway"].widget = forms.HiddenInput()
        # The page draws the form with templates/units/_unit_field.html; crispy-forms' drawing
        # with this helper is the markup that template is tested against (identical HTML).
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def fields_for_page(self):
        """The bound fields, their widgets classed as crispy-forms' bootstrap5 pack classes them
        (the widget's name, "form-control", "form-select" or "form-check-input", "is-invalid"
        on an error), for templates/units/_unit_field.html."""
        fields = list(self)
        for field in fields:
            if field.is_hidden:
                continue
            widget = field.field.widget
            name = type(widget).__name__.lower()
            classes = widget.attrs.get("class", "").split()
            if not any(name in c for c in classes):
                classes.append(name)
            if isinstance(widget, forms.CheckboxInput):
                classes.append("form-check-input")
            elif isinstance(widget, forms.Select):
                classes.append("form-select")
            else:
                classes.append("form-control")
            if field.errors:
                classes.append("is-invalid")
            widget.attrs["class"] = " ".join(dict.fromkeys(classes))
        # Each widget drawn in Python (units.widgets.FastField), Django's markup.
        return [FastField(field) for field in fields]

    def clean(self):
        data = super().clean()
        self.instance.closing_acknowledged = bool(data.get("close_anyway"))
        return data

    def _post_clean(self):
        super()._post_clean()
        if self.has_error("valid_to", code="open_work"):
            self.closing_refused = True
            self.fields["close_anyway"].widget = forms.CheckboxInput()


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "The first row names the columns (see the table below). CSV files must be saved as "
            "“CSV UTF-8”. Nothing is written before you confirm the preview."
        ),
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Check the file"), data_busy=""))
