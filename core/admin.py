"""Administration of the plumbing: the outbox, read-only (its rows are written by services)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import OutboxItem

ADMINISTRATORS = "Administrator"


class SentFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("unsent", _("Not sent yet")), ("failing", _("Failing")), ("sent", _("Sent"))]

    def queryset(self, request, queryset):
        match self.value():
            case "unsent":
                return queryset.filter(sent_at__isnull=True)
            case "failing":
                return queryset.filter(Q(sent_at__isnull=True) & ~Q(last_error=""))
            case "sent":
                return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(OutboxItem)
class OutboxItemAdmin(admin.ModelAdmin):
    """What is waiting to be sent and why: the administrator looks; the sweep does the work."""

    list_display = ["key", "kind", "created_at", "sent_at", "attempts", "next_attempt_at", "last_error"]
    list_filter = [SentFilter, "kind"]
    search_fields = ["key", "name"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxItem._meta.fields]

    def has_view_permission(self, request, obj=None):
        # The administrators (the "Administrator" group of units.roles, named here because core
        # sits below units), besides those granted the permission.
        user = request.user
        return super().has_view_permission(request, obj) or (
            user.is_active and user.is_staff and user.groups.filter(name=ADMINISTRATORS).exists()
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
