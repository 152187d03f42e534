"""Administration: drafts of checklist templates are edited here; published versions are read-only.

Plans and visits are shown read-only: their writes go through services (conflict checks,
history, notifications), which the app's pages call.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from units.roles import is_admin

from . import services
from .models import (
    ChecklistTemplate,
    Criterion,
    Domain,
    InspectionPlan,
    PlanAmendment,
    PlanEvent,
    PublicHoliday,
    TeamMember,
    Visit,
    VisitEvent,
)


class AdministratorsOnly:
    """The Administrator role (not only superusers) sees these pages; the rules decide the rest."""

    def has_module_permission(self, request):
        return is_admin(request.user)


class FrozenWhenPublished:
    """Read-only once the template a row belongs to is published."""

    def template_of(self, obj):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        if obj is not None and (template := self.template_of(obj)) is not None and template.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (template := self.template_of(obj)) is not None and template.is_frozen:
            return False
        return super().has_delete_permission(request, obj)


class DomainInline(FrozenWhenPublished, admin.TabularInline):
    model = Domain
    fields = ["order", "code", "title", "max_score"]
    extra = 0
    show_change_link = True

    def template_of(self, obj):
        return obj

    def has_add_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_add_permission(request, obj)


class CriterionInline(FrozenWhenPublished, admin.StackedInline):
    model = Criterion
    fields = [
        ("order", "code", "max_score", "answer_kind"),
        "title",
        "guidance",
        ("applies_to", "evidence_required"),
        ("figures", "figure_rules"),
    ]
    extra = 0

    def template_of(self, obj):
        return obj.template

    def has_add_permission(self, request, obj=None):
        if obj is not None and obj.template.is_frozen:
            return False
        return super().has_add_permission(request, obj)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(AdministratorsOnly, FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["code", "version", "number", "title", "status", "published_at"]
    list_filter = ["status", "code"]
    search_fields = ["code", "title"]
    readonly_fields = ["number", "status", "published_at", "based_on", "created_by"]
    inlines = [DomainInline]
    actions = ["publish", "new_version"]

    def template_of(self, obj):
        return obj

    def has_add_permission(self, request, obj=None):
        # New versions come from an import or from “new version” (which copies the content).
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_frozen or obj.visits.exists() or obj.plans.exists()):
            return False
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def save_model(self, request, obj, form, change):
        services.template_ensure_editable(ChecklistTemplate.objects.get(pk=obj.pk))
        if form.changed_data:
            obj.save(update_fields=form.changed_data)

    @admin.action(description=_("Publish (freeze) the selected drafts"))
    def publish(self, request, queryset):
        for template in queryset:
            try:
                services.template_publish(template=template)
            except ValidationError as exc:
                self.message_user(request, f"{template}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("%(name)s is published.") % {"name": template}, messages.SUCCESS)

    @admin.action(description=_("Start a new draft version of the selected templates"))
    def new_version(self, request, queryset):
        for template in queryset:
            copy = services.template_new_version(template=template, created_by=request.user)
            self.message_user(request, _("%(name)s was created.") % {"name": copy}, messages.SUCCESS)


@admin.register(Domain)
class DomainAdmin(AdministratorsOnly, FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["code", "title", "template", "max_score"]
    list_filter = ["template"]
    list_select_related = ["template"]
    fields = ["template", "order", "code", "title", "max_score"]
    inlines = [CriterionInline]

    def template_of(self, obj):
        return obj.template

    def get_readonly_fields(self, request, obj=None):
        return ["template"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "template":
            kwargs["queryset"] = ChecklistTemplate.objects.filter(status="draft")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(AdministratorsOnly, admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicHoliday)
class PublicHolidayAdmin(AdministratorsOnly, admin.ModelAdmin):
    """The days bulk scheduling skips: Tết, national holidays and the days off the Government adds."""

    list_display = ["date", "name"]
    list_filter = [("date", admin.DateFieldListFilter)]
    search_fields = ["name"]
    date_hierarchy = "date"


class PlanEventInline(admin.TabularInline):
    model = PlanEvent
    extra = 0
    fields = ["created_at", "kind", "amendment", "actor", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


class AmendmentInline(admin.TabularInline):
    model = PlanAmendment
    extra = 0
    fields = ["number", "status", "reason", "period_start", "period_end", "decision_number", "decision_date"]
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "decision_number", "issuing_unit", "status"]
    list_filter = ["status", "year"]
    list_select_related = ["issuing_unit"]
    search_fields = ["title", "decision_number"]
    inlines = [AmendmentInline, PlanEventInline]


class TeamInline(admin.TabularInline):
    model = TeamMember
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = VisitEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "reason", "notified_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["unit", "plan", "starts_at", "status"]
    list_filter = ["status"]
    list_select_related = ["unit", "plan"]
    inlines = [TeamInline, EventInline]
