from django.contrib import admin

from .models import SecurityEvent


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
