from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Unit, User


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
