from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Bookkeeping columns that say nothing to a reviewer reading the history.
AUDIT_EXCLUDE = ["version", "created_at", "updated_at", "notified_at"]


class FindingsConfig(AppConfig):
    name = "findings"
    verbose_name = _("Findings")

    def ready(self):
        from auditlog.registry import auditlog

        from units.closing import register_probe

        from .models import Conclusion, Finding, RemediationAction, RemediationUpdate
        from .services.merger import open_work

        # Closing a unit (its form, the admin) warns of the visits and actions it leaves behind.
        register_probe(open_work)

        # Every change to these rows is recorded with its author and old -> new values (history panels).
        for model in (Finding, Conclusion, RemediationAction, RemediationUpdate):
            auditlog.register(model, exclude_fields=AUDIT_EXCLUDE)
