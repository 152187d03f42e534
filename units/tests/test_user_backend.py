"""The auth backend reads the signed-in user with their home unit in one query
(units/backends.py): every page that scopes by the unit saves a query, and nothing else changes."""

from django.contrib.auth import BACKEND_SESSION_KEY, get_user
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from units.backends import UserBackend
from units.rules import scope_prefix
from units.tests.factories import UserFactory


def _request_of(client):
    request = RequestFactory().get("/")
    request.session = client.session
    return request


def test_the_signed_in_user_comes_with_the_home_unit(client, scheduler, department):
    client.force_login(scheduler)
    request = _request_of(client)
    assert request.session[BACKEND_SESSION_KEY] == "units.backends.UserBackend"
    with CaptureQueriesContext(connection) as queries:
        user = get_user(request)
        assert user.pk == scheduler.pk
        assert user.unit == department
        assert scope_prefix(user) is not None
    user_queries = [q["sql"] for q in queries if "units_user" in q["sql"] and "auth_group" not in q["sql"]]
    assert len(user_queries) == 1 and "units_unit" in user_queries[0]
    # The user's unit and the groups: the unit was read with the user.
    assert not any(q["sql"].lstrip().startswith('SELECT "units_unit"') for q in queries)


def test_a_user_without_a_home_unit_is_still_signed_in(client, administrator):
    client.force_login(administrator)
    user = get_user(_request_of(client))
    assert user.pk == administrator.pk and user.unit is None


def test_an_inactive_or_deleted_user_is_signed_out(client, scheduler):
    client.force_login(scheduler)
    request = _request_of(client)
    scheduler.is_active = False
    scheduler.save(update_fields=["is_active"])
    assert not get_user(request).is_authenticated
    assert UserBackend().get_user(scheduler.pk) is None
    assert UserBackend().get_user(10**9) is None


def test_signing_in_through_the_login_page_uses_the_backend(client, db, department):
    user = UserFactory(username="dangnhap", unit=department)
    user.set_password("Kiemtra2026x")
    user.save()
    response = client.post(reverse("login"), {"username": "dangnhap", "password": "Kiemtra2026x"})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "units.backends.UserBackend"
    # A wrong password is refused as before.
    client.logout()
    response = client.post(reverse("login"), {"username": "dangnhap", "password": "sai-mat-khau-1"})
    assert response.status_code == 200 and BACKEND_SESSION_KEY not in client.session


def test_a_session_of_the_backend_before_leads_to_the_login_page(client, scheduler):
    # Sessions made before the upgrade name Django's ModelBackend: signed out once, no error.
    client.force_login(scheduler)
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
