"""Administrators read findings, conclusions and remediation here; changes go through the pages,
which keep the workflow and the history (so the records are read-only in the admin)."""

from django.contrib import admin

from .models import (
    Conclusion,
    Escalation,
    Finding,
    FindingReview,
    RemediationAction,
    RemediationUpdate,
    ReminderLog,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FindingReviewInline(admin.TabularInline):
    model = FindingReview
    extra = 0
    fields = ["at", "actor", "decision", "comment"]
    readonly_fields = fields
    can_delete = False


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "visit", "kind", "severity", "review_state"]
    list_filter = ["kind", "review_state", "severity"]
    list_select_related = ["visit__unit"]
    search_fields = ["text", "recommendation"]
    inlines = [FindingReviewInline]


@admin.register(Conclusion)
class ConclusionAdmin(ReadOnlyAdmin):
    list_display = ["reference", "visit", "date", "signer_name", "due_date"]
    list_filter = ["year", "issuing_unit"]
    list_select_related = ["visit__unit"]


class RemediationUpdateInline(admin.TabularInline):
    model = RemediationUpdate
    fk_name = "action"
    extra = 0
    fields = ["at", "actor", "kind", "text", "requested_due_date", "decision"]
    readonly_fields = fields
    can_delete = False


@admin.register(RemediationAction)
class RemediationActionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "unit", "due_date", "state"]
    list_filter = ["state"]
    list_select_related = ["unit", "finding"]
    inlines = [RemediationUpdateInline]


# Reminder logs and escalations are written by the reminder service only (they are its memory of
# what went out): read-only here, like the records above.
@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ["sent_on", "kind", "recipient"]
    list_filter = ["kind"]
    search_fields = ["recipient"]
    fields = readonly_fields = ["kind", "recipient", "sent_on", "actions", "created_at"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["action", "due_date", "escalated_at"]
    fields = readonly_fields = ["action", "due_date", "escalated_at"]
