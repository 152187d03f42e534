from datetime import date, datetime, time, timedelta

import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceFilter
from core.text import fold
from core.widgets import DateInput

from .models import TeamMember, TeamRole, Visit, VisitStatus
from .selectors import TEAM_ROLES, plans_visible_to, visits_of_units_named, visits_visible_to


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _plans(request):
    return plans_visible_to(request.user).only("id", "title", "year").order_by("-year", "title")


def _inspectors(request):
    """People who sit on a visible visit's team (one query for the choice list)."""
    User = get_user_model()
    return (
        User.objects.filter(
            pk__in=TeamMember.objects.filter(visit__in=visits_visible_to(request.user).values("pk")).values(
                "user_id"
            ),
            groups__name__in=TEAM_ROLES,
        )
        .distinct()
        .only("id", "first_name", "last_name", "username")
        .order_by("last_name", "first_name")
    )


class VisitFilter(django_filters.FilterSet):
    plan = IdChoiceFilter(label=_("Plan"), queryset=_plans, empty_label=_("All plans"))
    q = django_filters.CharFilter(label=_("Unit"), method="filter_unit")
    inspector = IdChoiceFilter(
        label=_("Inspector"), queryset=_inspectors, method="filter_inspector", empty_label=_("Anyone")
    )
    leader = IdChoiceFilter(
        label=_("Team leader"), queryset=_inspectors, method="filter_leader", empty_label=_("Anyone")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=VisitStatus.choices, empty_label=_("All"))
    date_from = django_filters.DateFilter(label=_("From"), method="filter_from", widget=DateInput())
    date_to = django_filters.DateFilter(label=_("To"), method="filter_to", widget=DateInput())

    class Meta:
        model = Visit
        fields = ["plan", "q", "inspector", "leader", "status", "date_from", "date_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            css = "form-select" if name in {"plan", "inspector", "leader", "status"} else "form-control"
            field.widget.attrs["class"] = css
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("status", "date_from", "date_to"):
            self.filters.pop(name, None)
            self.form.fields.pop(name, None)
