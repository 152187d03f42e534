from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Nền tảng chung"

    def ready(self):
        from . import security_events, sessions

        security_events.connect()
        sessions.connect()

        from django.db.models import fields

        # Django 6.1's empty choice of every select ("- Select an option -") has no Vietnamese in
        # Django's own catalogue; ours says it (Django documents overriding it in ready()).
        fields.BLANK_CHOICE_LABEL = pgettext_lazy("empty choice of a select", "— Choose —")
