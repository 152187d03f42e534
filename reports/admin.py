from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "format", "state", "progress", "requested_by", "requested_at", "attempts"]
    list_filter = ["kind", "format", "state"]
    list_select_related = ["requested_by"]
    readonly_fields = [f.name for f in Report._meta.fields]
    date_hierarchy = "requested_at"

    def has_add_permission(self, request):
        # Reports are requested from their pages, which queue the worker; never typed in here.
        return False
