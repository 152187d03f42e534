"""A PostgreSQL restart (or a dropped connection) costs no error page: the web process checks a
kept connection before reusing it (CONN_HEALTH_CHECKS with CONN_MAX_AGE).

The pages are served as gunicorn's sync workers serve them, by one long-lived thread that keeps
its connection between requests (Django's live_server opens a thread, hence a connection, per
request, and the test client turns the connection handling off).
"""

import threading
import urllib.error
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def one_worker():
    """A single-threaded WSGI server on loopback, like one gunicorn sync worker."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the behaviour is PostgreSQL's dropped connection")
    server: WSGIServer = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=_Quiet)

    def serve():
        try:
            server.serve_forever(poll_interval=0.1)
        finally:
            connections.close_all()  # the serving thread's kept connection

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def _get(url: str, session: str) -> int:
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310  loopback http only
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310  loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _drop_the_servers_connections():
    """What a PostgreSQL restart does to every kept connection (all but this test's own)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _session(client, user) -> str:
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_after_the_database_drops_the_connection_the_next_request_is_fine(one_worker, client, head):
    # Finding 5: CONN_MAX_AGE without CONN_HEALTH_CHECKS cost one 500 per web process.
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    session = _session(client, head)
    assert _get(one_worker + "/", session) == 200
    assert _drop_the_servers_connections() >= 1
    assert _get(one_worker + "/", session) == 200
    assert _get(one_worker + "/", session) == 200


def test_without_the_health_check_the_same_drop_is_an_error_page(one_worker, client, head):
    """The same steps with the check off: the failure the setting prevents (so the test above
    would catch its removal)."""
    db = connections["default"].settings_dict
    previous = db["CONN_HEALTH_CHECKS"]
    db["CONN_HEALTH_CHECKS"] = False
    try:
        session = _session(client, head)
        assert _get(one_worker + "/", session) == 200
        _drop_the_servers_connections()
        assert _get(one_worker + "/", session) == 500
        assert _get(one_worker + "/", session) == 200  # Django drops the broken connection after
    finally:
        db["CONN_HEALTH_CHECKS"] = previous
