import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Unit, UnitKind


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices, empty_label=_("All kinds"))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("current", _("In force")), ("former", _("Dissolved or merged")), ("all", _("All"))],
        empty_label=None,
        method="filter_status",
    )

    class Meta:
        model = Unit
        fields = ["q", "kind", "status"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "current")
        super().__init__(data, *args, **kwargs)

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_status(self, queryset, name, value):
        if value == "current":
            return queryset.current()
        if value == "former":
            return queryset.filter(valid_to__lte=timezone.localdate())
        return queryset
