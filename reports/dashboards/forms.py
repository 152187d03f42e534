"""The dashboard's filters (year, plan, unit subtree) and the filters of its drill-down lists."""

from datetime import timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.forms import IdFilter, parse_id
from core.search import matches_words
from findings.models import ACTION_OPEN_STATES, ActionState, RemediationAction
from units.models import Unit

from .selectors import BRANCH_KINDS, overdue_band_filter


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python: Django's renders a template for each option, which costs
    tens of milliseconds for the country's two hundred provinces, departments and plans."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if key in chosen else "", label)
                for key, label in ((("" if v is None else str(v)), label) for v, label in self.choices)
            ),
        )
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        return format_html("<select{}>{}</select>", flatatt(final), options)


def _select(field):
    attrs = field.widget.attrs
    field.widget = QuickSelect(attrs={**attrs, "class": "form-select"}, choices=getattr(field, "choices", ()))
    return field


class ListedUnitField(forms.Field):
    """A unit chosen by id among ``units`` (read beforehand with the list offered: no query of its
    own); any other id, or text that is no id, is an invalid choice, as with a ModelChoiceField."""

    default_error_messages = {
        "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.units: dict[int, Unit] = {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            unit = self.units.get(parse_id(value, model=Unit))
        except ValidationError:
            unit = None
        if unit is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return unit


class DashboardFilterForm(forms.Form):
    """Year, plan and unit subtree of a dashboard.

    ``plans`` are the plans the user may see (they give the years too); ``units`` are the units the
    user may see that the list offers (those with a subtree, so the list stays short at national
    scale) plus the unit asked for (selectors.dashboard_units: one query): the chosen unit must be
    one of them. With no year in the query string (``year_chosen`` False) the dashboard picks the
    latest year with finished visits and shows it with :meth:`show_year`; an empty year means every
    year.
    """

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    plan = forms.TypedChoiceField(label=_("Plan"), coerce=int, required=False, empty_value=None)
    unit = ListedUnitField(label=_("Units"), required=False)
    unit_empty_label = _("All units I oversee")

    def __init__(self, data, *, plans, units):
        data = data.copy()
        years = sorted({plan.year for plan in plans}, reverse=True)
        self.year_chosen = "year" in data
        super().__init__(data)
        self.plans = plans
        self.fields["year"].choices = [("", _("All years")), *[(y, str(y)) for y in years]]
        self.fields["plan"].choices = [
            ("", _("All plans")),
            *[(p.pk, f"{p.title} ({p.year})") for p in plans],
        ]
        self.fields["unit"].units = {unit.pk: unit for unit in units}
        self._branches = [unit for unit in units if unit.kind in BRANCH_KINDS]
        for field in self.fields.values():
            _select(field)

    def unit_choices(self) -> list[tuple]:
        """The units offered: the branches (indented by depth) plus the chosen unit if it is a leaf."""
        chosen = self.cleaned_data.get("unit") if self.is_bound and hasattr(self, "cleaned_data") else None
        branches = self._branches
        if not branches:
            return [("", self.unit_empty_label)]
        top = min(u.depth for u in branches)
        choices = [("", self.unit_empty_label)]
        choices += [(u.pk, "\u2003" * (u.depth - top) + u.name) for u in branches]
        if chosen is not None and chosen.pk not in {u.pk for u in branches}:
            choices.append((chosen.pk, chosen.name))
        return choices

    def clean(self):
        cleaned = super().clean()
        plan_id = cleaned.get("plan")
        if plan_id is not None and plan_id not in {p.pk for p in self.plans}:
            self.add_error("plan", _("Choose one of the plans listed."))
        return cleaned

    def show_year(self, year: int | None) -> None:
        """Show ``year`` as chosen (the dashboard's default year, once it is known)."""
        if not self.year_chosen:
            self.data["year"] = "" if year is None else str(year)

    def limit_widget(self) -> None:
        """Render only the short list of units (validation still accepts any visible unit)."""
        self.fields["unit"].widget.choices = self.unit_choices()

    @property
    def values(self) -> dict:
        """The valid filters, ignoring any that failed (the dashboard still shows something)."""
        data = getattr(self, "cleaned_data", {})
        errors = self.errors
        return {name: (None if name in errors else data.get(name)) for name in ("year", "plan", "unit")}


class ScopedFilterSet(django_filters.FilterSet):
    """Widgets styled with Bootstrap; the list views pass what the user may see as the queryset."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
                # Drawn in Python (QuickSelect), not through an option template each.
                field.widget = widget = QuickSelect(attrs=widget.attrs, choices=field.choices)
                widget.attrs["class"] = "form-select"
            else:
                is_select = isinstance(widget, forms.Select)
                widget.attrs["class"] = "form-select" if is_select else "form-control"


OVERDUE_CHOICES = [
    ("overdue", _("Overdue")),
    ("overdue_30", _("Overdue 1 to 30 days")),
    ("overdue_90", _("Overdue 31 to 90 days")),
    ("overdue_more", _("Overdue more than 90 days")),
    ("due_soon", _("Due within 30 days")),
]


class ActionFilter(ScopedFilterSet):
    """The remediation actions behind the dashboard: by year, plan, unit subtree, state and lateness."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="visit__plan__year", min_value=2000, max_value=2100
    )
    plan = IdFilter(field_name="visit__plan_id", widget=forms.HiddenInput)
    unit = IdFilter(label=_("Unit"), method="filter_unit", widget=forms.HiddenInput)
    state = django_filters.ChoiceFilter(label=_("State"), choices=ActionState.choices, empty_label=_("All"))
    lateness = django_filters.ChoiceFilter(
        label=_("Due"), choices=OVERDUE_CHOICES, empty_label=_("Any date"), method="filter_lateness"
    )

    class Meta:
        model = RemediationAction
        fields = ["q", "year", "plan", "unit", "state", "lateness"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(matches_words(value, "finding__text", "finding__recommendation", "unit__name"))

    def filter_unit(self, queryset, name, value):
        unit = Unit.objects.filter(pk=value).only("path").first()
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset.none()

    def filter_lateness(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "due_soon":
            return queryset.filter(
                state__in=ACTION_OPEN_STATES,
                due_date__gte=today,
                due_date__lte=today + timedelta(days=30),
            )
        return queryset.filter(overdue_band_filter(value, today=today))
