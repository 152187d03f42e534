from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceFilter
from core.selects import FastSelect, listed_choices
from core.text import fold
from core.widgets import DateInput

from .models import TeamMember, TeamRole, Visit, VisitStatus
from .selectors import TEAM_ROLES, plans_visible_to, visible_visit_id_parts, visits_of_units_named
from .visit_reads import person_name


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
    """People who sit on a visible visit's team, holding a team role: for each holder of a team
    role (a few hundred nationally), one of their team rows among the visible visits
    (inspections.selectors.visible_visit_ids), found through the team's (user, visit) index and
    stopping at the first. Written as a scalar subquery (``seat IS NOT NULL``) testing the rule's
    parts one by one (visible_visit_id_parts), not as EXISTS of a seat among the UNION: PostgreSQL
    turned that into a join reading every team row of the visible visits (4 300 on the bench's
    large set: 1.9 ms of the visit list and the calendar; 1.0 ms this way). For an administrator
    (every visit) the EXISTS stays: there the join is cheaper than a probe per person.
    Read once per request: the inspector and the leader lists share it (VisitFilter.__init__),
    and validating a chosen person reads only that row."""
    User = get_user_model()
    parts = visible_visit_id_parts(request.user)
    seats = TeamMember.objects.filter(user=OuterRef("pk"))
    if parts is None:
        # Every visit (administrators): a semi-join of the team rows is the cheaper plan there.
        people = User.objects.filter(Exists(seats), groups__name__in=TEAM_ROLES).distinct()
    else:
        # Each part hashed once, each person's team rows tested against them until one passes;
        # the role holders as an id subquery (a join to the groups would need a DISTINCT).
        seats = seats.filter(reduce(or_, (Q(visit_id__in=part) for part in parts)))
        people = (
            User.objects.filter(pk__in=User.objects.filter(groups__name__in=TEAM_ROLES).values("pk"))
            .annotate(_seat=Subquery(seats.values("pk")[:1]))
            .filter(_seat__isnull=False)
        )
    return people.only("id", "first_name", "last_name", "username").order_by("last_name", "first_name")


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            css = "form-select" if name in {"plan", "inspector", "leader", "status"} else "form-control"
            # Added to the widget's own classes: the date fields' "date-dmy" keeps forms.js from
            # counting their characters ("Còn 10 ký tự" under a date).
            field.widget.attrs["class"] = " ".join(
                dict.fromkeys([css, *field.widget.attrs.get("class", "").split()])
            )
        # One plain query for the plans, one for the people of both people lists (core.selects).
        listed_choices(self.form.fields["plan"], values=("title", "year"), label=_plan_label)
        listed_choices(
            *(self.form.fields[name] for name in ("inspector", "leader") if name in self.form.fields),
            values=("last_name", "first_name", "username"),
            label=person_name,
        )
        self.form.fields["q"].widget.input_type = "search"
        self.form.fields["q"].widget.attrs["placeholder"] = _("e.g. binh tan")

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

    class Meta(VisitFilter.Meta):
        fields = ["plan", "q", "inspector", "leader"]


# Declared filters are inherited whatever Meta.fields says: taken out of the class itself, so
# that no request builds their form fields and widgets only to drop them.
for _name in ("status", "date_from", "date_to"):
    del CalendarFilter.base_filters[_name]
