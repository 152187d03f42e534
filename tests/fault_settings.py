"""Settings of the worker process that the fault tests start (tests/faults.py): the project's own,
with e-mail written to files the test counts, and (FAULT_BUILD_DELAY) document builders that
take their time, so that a test can kill the worker while it builds."""

import os
import time

from celery.signals import task_prerun

from config.settings import *  # noqa: F403

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": os.environ["FAULT_MAIL_DIR"]},
    }
}

BUILD_DELAY = float(os.environ.get("FAULT_BUILD_DELAY", "0"))
_slowed = False


@task_prerun.connect(weak=False)
def _slow_builders(**kwargs):
    """In the process that runs the task (the solo worker, or a pool child), once."""
    global _slowed
    if _slowed or not BUILD_DELAY:
        return
    _slowed = True
    import dataclasses

    from reports.services import generation

    for key, recipe in list(generation.RECIPES.items()):

        def slow(data, _build=recipe.build, **options):
            time.sleep(BUILD_DELAY)
            return _build(data, **options)

        generation.RECIPES[key] = dataclasses.replace(recipe, build=slow)
