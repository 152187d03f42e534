from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import IssuingBody, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "code", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["search_text", "name", "code"]
    autocomplete_fields = ["parent", "predecessors"]
    list_select_related = ["parent"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Work"), {"fields": ("unit", "position", "phone")}),)
    list_display = ["username", "last_name", "first_name", "unit", "position", "is_active"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]


@admin.register(IssuingBody)
class IssuingBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "parent_name", "symbol", "unit", "authority_line", "signer_title", "signer_name"]
    list_filter = ["kind", "is_default"]
    search_fields = ["name", "parent_name", "symbol", "signer_name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
