"""Role fixtures shared by every app's tests.

The world: a province (Đồng Tháp) with its Department of Home Affairs, a district and two
communes, and another province nobody here belongs to. Each role fixture is a logged-in-able
user placed where that role really sits.
"""

import os

import pytest

from units.models import UnitKind
from units.roles import Role
from units.tests.factories import UnitFactory, UserFactory

# live_server with sync Playwright runs the ORM from an event loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2 costs ~0.3 s a user; the hash strength is not what these tests check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    # Concluding a visit stores its issued notice: no test writes into the project's var/media.
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    settings.LANGUAGE_CODE = "vi"


@pytest.fixture
def province(db):
    return UnitFactory(name="UBND tỉnh Đồng Tháp", kind=UnitKind.PROVINCE)


@pytest.fixture
def department(province):
    return UnitFactory(
        name="Sở Nội vụ tỉnh Đồng Tháp", short_name="SNV", kind=UnitKind.DEPARTMENT, parent=province
    )


@pytest.fixture
def district(province):
    return UnitFactory(name="Huyện Thanh Bình", kind=UnitKind.DISTRICT, parent=province)


@pytest.fixture
def commune(district):
    return UnitFactory(name="Xã Bình Tấn", kind=UnitKind.COMMUNE, parent=district)


@pytest.fixture
def other_commune(district):
    return UnitFactory(name="Xã Tân Mỹ", kind=UnitKind.COMMUNE, parent=district)


@pytest.fixture
def other_province(db):
    return UnitFactory(name="UBND tỉnh Thái Nguyên", kind=UnitKind.PROVINCE)


@pytest.fixture
def foreign_commune(other_province):
    return UnitFactory(name="Xã Vô Tranh", kind=UnitKind.COMMUNE, parent=other_province)


@pytest.fixture
def scheduler(department):
    return UserFactory(username="scheduler", unit=department, roles=[Role.SCHEDULER])


@pytest.fixture
def inspector(department):
    return UserFactory(username="inspector", unit=department, roles=[Role.INSPECTOR])


@pytest.fixture
def leader(department):
    # The team leader is a per-visit role; this is the inspector who will lead.
    return UserFactory(username="leader", unit=department, roles=[Role.INSPECTOR])


@pytest.fixture
def head(department):
    return UserFactory(username="head", unit=department, roles=[Role.HEAD])


@pytest.fixture
def liaison(commune):
    return UserFactory(username="liaison", unit=commune, roles=[Role.LIAISON])


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", roles=[Role.ADMIN], is_staff=True)


@pytest.fixture
def outsider(other_province):
    """Staff of another province: sees nothing of ours."""
    other_dept = UnitFactory(
        name="Sở Nội vụ tỉnh Thái Nguyên", kind=UnitKind.DEPARTMENT, parent=other_province
    )
    return UserFactory(
        username="outsider", unit=other_dept, roles=[Role.SCHEDULER, Role.INSPECTOR, Role.HEAD]
    )


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's Chromium (never `playwright install`, which needs the network)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM}: `apt-get install chromium` (.ci/run does), "
            "or deselect them with `-m 'not browser'`.",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def _eager_celery(request, settings):
    """Tasks run in-process in tests even where REDIS_URL is set (CI on PostgreSQL and Redis).

    Settings turn eager mode off when REDIS_URL is set; a test that starts a real worker opts out
    with @pytest.mark.celery_worker.
    """
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _role_groups_after_flush(request):
    """Give transactional tests the role groups that the data migration made.

    Every transactional test ends by flushing all tables, so the ones after it start without the
    groups. serialized_rollback cannot restore them once a browser test ran: under Playwright's
    event loop Django hands out a new connection object, which lacks the serialized copy.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    ) or ({"transactional_db", "live_server"} & set(request.fixturenames))
    if not transactional:
        return
    from django.contrib.auth.models import Group

    request.getfixturevalue("transactional_db")
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture(scope="module", autouse=True)
def _role_groups_back(request, django_db_blocker):
    """After a module of transactional tests (every browser module), put the role groups back.

    The flush that ends its last test empties every table, the groups of the data migration
    included; the plain tests that follow run inside a transaction on those tables and expect them.
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return
    from django.contrib.auth.models import Group

    with django_db_blocker.unblock():
        for role in Role:
            Group.objects.get_or_create(name=role)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Every browser test runs in a Vietnamese official's browser: LocaleMiddleware follows
    Accept-Language, and headless Chromium would otherwise ask for English.

    A module adds its own context options with a marker, e.g.
    ``pytestmark = [..., pytest.mark.browser_context_args(viewport=PHONE)]`` (pytest-playwright).
    """
    return {**browser_context_args, "locale": "vi-VN"}
