from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from django.core.signals import request_started

        from .documents import warm

        # The embedded default builds documents in the web process: warm the libraries there at
        # its first request (documents/warm.py; a worker process warms up as it starts).
        request_started.connect(warm.on_request_started, dispatch_uid="reports.documents.warm")
