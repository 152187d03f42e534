from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.forms import ModelMultipleChoiceField
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .models import IssuingBody, Unit, User
from .roles import ROLE_HELP, Role, role_label


class RoleChoiceField(ModelMultipleChoiceField):
    """The groups of a user, shown by their role's Vietnamese name."""

    def label_from_instance(self, obj):
        return role_label(obj.name)


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(role.value, role.label) for role in Role]

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


def _roles_help():
    return format_html_join(
        "", "<br><strong>{}</strong>: {}", ((role.label, ROLE_HELP[role]) for role in Role)
    )


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
    list_display = ["username", "last_name", "first_name", "unit", "position", "roles", "is_active"]
    list_filter = [RoleFilter, "is_active", "is_staff"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(role_label(g.name) for g in obj.groups.all())

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["form_class"] = RoleChoiceField
            kwargs["help_text"] = (
                format_html_join("", "{}", [(_("The roles of this user."),)]) + _roles_help()
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(BaseGroupAdmin):
    """Roles are groups: shown by their Vietnamese name with what the role does."""

    list_display = ["role_name", "role_help", "member_count"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(members=Count("user"))

    @admin.display(description=_("role"), ordering="name")
    def role_name(self, obj):
        return role_label(obj.name)

    @admin.display(description=_("what the role does"))
    def role_help(self, obj):
        return ROLE_HELP.get(obj.name, "")

    @admin.display(description=_("members"), ordering="members")
    def member_count(self, obj):
        return obj.members


@admin.register(IssuingBody)
class IssuingBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "parent_name", "symbol", "unit", "authority_line", "signer_title", "signer_name"]
    list_filter = ["kind", "is_default"]
    search_fields = ["name", "parent_name", "symbol", "signer_name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
