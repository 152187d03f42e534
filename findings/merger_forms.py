"""The guided merger, split or rename of units, and the reassignment of an action of a closed
unit: parsing and validation messages only (findings.services.merger does the work)."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput
from units.models import Unit

from .services.merger import ReorganisationKind, merged_into


class UnitChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.parent.name})" if obj.parent_id else obj.name


class UnitMergerForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of change"), choices=ReorganisationKind.choices, widget=forms.RadioSelect
    )
    predecessors = UnitChoices(
        label=_("Units that close (predecessors)"),
        queryset=Unit.objects.none(),
        error_messages={"required": _("Choose the units that close.")},
    )
    on = forms.DateField(
        label=_("Date of the change"),
        widget=DateInput(),
        help_text=_("The predecessors are in force until the day before; e.g. 01/07/2025."),
    )
    successor = forms.ModelChoiceField(
        label=_("Successor: an existing unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— a new unit (name below) —"),
    )
    new_name = forms.CharField(label=_("…or the name of a new unit"), max_length=255, required=False)
    other_successors = UnitChoices(
        label=_("Other successors (a split)"), queryset=Unit.objects.none(), required=False
    )
    hand_over = forms.BooleanField(
        label=_("Hand the actions they still owe to the successor"), required=False, initial=True
    )

    def __init__(self, *args, units, **kwargs):
        """``units``: the units the user may change; the predecessors must be in force."""
        super().__init__(*args, **kwargs)
        self.fields["predecessors"].queryset = units.select_related("parent").order_by("path")
        self.fields["predecessors"].widget.attrs["size"] = 8
        self.fields["successor"].queryset = units.current().order_by("path")
        self.fields["other_successors"].queryset = units.current().order_by("path")
        self.fields["other_successors"].widget.attrs["size"] = 4
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_new_name(self):
        name = self.cleaned_data["new_name"].strip()
        if "\n" in name or "\r" in name:
            raise forms.ValidationError(_("A name is one line: remove the line breaks."))
        return name

    def clean_predecessors(self):
        units = list(self.cleaned_data["predecessors"])
        for unit in units:
            successor = merged_into(unit)
            if successor is not None and unit.valid_to is not None:
                raise forms.ValidationError(
                    _("%(unit)s was already merged into %(successor)s on %(date)s.")
                    % {"unit": unit.name, "successor": successor.name, "date": f"{unit.valid_to:%d/%m/%Y}"}
                )
        return units

    def clean(self):
        data = super().clean()
        kind, units = data.get("kind"), data.get("predecessors") or []
        successor, new_name = data.get("successor"), data.get("new_name")
        if kind in {ReorganisationKind.SPLIT, ReorganisationKind.RENAME} and len(units) > 1:
            self.add_error("predecessors", _("A split or a rename starts from exactly one unit."))
        if successor is not None and new_name:
            self.add_error("new_name", _("Choose an existing successor or name a new one, not both."))
        elif successor is None and not new_name:
            self.add_error("new_name", _("Choose the successor unit or give the name of a new one."))
        if kind == ReorganisationKind.RENAME and successor is not None:
            self.add_error("successor", _("A rename creates the unit under its new name: give the new name."))
        if successor is not None and successor in units:
            self.add_error("successor", _("A unit cannot be its own successor."))
        return data

    def service_args(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "predecessors": data["predecessors"],
            "on": data["on"],
            "successor": data["successor"],
            "new_name": data["new_name"],
            "other_successors": list(data.get("other_successors") or []),
            "hand_over": data["hand_over"],
        }


class ActionReassignForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Responsible unit from now on"), queryset=Unit.objects.none())
    reason = forms.CharField(
        label=_("Why (kept in the action's record)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.current().order_by("path")
        self.helper = FormHelper()
        self.helper.form_tag = False
