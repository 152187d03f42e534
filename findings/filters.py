"""The remediation list's filters: state, unit, plan, due date and overdue."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceFilter
from core.selects import FastSelect, listed_choices
from core.text import fold
from inspections.models import InspectionPlan

from .models import ActionState, RemediationAction
from .selectors import actions_visible_to
from .widgets import FastCheckboxInput, FastDateInput, FastTextInput


def _plans(request):
    return (
        InspectionPlan.objects.filter(
            pk__in=actions_visible_to(request.user).values("finding__visit__plan_id")
        )
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
        queryset=_plans,
        field_name="finding__visit__plan",
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
        for name, field in self.form.fields.items():
            if name == "overdue":
                field.widget.attrs["class"] = "form-check-input"
            else:
                field.widget.attrs["class"] = (
                    "form-select" if name in {"state", "unit", "plan"} else "form-control"
                )
        listed_choices(self.form.fields["plan"])  # one plain query when drawn (core.selects)

    def filter_unit(self, queryset, name, value):
        for word in fold(value).split():
            queryset = queryset.filter(unit__search_text__contains=word)
        return queryset

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.overdue(timezone.localdate())
