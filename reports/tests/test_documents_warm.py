"""No cold first document: the document libraries are warmed where documents are built, in every
mode (reports/documents/warm.py). These check that the hook runs, not how long it takes (the
timing is in docs/PERFORMANCE.md)."""

import io
from unittest import mock

import pytest
from celery.signals import worker_process_init
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_started
from django.test.client import ClientHandler

import reports.tasks  # noqa: F401 - connects the worker's handler, as the worker's autodiscovery does
from reports import services
from reports.documents import warm

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_process(monkeypatch):
    """A web process that has served nothing yet, outside Django's test environment, with the
    warm-up itself replaced by a mock (the hook is what is tested)."""
    monkeypatch.setattr(warm, "_thread", None)
    monkeypatch.setattr(warm, "_in_tests", lambda: False)
    with mock.patch.object(warm, "warm_up") as warm_up:
        yield warm_up


def _wsgi_request(path="/accounts/login/"):
    """A request as a WSGI server (runserver, gunicorn) hands it to Django."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8005",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
    }
    statuses = []
    b"".join(WSGIHandler()(environ, lambda status, headers, *args: statuses.append(status)))
    return statuses[0]


def test_embedded_default_warms_the_web_process_in_a_thread_at_its_first_request(settings, fresh_process):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no broker: report tasks run in the web process
    assert _wsgi_request().startswith("200")
    thread = warm._thread
    assert thread is not None and thread.name == warm.THREAD_NAME and thread.daemon
    thread.join(timeout=10)
    fresh_process.assert_called_once_with()
    _wsgi_request()
    assert warm._thread is thread
    fresh_process.assert_called_once_with()  # once per process


def test_with_a_broker_the_web_process_is_not_warmed(settings, fresh_process):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # Redis or `make run`'s files: a worker builds them
    _wsgi_request()
    assert warm._thread is None
    fresh_process.assert_not_called()


def test_the_test_client_and_management_commands_do_not_warm_up(settings, client, fresh_process):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.get("/accounts/login/")  # the test client's handler is not a WSGI server's
    request_started.send(sender=ClientHandler, environ={})
    call_command("check", verbosity=0)
    assert warm._thread is None
    fresh_process.assert_not_called()


def test_django_test_environment_guards_a_live_server(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setattr(warm, "_thread", None)
    with mock.patch.object(warm, "warm_up") as warm_up:
        assert warm.on_request_started(sender=WSGIHandler) is None  # the test environment is on
    warm_up.assert_not_called()


def test_a_worker_process_warms_up_as_it_starts_on_redis_or_on_files(fresh_process):
    # `make run`'s worker on files and a worker on Redis are both Celery worker processes.
    worker_process_init.send(sender=None)
    fresh_process.assert_called_once_with()


def test_the_worker_hook_goes_through_the_service(monkeypatch):
    with mock.patch.object(services, "documents_warm_up") as warm_up:
        worker_process_init.send(sender=None)
    warm_up.assert_called_once_with()


def test_a_failed_warm_up_is_logged_not_raised(caplog, monkeypatch):
    monkeypatch.setattr(warm, "warm_up", mock.Mock(side_effect=OSError("no fonts")))
    warm._warm_up_quietly()
    assert "Warming up the document libraries failed" in caplog.text


def test_the_warm_up_builds_a_notice_in_both_formats():
    with (
        mock.patch("reports.documents.conclusion.conclusion_docx") as docx,
        mock.patch("reports.documents.conclusion.conclusion_pdf") as pdf,
    ):
        warm.warm_up()
    docx.assert_called_once()
    pdf.assert_called_once()
