from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Nền tảng chung"

    def ready(self):
        from . import security_events, sessions

        security_events.connect()
        sessions.connect()
