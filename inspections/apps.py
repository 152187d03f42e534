from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Answer, InspectionPlan, Visit

        # Who changed what, old -> new, for the history panels (see findings.selectors.history).
        # Only writes that go through save() are recorded; bare UPDATEs send no signal.
        auditlog.register(Visit, exclude_fields=["version", "created_at"])
        auditlog.register(InspectionPlan, exclude_fields=["created_at"], m2m_fields={"units"})
        auditlog.register(Answer, exclude_fields=["version", "client_token", "updated_at", "self_updated_at"])
