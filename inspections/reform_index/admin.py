"""The reform index in the admin: read-only. Rounds are opened on their page (which writes the
scorecards and the e-mails), scores change through the services (state and version checks)."""

from django.contrib import admin
from django.db.models import FileField

from .models import IndexRound, Scorecard


def _shown(model) -> list[str]:
    return [f.name for f in model._meta.fields if f.name != "id" and not isinstance(f, FileField)]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndexRound)
class IndexRoundAdmin(_ReadOnly):
    list_display = ["year", "province", "status", "self_deadline", "response_deadline", "issued_document"]
    list_filter = ["status", "year"]
    list_select_related = ["province", "issued_document"]
    fields = readonly_fields = _shown(IndexRound)


@admin.register(Scorecard)
class ScorecardAdmin(_ReadOnly):
    list_display = ["unit", "round", "status", "submitted_at", "approved_at"]
    list_filter = ["status", "round__year"]
    list_select_related = ["unit", "round__province"]
    fields = readonly_fields = _shown(Scorecard)
