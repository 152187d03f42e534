from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "format", "state", "progress", "requested_by", "requested_at", "attempts"]
    list_filter = ["kind", "format", "state"]
    list_select_related = ["requested_by"]
    # The file is in private storage, which has no URL (the admin's file widget would ask for one):
    # the page names the stored object; the file itself is served by the access-checked download view.
    fields = readonly_fields = [f.name for f in Report._meta.fields if f.name not in ("id", "file")] + [
        "stored_file"
    ]
    date_hierarchy = "requested_at"

    @admin.display(description=_("file"))
    def stored_file(self, obj):
        return obj.file.name or "—"

    def has_add_permission(self, request):
        # Reports are requested from their pages, which queue the worker; never typed in here.
        return False

    def has_change_permission(self, request, obj=None):
        # The worker writes every field under its lease; an edit here would break the lifecycle.
        return False
