from django.contrib import admin

from .models import IssuedDocument, Report


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


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """The register of issued documents: read-only (an issued document never changes)."""

    list_display = ["reference", "kind", "issuer_name", "date", "signer_name", "issued_at"]
    list_filter = ["kind", "year"]
    search_fields = ["symbol", "subject", "signer_name"]
    date_hierarchy = "date"
    readonly_fields = [f.name for f in IssuedDocument._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
