"""The remediation list's filters: state, unit, plan, due date and overdue."""

from functools import reduce
from operator import and_

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceFilter
from core.selects import FastSelect, listed_choices
from core.text import fold
from inspections.models import InspectionPlan

from .models import ActionState, RemediationAction, overdue_q
from .widgets import FastCheckboxInput, FastDateInput, FastTextInput


def _plans(actions):
    """The plans of ``actions`` (the list's visible actions): a chosen plan is validated against
    them; the options shown come from selectors.action_list_plans (ActionFilter.show_plans)."""
    return (
        InspectionPlan.objects.filter(pk__in=actions.values("visit__plan_id"))
        .only("id", "title", "year")
        .order_by("-year", "title")
    )


class ActionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=ActionState.choices, empty_label=_("All"), widget=FastSelect
    )
    # A search, not a list: a province has hundreds of communes, and rendering that many options
    # costs more than the rest of the page.
    unit = django_filters.CharFilter(label=_("Unit"), method="filter_unit", widget=FastTextInput)
    plan = IdChoiceFilter(
        label=_("Plan"),
        queryset=InspectionPlan.objects.none(),  # the visible actions' plans: set in __init__
        field_name="visit__plan",
        empty_label=_("All plans"),
        widget=FastSelect,
    )
    due_before = django_filters.DateFilter(
        label=_("Due before"), field_name="due_date", lookup_expr="lt", widget=FastDateInput()
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=FastCheckboxInput
    )

    class Meta:
        model = RemediationAction
        fields = ["state", "unit", "plan", "due_before", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A chosen plan is checked against the plans of the list's own queryset (the visible actions
        # are not worked out a second time); without one, that query is not even built.
        if self.data.get("plan"):
            self.filters["plan"].queryset = _plans(self.queryset)
        for name, field in self.form.fields.items():
            if name == "overdue":
                field.widget.attrs["class"] = "form-check-input"
            else:
                # Bootstrap's class added to the widget's own (the date field's "date-dmy" keeps
                # forms.js from counting its characters); the unit is typed, not chosen.
                css = "form-select" if name in {"state", "plan"} else "form-control"
                field.widget.attrs["class"] = " ".join(
                    dict.fromkeys([css, *field.widget.attrs.get("class", "").split()])
                )
        self.form.fields["unit"].widget.attrs.setdefault("placeholder", _("e.g. binh tan"))
        listed_choices(self.form.fields["plan"])  # one plain query when drawn (core.selects)

    def show_plans(self, plans: list[tuple[int, str]]) -> None:
        """The plan filter's options, (id, label) of the plans selectors.action_list_plans read
        (validating a chosen plan still asks the field's own query)."""
        field = self.form.fields["plan"]
        field.choices = [("", field.empty_label), *plans]

    @staticmethod
    def unit_q(value) -> Q | None:
        words = fold(value).split()
        return reduce(and_, (Q(unit__search_text__contains=word) for word in words)) if words else None

    @staticmethod
    def overdue_q(value) -> Q | None:
        return overdue_q(timezone.localdate()) if value else None

    def filter_unit(self, queryset, name, value):
        condition = self.unit_q(value)
        return queryset if condition is None else queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        condition = self.overdue_q(value)
        return queryset if condition is None else queryset.filter(condition)
