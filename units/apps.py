from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Units")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Unit

        # Who changed a unit, old -> new (pages, admin, import: all save through Unit.save). The
        # derived columns are left out: the model rewrites them, for the subtree too.
        auditlog.register(Unit, exclude_fields=["path", "depth", "search_text"], m2m_fields={"predecessors"})
