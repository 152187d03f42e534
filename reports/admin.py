from django.contrib import admin
from django.db.models import FileField
from django.utils.translation import gettext_lazy as _

from .models import IssuedDocument, Report


def _stored_names(model) -> list[str]:
    """The model's fields for a read-only admin page, its private files left out (no URL)."""
    return [f.name for f in model._meta.fields if f.name != "id" and not isinstance(f, FileField)]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "format", "state", "progress", "requested_by", "requested_at", "attempts"]
    list_filter = ["kind", "format", "state"]
    list_select_related = ["requested_by"]
    # The file is in private storage, which has no URL (the admin's file widget would ask for one):
    # the page names the stored object; the file itself is served by the access-checked download view.
    fields = readonly_fields = [*_stored_names(Report), "stored_file"]
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


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    """The register of issued documents: read-only (an issued document never changes)."""

    list_display = ["reference", "kind", "issuer_name", "date", "signer_name", "issued_at"]
    list_filter = ["kind", "year"]
    search_fields = ["symbol", "subject", "signer_name"]
    date_hierarchy = "date"
    # Its DOCX and PDF are private files, named here (the register's pages serve them).
    fields = readonly_fields = [*_stored_names(IssuedDocument), "stored_docx", "stored_pdf"]

    @admin.display(description="DOCX")
    def stored_docx(self, obj):
        return obj.docx.name or "—"

    @admin.display(description="PDF")
    def stored_pdf(self, obj):
        return obj.pdf.name or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
