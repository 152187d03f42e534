"""Static files as production has them: the storage config/settings.py gives DJANGO_DEBUG=0, a
STATIC_ROOT collectstatic'd with it (once per module), and WhiteNoise serving it."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import HttpResponse
from django.test import override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

# The static storage that config/settings.py gives production (DJANGO_DEBUG=0).
PRODUCTION_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps(settings.STORAGES["staticfiles"]))
"""


@pytest.fixture(scope="module")
def production_storage():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    out = subprocess.run(  # noqa: S603  (this interpreter, a fixed script)
        [sys.executable, "-c", PRODUCTION_SETTINGS],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def collected(tmp_path_factory, production_storage):
    """STATIC_ROOT as ``collectstatic`` leaves it in production."""
    root = tmp_path_factory.mktemp("staticfiles")
    storages = {**settings.STORAGES, "staticfiles": production_storage}
    with override_settings(STORAGES=storages, STATIC_ROOT=root, DEBUG=False):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def production(collected, production_storage, settings):
    """WhiteNoise serving that STATIC_ROOT, as in production."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": production_storage}
    settings.STATIC_ROOT = collected
    settings.DEBUG = False
    return WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
