"""Administration of the plumbing, read-only: the outbox and the security events (their rows are
written by services; nobody edits or deletes them here)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import OutboxItem, SecurityEvent


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

    def has_module_permission(self, request):
        # The administrator role is a rule (units/rules.py), not a Django model permission.
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("core.view_outboxitem")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: the administrator reads security events; nobody edits or deletes them here."""

    list_display = ("at", "kind", "actor_username", "subject_username", "ip_address")
    list_filter = ("kind", "at")
    search_fields = ("actor_username", "subject_username", "ip_address")
    date_hierarchy = "at"
    readonly_fields = ("at", "kind", "actor_id", "actor_username", "subject_username", "ip_address", "detail")

    def has_module_permission(self, request):
        # The administrator role is a rule (units/rules.py), not a Django model permission.
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("core.view_securityevent")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
