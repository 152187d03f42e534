from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReformIndexConfig(AppConfig):
    name = "inspections.reform_index"
    label = "reform_index"
    verbose_name = _("Reform index")
    default_auto_field = "django.db.models.BigAutoField"
