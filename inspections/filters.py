from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceFilter
from core.selects import FastSelect, chosen_only, listed_choices
from core.text import fold
from core.widgets import DateInput
from units.widgets import FastField

from .models import InspectionPlan, TeamMember, TeamRole, Visit, VisitStatus
from .selectors import TEAM_ROLES, plans_visible_to, visible_visit_ids, visits_of_units_named
from .visit_reads import person_name

User = get_user_model()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _per_request(build):
    """``build(request)`` once per request: the inspector and the leader filters both ask for
    the people list, and building it (the visibility subqueries) costs more than reading it."""

    def cached(request):
        memo = request.__dict__.setdefault("_inspections_filter_lists", {})
        if build.__name__ not in memo:
            memo[build.__name__] = build(request)
        return memo[build.__name__]

    cached.__name__ = build.__name__
    cached.__doc__ = build.__doc__
    return cached


def _plan_label(title: str, year: int) -> str:
    """A plan as inspections.models.InspectionPlan.__str__ writes it, from its two columns."""
    return f"{title} ({year})"


@_per_request
def _plans(request):
    return plans_visible_to(request.user).only("id", "title", "year").order_by("-year", "title")


@_per_request
def _inspectors(request):
    """People who sit on a visible visit's team: EXISTS of a team row of theirs among the visible
    visits (inspections.selectors.visible_visit_ids, a UNION of indexed id subqueries), probed
    through the team's (user, visit) index for each person holding a team role, instead of
    reading every team row of the visible visits (30 000 nationally). Read once per request: the
    inspector and the leader lists share it (VisitFilter.__init__), and validating a chosen
    person reads only that row."""
    ids = visible_visit_ids(request.user)
    seats = TeamMember.objects.filter(user=OuterRef("pk"))
    if ids is not None:
        seats = seats.filter(visit_id__in=ids)
    return (
        User.objects.filter(Exists(seats), groups__name__in=TEAM_ROLES)
        .distinct()
        .only("id", "first_name", "last_name", "username")
        .order_by("last_name", "first_name")
    )


class VisitFilterForm(forms.Form):
    """The visit filters' form: its text and date inputs drawn in Python (units.widgets.FastField,
    Django's markup; the selects are core.selects.FastSelect), as they are on every visit list and
    calendar page."""

    def __getitem__(self, name):
        field = super().__getitem__(name)
        return FastField(field) if isinstance(field.field.widget, forms.widgets.Input) else field


class VisitFilter(django_filters.FilterSet):
    # FastSelect: these lists are drawn on every visit list and calendar page (core.selects).
    plan = IdChoiceFilter(label=_("Plan"), queryset=_plans, empty_label=_("All plans"), widget=FastSelect)
    q = django_filters.CharFilter(label=_("Unit"), method="filter_unit")
    inspector = IdChoiceFilter(
        label=_("Inspector"),
        queryset=_inspectors,
        method="filter_inspector",
        empty_label=_("Anyone"),
        widget=FastSelect,
    )
    leader = IdChoiceFilter(
        label=_("Team leader"),
        queryset=_inspectors,
        method="filter_leader",
        empty_label=_("Anyone"),
        widget=FastSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=VisitStatus.choices, empty_label=_("All"), widget=FastSelect
    )
    date_from = django_filters.DateFilter(label=_("From"), method="filter_from", widget=DateInput())
    date_to = django_filters.DateFilter(label=_("To"), method="filter_to", widget=DateInput())

    class Meta:
        model = Visit
        fields = ["plan", "q", "inspector", "leader", "status", "date_from", "date_to"]
        form = VisitFilterForm

    # The lists the page draws whose options load after it (lists_later, lists_loader): every
    # plan and every inspector a user may see (a country's for an administrator).
    LISTS = ("plan", "inspector")

    def __init__(self, *args, lists_later: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if lists_later:
            # A list with nothing chosen neither draws nor validates a record: its queryset (the
            # visibility subqueries, some 1.5 ms to compose) is not even built.
            for name, model in (("plan", InspectionPlan), ("inspector", User), ("leader", User)):
                if name in self.filters and not self.data.get(name):
                    self.filters[name].queryset = model.objects.none()
        for name, field in self.form.fields.items():
            css = "form-select" if name in {"plan", "inspector", "leader", "status"} else "form-control"
            # Added to the widget's own classes: the date fields' "date-dmy" keeps forms.js from
            # counting their characters ("Còn 10 ký tự" under a date).
            field.widget.attrs["class"] = " ".join(
                dict.fromkeys([css, *field.widget.attrs.get("class", "").split()])
            )
        people = [name for name in ("inspector", "leader") if name in self.form.fields]
        if lists_later:
            # The page: each list holds its empty choice and the chosen record (read by its id
            # when the form validates it); lists_loader fetches the rest (lists_response).
            chosen_only(self.form, "plan", values=("title", "year"), label=_plan_label)
            chosen_only(self.form, *people, values=_PERSON_FIELDS, label=person_name)
        else:
            # One plain query for the plans, one for the people of both people lists (core.selects).
            listed_choices(self.form.fields["plan"], values=("title", "year"), label=_plan_label)
            listed_choices(
                *(self.form.fields[name] for name in people), values=_PERSON_FIELDS, label=person_name
            )
        self.form.fields["q"].widget.input_type = "search"
        self.form.fields["q"].widget.attrs["placeholder"] = _("e.g. binh tan")

    def lists_loader(self) -> SafeString:
        """The element that loads the page's lists (LISTS) once the page is shown (htmx, the
        request lists_response answers): their chosen values travel with it to be marked."""
        query = [("lists", ",".join(self.LISTS))]
        query += [(name, self.data[name]) for name in self.LISTS if self.data.get(name)]
        return format_html(
            '<div hidden hx-get="{}?{}" hx-trigger="load" hx-swap="none"></div>',
            reverse("inspections:visit_list"),
            urlencode(query),
        )

    def filter_unit(self, queryset, name, value):
        return visits_of_units_named(queryset, value) if fold(value).split() else queryset

    def filter_from(self, queryset, name, value):
        return queryset.filter(starts_at__gte=_midnight(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(starts_at__lt=_midnight(value + timedelta(days=1)))

    def filter_inspector(self, queryset, name, value):
        return queryset.filter(pk__in=TeamMember.objects.filter(user=value).values("visit_id"))

    def filter_leader(self, queryset, name, value):
        return queryset.filter(
            pk__in=TeamMember.objects.filter(user=value, role=TeamRole.LEADER).values("visit_id")
        )


class CalendarFilter(VisitFilter):
    """The calendar's filters: the month is chosen apart (month and year), so no date range."""

    LISTS = ("plan", "inspector", "leader")

    class Meta(VisitFilter.Meta):
        fields = ["plan", "q", "inspector", "leader"]


# What a person's label reads (visit_reads.person_name).
_PERSON_FIELDS = ("last_name", "first_name", "username")


def lists_response(request) -> HttpResponse:
    """The filter lists named in ``?lists=`` (VisitFilter.lists_loader), each the whole select as
    the page drew it before its lists were loaded apart (the same people and plans, read the same
    way, the values in the query string chosen), swapped out of band for the page's (htmx:
    ``hx-swap-oob="true"``, the element replaced; swapping the options alone into the select left
    Chromium showing the last option as chosen)."""
    filterset = CalendarFilter(request.GET, queryset=Visit.objects.none(), request=request)
    form = filterset.form
    asked = request.GET.get("lists", "").split(",")
    return HttpResponse(
        "".join(
            form[name].as_widget(attrs={"hx-swap-oob": "true"})
            for name in CalendarFilter.LISTS
            if name in asked
        )
    )
