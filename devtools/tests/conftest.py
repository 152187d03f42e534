"""The demo loaded once per test module, not once per test (load_demo takes ~10 s).

`demo_loaded` (module scope) loads it inside a transaction that is rolled back when the module's
tests are done; each test runs in its own savepoint inside it (pytest-django's `db`), so what a
test changes is undone before the next one, as with a fresh load. Tests that need committed data
(transactional tests, other connections) cannot use it.
"""

import io
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

DEMO_DAY = date(2026, 11, 23)  # a Monday


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo as loaded on DEMO_DAY; yields its media folder (issued documents, evidence)."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(DEBUG=True, MEDIA_ROOT=media):
        with transaction.atomic():
            with time_machine.travel(DEMO_DAY, tick=False):
                call_command("load_demo", stdout=io.StringIO())
            yield media
            transaction.set_rollback(True)


@pytest.fixture
def demo_day(demo_loaded, db, settings):
    """A test on DEMO_DAY against the module's demo data (DEBUG on, its media folder)."""
    settings.DEBUG = True
    settings.MEDIA_ROOT = demo_loaded
    with time_machine.travel(DEMO_DAY, tick=False):
        yield
