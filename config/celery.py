"""The Celery app. Settings come from Django's CELERY_* settings (see config/settings.py)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_task_folders(sender, **kwargs) -> None:
    # kombu's filesystem transport expects its folders to exist (DJANGO_TASKS=files).
    if not str(sender.conf.broker_url or "").startswith("filesystem://"):
        return
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if folder := (sender.conf.broker_transport_options or {}).get(key):
            Path(folder).mkdir(parents=True, exist_ok=True)
